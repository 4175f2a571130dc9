import { ALL_ROUTE_IDS, ROUTE_GROUPS, isRouteGroup, routeInGroup, type RouteGroup, type RouteId } from './route-ids';

/**
 * `lostResponse`: the request is carried out, then the connection is dropped before the answer is sent — what a
 * client sees as a timeout after its write already landed.
 */
export type FaultKind = 'status' | 'latency' | 'drop' | 'lostResponse' | 'expiredToken';

/** What a fault matches: one route id, every route of a service (`'arm'`, `'signl4'`, …) or every route (`'*'`). */
export type FaultRoute = RouteId | RouteGroup | '*';

/** Retry-After of a 429 fault that does not say (a throttled answer always tells the client when to come back). */
export const DEFAULT_429_RETRY_AFTER_SECONDS = 1;

export interface FaultSpec {
	/** A route id, a service group (`entra`, `arm`, `sentinel`, `loganalytics`, `signl4`), `'*'`, or a list of these. */
	route: FaultRoute | FaultRoute[];
	kind: FaultKind;
	/** For `status`: 429, 503, 500, 502 … */
	status?: number;
	/** Retry-After in seconds; a 429 without it gets {@link DEFAULT_429_RETRY_AFTER_SECONDS}. */
	retryAfterSeconds?: number;
	/** For `latency`. */
	delayMs?: number;
	/**
	 * How many matching requests it applies to; `Infinity` allowed. Default 1, or unlimited when `probability`,
	 * `forMs` or `untilMs` is given (those bound the fault themselves).
	 */
	times?: number;
	/** Let this many matching requests through untouched before the fault starts applying (default 0). */
	skip?: number;
	/**
	 * Share of the matching requests (after `skip`) it applies to, 0..1 (default 1). Drawn from a seeded generator
	 * per fault, so the same sequence of requests meets the same faults on every run.
	 */
	probability?: number;
	/** Seed of this fault's random draws (default: derived from the injector's seed and the fault's number). */
	seed?: number;
	/** Active from now for this many milliseconds, then gone. */
	forMs?: number;
	/** Active until this time (milliseconds since the epoch, like `Date.now()`), then gone. */
	untilMs?: number;
}

export interface ActiveFault {
	/** Returned by `add`; `remove(id)` takes it. */
	id: string;
	route: FaultRoute | FaultRoute[];
	kind: FaultKind;
	status?: number;
	retryAfterSeconds?: number;
	delayMs?: number;
	/** Applications left (`Infinity` when unlimited). */
	remaining: number;
	skipRemaining: number;
	probability?: number;
	/** When the fault ends (ISO), if it has a time window. */
	activeUntil?: string;
	/** Requests that matched its route so far, and how many of them it was applied to. */
	matched: number;
	applied: number;
}

/** What happens to one request: optional delay, then optionally a terminal fault instead of the real handler. */
export interface FaultPlan {
	delayMs: number;
	terminal?: ActiveFault;
	fired: FaultKind[];
	/** Ids of the faults that fired, in order. */
	faultIds: string[];
}

export interface FaultInjectorOptions {
	/** Seed of the random draws of faults with a `probability` (default 1). */
	seed?: number;
	/** Clock for time windows (default `Date.now`); tests pass a fake one. */
	now?: () => number;
}

interface FaultState {
	fault: ActiveFault;
	untilMs?: number;
	random: () => number;
}

const KINDS: FaultKind[] = ['status', 'latency', 'drop', 'lostResponse', 'expiredToken'];

