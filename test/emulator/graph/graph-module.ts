import { X509Certificate } from 'node:crypto';
import { newGuid } from '../core/ids';
import { isPlainObject, json, parseJsonBody } from '../core/json';
import type { HttpMethod, HttpResponse, RequestContext, RouteDefinition, ServiceErrorStyle } from '../core/http-types';
import type { GraphRouteId } from '../core/route-ids';
import type { ServiceModule } from '../core/service-module';
import { normaliseResource } from '../entra/directory';
import type { IssuedToken, TokenStore } from '../entra/token-store';
import type { Application, AppRoleAssignment, GraphDirectory, KeyCredential, ServicePrincipal } from './graph-directory';

const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const V1 = '/v1.0';

/**
 * Microsoft Graph's directory surface for app registrations (v1.0): `applications` (+ `addPassword`,
 * `removePassword`), `servicePrincipals` and their `appRoleAssignments` — what `az ad app|sp` and the setup script
 * call. Tokens must be for Microsoft Graph (`https://graph.microsoft.com`) or for the emulator's own URL (a custom
 * cloud's Graph resource id, as az asks for it). Writes and reads need directory rights: only the emulator's own
 * principal (the administrator) has them, any other caller gets 403 `Authorization_RequestDenied`.
 * Error bodies as Graph sends them: `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}`.
 */
export class GraphModule implements ServiceModule {
	readonly name = 'graph';

	constructor(
		private readonly directory: GraphDirectory,
		private readonly tokens: TokenStore,
		/** Audiences besides Microsoft Graph's own, e.g. the emulator's URL. */
		private readonly extraAudiences: () => string[],
	) {}

