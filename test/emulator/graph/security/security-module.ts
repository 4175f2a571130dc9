import type { HttpMethod, HttpResponse, RequestContext, RouteDefinition, ServiceErrorStyle } from '../../core/http-types';
import { isPlainObject, json, parseJsonBody } from '../../core/json';
import type { LimitsSwitch } from '../../core/limits';
import type { GraphSecurityRouteId } from '../../core/route-ids';
import type { ServiceModule } from '../../core/service-module';
import { normaliseResource } from '../../entra/directory';
import type { IssuedToken, TokenStore } from '../../entra/token-store';
import { RequestWindows } from '../../loganalytics/request-limit';
import { graphError } from '../graph-module';
import type { DefenderStore } from './defender-store';
import { FilterError, parseFilter, type FilterFieldType } from './security-filter';
import {
	ALERT_CLASSIFICATIONS,
	ALERT_DETERMINATIONS,
	ALERT_SEVERITIES,
	ALERT_STATUSES,
	DETECTION_SOURCES,
	INCIDENT_STATUSES,
	isEvolvableMember,
	SERVICE_SOURCES,
	type AlertComment,
	type AlertPatch,
	type DefenderAlert,
	type DefenderIncident,
	type IncidentPatch,
} from './security-model';

const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const V1 = '/v1.0';

/**
 * Page sizes. Incidents: at most 50 a page (`$top` above it → 400, the OData "limit for Top query" error), the
 * figure the issue and wire notes give; alerts_v2: the docs' own example pages with `$top=100&$skip=200`, so the
 * emulator allows up to 2000 (the largest page Graph's security list APIs are reported to serve; not stated in the
 * v1.0 reference). Without `$top`, a page is the maximum.
 */
export const INCIDENTS_MAX_TOP = 50;
export const ALERTS_MAX_TOP = 2000;

/**
 * Graph's limit for `/security`: 150 requests per minute per app per tenant (Microsoft Learn, "Microsoft Graph
 * service-specific throttling limits", section "Security detections and incidents service limits";
 * microsoftgraph/microsoft-graph-docs-contrib concepts/throttling-limits.md). Counted per principal on a sliding
 * window; refused (429 + Retry-After) only when the emulator's limits are enforced.
 */
export const SECURITY_REQUEST_LIMIT = 150;
export const SECURITY_REQUEST_WINDOW_SECONDS = 60;

const ENUM = (members: readonly string[]): FilterFieldType => ({ kind: 'enum', members });
const COMMON_FILTER_FIELDS: Record<string, FilterFieldType> = {
	assignedTo: { kind: 'string' },
	classification: ENUM(ALERT_CLASSIFICATIONS),
	determination: ENUM(ALERT_DETERMINATIONS),
	createdDateTime: { kind: 'datetime' },
	lastUpdateDateTime: { kind: 'datetime' },
	severity: ENUM(ALERT_SEVERITIES),
};
const INCIDENT_FILTER_FIELDS = { ...COMMON_FILTER_FIELDS, status: ENUM(INCIDENT_STATUSES) };
const ALERT_FILTER_FIELDS = { ...COMMON_FILTER_FIELDS, status: ENUM(ALERT_STATUSES), serviceSource: ENUM(SERVICE_SOURCES) };

/** Enum properties and their members, for `Prefer: include-unknown-enum-members`. */
const INCIDENT_ENUMS: Record<string, readonly string[]> = { status: INCIDENT_STATUSES, severity: ALERT_SEVERITIES, classification: ALERT_CLASSIFICATIONS, determination: ALERT_DETERMINATIONS };
const ALERT_ENUMS: Record<string, readonly string[]> = { ...INCIDENT_ENUMS, status: ALERT_STATUSES, serviceSource: SERVICE_SOURCES, detectionSource: DETECTION_SOURCES };

/** What PATCH may set (v1.0 "Update incident" / "Update alert"), and the values a client may write. */
const SETTABLE_INCIDENT_STATUSES = ['active', 'resolved', 'inProgress', 'redirected'];
const SETTABLE_ALERT_STATUSES = ['new', 'inProgress', 'resolved'];
const INCIDENT_WRITABLE = ['assignedTo', 'classification', 'determination', 'status', 'customTags', 'description', 'displayName', 'resolvingComment', 'severity', 'summary'];
const ALERT_WRITABLE = ['assignedTo', 'classification', 'determination', 'status'];

type Permission = 'SecurityIncident' | 'SecurityAlert';

