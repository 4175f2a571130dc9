import { newGuid } from '../core/ids';
import { json } from '../core/json';
import type { HttpResponse, RequestContext, RouteDefinition, ServiceErrorStyle } from '../core/http-types';
import type { ServiceModule } from '../core/service-module';
import { JWT_BEARER_ASSERTION_TYPE, verifyClientAssertion } from './client-assertion';
import { normaliseResource, type Directory } from './directory';
import { aadError, ENTRA_HEADERS } from './oauth-errors';
import type { TokenStore } from './token-store';

/** Scopes MSAL may add that say nothing about the resource. */
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

export class EntraModule implements ServiceModule {
	readonly name = 'entra';

	constructor(
		private readonly directory: Directory,
		private readonly tokens: TokenStore,
	) {}

	private readonly errorStyle: ServiceErrorStyle = {
		faultResponse: (ctx, fault) => {
			const retry: Record<string, number> = fault.retryAfterSeconds !== undefined ? { 'retry-after': fault.retryAfterSeconds } : {};
			if (fault.status === 429) {
				return aadError(429, 'temporarily_unavailable', 50196, 'The server is temporarily throttling requests.', {
					origin: ctx.origin,
					headers: retry,
				});
			}
			return aadError(fault.status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.', {
				origin: ctx.origin,
				headers: retry,
			});
		},
		// There is no bearer token on these routes; the closest Entra failure is an expired client assertion.
		expiredTokenResponse: (ctx) =>
			aadError(401, 'invalid_client', 700024, 'Client assertion is not within its valid time range.', { origin: ctx.origin }),
	};

	routes(): RouteDefinition[] {
		const style = this.errorStyle;
		return [
			{ id: 'openid-configuration', method: 'GET', pattern: '/{tenant}/v2.0/.well-known/openid-configuration', handler: (ctx) => this.openidConfiguration(ctx), errorStyle: style },
			{ id: 'instance-discovery', method: 'GET', pattern: '/common/discovery/instance', handler: (ctx) => this.instanceDiscovery(ctx), errorStyle: style },
			{ id: 'jwks', method: 'GET', pattern: '/{tenant}/discovery/v2.0/keys', handler: () => json(200, { keys: [] }, ENTRA_HEADERS), errorStyle: style },
			{ id: 'token', method: 'POST', pattern: '/{tenant}/oauth2/v2.0/token', handler: (ctx) => this.token(ctx), errorStyle: style },
		];
	}

	private openidConfiguration(ctx: RequestContext): HttpResponse {
		const tenant = ctx.params.tenant;
		if (!this.directory.isOwnTenant(tenant)) {
			// Newer Entra answers discovery for an unknown tenant with `invalid_tenant` (observed 2023–2025).
			return aadError(400, 'invalid_tenant', 90002, tenantNotFound(tenant), { origin: ctx.origin });
		}
		const base = `${ctx.origin}/${tenant}`;
		const issuerBase = `${ctx.origin}/${this.directory.tenantId}`;
		return json(
			200,
			{
				token_endpoint: `${base}/oauth2/v2.0/token`,
				token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
				jwks_uri: `${base}/discovery/v2.0/keys`,
				response_modes_supported: ['query', 'fragment', 'form_post'],
				subject_types_supported: ['pairwise'],
				id_token_signing_alg_values_supported: ['RS256'],
				response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
				scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
				issuer: `${issuerBase}/v2.0`,
				request_uri_parameter_supported: false,
				userinfo_endpoint: `${ctx.origin}/oidc/userinfo`,
				authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
				device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
				http_logout_supported: true,
				frontchannel_logout_supported: true,
				end_session_endpoint: `${base}/oauth2/v2.0/logout`,
				claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
				kerberos_endpoint: `${base}/kerberos`,
				tenant_region_scope: 'EU',
				cloud_instance_name: 'microsoftonline.com',
				cloud_graph_host_name: 'graph.windows.net',
				msgraph_host: 'graph.microsoft.com',
				rbac_url: 'https://pas.windows.net',
			},
			{ ...ENTRA_HEADERS, 'cache-control': 'max-age=86400, private', 'x-ms-request-id': newGuid() },
		);
	}

	private instanceDiscovery(ctx: RequestContext): HttpResponse {
		const host = new URL(ctx.origin).host;
		return json(
			200,
			{
				tenant_discovery_endpoint: `${ctx.origin}/${this.directory.tenantId}/v2.0/.well-known/openid-configuration`,
				'api-version': '1.1',
				metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
			},
			{ ...ENTRA_HEADERS, 'x-ms-request-id': newGuid() },
		);
	}

	private token(ctx: RequestContext): HttpResponse {
		const params = new URLSearchParams(ctx.rawBody.toString('utf8'));
		const form = Object.fromEntries(params);
		ctx.loggedBody = redactForm(params);
		const correlationId = ctx.query['client-request-id'] ?? headerValue(ctx, 'client-request-id');
		const fail = (status: number, error: string, code: number, description: string) =>
			aadError(status, error, code, description, {
				origin: ctx.origin,
				correlationId,
				headers: correlationId ? { 'client-request-id': correlationId } : {},
			});

		const tenant = ctx.params.tenant;
		if (!this.directory.isOwnTenant(tenant)) return fail(400, 'invalid_request', 90002, tenantNotFound(tenant));
		if (!form.grant_type) return fail(400, 'invalid_request', 900144, missingParameter('grant_type'));
		if (form.grant_type !== 'client_credentials') {
			return fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form.grant_type}'.`);
		}
		if (!form.client_id) return fail(400, 'invalid_request', 900144, missingParameter('client_id'));
		const client = this.directory.findClient(form.client_id);
		if (!client) {
			return fail(
				400,
				'unauthorized_client',
				700016,
				`Application with identifier '${form.client_id}' was not found in the directory '${this.directory.tenantDisplayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
			);
		}

		let grant: 'client_secret' | 'client_assertion';
		if (form.client_assertion !== undefined) {
			if (form.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) {
				return fail(400, 'invalid_request', 700023, `Invalid client assertion type '${form.client_assertion_type ?? ''}'.`);
			}
			const failure = verifyClientAssertion(form.client_assertion, {
				clientId: client.clientId,
				tokenEndpointPath: ctx.rawPath,
				certificate: this.directory.certificate,
			});
			if (failure) return fail(failure.status, failure.error, failure.code, failure.description);
			grant = 'client_assertion';
		} else if (form.client_secret !== undefined) {
			if (form.client_secret !== client.clientSecret) {
				return fail(
					401,
					'invalid_client',
					7000215,
					`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${client.clientId}'.`,
				);
			}
			grant = 'client_secret';
		} else {
			return fail(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
		}

		if (!form.scope) return fail(400, 'invalid_request', 900144, missingParameter('scope'));
		const scopes = form.scope.split(/\s+/).filter((scope) => scope && !OIDC_SCOPES.has(scope.toLowerCase()));
		const defaultScope = scopes.find((scope) => scope.toLowerCase().endsWith('/.default'));
		if (!defaultScope || scopes.length !== 1) {
			return fail(
				400,
				'invalid_scope',
				1002012,
				`The provided value for scope ${form.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
			);
		}
		const resource = normaliseResource(defaultScope.slice(0, -'/.default'.length));
		if (![...this.directory.resources].some((known) => normaliseResource(known) === resource)) {
			return fail(
				400,
				'invalid_resource',
				500011,
				`The resource principal named ${defaultScope.slice(0, -'/.default'.length)} was not found in the tenant named ${this.directory.tenantDisplayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
			);
		}

		const issued = this.tokens.issue({
			tenantId: this.directory.tenantId,
			clientId: client.clientId,
			objectId: client.objectId,
			appDisplayName: client.displayName,
			audience: resource,
			grant,
		});
		const expiresIn = Math.max(0, Math.round((issued.expiresAt.getTime() - issued.issuedAt.getTime()) / 1000));
		return json(
			200,
			{ token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: issued.token },
			{
				...ENTRA_HEADERS,
				'x-ms-request-id': newGuid(),
				...(correlationId ? { 'client-request-id': correlationId } : {}),
			},
		);
	}
}

function tenantNotFound(tenant: string): string {
	return `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`;
}

function missingParameter(name: string): string {
	return `The request body must contain the following parameter: '${name}'.`;
}

function headerValue(ctx: RequestContext, name: string): string | undefined {
	const value = ctx.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

/** The form as sent (a string, so tests can match `client_assertion=`), with secret values replaced. */
function redactForm(params: URLSearchParams): string {
	const out = new URLSearchParams();
	for (const [key, value] of params) out.append(key, key === 'client_secret' || key === 'client_assertion' ? 'REDACTED' : value);
	return out.toString();
}
