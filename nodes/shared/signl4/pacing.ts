import type { Signl4Channel, Signl4Context } from './transport';
import { RESET_MARGIN_MS, type RateLimitInfo } from './rateLimit';

/**
 * SIGNL4 blocks a subscription for a window's whole length, counted from the request that exceeded it (support
 * article "Event Throttling"): sending a request that will be refused costs up to that length again. So when a reply
 * says the window is spent (`X-RateLimit-Remaining: 0`), the next request of the same kind waits for the reset that
 * reply announced instead. Events (webhook and REST events) and other REST calls are counted apart, as SIGNL4 does.
 * The state lives in the n8n process, per SIGNL4 credential; other processes (queue-mode workers) still meet a 429
 * now and then, which is waited out as before.
 */
const spentUntil = new Map<string, number>();
const MAX_ENTRIES = 1000;

export function pacingKey(context: Pick<Signl4Context, 'getNode'>, channel: Signl4Channel, credentialType: string): string {
	const credential = context.getNode().credentials?.[credentialType];
	const family = channel === 'api' ? 'api' : 'events';
	return `${credential?.id ?? credential?.name ?? '-'}:${family}`;
}

/** Remembers a spent window from a reply's rate-limit headers; a reply with room left clears it. */
export function notePacing(key: string, info: RateLimitInfo | undefined, nowMs: number): void {
	if (!info || info.remaining === undefined) return;
	const resetMs = info.resetsAt ? Date.parse(info.resetsAt) : NaN;
	if (info.remaining > 0 || Number.isNaN(resetMs) || resetMs <= nowMs) {
		spentUntil.delete(key);
		return;
	}
	if (spentUntil.size >= MAX_ENTRIES) {
		for (const [other, until] of spentUntil) if (until <= nowMs) spentUntil.delete(other);
	}
	if (spentUntil.size < MAX_ENTRIES || spentUntil.has(key)) spentUntil.set(key, resetMs + RESET_MARGIN_MS);
}

/**
 * How long to wait before the next request of this kind: until the spent window resets, or 0. A reset later than
 * `maxWaitMs` is not waited for here: the request goes out and its 429 is handled (and reported) as before.
 */
export function pacingWaitMs(key: string, nowMs: number, maxWaitMs: number): number {
	const until = spentUntil.get(key);
	if (until === undefined) return 0;
	if (until <= nowMs) {
		spentUntil.delete(key);
		return 0;
	}
	return until - nowMs <= maxWaitMs ? until - nowMs : 0;
}

/** Forgets every spent window (tests that restart SIGNL4 between cases). */
export function forgetSignl4Pacing(): void {
	spentUntil.clear();
}
