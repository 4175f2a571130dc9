/**
 * SIGNL4 puts `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (unix seconds) on every webhook
 * reply (support article "Event Throttling"). A 429 means the event was refused; the window it hit resets at
 * `X-RateLimit-Reset`. `Retry-After` is not documented for SIGNL4 but honoured when present.
 */

export interface RateLimitInfo {
	limit?: number;
	remaining?: number;
	/** ISO time of the announced reset. */
	resetsAt?: string;
}

/** Waiting this much past the announced second absorbs clock skew between n8n and SIGNL4. */
export const RESET_MARGIN_MS = 250;
/** Without any header, wait for SIGNL4's shortest window (15 s). */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 15_000;

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	for (const [key, value] of Object.entries(headers)) {
		if (key.toLowerCase() !== name) continue;
		const text = Array.isArray(value) ? value[0] : value;
		return text === undefined || text === null ? undefined : String(text);
	}
	return undefined;
}

function integer(text: string | undefined): number | undefined {
	if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
	return Number(text);
}

export function readRateLimit(headers: Record<string, unknown> | undefined): RateLimitInfo | undefined {
	const limit = integer(header(headers, 'x-ratelimit-limit'));
	const remaining = integer(header(headers, 'x-ratelimit-remaining'));
	const reset = integer(header(headers, 'x-ratelimit-reset'));
	if (limit === undefined && remaining === undefined && reset === undefined) return undefined;
	return { limit, remaining, resetsAt: reset === undefined ? undefined : new Date(reset * 1000).toISOString() };
}

/** How long to wait before sending a refused (429) request again. */
export function rateLimitWaitMs(headers: Record<string, unknown> | undefined, nowMs: number): number {
	const waits: number[] = [];
	const reset = integer(header(headers, 'x-ratelimit-reset'));
	if (reset !== undefined) waits.push(reset * 1000 - nowMs + RESET_MARGIN_MS);
	const retryAfter = header(headers, 'retry-after');
	const retrySeconds = integer(retryAfter);
	if (retrySeconds !== undefined) {
		waits.push(retrySeconds * 1000);
	} else if (retryAfter) {
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) waits.push(date - nowMs);
	}
	if (waits.length === 0) return DEFAULT_RATE_LIMIT_WAIT_MS;
	return Math.max(RESET_MARGIN_MS, ...waits);
}