	private readonly errorStyle: ServiceErrorStyle = {
		faultResponse: (ctx, fault) => {
			const retry: Record<string, number> = fault.retryAfterSeconds !== undefined ? { 'retry-after': fault.retryAfterSeconds } : {};
			if (fault.status === 429) return graphError(ctx, 429, 'TooManyRequests', 'Too many requests.', retry);
			return graphError(ctx, fault.status, 'serviceNotAvailable', 'The service is temporarily unavailable. Please try again later.', retry);
		},
		expiredTokenResponse: (ctx) => graphError(ctx, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
	};

	routes(): RouteDefinition[] {
		const route = (id: GraphRouteId, method: HttpMethod, pattern: string, handler: (ctx: RequestContext, caller: IssuedToken) => HttpResponse): RouteDefinition => ({
			id,
			method,
			pattern: `${V1}${pattern}`,
			errorStyle: this.errorStyle,
			handler: (ctx) => {
				const caller = this.authenticate(ctx);
				if ('status' in caller) return caller;
				if (!this.directory.isAdministrator(caller.objectId)) {
					return graphError(ctx, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
				}
				return handler(ctx, caller);
			},
		});
		return [
			route('graph.applications.list', 'GET', '/applications', (ctx) => this.list(ctx, [...this.directory.applications.values()].map(applicationJson))),
			route('graph.applications.create', 'POST', '/applications', (ctx) => this.createApplication(ctx)),
			route('graph.applications.get', 'GET', '/applications/{id}', (ctx) => this.withApplication(ctx, (app) => json(200, applicationJson(app), graphHeaders(ctx)))),
			route('graph.applications.update', 'PATCH', '/applications/{id}', (ctx) => this.withApplication(ctx, (app) => this.updateApplication(ctx, app))),
			route('graph.applications.delete', 'DELETE', '/applications/{id}', (ctx) =>
				this.withApplication(ctx, (app) => {
					this.directory.deleteApplication(app);
					return { status: 204, headers: graphHeaders(ctx) };
				}),
			),
			route('graph.applications.addPassword', 'POST', '/applications/{id}/addPassword', (ctx) => this.withApplication(ctx, (app) => this.addPassword(ctx, app))),
			route('graph.applications.removePassword', 'POST', '/applications/{id}/removePassword', (ctx) => this.withApplication(ctx, (app) => this.removePassword(ctx, app))),
			route('graph.servicePrincipals.list', 'GET', '/servicePrincipals', (ctx) => this.list(ctx, [...this.directory.servicePrincipals.values()].map(servicePrincipalJson))),
			route('graph.servicePrincipals.create', 'POST', '/servicePrincipals', (ctx) => this.createServicePrincipal(ctx)),
			route('graph.servicePrincipals.get', 'GET', '/servicePrincipals/{id}', (ctx) => this.withServicePrincipal(ctx, (sp) => json(200, servicePrincipalJson(sp), graphHeaders(ctx)))),
			route('graph.servicePrincipals.delete', 'DELETE', '/servicePrincipals/{id}', (ctx) =>
				this.withServicePrincipal(ctx, (sp) => {
					this.directory.deleteServicePrincipal(sp);
					return { status: 204, headers: graphHeaders(ctx) };
				}),
			),
			route('graph.appRoleAssignments.list', 'GET', '/servicePrincipals/{id}/appRoleAssignments', (ctx) =>
				this.withServicePrincipal(ctx, (sp) =>
					json(200, { '@odata.context': `${ctx.origin}${V1}/$metadata#servicePrincipals('${sp.id}')/appRoleAssignments`, value: this.assignmentsOf(sp) }, graphHeaders(ctx)),
				),
			),
			route('graph.appRoleAssignments.create', 'POST', '/servicePrincipals/{id}/appRoleAssignments', (ctx) => this.withServicePrincipal(ctx, (sp) => this.assignAppRole(ctx, sp))),
			route('graph.appRoleAssignments.delete', 'DELETE', '/servicePrincipals/{id}/appRoleAssignments/{assignmentId}', (ctx) =>
				this.withServicePrincipal(ctx, (sp) => {
					const assignment = this.directory.appRoleAssignments.get(ctx.params.assignmentId);
					if (!assignment || assignment.principalId !== sp.id) return notFound(ctx, ctx.params.assignmentId);
					this.directory.appRoleAssignments.delete(assignment.id);
					return { status: 204, headers: graphHeaders(ctx) };
				}),
			),
		];
	}

	private authenticate(ctx: RequestContext): IssuedToken | HttpResponse {
		const token = /^Bearer\s+(\S+)$/i.exec(ctx.headers.authorization ?? '')?.[1];
		if (!token) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
		const check = this.tokens.check(token);
		if (!check.ok && check.reason === 'unknown') return graphError(ctx, 401, 'InvalidAuthenticationToken', 'IDX14100: JWT is not well formed, there are no dots (.).');
		if (!check.ok) return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
		const audiences = [GRAPH_AUDIENCE, ...this.extraAudiences()].map(normaliseResource);
		if (!audiences.includes(normaliseResource(check.token.audience))) {
			return graphError(ctx, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
		}
		return check.token;
	}

	/** `$filter` as az and the script send it: `displayName eq '…'`, `startswith(displayName,'…')`, `appId eq '…'`, `servicePrincipalNames/any(c:c eq '…')`, `identifierUris/any(s:s eq '…')`. */
	private list<T extends Record<string, unknown>>(ctx: RequestContext, all: T[]): HttpResponse {
		const filter = ctx.query.$filter;
		let value = all;
		if (filter) {
			const eq = /^\s*(displayName|appId|id)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(filter);
			const startsWith = /^\s*startswith\(displayName,\s*'((?:[^']|'')*)'\)\s*$/i.exec(filter);
			const any = /^\s*(servicePrincipalNames|identifierUris)\/any\(\w+:\s*\w+\s+eq\s+'((?:[^']|'')*)'\)\s*$/i.exec(filter);
			if (eq) {
				const field = eq[1].toLowerCase() === 'displayname' ? 'displayName' : eq[1].toLowerCase() === 'appid' ? 'appId' : 'id';
				const wanted = eq[2].replace(/''/g, "'");
				value = all.filter((item) => (field === 'displayName' ? item[field] === wanted : String(item[field]).toLowerCase() === wanted.toLowerCase()));
			} else if (startsWith) {
				const prefix = startsWith[1].replace(/''/g, "'").toLowerCase();
				value = all.filter((item) => String(item.displayName).toLowerCase().startsWith(prefix));
			} else if (any) {
				const field = any[1].toLowerCase() === 'serviceprincipalnames' ? 'servicePrincipalNames' : 'identifierUris';
				const wanted = any[2].replace(/''/g, "'").toLowerCase();
				value = all.filter((item) => ((item[field] as string[] | undefined) ?? []).some((name) => name.toLowerCase() === wanted));
			} else {
				return graphError(ctx, 400, 'Request_UnsupportedQuery', 'Unsupported or invalid query filter clause specified for property.');
			}
		}
		return json(200, { '@odata.context': `${ctx.origin}${V1}/$metadata#${ctx.rawPath.split('/').pop()}`, value }, graphHeaders(ctx));
	}

	private withApplication(ctx: RequestContext, then: (app: Application) => HttpResponse): HttpResponse {
		const app = this.directory.findApplication(ctx.params.id);
		return app ? then(app) : notFound(ctx, ctx.params.id);
	}

	private withServicePrincipal(ctx: RequestContext, then: (sp: ServicePrincipal) => HttpResponse): HttpResponse {
		const sp = this.directory.findServicePrincipal(ctx.params.id);
		return sp ? then(sp) : notFound(ctx, ctx.params.id);
	}

	private createApplication(ctx: RequestContext): HttpResponse {
		const body = readBody(ctx);
		if (!body) return badBody(ctx);
		const displayName = typeof body.displayName === 'string' ? body.displayName.trim() : '';
		if (!displayName) return graphError(ctx, 400, 'Request_BadRequest', "Property 'displayName' is required.");
		const app = this.directory.createApplication(displayName, typeof body.signInAudience === 'string' ? body.signInAudience : 'AzureADMyOrg');
		const patched = this.applyApplicationChanges(ctx, app, body);
		if (patched) return patched;
		return json(201, applicationJson(app), { ...graphHeaders(ctx), location: `${ctx.origin}${V1}/directoryObjects/${app.id}/Microsoft.DirectoryServices.Application` });
	}

	private updateApplication(ctx: RequestContext, app: Application): HttpResponse {
		const body = readBody(ctx);
		if (!body) return badBody(ctx);
		return this.applyApplicationChanges(ctx, app, body) ?? { status: 204, headers: graphHeaders(ctx) };
	}

	/** The properties the setup flow sets: displayName, requiredResourceAccess, keyCredentials (certificate upload). */
	private applyApplicationChanges(ctx: RequestContext, app: Application, body: Record<string, unknown>): HttpResponse | undefined {
		if (typeof body.displayName === 'string' && body.displayName.trim()) app.displayName = body.displayName.trim();
		if (Array.isArray(body.requiredResourceAccess)) {
			app.requiredResourceAccess = body.requiredResourceAccess.filter(isPlainObject).map((entry) => ({
				resourceAppId: String(entry.resourceAppId ?? ''),
				resourceAccess: (Array.isArray(entry.resourceAccess) ? entry.resourceAccess : []).filter(isPlainObject).map((access) => ({ id: String(access.id ?? ''), type: String(access.type ?? '') })),
			}));
		}
		if (Array.isArray(body.keyCredentials)) {
			// A client sends the whole list: existing entries come back without their key (Graph never returns it) and
			// are kept by keyId; new ones carry the certificate (base64 DER), whose SHA-1 thumbprint Graph computes
			// as customKeyIdentifier.
			const keys = body.keyCredentials.filter(isPlainObject);
			const next: KeyCredential[] = [];
			for (const key of keys) {
				const keyId = typeof key.keyId === 'string' ? key.keyId.toLowerCase() : undefined;
				const existing = keyId ? app.keyCredentials.find((known) => known.keyId === keyId) : undefined;
				if (typeof key.key !== 'string' || !key.key) {
					if (!existing) return graphError(ctx, 400, 'KeyCredentialsInvalidValue', "Key credential 'key' is required for a new key credential.");
					next.push(existing);
					continue;
				}
				if ((key.type ?? 'AsymmetricX509Cert') !== 'AsymmetricX509Cert' || (key.usage ?? 'Verify') !== 'Verify') {
					return graphError(ctx, 400, 'KeyCredentialsInvalidValue', 'Key credential type and usage must be AsymmetricX509Cert and Verify.');
				}
				let thumbprint: string;
				try {
					thumbprint = new X509Certificate(Buffer.from(key.key, 'base64')).fingerprint.replace(/:/g, '').toUpperCase();
				} catch {
					return graphError(ctx, 400, 'KeyCredentialsInvalidValue', 'Key credential key is not a valid X.509 certificate.');
				}
				const now = new Date();
				next.push({
					keyId: newGuid(),
					displayName: typeof key.displayName === 'string' ? key.displayName : null,
					type: 'AsymmetricX509Cert',
					usage: 'Verify',
					key: null,
					startDateTime: typeof key.startDateTime === 'string' ? key.startDateTime : now.toISOString(),
					endDateTime: typeof key.endDateTime === 'string' ? key.endDateTime : new Date(now.getTime() + 365 * 86_400_000).toISOString(),
					customKeyIdentifier: thumbprint,
				});
			}
			app.keyCredentials = next;
		}
		return undefined;
	}

	private addPassword(ctx: RequestContext, app: Application): HttpResponse {
		const body = readBody(ctx) ?? {};
		const credential = isPlainObject(body.passwordCredential) ? body.passwordCredential : {};
		const end = typeof credential.endDateTime === 'string' ? credential.endDateTime : undefined;
		if (end !== undefined && (Number.isNaN(Date.parse(end)) || Date.parse(end) <= Date.now())) {
			return graphError(ctx, 400, 'InvalidValue', 'Invalid value specified for property \'endDateTime\' of resource \'PasswordCredential\'.');
		}
		const added = this.directory.addPassword(app, typeof credential.displayName === 'string' ? credential.displayName : null, end);
		// The one answer that carries the secret's value (Graph never returns it again).
		ctx.loggedBody = { passwordCredential: { displayName: added.displayName, endDateTime: added.endDateTime } };
		return json(
			200,
			{
				'@odata.context': `${ctx.origin}${V1}/$metadata#microsoft.graph.passwordCredential`,
				customKeyIdentifier: null,
				displayName: added.displayName,
				endDateTime: added.endDateTime,
				hint: added.hint,
				keyId: added.keyId,
				secretText: added.secretText,
				startDateTime: added.startDateTime,
			},
			graphHeaders(ctx),
		);
	}

	private removePassword(ctx: RequestContext, app: Application): HttpResponse {
		const body = readBody(ctx);
		const keyId = body && typeof body.keyId === 'string' ? body.keyId : '';
		if (!this.directory.removePassword(app, keyId)) {
			return graphError(ctx, 400, 'Request_BadRequest', `No password credential with keyId '${keyId}' was found on the application.`);
		}
		return { status: 204, headers: graphHeaders(ctx) };
	}

	private createServicePrincipal(ctx: RequestContext): HttpResponse {
		const body = readBody(ctx);
		if (!body) return badBody(ctx);
		const appId = typeof body.appId === 'string' ? body.appId.toLowerCase() : '';
		const app = [...this.directory.applications.values()].find((candidate) => candidate.appId === appId);
		if (!app) {
			return graphError(ctx, 400, 'Request_BadRequest', `The appId '${appId}' of the service principal does not reference a valid application object.`);
		}
		if (this.directory.servicePrincipalOf(appId)) {
			return graphError(ctx, 409, 'Request_MultipleObjectsWithSameKeyValue', 'The service principal cannot be created, updated, or restored because the service principal name ' + appId + ' is already in use.');
		}
		const sp = this.directory.createServicePrincipal(app);
		return json(201, servicePrincipalJson(sp), graphHeaders(ctx));
	}

	private assignmentsOf(sp: ServicePrincipal): AppRoleAssignment[] {
		return [...this.directory.appRoleAssignments.values()].filter((assignment) => assignment.principalId === sp.id);
	}

	private assignAppRole(ctx: RequestContext, sp: ServicePrincipal): HttpResponse {
		const body = readBody(ctx);
		if (!body) return badBody(ctx);
		const principalId = String(body.principalId ?? '').toLowerCase();
		const resourceId = String(body.resourceId ?? '').toLowerCase();
		const appRoleId = String(body.appRoleId ?? '').toLowerCase();
		if (principalId !== sp.id) return graphError(ctx, 400, 'Request_BadRequest', 'The principalId must be the id of the service principal in the request URL.');
		const resource = this.directory.findServicePrincipal(resourceId);
		if (!resource) return notFound(ctx, resourceId);
		const role = resource.appRoles.find((candidate) => candidate.id === appRoleId);
		if (!role) return graphError(ctx, 400, 'Request_BadRequest', 'Permission being assigned was not found on application');
		if (this.assignmentsOf(sp).some((existing) => existing.resourceId === resource.id && existing.appRoleId === role.id)) {
			return graphError(ctx, 400, 'Request_BadRequest', 'Permission being assigned already exists on the object');
		}
		const assignment: AppRoleAssignment = {
			id: newGuid().replace(/-/g, '').slice(0, 43),
			principalId: sp.id,
			principalType: 'ServicePrincipal',
			principalDisplayName: sp.displayName,
			resourceId: resource.id,
			resourceDisplayName: resource.displayName,
			appRoleId: role.id,
			createdDateTime: new Date().toISOString(),
			deletedDateTime: null,
		};
		this.directory.appRoleAssignments.set(assignment.id, assignment);
		return json(201, assignment, graphHeaders(ctx));
	}
}

