// `/_emulator/automation/…`: JSON mirror of `emulator.automation` (automation rules and their playbook runs).
import { json, readObjectBody } from '../../../core/json';
import type { HttpMethod, HttpResponse, RequestContext } from '../../../core/http-types';
import type { ControlRoute } from '../../../core/server';
import type { AutomationApi, AutomationBehaviour, AutomationRuleSpec } from './automation-rules';

type Handler = (ctx: RequestContext, body: Record<string, unknown>) => HttpResponse | Promise<HttpResponse>;

export function automationControlRoutes(api: () => AutomationApi): ControlRoute[] {
	const route = (method: HttpMethod, pattern: string, handler: Handler): ControlRoute => ({
		method,
		pattern: `/_emulator/automation${pattern}`,
		handler: async (ctx) => {
			try {
				return await handler(ctx, method === 'GET' ? {} : readObjectBody(ctx.rawBody));
			} catch (error) {
				return json(400, { error: (error as Error).message });
			}
		},
	});
	return [
		route('GET', '/rules', () => json(200, { value: api().rules() })),
		route('POST', '/rules', (_ctx, body) => json(201, api().addRule(body as unknown as AutomationRuleSpec))),
		route('DELETE', '/rules/{name}', (ctx) => (api().removeRule(ctx.params.name) ? json(200, { deleted: true }) : json(404, { error: 'not found' }))),
		route('GET', '/behaviour', () => json(200, api().behaviour)),
		route('PATCH', '/behaviour', (_ctx, body) => json(200, api().setBehaviour(body as Partial<AutomationBehaviour>))),
		route('POST', '/hold', () => {
			api().hold();
			return json(200, { holding: true });
		}),
		route('POST', '/release', () => json(200, { released: api().release() })),
		route('GET', '/runs', () => json(200, { value: api().runs() })),
	];
}
