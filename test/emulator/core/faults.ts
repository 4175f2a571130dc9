import type { RouteId } from './route-ids';

/**
 * `lostResponse`: the request is carried out, then the connection is dropped before the answer is sent — what a
 * client sees as a timeout after its write already landed.
 */
export type FaultKind = 'status' | 'latency' | 'drop' | 'lostResponse' | 'expiredToken';

export interface FaultSpec {
	route: RouteId | '*';
	kind: FaultKind;
	/** For `status`: 429, 503, 500, 502 … */
	status?: number;
	retryAfterSeconds?: number;
	/** For `latency`. */
	delayMs?: number;
	/** How many matching requests it applies to; default 1; `Infinity` allowed. */
	times?: number;
	/** Let this many matching requests through untouched before the fault starts applying (default 0). */
	skip?: number;
}

export interface ActiveFault extends Required<Pick<FaultSpec, 'route' | 'kind'>> {
	status?: number;
	retryAfterSeconds?: number;
	delayMs?: number;
	remaining: number;
	skipRemaining: number;
}

/** What happens to one request: optional delay, then optionally a terminal fault instead of the real handler. */
export interface FaultPlan {
	delayMs: number;
	terminal?: ActiveFault;
	fired: FaultKind[];
}

export class FaultInjector {
	private readonly faults: ActiveFault[] = [];

	add(spec: FaultSpec): void {
		validateFault(spec);
		this.faults.push({
			route: spec.route,
			kind: spec.kind,
			status: spec.status,
			retryAfterSeconds: spec.retryAfterSeconds,
			delayMs: spec.delayMs,
			remaining: spec.times ?? 1,
			skipRemaining: spec.skip ?? 0,
		});
	}

	clear(): void {
		this.faults.length = 0;
	}

	list(): ActiveFault[] {
		return this.faults.map((fault) => ({ ...fault }));
	}

	/** Consumes the faults that apply to a request on `route`: every matching latency adds up, the first terminal one wins. */
	plan(route: RouteId): FaultPlan {
		const plan: FaultPlan = { delayMs: 0, fired: [] };
		for (const fault of this.faults) {
			if (fault.remaining <= 0) continue;
			if (fault.route !== '*' && fault.route !== route) continue;
			if (fault.skipRemaining > 0) {
				fault.skipRemaining -= 1;
				continue;
			}
			if (fault.kind === 'latency') {
				plan.delayMs += fault.delayMs ?? 0;
			} else if (plan.terminal) {
				continue;
			} else {
				plan.terminal = fault;
			}
			fault.remaining -= 1;
			plan.fired.push(fault.kind);
		}
		for (let i = this.faults.length - 1; i >= 0; i--) {
			if (this.faults[i].remaining <= 0) this.faults.splice(i, 1);
		}
		return plan;
	}
}

function validateFault(spec: FaultSpec): void {
	const kinds: FaultKind[] = ['status', 'latency', 'drop', 'lostResponse', 'expiredToken'];
	if (!kinds.includes(spec.kind)) throw new Error(`Unknown fault kind '${String(spec.kind)}'`);
	if (spec.kind === 'status' && !(Number.isInteger(spec.status) && (spec.status as number) >= 400)) {
		throw new Error("A 'status' fault needs an error status (e.g. 429, 503)");
	}
	if (spec.kind === 'latency' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
		throw new Error("A 'latency' fault needs delayMs >= 0");
	}
	if (spec.times !== undefined && !(spec.times > 0)) throw new Error('times must be > 0');
	if (spec.skip !== undefined && !(Number.isInteger(spec.skip) && spec.skip >= 0)) throw new Error('skip must be an integer >= 0');
}
