// SIGNL4 throttling (support article "Event Throttling", docs/wire-signl4.md §1.7): per subscription, windows of
// 15 s / 1 min / 1 h / 1 day for events (inbound webhook, REST events), 15 s / 1 h for other REST calls; exceeding a
// window blocks for that window's length; erroneous requests are limited to 10 per minute. Every reply carries
// `X-RateLimit-Limit/-Remaining/-Reset` (unix seconds) of the window closest to its limit.

export interface ThrottleWindow {
	seconds: number;
	limit: number;
}

export interface PlanLimits {
	events: ThrottleWindow[];
	api: ThrottleWindow[];
	erroneous: ThrottleWindow[];
}

export const PLANS: Record<'free' | 'commercial', PlanLimits> = {
	free: {
		events: [
			{ seconds: 15, limit: 10 },
			{ seconds: 60, limit: 240 },
			{ seconds: 3600, limit: 1200 },
			{ seconds: 86400, limit: 4800 },
		],
		api: [
			{ seconds: 15, limit: 10 },
			{ seconds: 3600, limit: 1200 },
		],
		erroneous: [{ seconds: 60, limit: 10 }],
	},
	commercial: {
		events: [
			{ seconds: 15, limit: 150 },
			{ seconds: 60, limit: 600 },
			{ seconds: 3600, limit: 36000 },
			{ seconds: 86400, limit: 864000 },
		],
		api: [
			{ seconds: 15, limit: 150 },
			{ seconds: 3600, limit: 36000 },
		],
		erroneous: [{ seconds: 60, limit: 10 }],
	},
};

interface WindowState {
	start: number;
	count: number;
	blockedUntil: number;
}

export interface ThrottleDecision {
	allowed: boolean;
	headers: Record<string, string>;
}

/** One bucket family (events, api or erroneous) per key (subscription or client address). */
export class Throttle {
	private readonly state = new Map<string, WindowState[]>();

	constructor(private windows: ThrottleWindow[]) {}

	setWindows(windows: ThrottleWindow[]): void {
		this.windows = windows;
		this.state.clear();
	}

	reset(): void {
		this.state.clear();
	}

	private windowsFor(key: string, now: number): WindowState[] {
		let states = this.state.get(key);
		if (!states || states.length !== this.windows.length) {
			states = this.windows.map(() => ({ start: now, count: 0, blockedUntil: 0 }));
			this.state.set(key, states);
		}
		this.windows.forEach((window, index) => {
			const state = states![index];
			if (now >= state.start + window.seconds * 1000) {
				state.start = now;
				state.count = 0;
			}
		});
		return states;
	}

	/** Headers without counting (for answers that do not use this bucket). */
	peek(key: string, now = Date.now()): Record<string, string> {
		return this.headers(this.windowsFor(key, now), now);
	}

	/** Counts one request; `allowed: false` = answer 429. */
	take(key: string, now = Date.now()): ThrottleDecision {
		const states = this.windowsFor(key, now);
		const blocked = this.windows.findIndex((window, index) => {
			const state = states[index];
			return state.blockedUntil > now || state.count + 1 > window.limit;
		});
		if (blocked >= 0) {
			const state = states[blocked];
			if (state.blockedUntil <= now) state.blockedUntil = now + this.windows[blocked].seconds * 1000;
			return {
				allowed: false,
				headers: {
					'X-RateLimit-Limit': String(this.windows[blocked].limit),
					'X-RateLimit-Remaining': '0',
					'X-RateLimit-Reset': String(Math.ceil(state.blockedUntil / 1000)),
				},
			};
		}
		states.forEach((state) => state.count++);
		return { allowed: true, headers: this.headers(states, now) };
	}

	private headers(states: WindowState[], now: number): Record<string, string> {
		if (this.windows.length === 0) return {};
		let pick = 0;
		let best = Infinity;
		this.windows.forEach((window, index) => {
			const ratio = (window.limit - states[index].count) / window.limit;
			if (ratio < best) {
				best = ratio;
				pick = index;
			}
		});
		const window = this.windows[pick];
		const state = states[pick];
		const reset = Math.max(state.blockedUntil, state.start + window.seconds * 1000, now);
		return {
			'X-RateLimit-Limit': String(window.limit),
			'X-RateLimit-Remaining': String(Math.max(0, window.limit - state.count)),
			'X-RateLimit-Reset': String(Math.ceil(reset / 1000)),
		};
	}
}