/** Small seeded generator (mulberry32): fast, 32-bit state, good enough to pick a share of requests reproducibly. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class FaultInjector {
	private readonly faults: FaultState[] = [];

	private seed: number;

	private readonly now: () => number;

	private sequence = 0;

	constructor(options: FaultInjectorOptions = {}) {
		this.seed = options.seed ?? 1;
		this.now = options.now ?? Date.now;
	}

	/** Adds a fault and returns its id. */
	add(spec: FaultSpec): string {
		validateFault(spec);
		this.sequence += 1;
		const id = `f${this.sequence}`;
		const now = this.now();
		const ends = [spec.forMs === undefined ? undefined : now + spec.forMs, spec.untilMs].filter((t): t is number => t !== undefined);
		const untilMs = ends.length ? Math.min(...ends) : undefined;
		const bounded = spec.probability !== undefined || untilMs !== undefined;
		const retryAfterSeconds = spec.retryAfterSeconds ?? (spec.kind === 'status' && spec.status === 429 ? DEFAULT_429_RETRY_AFTER_SECONDS : undefined);
		const fault: ActiveFault = {
			id,
			route: Array.isArray(spec.route) ? [...spec.route] : spec.route,
			kind: spec.kind,
			...(spec.status !== undefined ? { status: spec.status } : {}),
			...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
			...(spec.delayMs !== undefined ? { delayMs: spec.delayMs } : {}),
			remaining: spec.times ?? (bounded ? Infinity : 1),
			skipRemaining: spec.skip ?? 0,
			...(spec.probability !== undefined ? { probability: spec.probability } : {}),
			...(untilMs !== undefined ? { activeUntil: new Date(untilMs).toISOString() } : {}),
			matched: 0,
			applied: 0,
		};
		// Each fault draws from its own sequence, so traffic on other routes does not change which requests it hits.
		const random = seededRandom(spec.seed ?? (Math.imul(this.seed, 0x9e3779b1) + this.sequence) >>> 0);
		this.faults.push({ fault, untilMs, random });
		return id;
	}

	/** Removes one fault; false if there is none with that id (any more). */
	remove(id: string): boolean {
		const index = this.faults.findIndex((state) => state.fault.id === id);
		if (index < 0) return false;
		this.faults.splice(index, 1);
		return true;
	}

	clear(): void {
		this.faults.length = 0;
	}

	/** Seed for the random draws of faults added from now on (a fault's own `seed` wins). */
	reseed(seed: number): void {
		if (!Number.isFinite(seed)) throw new Error('seed must be a number');
		this.seed = seed;
	}

	/** The faults still active (used up and expired ones are gone). */
	list(): ActiveFault[] {
		this.prune();
		return this.faults.map((state) => ({ ...state.fault }));
	}

	/** Consumes the faults that apply to a request on `route`: every matching latency adds up, the first terminal one wins. */
	plan(route: RouteId): FaultPlan {
		this.prune();
		const plan: FaultPlan = { delayMs: 0, fired: [], faultIds: [] };
		for (const { fault, random } of this.faults) {
			if (!matchesRoute(fault.route, route)) continue;
			fault.matched += 1;
			if (fault.skipRemaining > 0) {
				fault.skipRemaining -= 1;
				continue;
			}
			// Drawn for every matching request past `skip`, whether or not another fault answers it: the sequence of
			// draws depends only on this fault's own matches.
			if (fault.probability !== undefined && !(random() < fault.probability)) continue;
			if (fault.kind === 'latency') {
				plan.delayMs += fault.delayMs ?? 0;
			} else if (plan.terminal) {
				continue;
			} else {
				plan.terminal = fault;
			}
			fault.remaining -= 1;
			fault.applied += 1;
			plan.fired.push(fault.kind);
			plan.faultIds.push(fault.id);
		}
		this.prune();
		return plan;
	}

	private prune(): void {
		const now = this.now();
		for (let i = this.faults.length - 1; i >= 0; i--) {
			const { fault, untilMs } = this.faults[i];
			if (fault.remaining <= 0 || (untilMs !== undefined && now >= untilMs)) this.faults.splice(i, 1);
		}
	}
}

function matchesRoute(target: FaultRoute | FaultRoute[], route: RouteId): boolean {
	const targets = Array.isArray(target) ? target : [target];
	return targets.some((one) => one === '*' || one === route || (isRouteGroup(one) && routeInGroup(route, one)));
}

export function isFaultRoute(value: unknown): value is FaultRoute {
	return typeof value === 'string' && (value === '*' || isRouteGroup(value) || (ALL_ROUTE_IDS as readonly string[]).includes(value));
}

export function validateFault(spec: FaultSpec): void {
	if (!KINDS.includes(spec.kind)) throw new Error(`Unknown fault kind '${String(spec.kind)}'`);
	const routes = Array.isArray(spec.route) ? spec.route : [spec.route];
	if (routes.length === 0) throw new Error('route must name at least one route id or group');
	for (const route of routes) {
		if (!isFaultRoute(route)) {
			throw new Error(`Unknown route id '${String(route)}' (a route id, one of the groups ${Object.keys(ROUTE_GROUPS).join(', ')}, or '*')`);
		}
	}
	if (spec.kind === 'status' && !(Number.isInteger(spec.status) && (spec.status as number) >= 400)) {
		throw new Error("A 'status' fault needs an error status (e.g. 429, 503)");
	}
	if (spec.kind === 'latency' && !(typeof spec.delayMs === 'number' && spec.delayMs >= 0)) {
		throw new Error("A 'latency' fault needs delayMs >= 0");
	}
	if (spec.retryAfterSeconds !== undefined && !(Number.isInteger(spec.retryAfterSeconds) && spec.retryAfterSeconds >= 0)) {
		throw new Error('retryAfterSeconds must be an integer >= 0');
	}
	if (spec.times !== undefined && !(spec.times > 0)) throw new Error('times must be > 0');
	if (spec.skip !== undefined && !(Number.isInteger(spec.skip) && spec.skip >= 0)) throw new Error('skip must be an integer >= 0');
	if (spec.probability !== undefined && !(typeof spec.probability === 'number' && spec.probability >= 0 && spec.probability <= 1)) {
		throw new Error('probability must be a number from 0 to 1');
	}
	if (spec.seed !== undefined && !Number.isFinite(spec.seed)) throw new Error('seed must be a number');
	if (spec.forMs !== undefined && !(typeof spec.forMs === 'number' && spec.forMs > 0)) throw new Error('forMs must be > 0');
	if (spec.untilMs !== undefined && !(typeof spec.untilMs === 'number' && Number.isFinite(spec.untilMs))) {
		throw new Error('untilMs must be a time in milliseconds since the epoch');
	}
}
