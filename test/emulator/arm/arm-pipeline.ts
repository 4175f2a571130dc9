import { dotnetInvariant } from '../core/ids';
import { cloudError } from '../core/json';
import type { HttpMethod, HttpResponse, RequestContext, RouteDefinition, ServiceErrorStyle } from '../core/http-types';
import type { ArmRouteId } from '../core/route-ids';
import type { IssuedToken, TokenStore } from '../entra/token-store';
import type { LimitsSwitch } from '../core/limits';
import { armHeaders, operationKind, operationName, type ArmOperationKind, type RateLimitBuckets } from './arm-headers';
import type { ArmTopology, SubscriptionInfo, WorkspaceInfo } from './topology';

/** Audiences ARM accepts, as named in its InvalidAuthenticationTokenAudience message. */
const ARM_AUDIENCES = ['https://management.core.windows.net', 'https://management.azure.com'];

export interface ArmRequest {
	ctx: RequestContext;
	token: IssuedToken;
	apiVersion: string;
	subscription?: SubscriptionInfo;
	workspace?: WorkspaceInfo;
	/** Adds the standard ARM headers to a response built by the handler. */
	respond(response: HttpResponse): HttpResponse;
}

/** ARM's access check (arm/rbac/): undefined = allowed, else the 403 to answer. */
export type ArmAuthorizer = (ctx: RequestContext, token: IssuedToken) => HttpResponse | undefined;

export type ArmHandler = (request: ArmRequest) => HttpResponse | Promise<HttpResponse>;

export interface ArmRouteSpec {
	id: ArmRouteId;
	method: HttpMethod;
	pattern: string;
	apiVersions: readonly string[];
	/** Which path parameters must resolve to existing ARM resources before the handler runs. */
	scope: 'tenant' | 'subscription' | 'workspace' | 'sentinel';
	handler: ArmHandler;
}

/** Runs the ARM front-door checks in ARM's order: authentication, api-version, subscription, resource group, resource. */
export class ArmPipeline {
	constructor(
		private readonly tokens: TokenStore,
		private readonly topology: ArmTopology,
		private readonly buckets: RateLimitBuckets,
		private readonly tenantId: string,
		private readonly limits: LimitsSwitch,
	) {}

	/** Set by the ARM module: role-based access control, checked after authentication, throttling and api-version. */
	authorizer?: ArmAuthorizer;

	readonly errorStyle: ServiceErrorStyle = {
		faultResponse: (ctx, fault) => this.faultResponse(ctx, fault.status, fault.retryAfterSeconds),
		expiredTokenResponse: (ctx) => {
			const now = new Date();
			return this.unauthorized(
				ctx,
				'ExpiredAuthenticationToken',
				`The access token expiry UTC time '${dotnetInvariant(new Date(now.getTime() - 60_000))}' is earlier than current UTC time '${dotnetInvariant(now)}'.`,
				'The access token has expired.',
			);
		},
	};

	route(spec: ArmRouteSpec): RouteDefinition {
		return {
			id: spec.id,
			method: spec.method,
			pattern: spec.pattern,
			errorStyle: this.errorStyle,
			handler: (ctx) => this.run(spec, ctx),
		};
	}

	/**
	 * Headers for an answer outside a route (unmatched paths, wrong methods): the caller's bucket is charged but never
	 * refuses (these answers are errors anyway); without a valid token the headers only report.
	 */
	headersFor(ctx: RequestContext): Record<string, string | number> {
		const kind = operationKind(ctx.method);
		const actor = this.actorOf(ctx, true);
		const subscription = this.subscriptionOf(ctx);
		const remaining = actor === 'unknown' ? this.buckets.peek(subscription, actor, kind) : this.buckets.take(subscription, actor, kind, false).remaining;
		return armHeaders(ctx, remaining);
	}

