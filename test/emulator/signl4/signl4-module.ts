// SIGNL4 on the emulator's origin, under `/signl4` (base URL `<emulator>/signl4`, so `/signl4/webhook/{secret}` and
// `/signl4/api/...` mirror connect.signl4.com's `/webhook/{secret}` and `/api/...` without clashing with ARM, Entra
// ID or Log Analytics paths).
//
// Inbound webhook (`/webhook/{secret}`, and `/api/v2/events/{secret}` with `X-S4-Api-Key`): 201 `{eventId}`;
// 404 code 3004 for an unknown secret; 405 for other methods; 400 for a body that does not parse as its type;
// 429 per plan with `X-RateLimit-*` on every answer; erroneous requests limited to 10 per minute per client.
// REST (`/api/...`, `X-S4-Api-Key`): alerts get / paged search / acknowledge / close / undo / annotate /
// annotations, users, outbound webhooks. Wire facts: docs/wire-signl4.md; assumptions are listed in the README.
import { newGuid } from '../core/ids';
import { isPlainObject, json, JSON_CONTENT_TYPE, parseJsonBody } from '../core/json';
import type { HttpMethod, HttpResponse, RequestContext, RouteDefinition, RouteHandler, ServiceErrorStyle } from '../core/http-types';
import type { RouteId } from '../core/route-ids';
import type { ServiceModule } from '../core/service-module';
import { PayloadError, parsePayload } from './payload';
import { LifecycleError, STATUS, type AlertRecord, type ApiKey, type Signl4Service } from './signl4-service';

export const SIGNL4_PREFIX = '/signl4';
export const MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024;
/** SIGNL4's attachment types (support "Payload schema / event parsing"). */
const ATTACHMENT_TYPES = [
	'image/png',
	'image/tiff',
	'image/jpeg',
	'image/gif',
	'image/bmp',
	'audio/mpeg',
	'audio/wav',
	'audio/x-wav',
	'audio/aiff',
	'audio/x-aiff',
	'audio/mp4',
	'audio/x-m4a',
	'text/plain',
	'application/pdf',
	'video/quicktime',
	'video/mp4',
];

function header(ctx: RequestContext, name: string): string | undefined {
	const value = ctx.headers[name];
	return Array.isArray(value) ? value[0] : value;
}

