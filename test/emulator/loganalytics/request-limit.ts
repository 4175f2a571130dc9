// Log Analytics' own request-rate limit: 200 requests per 30 seconds per user (principal) — Microsoft Learn, "Azure
// Monitor service limits", Log Analytics query API; /work/shared/docs/wire-microsoft.md §2 "Limits". Kept as a
// sliding window (at most `limit` requests in any `windowMs`): the documented figure, without guessing where a fixed
// window would start.
import { retryAfterSeconds } from '../core/limits';

export interface RequestWindowDecision {
	allowed: boolean;
	/** When refused: seconds until the oldest request in the window leaves it (at least 1). */
	retryAfterSeconds: number;
}

export interface RequestWindowState {
	principal: string;
	/** Requests counted in the window ending now. */
	requests: number;
	/** Seconds until the next request would be allowed (0 when it would be now). */
	retryAfterSeconds: number;
}

export class RequestWindows {
	/** Per principal (lower-case object id): times (ms) of the requests let through, oldest first. */
	private readonly times = new Map<string, number[]>();

	constructor(private readonly now: () => number = Date.now) {}

	/**
	 * Counts a request of `principal`. When enforcing and the window already holds `limit` requests, the request is
	 * refused and not counted (a refused request does not push the next allowed time further out).
	 */
	take(principal: string, limit: number, windowMs: number, enforce: boolean): RequestWindowDecision {
		const now = this.now();
		const times = this.window(principal, windowMs, now);
		if (enforce && times.length >= limit) {
			return { allowed: false, retryAfterSeconds: retryAfterSeconds(times[times.length - limit] + windowMs - now) };
		}
		times.push(now);
		return { allowed: true, retryAfterSeconds: 0 };
	}

	/** Fills `principal`'s window with `limit` requests made now: the next one is refused for a whole window. */
	drain(principal: string, limit: number, windowMs: number): void {
		const now = this.now();
		const times = this.window(principal, windowMs, now);
		while (times.length < limit) times.push(now);
	}

	reset(): void {
		this.times.clear();
	}

	state(limit: number, windowMs: number): RequestWindowState[] {
		const now = this.now();
		return [...this.times.keys()].map((principal) => {
			const times = this.window(principal, windowMs, now);
			const wait = times.length >= limit ? times[times.length - limit] + windowMs - now : 0;
			return { principal, requests: times.length, retryAfterSeconds: wait > 0 ? retryAfterSeconds(wait) : 0 };
		});
	}

	/** The principal's request times still inside the window ending `now`. */
	private window(principal: string, windowMs: number, now: number): number[] {
		const key = principal.toLowerCase();
		const times = this.times.get(key) ?? [];
		const from = times.findIndex((at) => at > now - windowMs);
		if (from === -1) times.length = 0;
		else if (from > 0) times.splice(0, from);
		this.times.set(key, times);
		return times;
	}
}
