// `/_emulator/…`: JSON mirror of the in-process API for tools that run the emulator standalone.
import { isPlainObject, json, readObjectBody } from '../core/json';
import type { HttpResponse, RequestContext } from '../core/http-types';
import type { ControlRoute } from '../core/server';
import { ALL_ROUTE_IDS, ROUTE_GROUPS, type RouteId } from '../core/route-ids';
import { isLimitsMode } from '../core/limits';
import { ARM_OPERATION_KINDS, type ArmOperationKind } from '../arm/arm-headers';
import type { Emulator } from '../emulator-types';
import { logAnalyticsControlRoutes } from '../loganalytics/control-routes';
import { signl4ControlRoutes } from '../signl4/control';
import { automationControlRoutes } from '../arm/sentinel/automation/control';

export function controlRoutes(emulator: () => Emulator): ControlRoute[] {
	const route = (method: ControlRoute['method'], pattern: string, handler: (ctx: RequestContext, body: Record<string, unknown>) => HttpResponse) => ({
		method,
		pattern: `/_emulator${pattern}`,
		handler: (ctx: RequestContext) => handler(ctx, readObjectBody(ctx.rawBody)),
	});
	const ok = (body: unknown, status = 200) => json(status, body);
	const incidentOr404 = (name: string) => {
		const incident = emulator().sentinel.getIncident(name);
		return incident ? ok(incident) : json(404, { error: `Incident '${name}' not found` });
	};

	return [
		route('GET', '/info', () => ok(info(emulator()))),
		route('GET', '/incidents', () => ok({ value: emulator().sentinel.listIncidents() })),
		route('POST', '/incidents', (_ctx, body) => ok(emulator().sentinel.createIncident(body), 201)),
		route('POST', '/incidents/seed', (_ctx, body) => {
			const count = Number(body.count ?? 12);
			const options = isPlainObject(body.options) ? body.options : {};
			return ok({ value: emulator().sentinel.seed(count, options) }, 201);
		}),
		route('GET', '/incidents/{name}', (ctx) => incidentOr404(ctx.params.name)),
		route('PATCH', '/incidents/{name}', (ctx, body) => {
			const change = isPlainObject(body.change) ? body.change : body;
			const actor = typeof body.actor === 'string' ? body.actor : undefined;
			return ok(emulator().sentinel.updateIncident(ctx.params.name, change, actor));
		}),
		route('DELETE', '/incidents/{name}', (ctx) => (emulator().sentinel.deleteIncident(ctx.params.name) ? ok({ deleted: true }) : json(404, { error: 'not found' }))),
		route('GET', '/incidents/{name}/history', (ctx) => ok({ value: emulator().sentinel.history(ctx.params.name) })),
		route('GET', '/incidents/{name}/alerts', (ctx) => ok({ value: emulator().sentinel.alerts(ctx.params.name) })),
		route('POST', '/incidents/{name}/alerts', (ctx, body) => ok(emulator().sentinel.addAlert(ctx.params.name, body), 201)),
		route('GET', '/incidents/{name}/entities', (ctx) => ok({ value: emulator().sentinel.entities(ctx.params.name) })),
		route('GET', '/incidents/{name}/comments', (ctx) => ok({ value: emulator().sentinel.comments(ctx.params.name) })),
		route('POST', '/incidents/{name}/comments', (ctx, body) => {
			if (typeof body.message !== 'string' || !body.message) throw new Error('comment needs a message');
			return ok(emulator().sentinel.addComment(ctx.params.name, body.message, typeof body.author === 'string' ? body.author : undefined), 201);
		}),
		// "Someone changes the incident between the client's GET and its PUT": {change?, addLabels?, removeLabels?, comment?, actor?, times?}
		route('POST', '/incidents/{name}/before-next-put', (ctx, body) => {
			emulator().sentinel.beforeNextPut(ctx.params.name, body);
			return ok({ pending: true }, 201);
		}),
		route('DELETE', '/incidents/{name}/before-next-put', (ctx) => ok({ cleared: emulator().sentinel.clearBeforePut(ctx.params.name) })),
		route('POST', '/incidents/{name}/entities', (ctx, body) => {
			if (typeof body.kind !== 'string' || !isPlainObject(body.properties)) throw new Error('entity needs kind and properties');
			return ok(emulator().sentinel.addEntity(ctx.params.name, body as never), 201);
		}),
		route('GET', '/users', () => ok({ value: emulator().sentinel.users })),
		route('GET', '/quirks', () => ok(emulator().sentinel.quirks)),
		route('PUT', '/quirks', (_ctx, body) => {
			Object.assign(emulator().sentinel.quirks, body);
			return ok(emulator().sentinel.quirks);
		}),
		// /faults… are core routes (core/fault-control.ts).
		route('POST', '/identity/token-lifetime', (_ctx, body) => {
			const seconds = Number(body.seconds);
			if (!Number.isFinite(seconds) || seconds < 0) throw new Error('seconds must be a number >= 0');
			emulator().identity.setTokenLifetime(seconds);
			return ok({ tokenLifetimeSeconds: seconds });
		}),
		route('POST', '/identity/expire-all', () => {
			emulator().identity.expireAllTokens();
			return ok({ expired: true });
		}),
		route('POST', '/identity/principals', (_ctx, body) => {
			if (body.displayName !== undefined && typeof body.displayName !== 'string') throw new Error('displayName must be a string');
			return ok(emulator().identity.addPrincipal(body.displayName as string | undefined), 201);
		}),
		// The one switch for every enforced limit: {mode: 'enforced' | 'reported'}.
		route('GET', '/limits', () => ok(emulator().limits.state())),
		route('PUT', '/limits', (_ctx, body) => {
			if (!isLimitsMode(body.mode)) throw new Error("mode must be 'enforced' or 'reported'");
			emulator().limits.set(body.mode);
			return ok(emulator().limits.state());
		}),
		route('DELETE', '/limits', () => {
			emulator().limits.reset();
			return ok(emulator().limits.state());
		}),
		route('POST', '/limits/drain', (_ctx, body) => {
			const service = body.service;
			if (service !== undefined && service !== 'arm' && service !== 'loganalytics') throw new Error("service must be 'arm' or 'loganalytics'");
			const kinds = body.kinds;
			if (kinds !== undefined && (!Array.isArray(kinds) || !kinds.every((kind) => (ARM_OPERATION_KINDS as readonly unknown[]).includes(kind)))) {
				throw new Error("kinds must be a list of 'reads', 'writes', 'deletes'");
			}
			if (body.principal !== undefined && typeof body.principal !== 'string') throw new Error('principal must be an object id');
			emulator().limits.drain({ service, kinds: kinds as ArmOperationKind[] | undefined, principal: body.principal as string | undefined });
			return ok(emulator().limits.state());
		}),
		route('GET', '/requests', (ctx) => {
			const routeId = ctx.query.route;
			const value = emulator().requests.filter((entry) => !routeId || entry.route === routeId);
			return ok({ value });
		}),
		...logAnalyticsControlRoutes(() => emulator().logAnalytics, route),
		...signl4ControlRoutes(() => emulator().signl4),
		...automationControlRoutes(() => emulator().automation),
		route('GET', '/requests/count', (ctx) => ok({ count: emulator().requestCount(ctx.query.route as RouteId | undefined) })),
		route('DELETE', '/requests', () => {
			emulator().clearRequests();
			return ok({ cleared: true });
		}),
	];
}

function info(emu: Emulator) {
	return {
		url: emu.url,
		caPath: emu.caPath,
		caPem: emu.caPem,
		principal: emu.principal,
		workspace: emu.workspace,
		workspaces: emu.workspaces,
		limits: emu.limits.mode,
		users: emu.sentinel.users,
		routeIds: ALL_ROUTE_IDS,
		routeGroups: ROUTE_GROUPS,
	};
}