function readBody(ctx: RequestContext): Record<string, unknown> | undefined {
	const parsed = parseJsonBody(ctx.rawBody);
	return parsed.ok && isPlainObject(parsed.value) ? parsed.value : undefined;
}

function badBody(ctx: RequestContext): HttpResponse {
	return graphError(ctx, 400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
}

function notFound(ctx: RequestContext, id: string): HttpResponse {
	return graphError(ctx, 404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`);
}

function graphHeaders(ctx: RequestContext): Record<string, string> {
	const requestId = newGuid();
	const clientRequestId = ctx.headers['client-request-id'];
	return {
		'request-id': requestId,
		'client-request-id': (Array.isArray(clientRequestId) ? clientRequestId[0] : clientRequestId) ?? requestId,
		'x-ms-ags-diagnostic': '{"ServerInfo":{"DataCenter":"West Europe","Slice":"E","Ring":"5","ScaleUnit":"002","RoleInstance":"AM2PEPF0000B5AA"}}',
		'odata-version': '4.0',
		'cache-control': 'no-cache',
	};
}

export function graphError(ctx: RequestContext, status: number, code: string, message: string, extra: Record<string, string | number> = {}): HttpResponse {
	const headers = graphHeaders(ctx);
	return json(
		status,
		{ error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': headers['request-id'], 'client-request-id': headers['client-request-id'] } } },
		{ ...headers, ...extra },
	);
}

function applicationJson(app: Application) {
	return {
		id: app.id,
		appId: app.appId,
		displayName: app.displayName,
		signInAudience: app.signInAudience,
		createdDateTime: app.createdDateTime,
		identifierUris: app.identifierUris,
		requiredResourceAccess: app.requiredResourceAccess,
		keyCredentials: app.keyCredentials,
		// secretText is never returned after addPassword.
		passwordCredentials: app.passwordCredentials.map(({ secretText: _secret, ...rest }) => ({ ...rest, customKeyIdentifier: null, secretText: null })),
		publisherDomain: 'sentinelemulator.onmicrosoft.com',
		api: { requestedAccessTokenVersion: null, oauth2PermissionScopes: [] },
		appRoles: [],
		web: { redirectUris: [], implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false } },
	};
}

function servicePrincipalJson(sp: ServicePrincipal) {
	return { ...sp, accountEnabled: sp.accountEnabled, tags: [], keyCredentials: [], passwordCredentials: [], oauth2PermissionScopes: [] };
}
