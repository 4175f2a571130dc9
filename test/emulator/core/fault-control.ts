// `/_emulator/faults…`: the fault injector over HTTP, for tools that run the emulator standalone. Lives in core next to
// the injector because it needs more of it (ids, remove, reseed) than the in-process `Emulator.faults` facade offers.
import type { HttpResponse, RequestContext } from './http-types';
import { isPlainObject, json, readObjectBody } from './json';
import { validateFault, type FaultInjector, type FaultSpec } from './faults';
import type { ControlRoute } from './server';

export function faultControlRoutes(faults: FaultInjector): ControlRoute[] {
	const route = (method: ControlRoute['method'], pattern: string, handler: (ctx: RequestContext, body: Record<string, unknown>) => HttpResponse) => ({
		method,
		pattern: `/_emulator${pattern}`,
		handler: (ctx: RequestContext) => handler(ctx, readObjectBody(ctx.rawBody)),
	});
	return [
		route('GET', '/faults', () => json(200, { value: faults.list() })),
		route('POST', '/faults', (_ctx, body) => {
			const specs = (Array.isArray(body.faults) ? body.faults : [body]).map(toFault);
			// All or nothing: a bad entry in a list adds none of them.
			specs.forEach(validateFault);
			const ids = specs.map((spec) => faults.add(spec));
			return json(201, { ids, value: faults.list() });
		}),
		route('DELETE', '/faults', () => {
			faults.clear();
			return json(200, { value: [] });
		}),
		route('POST', '/faults/seed', (_ctx, body) => {
			const seed = Number(body.seed);
			faults.reseed(seed);
			return json(200, { seed });
		}),
		route('DELETE', '/faults/{id}', (ctx) =>
			faults.remove(ctx.params.id) ? json(200, { removed: ctx.params.id, value: faults.list() }) : json(404, { error: `No active fault '${ctx.params.id}'` }),
		),
	];
}

/** JSON has no Infinity: `times` accepts `"Infinity"`, `null` or a negative number for "always"; `untilMs` also an ISO time. */
export function toFault(raw: unknown): FaultSpec {
	if (!isPlainObject(raw)) throw new Error('fault must be an object');
	const spec = { ...raw } as unknown as FaultSpec;
	const times = raw.times;
	if (times === 'Infinity' || times === null || (typeof times === 'number' && times < 0)) spec.times = Infinity;
	if (typeof raw.untilMs === 'string') {
		const parsed = Date.parse(raw.untilMs);
		if (Number.isNaN(parsed)) throw new Error(`untilMs '${raw.untilMs}' is not a time`);
		spec.untilMs = parsed;
	}
	return spec;
}