/**
 * Microsoft Graph security API v1.0 (Defender XDR): `/security/incidents` and `/security/alerts_v2`, list/get/PATCH
 * and comments, on the emulator's origin under `/v1.0`. Tokens must be for Microsoft Graph (or the emulator's own
 * URL); the application permissions come from the token's `roles` claim (Entra ID fills it from the app's app-role
 * assignments on Microsoft Graph): a read needs `Security{Incident|Alert}.Read.All` or `.ReadWrite.All`, a write
 * needs `.ReadWrite.All`. Errors in Graph's shape `{"error":{"code","message","innerError":{…}}}`.
 */
export class GraphSecurityModule implements ServiceModule {
	readonly name = 'graph-security';
	readonly requestWindows: RequestWindows;

	constructor(
		private readonly store: DefenderStore,
		private readonly tokens: TokenStore,
		private readonly extraAudiences: () => string[],
		private readonly limits: LimitsSwitch,
	) {
		this.requestWindows = new RequestWindows(limits.now);
	}

	private readonly errorStyle: ServiceErrorStyle = {
		faultResponse: (ctx, fault) => {
			const retry: Record<string, number> = fault.retryAfterSeconds !== undefined ? { 'retry-after': fault.retryAfterSeconds } : {};
			if (fault.status === 429) return graphError(ctx, 429, 'TooManyRequests', 'Too many requests.', retry);
			return graphError(ctx, fault.status, 'ServiceUnavailable', 'The service is temporarily unavailable. Please try again later.', retry);
		},
		expiredTokenResponse: (ctx) => graphError(ctx, 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.'),
	};

	routes(): RouteDefinition[] {
		const route = (id: GraphSecurityRouteId, method: HttpMethod, pattern: string, permission: Permission, handler: (ctx: RequestContext, caller: IssuedToken) => HttpResponse): RouteDefinition => ({
			id,
			method,
			pattern: `${V1}${pattern}`,
			errorStyle: this.errorStyle,
			handler: (ctx) => {
				const caller = this.authenticate(ctx);
				if ('status' in caller) return caller;
				const denied = this.authorize(ctx, caller, permission, method !== 'GET');
				if (denied) return denied;
				const rate = this.requestWindows.take(caller.objectId, SECURITY_REQUEST_LIMIT, SECURITY_REQUEST_WINDOW_SECONDS * 1000, this.limits.enforced);
				if (!rate.allowed) return graphError(ctx, 429, 'TooManyRequests', 'Too many requests.', { 'retry-after': rate.retryAfterSeconds });
				return handler(ctx, caller);
			},
		});
		return [
			route('graph.security.incidents.list', 'GET', '/security/incidents', 'SecurityIncident', (ctx) => this.listIncidents(ctx)),
			route('graph.security.incidents.get', 'GET', '/security/incidents/{id}', 'SecurityIncident', (ctx) => this.getIncident(ctx)),
			route('graph.security.incidents.update', 'PATCH', '/security/incidents/{id}', 'SecurityIncident', (ctx, caller) => this.updateIncident(ctx, caller)),
			route('graph.security.incidents.comments', 'POST', '/security/incidents/{id}/comments', 'SecurityIncident', (ctx, caller) => this.commentIncident(ctx, caller)),
			route('graph.security.alerts.list', 'GET', '/security/alerts_v2', 'SecurityAlert', (ctx) => this.listAlerts(ctx)),
			route('graph.security.alerts.get', 'GET', '/security/alerts_v2/{id}', 'SecurityAlert', (ctx) => this.getAlert(ctx)),
			route('graph.security.alerts.update', 'PATCH', '/security/alerts_v2/{id}', 'SecurityAlert', (ctx, caller) => this.updateAlert(ctx, caller)),
			route('graph.security.alerts.comments', 'POST', '/security/alerts_v2/{id}/comments', 'SecurityAlert', (ctx, caller) => this.commentAlert(ctx, caller)),
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

	/**
	 * 403 as Graph words it (seen in the wild, e.g. KelvinTegelaar/CIPP#1085, wazuh/wazuh-documentation#7300):
	 * `Forbidden`, "Missing application roles. API required roles: <any one of>, application roles: <the token's>."
	 * Reading alerts_v2 accepts the incident permissions too (that message lists all four); writes need the
	 * entity's own ReadWrite.All (assumed for alerts: the v1.0 "Update alert" page lists only SecurityAlert.ReadWrite.All).
	 */
	private authorize(ctx: RequestContext, caller: IssuedToken, permission: Permission, write: boolean): HttpResponse | undefined {
		const roles = caller.roles ?? [];
		const accepted = write
			? [`${permission}.ReadWrite.All`]
			: permission === 'SecurityAlert'
				? ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All', 'SecurityIncident.Read.All', 'SecurityIncident.ReadWrite.All']
				: ['SecurityIncident.Read.All', 'SecurityIncident.ReadWrite.All'];
		if (accepted.some((role) => roles.includes(role))) return undefined;
		return graphError(ctx, 403, 'Forbidden', `Missing application roles. API required roles: ${accepted.join(',')}, application roles: ${roles.join(',')}.`);
	}

	// ---- incidents ----

	private listIncidents(ctx: RequestContext): HttpResponse {
		const expand = this.expandAlerts(ctx);
		if (typeof expand !== 'boolean') return expand;
		const records = this.store.all();
		const page = this.page(ctx, records.map((record) => record.incident as unknown as Record<string, unknown>), INCIDENT_FILTER_FIELDS, 'microsoft.graph.security.incident', INCIDENTS_MAX_TOP);
		if ('status' in page) return page;
		const value = page.items.map((incident) => this.incidentJson(ctx, incident as unknown as DefenderIncident, expand));
		return this.collection(ctx, `security/incidents${expand ? '(alerts())' : ''}`, value, page);
	}

	private getIncident(ctx: RequestContext): HttpResponse {
		const expand = this.expandAlerts(ctx);
		if (typeof expand !== 'boolean') return expand;
		const unsupported = this.unsupportedOptions(ctx, ['$expand', '$select']);
		if (unsupported) return unsupported;
		const record = this.store.find(ctx.params.id);
		if (!record) return notFound(ctx, 'incident', ctx.params.id);
		return json(200, { '@odata.context': `${ctx.origin}${V1}/$metadata#security/incidents${expand ? '(alerts())' : ''}/$entity`, ...this.select(ctx, this.incidentJson(ctx, record.incident, expand)) }, graphHeaders(ctx));
	}

	private updateIncident(ctx: RequestContext, caller: IssuedToken): HttpResponse {
		const record = this.store.find(ctx.params.id);
		if (!record) return notFound(ctx, 'incident', ctx.params.id);
		const body = readBody(ctx);
		if (!body) return badBody(ctx);
		const patch: IncidentPatch = {};
		for (const [key, value] of Object.entries(body)) {
			if (key.startsWith('@odata.')) continue;
			const problem = this.checkIncidentField(key, value);
			if (problem) return graphError(ctx, 400, 'BadRequest', problem);
			(patch as Record<string, unknown>)[key] = value;
		}
		this.store.patchIncident(record, patch, caller.appDisplayName);
		return json(200, { '@odata.context': `${ctx.origin}${V1}/$metadata#security/incidents/$entity`, ...this.incidentJson(ctx, record.incident, false) }, graphHeaders(ctx));
	}

	private checkIncidentField(key: string, value: unknown): string | undefined {
		if (!INCIDENT_WRITABLE.includes(key)) return unknownOrReadOnly(key, 'incident');
		switch (key) {
			case 'status':
				return enumProblem(key, value, INCIDENT_STATUSES, SETTABLE_INCIDENT_STATUSES, 'incidentStatus');
			case 'severity':
				return enumProblem(key, value, ALERT_SEVERITIES, ALERT_SEVERITIES.filter((member) => member !== 'unknownFutureValue'), 'alertSeverity');
			case 'classification':
				return enumProblem(key, value, ALERT_CLASSIFICATIONS, ALERT_CLASSIFICATIONS.filter((member) => member !== 'unknownFutureValue'), 'alertClassification');
			case 'determination':
				return enumProblem(key, value, ALERT_DETERMINATIONS, ALERT_DETERMINATIONS.filter((member) => member !== 'unknownFutureValue'), 'alertDetermination');
			case 'customTags':
				return Array.isArray(value) && value.every((tag) => typeof tag === 'string') ? undefined : "Invalid value for property 'customTags': a collection of strings (Collection(Edm.String)) is expected.";
			case 'displayName':
				return typeof value === 'string' ? undefined : "Invalid value for property 'displayName': a string (Edm.String) is expected.";
			default:
				return value === null || typeof value === 'string' ? undefined : `Invalid value for property '${key}': a string (Edm.String) or null is expected.`;
		}
	}

	private commentIncident(ctx: RequestContext, caller: IssuedToken): HttpResponse {
		const record = this.store.find(ctx.params.id);
		if (!record) return notFound(ctx, 'incident', ctx.params.id);
		const text = readComment(ctx);
		if (typeof text !== 'string') return text;
		this.store.touch(record);
		return commentList(ctx, this.store.addComment(record.incident.comments, text, caller.appDisplayName));
	}

	// ---- alerts_v2 ----

	private listAlerts(ctx: RequestContext): HttpResponse {
		const unsupportedExpand = ctx.query.$expand !== undefined ? graphError(ctx, 400, 'BadRequest', `Could not find a property named '${ctx.query.$expand}' on type 'microsoft.graph.security.alert'.`) : undefined;
		if (unsupportedExpand) return unsupportedExpand;
		const page = this.page(ctx, this.store.allAlerts() as unknown as Array<Record<string, unknown>>, ALERT_FILTER_FIELDS, 'microsoft.graph.security.alert', ALERTS_MAX_TOP);
		if ('status' in page) return page;
		return this.collection(ctx, 'security/alerts_v2', page.items.map((alert) => this.alertJson(ctx, alert as unknown as DefenderAlert)), page);
	}

	private getAlert(ctx: RequestContext): HttpResponse {
		const unsupported = this.unsupportedOptions(ctx, ['$select']);
		if (unsupported) return unsupported;
		const alert = this.store.findAlert(ctx.params.id);
		if (!alert) return notFound(ctx, 'alert', ctx.params.id);
		return json(200, { '@odata.context': `${ctx.origin}${V1}/$metadata#security/alerts_v2/$entity`, ...this.select(ctx, this.alertJson(ctx, alert)) }, graphHeaders(ctx));
	}

	private updateAlert(ctx: RequestContext, caller: IssuedToken): HttpResponse {
		const alert = this.store.findAlert(ctx.params.id);
		if (!alert) return notFound(ctx, 'alert', ctx.params.id);
		const body = readBody(ctx);
		if (!body) return badBody(ctx);
		const patch: AlertPatch = {};
		for (const [key, value] of Object.entries(body)) {
			if (key.startsWith('@odata.')) continue;
			let problem: string | undefined;
			if (!ALERT_WRITABLE.includes(key)) problem = unknownOrReadOnly(key, 'alert');
			else if (key === 'status') problem = enumProblem(key, value, ALERT_STATUSES, SETTABLE_ALERT_STATUSES, 'alertStatus');
			else if (key === 'classification') problem = enumProblem(key, value, ALERT_CLASSIFICATIONS, ALERT_CLASSIFICATIONS.filter((member) => member !== 'unknownFutureValue'), 'alertClassification');
			else if (key === 'determination') problem = enumProblem(key, value, ALERT_DETERMINATIONS, ALERT_DETERMINATIONS.filter((member) => member !== 'unknownFutureValue'), 'alertDetermination');
			else if (value !== null && typeof value !== 'string') problem = "Invalid value for property 'assignedTo': a string (Edm.String) or null is expected.";
			if (problem) return graphError(ctx, 400, 'BadRequest', problem);
			(patch as Record<string, unknown>)[key] = value;
		}
		this.store.patchAlert(alert, patch, caller.appDisplayName);
		return json(200, { '@odata.context': `${ctx.origin}${V1}/$metadata#security/alerts_v2/$entity`, ...this.alertJson(ctx, alert) }, graphHeaders(ctx));
	}

	private commentAlert(ctx: RequestContext, caller: IssuedToken): HttpResponse {
		const alert = this.store.findAlert(ctx.params.id);
		if (!alert) return notFound(ctx, 'alert', ctx.params.id);
		const text = readComment(ctx);
		if (typeof text !== 'string') return text;
		this.store.touchAlert(alert);
		return commentList(ctx, this.store.addComment(alert.comments, text, caller.appDisplayName));
	}

	// ---- shared ----

	private expandAlerts(ctx: RequestContext): boolean | HttpResponse {
		const expand = ctx.query.$expand;
		if (expand === undefined) return false;
		if (expand.trim().toLowerCase() === 'alerts') return true;
		return graphError(ctx, 400, 'BadRequest', `Could not find a property named '${expand}' on type 'microsoft.graph.security.incident'.`);
	}

	private unsupportedOptions(ctx: RequestContext, allowed: string[]): HttpResponse | undefined {
		const option = Object.keys(ctx.query).find((key) => key.startsWith('$') && !allowed.includes(key));
		return option ? graphError(ctx, 400, 'BadRequest', `Query option '${option}' is not allowed. Make sure that it is supported by the request.`) : undefined;
	}

	/** `$filter`, `$skip`, `$top`, `$count`, `$select`; `$orderby` and `$search` are refused (the security lists do not support them). */
	private page(
		ctx: RequestContext,
		items: Array<Record<string, unknown>>,
		fields: Record<string, FilterFieldType>,
		typeName: string,
		maxTop: number,
	): { items: Array<Record<string, unknown>>; total: number; skip: number; top: number } | HttpResponse {
		const unsupported = this.unsupportedOptions(ctx, ['$filter', '$top', '$skip', '$count', '$expand', '$select']);
		if (unsupported) return unsupported;
		let matched = items;
		if (ctx.query.$filter !== undefined) {
			try {
				const predicate = parseFilter(ctx.query.$filter, fields, typeName);
				matched = items.filter(predicate);
			} catch (error) {
				if (error instanceof FilterError) return graphError(ctx, 400, 'BadRequest', error.message);
				throw error;
			}
		}
		const top = ctx.query.$top === undefined ? maxTop : Number(ctx.query.$top);
		if (!Number.isInteger(top) || top < 0) return graphError(ctx, 400, 'BadRequest', `Invalid value '${ctx.query.$top}' for query option '$top'. The value must be a non-negative integer.`);
		if (top > maxTop) return graphError(ctx, 400, 'BadRequest', `The query specified in the URI is not valid. The limit of '${maxTop}' for Top query has been exceeded. The value from the incoming request is '${top}'.`);
		const skip = ctx.query.$skip === undefined ? 0 : Number(ctx.query.$skip);
		if (!Number.isInteger(skip) || skip < 0) return graphError(ctx, 400, 'BadRequest', `Invalid value '${ctx.query.$skip}' for query option '$skip'. The value must be a non-negative integer.`);
		if (ctx.query.$count !== undefined && !['true', 'false'].includes(ctx.query.$count.toLowerCase())) {
			return graphError(ctx, 400, 'BadRequest', `Invalid value '${ctx.query.$count}' for query option '$count'. The value must be 'true' or 'false'.`);
		}
		// Newest first: "the most recent incidents/alerts are displayed at the top of the list" (v1.0 list docs).
		const ordered = [...matched].sort((a, b) => Date.parse(String(b.createdDateTime)) - Date.parse(String(a.createdDateTime)) || String(b.id).localeCompare(String(a.id)));
		return { items: ordered.slice(skip, skip + top), total: matched.length, skip, top };
	}

	private collection(ctx: RequestContext, context: string, value: Array<Record<string, unknown>>, page: { total: number; skip: number; top: number }): HttpResponse {
		const body: Record<string, unknown> = { '@odata.context': `${ctx.origin}${V1}/$metadata#${context}` };
		if (ctx.query.$count?.toLowerCase() === 'true') body['@odata.count'] = page.total;
		if (page.top > 0 && page.skip + page.top < page.total) {
			// System query options keep their literal `$`, as Graph's own next links do.
			const options = { ...ctx.query, $top: String(page.top), $skip: String(page.skip + page.top) };
			const query = Object.entries(options).map(([key, option]) => `${encodeURIComponent(key).replace(/^%24/, '$')}=${encodeURIComponent(option)}`);
			body['@odata.nextLink'] = `${ctx.origin}${ctx.rawPath}?${query.join('&')}`;
		}
		body.value = value.map((item) => this.select(ctx, item));
		return json(200, body, graphHeaders(ctx));
	}

	private select(ctx: RequestContext, item: Record<string, unknown>): Record<string, unknown> {
		const select = ctx.query.$select;
		if (!select) return item;
		const wanted = new Set(['@odata.type', 'id', 'alerts', ...select.split(',').map((name) => name.trim())]);
		return Object.fromEntries(Object.entries(item).filter(([key]) => wanted.has(key)));
	}

	private incidentJson(ctx: RequestContext, incident: DefenderIncident, withAlerts: boolean): Record<string, unknown> {
		const out = hideEvolvable(ctx, structuredClone(incident) as unknown as Record<string, unknown>, INCIDENT_ENUMS);
		if (withAlerts) {
			const record = this.store.find(incident.id);
			out.alerts = record ? this.store.alertsOf(record).map((alert) => this.alertJson(ctx, alert)) : [];
		}
		return out;
	}

	private alertJson(ctx: RequestContext, alert: DefenderAlert): Record<string, unknown> {
		return hideEvolvable(ctx, structuredClone(alert) as unknown as Record<string, unknown>, ALERT_ENUMS);
	}
}

/** Evolvable enum members read as `unknownFutureValue` unless the caller sent `Prefer: include-unknown-enum-members`. */
function hideEvolvable(ctx: RequestContext, item: Record<string, unknown>, enums: Record<string, readonly string[]>): Record<string, unknown> {
	const prefer = String(ctx.headers.prefer ?? '').toLowerCase();
	if (prefer.split(',').some((part) => part.trim() === 'include-unknown-enum-members')) return item;
	for (const [key, members] of Object.entries(enums)) {
		if (typeof item[key] === 'string' && isEvolvableMember(members, item[key] as string)) item[key] = 'unknownFutureValue';
	}
	return item;
}

function enumProblem(key: string, value: unknown, members: readonly string[], settable: readonly string[], enumName: string): string | undefined {
	if (typeof value !== 'string' || !members.includes(value)) {
		return `Invalid value for property '${key}': the value '${String(value)}' is not a member of the enum 'microsoft.graph.security.${enumName}' (values are case-sensitive camelCase: ${settable.join(', ')}).`;
	}
	if (!settable.includes(value)) return `Invalid value for property '${key}': the value '${value}' cannot be set by a client (settable: ${settable.join(', ')}).`;
	return undefined;
}

function unknownOrReadOnly(key: string, type: 'incident' | 'alert'): string {
	const known = type === 'incident' ? ['id', 'tenantId', 'incidentWebUrl', 'redirectIncidentId', 'createdDateTime', 'lastUpdateDateTime', 'systemTags', 'comments', 'lastModifiedBy', 'priorityScore', 'alerts'] : undefined;
	if (known?.includes(key) || (type === 'alert' && ['id', 'title', 'severity', 'serviceSource', 'detectionSource', 'createdDateTime', 'lastUpdateDateTime', 'evidence', 'comments', 'incidentId', 'tenantId', 'mitreTechniques', 'description'].includes(key))) {
		return `The property '${key}' of type 'microsoft.graph.security.${type}' is read-only and cannot be updated.`;
	}
	return `The property '${key}' does not exist on type 'microsoft.graph.security.${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`;
}

function readBody(ctx: RequestContext): Record<string, unknown> | undefined {
	const parsed = parseJsonBody(ctx.rawBody);
	return parsed.ok && isPlainObject(parsed.value) ? parsed.value : undefined;
}

function badBody(ctx: RequestContext): HttpResponse {
	return graphError(ctx, 400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
}

/** The `comment` of an alertComment body, or the 400 Graph answers. */
function readComment(ctx: RequestContext): string | HttpResponse {
	const body = readBody(ctx);
	if (!body) return badBody(ctx);
	const type = body['@odata.type'];
	if (type !== undefined && String(type).replace(/^#/, '') !== 'microsoft.graph.security.alertComment') {
		return graphError(ctx, 400, 'BadRequest', `A type named '${String(type)}' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.`);
	}
	for (const key of Object.keys(body)) {
		if (key !== '@odata.type' && key !== 'comment') return graphError(ctx, 400, 'BadRequest', unknownOrReadOnly(key, 'alert').replace('microsoft.graph.security.alert', 'microsoft.graph.security.alertComment'));
	}
	if (typeof body.comment !== 'string' || body.comment.trim() === '') return graphError(ctx, 400, 'BadRequest', "The property 'comment' is required and must be a non-empty string.");
	return body.comment;
}

function commentList(ctx: RequestContext, comments: AlertComment[]): HttpResponse {
	return json(200, { '@odata.context': `${ctx.origin}${V1}/$metadata#Collection(microsoft.graph.security.alertComment)`, value: structuredClone(comments) }, graphHeaders(ctx));
}

function notFound(ctx: RequestContext, type: 'incident' | 'alert', id: string): HttpResponse {
	return graphError(ctx, 404, 'NotFound', `The ${type} with id '${id}' was not found.`);
}

/** Graph's response headers (request-id, client-request-id, …): the ones graph-module's graphError sets, without its body. */
function graphHeaders(ctx: RequestContext): Record<string, string> {
	const { headers } = graphError(ctx, 200, '', '');
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(headers ?? {})) if (key !== 'content-type') out[key] = String(value);
	return out;
}
