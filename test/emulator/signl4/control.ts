// `/_emulator/signl4/…`: the SIGNL4 part of the control API (JSON mirror of `emulator.signl4`) and the web console,
// which acts as the SIGNL4 app would: acknowledge, annotate, close, escalate — each change sends the callbacks.
import { isPlainObject, json, readObjectBody } from '../core/json';
import type { HttpMethod, HttpResponse, RequestContext } from '../core/http-types';
import type { ControlRoute } from '../core/server';
import { consoleHtml } from './console-page';
import type { OutboundBehaviour, OutboundTarget } from './outbound';
import { LifecycleError, type AlertRecord, type Signl4Api } from './signl4-service';
import type { PlanLimits } from './throttle';

type Handler = (ctx: RequestContext, body: Record<string, unknown>) => HttpResponse | Promise<HttpResponse>;

const STATUS_NAMES: Record<number, string> = { 1: 'new', 2: 'acknowledged', 4: 'closed' };

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

export function signl4ControlRoutes(api: () => Signl4Api): ControlRoute[] {
	const route = (method: HttpMethod, pattern: string, handler: Handler): ControlRoute => ({
		method,
		pattern: `/_emulator/signl4${pattern}`,
		handler: async (ctx) => {
			try {
				return await handler(ctx, method === 'GET' ? {} : readObjectBody(ctx.rawBody));
			} catch (error) {
				if (error instanceof LifecycleError) return json(409, { error: error.message });
				throw error;
			}
		},
	});
	const ok = (body: unknown, status = 200) => json(status, body);
	const consoleAlert = (alert: AlertRecord) => {
		const s4 = api();
		const name = (id: string | null) => (id ? (s4.users.find((u) => u.id === id)?.name ?? id) : null);
		return {
			...s4.alertInfo(alert.id),
			statusName: STATUS_NAMES[alert.status] ?? String(alert.status),
			scenario: alert.scenario,
			created: alert.created,
			acknowledgedBy: alert.acknowledgedUserIds.map(name),
			closedByName: name(alert.closedBy),
			annotations: alert.annotations.map((a) => ({ ...a, userName: name(a.userId) })),
			attachments: alert.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, size: a.size })),
		};
	};
	const alertOr404 = (id: string) => api().alert(id);
	return [
		route('GET', '/console', () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: consoleHtml() })),
		route('GET', '', () => {
			const s4 = api();
			return ok({
				baseUrl: s4.baseUrl,
				consoleUrl: s4.consoleUrl,
				subscriptionId: s4.subscriptionId,
				team: s4.team,
				integrationSecret: s4.integrationSecret,
				apiKey: s4.apiKey,
				users: s4.users,
				plan: s4.plan,
				settings: s4.settings,
				outbound: { behaviour: s4.outbound.behaviour, heldCount: s4.outbound.heldCount, targets: s4.outbound.targets.map(redactTarget) },
			});
		}),
		route('GET', '/alerts', (ctx) => {
			const status = ctx.query.status ? Number(ctx.query.status) : undefined;
			const alerts = api().alerts({ externalId: ctx.query.externalId || undefined, status: status as never });
			return ok({ value: alerts.sort((a, b) => Date.parse(b.created) - Date.parse(a.created)).map(consoleAlert) });
		}),
		route('POST', '/alerts', (_ctx, body) => {
			const title = text(body.title);
			if (!title) throw new Error('alert needs a title');
			const parameters = isPlainObject(body.parameters) ? Object.fromEntries(Object.entries(body.parameters).map(([k, v]) => [k, String(v)])) : undefined;
			const scenario = ['single_ack', 'multi_ack', 'emergency'].includes(String(body.scenario)) ? (body.scenario as AlertRecord['scenario']) : undefined;
			return ok(consoleAlert(api().raise({ title, text: text(body.text), externalId: text(body.externalId), parameters, scenario })), 201);
		}),
		route('GET', '/alerts/{id}', (ctx) => {
			const alert = alertOr404(ctx.params.id);
			return alert ? ok(consoleAlert(alert)) : json(404, { error: 'alert not found' });
		}),
		route('POST', '/alerts/{id}/acknowledge', (ctx, body) => ok(consoleAlert(api().acknowledge(ctx.params.id, text(body.user))))),
		route('POST', '/alerts/{id}/close', (ctx, body) => ok(consoleAlert(api().close(ctx.params.id, text(body.user))))),
		route('POST', '/alerts/{id}/undo-acknowledge', (ctx, body) => ok(consoleAlert(api().undoAcknowledge(ctx.params.id, text(body.user))))),
		route('POST', '/alerts/{id}/escalate', (ctx) => ok(consoleAlert(api().escalate(ctx.params.id)))),
		route('POST', '/alerts/{id}/annotate', (ctx, body) => {
			const note = text(body.text);
			if (!note) throw new Error('annotation needs text');
			return ok(api().annotate(ctx.params.id, note, text(body.user)), 201);
		}),
		route('POST', '/duty', (_ctx, body) => {
			const event = String(body.event);
			if (!['started', 'ended', 'punchedIn', 'punchedOut'].includes(event)) throw new Error('event must be started, ended, punchedIn or punchedOut');
			api().duty(event as 'started', text(body.user));
			return ok({ sent: true }, 201);
		}),
		route('GET', '/events', () => ok({ value: api().events() })),
		route('GET', '/outbound', () => {
			const outbound = api().outbound;
			return ok({ behaviour: outbound.behaviour, heldCount: outbound.heldCount, targets: outbound.targets.map(redactTarget) });
		}),
		route('POST', '/outbound/targets', (_ctx, body) => {
			const url = text(body.url);
			if (!url) throw new Error('target needs url');
			const basicAuth = isPlainObject(body.basicAuth) ? { user: String(body.basicAuth.user ?? ''), password: String(body.basicAuth.password ?? '') } : undefined;
			const headers = isPlainObject(body.headers) ? Object.fromEntries(Object.entries(body.headers).map(([k, v]) => [k, String(v)])) : undefined;
			return ok(redactTarget(api().outbound.addTarget(url, { basicAuth, headers, name: text(body.name) })), 201);
		}),
		route('DELETE', '/outbound/targets/{id}', (ctx) => (api().outbound.removeTarget(ctx.params.id) ? ok({ deleted: true }) : json(404, { error: 'target not found' }))),
		route('PUT', '/outbound/behaviour', (_ctx, body) => ok(api().outbound.configure(body as Partial<OutboundBehaviour>))),
		route('POST', '/outbound/flush', (_ctx, body) => {
			const order = ['fifo', 'reverse', 'shuffle'].includes(String(body.order)) ? (body.order as 'fifo') : 'fifo';
			return ok({ flushed: api().outbound.flush(order) });
		}),
		route('GET', '/outbound/deliveries', () => ok({ value: api().outbound.deliveries })),
		route('DELETE', '/outbound/deliveries', () => {
			api().outbound.clearDeliveries();
			return ok({ cleared: true });
		}),
		route('PUT', '/plan', (_ctx, body) => {
			const plan = body.plan === 'free' || body.plan === 'commercial' ? body.plan : (body as unknown as PlanLimits);
			if (typeof plan !== 'string' && !(Array.isArray(plan.events) && Array.isArray(plan.api) && Array.isArray(plan.erroneous))) {
				throw new Error("plan must be {plan: 'free'|'commercial'} or {events, api, erroneous} windows");
			}
			api().setPlan(plan);
			return ok(api().plan);
		}),
		route('PUT', '/settings', (_ctx, body) => {
			const delay = Number(body.replyDelayMs ?? 0);
			if (!Number.isFinite(delay) || delay < 0) throw new Error('replyDelayMs must be >= 0');
			api().settings.replyDelayMs = delay;
			return ok(api().settings);
		}),
		route('POST', '/reset', () => {
			api().reset();
			return ok({ reset: true });
		}),
	];
}

function redactTarget(target: OutboundTarget) {
	let url = target.url;
	try {
		const parsed = new URL(target.url);
		if (parsed.password) parsed.password = '***';
		url = parsed.toString();
	} catch {
		// keep as is
	}
	return {
		...target,
		url,
		basicAuth: target.basicAuth ? { user: target.basicAuth.user, password: '***' } : undefined,
		headers: target.headers ? Object.fromEntries(Object.keys(target.headers).map((k) => [k, '***'])) : undefined,
	};
}