	private async run(spec: ArmRouteSpec, ctx: RequestContext): Promise<HttpResponse> {
		const auth = this.authenticate(ctx);
		if ('status' in auth) return auth;

		// Throttling comes right after authentication: a request that passes it spends one token of its
		// subscription's, principal's and operation type's bucket; with limits enforced an empty bucket answers 429.
		const kind = operationKind(ctx.method);
		const subscription = this.subscriptionOf(ctx);
		const decision = this.buckets.take(subscription, auth.objectId, kind, this.limits.enforced);
		if (!decision.allowed) return this.throttled(ctx, subscription, auth.objectId, kind, decision.retryAfterSeconds);
		const withHeaders = (response: HttpResponse): HttpResponse => ({
			...response,
			headers: { ...armHeaders(ctx, decision.remaining), ...(response.headers ?? {}) },
		});

		const apiVersion = ctx.query['api-version'];
		if (!apiVersion) {
			return withHeaders(cloudError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.'));
		}
		if (!spec.apiVersions.includes(apiVersion)) {
			return withHeaders(
				cloudError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are '${spec.apiVersions.join(',')}'.`),
			);
		}

		const denied = this.authorizer?.(ctx, auth);
		if (denied) return withHeaders(denied);

		const request: ArmRequest = { ctx, token: auth, apiVersion, respond: withHeaders };
		if (spec.scope !== 'tenant') {
			const subscription = this.topology.findSubscription(ctx.params.subscriptionId);
			if (!subscription) {
				return withHeaders(cloudError(404, 'SubscriptionNotFound', `The subscription '${ctx.params.subscriptionId}' could not be found.`, { 'x-ms-failure-cause': 'gateway' }));
			}
			request.subscription = subscription;
			if (spec.scope === 'workspace' || spec.scope === 'sentinel') {
				const rg = ctx.params.resourceGroupName;
				if (!this.topology.hasResourceGroup(subscription, rg)) {
					return withHeaders(cloudError(404, 'ResourceGroupNotFound', `Resource group '${rg}' could not be found.`, { 'x-ms-failure-cause': 'gateway' }));
				}
				const workspace = this.topology.findWorkspace(subscription.subscriptionId, rg, ctx.params.workspaceName);
				if (!workspace || (spec.scope === 'sentinel' && !workspace.sentinelEnabled)) {
					return withHeaders(
						cloudError(
							404,
							'ResourceNotFound',
							`The Resource 'Microsoft.OperationalInsights/workspaces/${ctx.params.workspaceName}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
							{ 'x-ms-failure-cause': 'gateway' },
						),
					);
				}
				request.workspace = workspace;
			}
		}
		return withHeaders(await spec.handler(request));
	}

	private authenticate(ctx: RequestContext): IssuedToken | HttpResponse {
		const header = ctx.headers.authorization;
		if (!header) {
			return this.unauthorized(ctx, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", "The authentication failed because of missing 'Authorization' header.");
		}
		const match = /^Bearer\s+(\S+)$/i.exec(header);
		if (!match) {
			return this.unauthorized(ctx, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is provided in an invalid format.", "The 'Authorization' header is provided in an invalid format.");
		}
		const check = this.tokens.check(match[1]);
		if (!check.ok && check.reason === 'unknown') {
			return this.unauthorized(ctx, 'InvalidAuthenticationToken', 'The access token is invalid.', 'The access token is invalid.');
		}
		if (!check.ok) {
			return this.unauthorized(
				ctx,
				'ExpiredAuthenticationToken',
				`The access token expiry UTC time '${dotnetInvariant(check.token.expiresAt)}' is earlier than current UTC time '${dotnetInvariant(new Date())}'.`,
				'The access token has expired.',
			);
		}
		if (!ARM_AUDIENCES.includes(check.token.audience)) {
			return this.unauthorized(
				ctx,
				'InvalidAuthenticationTokenAudience',
				`The access token has been obtained for wrong audience or resource '${check.token.audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`,
				'The access token has been obtained for wrong audience or resource.',
			);
		}
		return check.token;
	}

	private unauthorized(ctx: RequestContext, code: string, message: string, description: string): HttpResponse {
		return cloudError(401, code, message, {
			...armHeaders(ctx, undefined),
			'www-authenticate': `Bearer authorization_uri="${ctx.origin}/${this.tenantId}", error="invalid_token", error_description="${description}"`,
			'x-ms-failure-cause': 'gateway',
		});
	}

	private faultResponse(ctx: RequestContext, status: number, retryAfterSeconds: number | undefined): HttpResponse {
		if (status === 429) {
			// The fault injector always gives a 429 its Retry-After (default 1).
			return this.throttled(ctx, this.subscriptionOf(ctx), this.actorOf(ctx), operationKind(ctx.method), retryAfterSeconds ?? 1);
		}
		const retry: Record<string, number> = retryAfterSeconds !== undefined ? { 'retry-after': retryAfterSeconds } : {};
		const [code, message] = FAULT_MESSAGES[status] ?? ['InternalServerError', 'Encountered internal server error.'];
		return cloudError(status, code, message, { ...armHeaders(ctx, undefined), ...retry });
	}

	/**
	 * ARM's answer when a token bucket is empty (or a fault says so): 429 `SubscriptionRequestsThrottled` naming the
	 * operation type, subscription and actor (the caller's object id), `Retry-After` in seconds and the bucket's
	 * remaining-header at 0. Wording as ARM sends it since the token-bucket throttling (README, "Rate limits").
	 */
	private throttled(ctx: RequestContext, subscription: string, actor: string, kind: ArmOperationKind, retryAfterSeconds: number): HttpResponse {
		return cloudError(
			429,
			'SubscriptionRequestsThrottled',
			`Number of '${operationName(kind)}' requests for subscription '${subscription}' actor '${actor}' exceeded. Please try again after '${retryAfterSeconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
			{ ...armHeaders(ctx, 0), 'retry-after': retryAfterSeconds, 'x-ms-failure-cause': 'gateway' },
		);
	}

	private subscriptionOf(ctx: RequestContext): string {
		return /\/subscriptions\/([^/?]+)/i.exec(ctx.rawPath)?.[1] ?? this.topology.subscriptions[0].subscriptionId;
	}

	/** The caller's object id from its bearer token (also an expired one: a fault answers before authentication). */
	private actorOf(ctx: RequestContext, validOnly = false): string {
		const token = /^Bearer\s+(\S+)$/i.exec(ctx.headers.authorization ?? '')?.[1];
		const check = token ? this.tokens.check(token) : undefined;
		if (!check || (validOnly && !check.ok)) return 'unknown';
		return 'token' in check ? check.token.objectId : 'unknown';
	}
}

const FAULT_MESSAGES: Record<number, [string, string]> = {
	500: ['InternalServerError', 'Encountered internal server error. Please try again later.'],
	502: ['BadGateway', 'The gateway did not receive a response from the resource provider within the specified time period.'],
	503: ['ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.'],
	504: ['GatewayTimeout', 'The gateway did not receive a response from \'Microsoft.SecurityInsights\' within the specified time period.'],
};
