// `/_emulator/loganalytics/…`: the Log Analytics part of the control API, for tools that run the emulator standalone.
import { isPlainObject, json } from '../core/json';
import type { HttpResponse, RequestContext } from '../core/http-types';
import type { ControlRoute } from '../core/server';
import type { LogAnalyticsApi } from './loganalytics-module';

type Handler = (ctx: RequestContext, body: Record<string, unknown>) => HttpResponse;

export function logAnalyticsControlRoutes(
	api: () => LogAnalyticsApi,
	route: (method: ControlRoute['method'], pattern: string, handler: Handler) => ControlRoute,
): ControlRoute[] {
	const ok = (body: unknown, status = 200) => json(status, body);
	const workspace = (ctx: RequestContext) => ctx.query.workspace || undefined;
	return [
		route('GET', '/loganalytics/tables', (ctx) => ok({ value: api().tables(workspace(ctx)) })),
		route('GET', '/loganalytics/tables/{table}/rows', (ctx) => ok({ value: api().rows(ctx.params.table, { workspace: workspace(ctx) }) })),
		route('POST', '/loganalytics/tables/{table}/rows', (ctx, body) => {
			if (!Array.isArray(body.rows)) throw new Error('body needs rows: [...]');
			return ok({ rowCount: api().insertRows(ctx.params.table, body.rows as Array<Record<string, unknown>>, { workspace: workspace(ctx) }) }, 201);
		}),
		route('POST', '/loganalytics/query', (ctx, body) => {
			if (typeof body.query !== 'string') throw new Error('body needs query');
			return ok(api().query(body.query, { workspace: workspace(ctx), timespan: typeof body.timespan === 'string' ? body.timespan : undefined }));
		}),
		route('GET', '/loganalytics/settings', () => ok(api().settings)),
		route('PUT', '/loganalytics/settings', (_ctx, body) => {
			if (!isPlainObject(body)) throw new Error('settings must be an object');
			Object.assign(api().settings, body);
			return ok(api().settings);
		}),
		route('GET', '/loganalytics/concurrency', () => ok(api().concurrency)),
		route('DELETE', '/loganalytics/concurrency', () => {
			api().resetConcurrency();
			return ok(api().concurrency);
		}),
		route('GET', '/loganalytics/queries', () => ok({ value: api().queries })),
		route('DELETE', '/loganalytics/queries', () => {
			api().clearQueries();
			return ok({ cleared: true });
		}),
	];
}
