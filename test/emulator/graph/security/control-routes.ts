// `/_emulator/defender/…`: the `emu.defender` control API over HTTPS, for tools that run the emulator standalone
// (`npm run emulator`, `npm start`): create, seed and edit Defender XDR incidents and alerts "as an analyst", make the
// Defender twin of a Sentinel incident, set a principal's Graph security permissions.
import type { RequestContext } from '../../core/http-types';
import { json, readObjectBody } from '../../core/json';
import type { ControlRoute } from '../../core/server';
import type { DefenderApi } from './defender-store';
import type { AlertPatch, DefenderAlertSeed, DefenderIncidentSeed, IncidentPatch } from './security-model';

export function defenderControlRoutes(api: () => DefenderApi): ControlRoute[] {
	const route = (method: ControlRoute['method'], pattern: string, handler: (ctx: RequestContext, body: Record<string, unknown>) => ReturnType<typeof json>): ControlRoute => ({
		method,
		pattern: `/_emulator/defender${pattern}`,
		handler: (ctx) => handler(ctx, readObjectBody(ctx.rawBody)),
	});
	const by = (body: Record<string, unknown>) => (typeof body.by === 'string' ? body.by : undefined);
	const without = (body: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(body).filter(([name]) => name !== key));
	return [
		route('GET', '/incidents', () => json(200, { value: api().incidents() })),
		route('POST', '/incidents', (_ctx, body) => json(201, api().createIncident(body as Partial<DefenderIncidentSeed>))),
		route('POST', '/seed', (_ctx, body) => json(201, { value: api().seed(Number(body.count ?? 1), body.withinMinutes === undefined ? undefined : Number(body.withinMinutes)) })),
		route('GET', '/incidents/{id}', (ctx) => {
			const incident = api().incident(ctx.params.id);
			return incident ? json(200, incident) : json(404, { error: `No Defender incident '${ctx.params.id}'` });
		}),
		// Body: the fields to change, plus `by` (the analyst's UPN; default soc-tier1@contoso.com).
		route('PATCH', '/incidents/{id}', (ctx, body) => json(200, api().updateIncident(ctx.params.id, without(body, 'by') as IncidentPatch, by(body)))),
		route('POST', '/incidents/{id}/alerts', (ctx, body) => json(201, api().addAlert(ctx.params.id, body as Partial<DefenderAlertSeed>))),
		route('POST', '/incidents/{id}/comments', (ctx, body) => json(200, { value: api().addComment('incident', ctx.params.id, String(body.comment ?? ''), by(body)) })),
		route('GET', '/alerts', () => json(200, { value: api().alerts() })),
		route('PATCH', '/alerts/{id}', (ctx, body) => json(200, api().updateAlert(ctx.params.id, without(body, 'by') as AlertPatch, by(body)))),
		route('POST', '/alerts/{id}/comments', (ctx, body) => json(200, { value: api().addComment('alert', ctx.params.id, String(body.comment ?? ''), by(body)) })),
		// Body: { "sentinelIncidentName": "<incident id in the default workspace>" }.
		route('POST', '/twins', (_ctx, body) => json(201, api().seedTwinOf(String(body.sentinelIncidentName ?? '')))),
		// Body: { "roles": ["SecurityIncident.Read.All", …] } (replaces the principal's Graph security permissions).
		route('PUT', '/roles/{objectId}', (ctx, body) => {
			api().setRoles(ctx.params.objectId, Array.isArray(body.roles) ? body.roles.map(String) : []);
			return json(200, { objectId: ctx.params.objectId, roles: body.roles });
		}),
	];
}