function errorBody(code: number, message: string, details?: string): Record<string, unknown> {
	return { requestId: newGuid(), code, message, ...(details ? { details } : {}) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Signl4Module implements ServiceModule {
	readonly name = 'signl4';

	constructor(private readonly service: Signl4Service) {}

	private readonly errorStyle: ServiceErrorStyle = {
		faultResponse: (_ctx, fault) => {
			if (fault.status === 429) {
				const reset = Math.ceil(Date.now() / 1000) + (fault.retryAfterSeconds ?? 15);
				return {
					status: 429,
					headers: { 'X-RateLimit-Limit': '150', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) },
				};
			}
			return json(fault.status, errorBody(fault.status >= 500 ? 5000 : fault.status, fault.status >= 500 ? 'Internal general error occured.' : 'Request failed.'));
		},
		expiredTokenResponse: () => json(401, errorBody(401, 'Unauthorized')),
	};

	routes(): RouteDefinition[] {
		const route = (id: RouteId, method: HttpMethod, pattern: string, handler: RouteHandler): RouteDefinition => ({
			id,
			method,
			pattern: `${SIGNL4_PREFIX}${pattern}`,
			handler,
			errorStyle: this.errorStyle,
		});
		const notAllowed: RouteHandler = () => ({ status: 405, headers: { Allow: 'POST' } });
		const otherMethods: HttpMethod[] = ['GET', 'PUT', 'PATCH', 'DELETE'];
		return [
			route('signl4.webhook', 'POST', '/webhook/{secret}', (ctx) => this.inbound(ctx, 'webhook')),
			...otherMethods.map((method) => route('signl4.webhook', method, '/webhook/{secret}', notAllowed)),
			route('signl4.events', 'POST', '/api/v2/events/{secret}', (ctx) => this.inbound(ctx, 'api')),
			...otherMethods.map((method) => route('signl4.events', method, '/api/v2/events/{secret}', notAllowed)),
			route('signl4.alerts.paged', 'POST', '/api/alerts/paged', this.rest((ctx, key) => this.paged(ctx, key))),
			route('signl4.alerts.get', 'GET', '/api/alerts/{alertId}', this.rest((ctx, key) => this.withAlert(ctx, key, (alert) => json(200, this.service.alertInfo(alert))))),
			route('signl4.alerts.acknowledge', 'POST', '/api/alerts/{alertId}/acknowledge', this.rest((ctx, key) => this.change(ctx, key, 'acknowledge'))),
			route('signl4.alerts.close', 'POST', '/api/alerts/{alertId}/close', this.rest((ctx, key) => this.change(ctx, key, 'close'))),
			route('signl4.alerts.undoAcknowledge', 'POST', '/api/alerts/{alertId}/undoAcknowledge', this.rest((ctx, key) => this.change(ctx, key, 'undoAcknowledge'))),
			route('signl4.alerts.undoClose', 'POST', '/api/alerts/{alertId}/undoClose', this.rest((ctx, key) => this.change(ctx, key, 'undoClose'))),
			route('signl4.alerts.annotate', 'POST', '/api/alerts/{alertId}/annotate', this.rest((ctx, key) => this.annotate(ctx, key))),
			route(
				'signl4.alerts.annotations',
				'GET',
				'/api/alerts/{alertId}/annotations',
				this.rest((ctx, key) => this.withAlert(ctx, key, (alert) => (alert.annotations.length ? json(200, alert.annotations) : { status: 204 }))),
			),
			route('signl4.users.list', 'GET', '/api/users', this.rest(() => json(200, this.service.users.map((user) => this.service.userInfo(user))))),
			route(
				'signl4.users.get',
				'GET',
				'/api/users/{userId}',
				this.rest((ctx) => {
					// "Me" is not possible with an API key (OpenAPI description of /users/{userId}).
					if (ctx.params.userId.toLowerCase() === 'me') return json(400, errorBody(400, "'Me' cannot be used with an API key."));
					const user = this.service.findUser(ctx.params.userId);
					return user ? json(200, this.service.userInfo(user)) : json(404, errorBody(404, 'User not found.'));
				}),
			),
			route(
				'signl4.webhooks.list',
				'GET',
				'/api/webhooks',
				this.rest(() => {
					const registered = this.service.outbound.targets.filter((target) => target.source === 'api');
					// Documented: 404 when the subscription has no outbound webhooks.
					if (registered.length === 0) return json(404, errorBody(404, 'The subscription does not have any outbound webhooks.'));
					return json(200, registered.map((target) => this.service.webhookInfo(target)));
				}),
			),
			route('signl4.webhooks.create', 'POST', '/api/webhooks', this.rest((ctx) => this.createWebhook(ctx))),
			route(
				'signl4.webhooks.delete',
				'DELETE',
				'/api/webhooks/{webhookId}',
				this.rest((ctx) => {
					const target = this.service.outbound.targets.find((t) => t.id === ctx.params.webhookId && t.source === 'api');
					if (!target) return json(404, errorBody(404, 'Webhook with specified id was not found.'));
					this.service.removeTarget(target.id);
					return { status: 200 };
				}),
			),
		];
	}

	// ------------------------------------------------------------------------------------------------------ inbound

	private erroneous(ctx: RequestContext, status: number, body?: unknown): HttpResponse {
		const client = ctx.req.socket.remoteAddress ?? 'unknown';
		const decision = this.service.erroneousThrottle.take(client);
		if (!decision.allowed) return { status: 429, headers: decision.headers };
		return body === undefined ? { status, headers: decision.headers } : json(status, body, decision.headers);
	}

	private async inbound(ctx: RequestContext, channel: 'webhook' | 'api'): Promise<HttpResponse> {
		const secret = ctx.params.secret;
		let key: ApiKey | undefined;
		if (channel === 'api') {
			key = this.service.keyFor(header(ctx, 'x-s4-api-key'));
			if (!key) return this.erroneous(ctx, 401, errorBody(401, 'The API key is missing or invalid.'));
		}
		const team = this.service.teamBySecret(secret);
		if (!team) {
			return this.erroneous(ctx, 404, { requestId: newGuid(), code: 3004, details: `An event source with ID ${secret} was not found.`, message: 'Error raising event.' });
		}
		if (key?.teamId && key.teamId !== team.id) return this.erroneous(ctx, 403, errorBody(403, 'The API key is not valid for this team.'));
		let parsed;
		try {
			parsed = parsePayload(ctx.rawBody, header(ctx, 'content-type'));
		} catch (error) {
			if (!(error instanceof PayloadError)) throw error;
			return this.erroneous(ctx, 400, errorBody(400, 'Error raising event.', error.message));
		}
		if (parsed.format === 'empty') return this.erroneous(ctx, 400, errorBody(400, 'Error raising event.', 'The request body is empty.'));
		for (const attachment of parsed.attachments) {
			if (attachment.data.length > MAX_ATTACHMENT_BYTES) {
				return this.erroneous(ctx, 400, errorBody(400, 'Error raising event.', `Attachment ${attachment.name} exceeds 4 MB.`));
			}
			if (!ATTACHMENT_TYPES.includes(attachment.contentType)) {
				return this.erroneous(ctx, 400, errorBody(400, 'Error raising event.', `Attachment type ${attachment.contentType} is not supported.`));
			}
		}
		const decision = this.service.eventThrottle.take(this.service.subscriptionId);
		if (!decision.allowed) return { status: 429, headers: decision.headers };
		const event = this.service.receiveEvent({ channel, team, fields: parsed.fields, attachments: parsed.attachments, format: parsed.format, query: ctx.query });
		ctx.loggedBody = describeForLog(ctx, parsed);
		if (this.service.settings.replyDelayMs > 0) await sleep(this.service.settings.replyDelayMs);
		return json(201, { eventId: event.eventId }, decision.headers);
	}

	// --------------------------------------------------------------------------------------------------------- REST

	private rest(handler: (ctx: RequestContext, key: ApiKey) => HttpResponse | Promise<HttpResponse>): RouteHandler {
		return async (ctx) => {
			const key = this.service.keyFor(header(ctx, 'x-s4-api-key'));
			if (!key) return this.erroneous(ctx, 401, errorBody(401, 'The API key is missing or invalid.'));
			const decision = this.service.apiThrottle.take(this.service.subscriptionId);
			if (!decision.allowed) return { status: 429, headers: decision.headers };
			const response = await handler(ctx, key);
			return { ...response, headers: { ...decision.headers, ...(response.headers ?? {}) } };
		};
	}

	private body(ctx: RequestContext): { ok: true; value: Record<string, unknown> } | { ok: false; response: HttpResponse } {
		const parsed = parseJsonBody(ctx.rawBody);
		if (!parsed.ok) return { ok: false, response: json(400, errorBody(400, 'The request body is not valid JSON.')) };
		if (parsed.value === undefined) return { ok: true, value: {} };
		if (!isPlainObject(parsed.value)) return { ok: false, response: json(400, errorBody(400, 'The request body must be a JSON object.')) };
		return { ok: true, value: parsed.value };
	}

	private withAlert(ctx: RequestContext, key: ApiKey, handler: (alert: AlertRecord) => HttpResponse): HttpResponse {
		const alert = this.service.alertsById.get(ctx.params.alertId);
		if (!alert) return json(404, errorBody(404, 'No alert with id was found.'));
		if (key.teamId && key.teamId !== alert.teamId) return json(403, errorBody(403, 'The API key is not valid for the team of this alert.'));
		return handler(alert);
	}

	private change(ctx: RequestContext, key: ApiKey, action: 'acknowledge' | 'close' | 'undoAcknowledge' | 'undoClose'): HttpResponse {
		const body = this.body(ctx);
		if (!body.ok) return body.response;
		const input = body.value;
		return this.withAlert(ctx, key, (alert) => {
			const user = typeof input.userId === 'string' && input.userId ? this.service.findUser(input.userId) : this.service.findUser(key.userId);
			if (!user) return json(400, errorBody(400, 'The user was not found in this team.'));
			try {
				this.service[action](alert, user);
			} catch (error) {
				if (error instanceof LifecycleError) return json(409, errorBody(409, error.message));
				throw error;
			}
			return json(200, this.service.alertInfo(alert));
		});
	}

	private annotate(ctx: RequestContext, key: ApiKey): HttpResponse {
		const body = this.body(ctx);
		if (!body.ok) return body.response;
		const input = body.value;
		return this.withAlert(ctx, key, (alert) => {
			if (typeof input.text !== 'string' || !input.text.trim()) return json(400, errorBody(400, 'The annotation text is missing.'));
			const user = typeof input.userId === 'string' && input.userId ? this.service.findUser(input.userId) : this.service.findUser(key.userId);
			if (!user) return json(400, errorBody(400, 'The user was not found in this team.'));
			const annotationType = typeof input.annotationType === 'number' ? input.annotationType : 0;
			return json(200, this.service.annotate(alert, input.text, user, annotationType));
		});
	}

	private paged(ctx: RequestContext, key: ApiKey): HttpResponse {
		const body = this.body(ctx);
		if (!body.ok) return body.response;
		const filter = body.value;
		const maxResults = ctx.query.maxResults === undefined ? 100 : Number(ctx.query.maxResults);
		if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100) return json(400, errorBody(400, 'maxResults must be between 1 and 100.'));
		const date = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? Date.parse(value) : undefined);
		const minCreated = date(filter.minCreationDate);
		const maxCreated = date(filter.maxCreationDate);
		const modifiedSince = date(filter.modifiedSince);
		const statusMask = typeof filter.statusCodes === 'number' && filter.statusCodes > 0 ? filter.statusCodes : undefined;
		const ids = Array.isArray(filter.alertIds) ? filter.alertIds.filter((id): id is string => typeof id === 'string') : undefined;
		const text = typeof filter.textToSearch === 'string' && filter.textToSearch.trim() ? filter.textToSearch.trim().toLowerCase() : undefined;
		const teamId = typeof filter.teamId === 'string' && filter.teamId ? filter.teamId : undefined;
		const matches = [...this.service.alertsById.values()]
			.filter((alert) => !key.teamId || key.teamId === alert.teamId)
			.filter((alert) => !teamId || alert.teamId === teamId)
			.filter((alert) => !ids?.length || ids.includes(alert.id))
			.filter((alert) => minCreated === undefined || Date.parse(alert.created) >= minCreated)
			.filter((alert) => maxCreated === undefined || Date.parse(alert.created) <= maxCreated)
			.filter((alert) => modifiedSince === undefined || Date.parse(alert.lastModified) >= modifiedSince)
			.filter((alert) => statusMask === undefined || (alert.status & statusMask) !== 0)
			.filter((alert) => {
				if (!text) return true;
				// Assumed: the search covers title, text and parameter values (X-S4-ExternalID among them).
				const haystack = [alert.title, alert.text, alert.externalId ?? '', ...alert.parameters.map((p) => p.value)].join('\n').toLowerCase();
				return haystack.includes(text);
			})
			.sort((a, b) => Date.parse(b.created) - Date.parse(a.created));
		const token = isPlainObject(filter.continuationToken) ? Number(filter.continuationToken.nextRowKey) : 0;
		const offset = Number.isInteger(token) && token > 0 ? token : 0;
		const page = matches.slice(offset, offset + maxResults);
		// Documented: 204 when nothing matches.
		if (page.length === 0) return { status: 204 };
		const hasMore = offset + maxResults < matches.length;
		return json(200, {
			results: page.map((alert) => this.service.overviewAlert(alert)),
			hasMore,
			continuationToken: hasMore ? { nextRowKey: String(offset + maxResults) } : null,
		});
	}

	private createWebhook(ctx: RequestContext): HttpResponse {
		const body = this.body(ctx);
		if (!body.ok) return body.response;
		const input = body.value;
		const address = typeof input.externalAddress === 'string' ? input.externalAddress.trim() : '';
		let url: URL;
		try {
			url = new URL(address);
		} catch {
			return json(400, errorBody(400, 'The externalAddress is not a valid URL.'));
		}
		if (!['http:', 'https:'].includes(url.protocol)) return json(400, errorBody(400, 'The externalAddress must be an http(s) URL.'));
		// SIGNL4 refuses a team's own inbound webhook as an outbound target (loop guard).
		if (/\/webhook\//i.test(url.pathname) && [this.service.team.secret, this.service.integrationSecret].some((secret) => url.pathname.endsWith(`/${secret}`))) {
			return json(400, errorBody(400, 'The outbound webhook must not point to the team\'s own inbound webhook.'));
		}
		const target = this.service.registerWebhook(address, typeof input.name === 'string' ? input.name : undefined, typeof input.teamId === 'string' ? input.teamId : null);
		return { status: 201, headers: { 'content-type': JSON_CONTENT_TYPE }, body: JSON.stringify(target.id) };
	}
}

/** Request-log body for inbound events: fields and attachment sizes, not megabytes of multipart text. */
function describeForLog(ctx: RequestContext, parsed: ReturnType<typeof parsePayload>): unknown {
	if (parsed.format !== 'multipart') return ctx.loggedBody;
	return {
		fields: Object.fromEntries(parsed.fields),
		attachments: parsed.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.data.length })),
	};
}

export { STATUS };
