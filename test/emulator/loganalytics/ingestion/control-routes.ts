// `/_emulator/ingestion/…`: data collection rules and the uploads received, for tools that run the emulator standalone.
import { isPlainObject, json, readObjectBody } from '../../core/json';
import type { RequestContext } from '../../core/http-types';
import type { ControlRoute } from '../../core/server';
import type { DataCollectionRuleSpec, IngestionApi } from './ingestion-module';

export function ingestionControlRoutes(api: IngestionApi): ControlRoute[] {
	const route = (method: ControlRoute['method'], pattern: string, handler: (ctx: RequestContext, body: Record<string, unknown>) => ReturnType<typeof json>): ControlRoute => ({
		method,
		pattern: `/_emulator/ingestion${pattern}`,
		handler: (ctx) => handler(ctx, readObjectBody(ctx.rawBody)),
	});
	return [
		// Body: { immutableId?, streams: { "Custom-X_CL": [{ name, type }] }, outputTable, workspace?, transformKql?, publishers? }
		route('POST', '/rules', (_ctx, body) => json(201, api.defineRule(body as unknown as DataCollectionRuleSpec))),
		route('GET', '/rules', () => json(200, { value: api.rules() })),
		route('GET', '/uploads', () => json(200, { value: api.uploads })),
		route('DELETE', '/uploads', () => {
			api.clearUploads();
			return json(200, { cleared: true });
		}),
		route('GET', '/settings', () => json(200, api.settings)),
		route('PUT', '/settings', (_ctx, body) => {
			if (!isPlainObject(body) || (body.requestsPerMinute !== undefined && !(Number(body.requestsPerMinute) >= 1))) throw new Error('requestsPerMinute must be a number of at least 1');
			if (body.requestsPerMinute !== undefined) api.settings.requestsPerMinute = Number(body.requestsPerMinute);
			return json(200, api.settings);
		}),
	];
}
