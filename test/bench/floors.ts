/**
 * The earliest moment a number of calls can be served under each service's documented limit, counted from the
 * poll that sees the storm, with every budget full at that moment. A milestone's floor is the largest of these over
 * the calls the run made before reaching it: no schedule of those calls can reach the milestone sooner.
 */
import { PLANS, type ThrottleWindow } from '../emulator/signl4/throttle';

export interface FloorPart {
	service: string;
	calls: number;
	seconds: number;
	how: string;
}

export const LIMITS = {
	/** ARM since 2024 (request-limits-and-throttling.md): token buckets per region, subscription and principal. */
	armReads: { capacity: 250, refillPerSecond: 25 },
	armWrites: { capacity: 200, refillPerSecond: 10 },
	/** Log Analytics query API: 200 requests per 30 s per user (and 5 concurrent, which bounds nothing without query durations). */
	logAnalytics: { requests: 200, seconds: 30 },
	/** SIGNL4 commercial plan, events (inbound webhook and REST events): the windows of test/emulator/signl4/throttle.ts. */
	signl4Events: PLANS.commercial.events,
	/** SIGNL4 commercial plan, REST API (lookups, annotations): 150 per 15 s. */
	signl4Api: PLANS.commercial.api,
} as const;

/** Token bucket: `capacity` calls at once, then `refillPerSecond`. */
export function bucketFloor(service: string, calls: number, limit: { capacity: number; refillPerSecond: number }): FloorPart {
	const seconds = Math.max(0, (calls - limit.capacity) / limit.refillPerSecond);
	return { service, calls, seconds, how: `max(0, (${calls} − ${limit.capacity}) / ${limit.refillPerSecond}/s)` };
}

/** Fixed windows of `requests` per `seconds`: the n-th call waits for window ⌈n/requests⌉ to open. */
export function windowFloor(service: string, calls: number, limit: { requests: number; seconds: number }): FloorPart {
	const windows = Math.max(0, Math.ceil(calls / limit.requests) - 1);
	return { service, calls, seconds: windows * limit.seconds, how: `(⌈${calls} / ${limit.requests}⌉ − 1) × ${limit.seconds} s` };
}

/**
 * SIGNL4's plan windows, as the emulator (and SIGNL4's "Event Throttling" article) count them: each window opens with
 * the first event after the previous one closed, and takes `limit` events. The sender goes as fast as every window
 * allows; returns when the n-th event can be sent.
 */
export function signl4Floor(calls: number, windows: readonly ThrottleWindow[] = LIMITS.signl4Events, service = 'SIGNL4 events'): FloorPart {
	const states = windows.map(() => ({ start: 0, count: 0 }));
	let now = 0;
	for (let sent = 0; sent < calls; sent++) {
		for (;;) {
			states.forEach((state, i) => {
				if (now >= state.start + windows[i].seconds * 1000) {
					state.start = now;
					state.count = 0;
				}
			});
			const full = states.findIndex((state, i) => state.count >= windows[i].limit);
			if (full < 0) break;
			now = states[full].start + windows[full].seconds * 1000;
		}
		states.forEach((state) => state.count++);
	}
	const shown = windows.filter((window) => window.seconds <= 60).map((window) => `${window.limit}/${window.seconds} s`).join(' and ');
	return { service, calls, seconds: now / 1000, how: `${calls} calls at ${shown}, windows from the first call` };
}

export interface CallCounts {
	armReads: number;
	armWrites: number;
	logAnalytics: number;
	signl4Events: number;
	/** SIGNL4 REST API calls (prior checks, evidence annotations and their lookups). */
	signl4Api: number;
}

/** The floor for a milestone reached after these (non-429) calls: the largest per-service floor. */
export function milestoneFloor(calls: CallCounts): { seconds: number; parts: FloorPart[] } {
	const parts = [
		signl4Floor(calls.signl4Events),
		signl4Floor(calls.signl4Api, LIMITS.signl4Api, 'SIGNL4 API'),
		bucketFloor('ARM reads', calls.armReads, LIMITS.armReads),
		bucketFloor('ARM writes', calls.armWrites, LIMITS.armWrites),
		windowFloor('Log Analytics', calls.logAnalytics, LIMITS.logAnalytics),
	];
	return { seconds: Math.max(...parts.map((part) => part.seconds)), parts };
}
