import { cloudError } from '../core/json';
import type { HttpResponse, RequestContext, RouteDefinition } from '../core/http-types';
import type { RouteMatch } from '../core/router';
import type { ServiceModule } from '../core/service-module';
import type { LimitsSwitch } from '../core/limits';
import type { TokenStore } from '../entra/token-store';
import { RateLimitBuckets } from './arm-headers';
import { ArmPipeline } from './arm-pipeline';
import { rbacAuthorizer, rbacRoutes, type PrincipalLookup } from './rbac/rbac-routes';
import { RbacStore } from './rbac/rbac-store';
import { resourceRoutes } from './resource-routes';
import { commentRoutes } from './sentinel/comment-routes';
import { incidentRoutes } from './sentinel/incident-routes';
import type { SentinelService } from './sentinel/sentinel-service';
import type { ArmTopology } from './topology';

/** Azure Resource Manager: subscriptions, Log Analytics workspaces and the Sentinel incident surface. */
export class ArmModule implements ServiceModule {
	readonly name = 'arm';
	readonly pipeline: ArmPipeline;
	/** The token buckets per subscription, principal and operation type (see arm-headers.ts). */
	readonly buckets: RateLimitBuckets;
	/** Role definitions and assignments (rbac/): ARM checks each call of a principal that has assignments against them. */
	readonly rbac = new RbacStore();
	/** Which object ids a role assignment may name; the emulator points it at the Graph directory. */
	principalExists: PrincipalLookup = () => false;

	constructor(
		tokens: TokenStore,
		private readonly topology: ArmTopology,
		private readonly sentinel: SentinelService,
		private readonly tenantId: string,
		limits: LimitsSwitch,
	) {
		this.buckets = new RateLimitBuckets(limits.now);
		this.pipeline = new ArmPipeline(tokens, topology, this.buckets, tenantId, limits);
		this.pipeline.authorizer = rbacAuthorizer(this.rbac);
	}

	routes(): RouteDefinition[] {
		return [
			...resourceRoutes(this.pipeline, this.topology),
			...incidentRoutes(this.pipeline, this.sentinel),
			...commentRoutes(this.pipeline, this.sentinel),
			...rbacRoutes(this.pipeline, this.rbac, (id) => this.principalExists(id), this.tenantId),
		];
	}

	/** ARM's answer for paths no service knows. */
	unmatched(ctx: RequestContext, match: RouteMatch<RouteDefinition>): HttpResponse {
		const headers = this.pipeline.headersFor(ctx);
		if (match.kind === 'method-not-allowed') {
			return cloudError(405, 'HttpMethodNotAllowed', `The requested resource does not support http method '${ctx.method}'.`, {
				...headers,
				allow: match.allowed.join(', '),
			});
		}
		const provider = /\/providers\/([^/]+)\/(?:[^/]+\/[^/]+\/providers\/[^/]+\/)?([^/?]+)/i.exec(ctx.rawPath);
		const namespace = /\/providers\/(Microsoft\.SecurityInsights)\/([^/?]+)/i.exec(ctx.rawPath) ?? provider;
		if (namespace) {
			return cloudError(
				404,
				'InvalidResourceType',
				`The resource type '${namespace[2]}' could not be found in the namespace '${namespace[1]}' for api version '${ctx.query['api-version'] ?? ''}'.`,
				headers,
			);
		}
		return cloudError(404, 'NotFound', `No HTTP resource was found that matches the request URI '${ctx.origin}${ctx.rawPath}'.`, headers);
	}
}
