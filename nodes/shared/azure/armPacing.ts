import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { sleep } from 'n8n-workflow';

/**
 * Resource Manager throttles with token buckets per subscription, principal and operation type (reads 250 refilling
 * 25 a second, writes and deletes 200 refilling 10 a second: Microsoft Learn, "Understand how Azure Resource Manager
 * throttles requests"), and every answer says how many tokens its bucket has left
 * (`x-ms-ratelimit-remaining-subscription-reads|writes|deletes`). A request sent into an empty bucket is refused with
 * 429 and a `Retry-After` of at least a second, while the next token was only 40–100 ms away. So this policy keeps
 * an estimate of each bucket from the answers (refilled at the documented rate, one token taken per request sent)
 * and holds a request until its bucket has a token, instead of spending a 429 and a second on it.
 *
 * Only answers that carried the header start an estimate: without it (a cloud or endpoint that does not send it)
 * nothing is held. The estimate lives in the n8n process; other processes (queue-mode workers) spend the same
 * bucket, which the next answer's header shows, and a 429 that still comes is waited out by the SDK as before.
 */
type OperationKind = 'reads' | 'writes' | 'deletes';

const BUCKETS: Readonly<Record<OperationKind, { capacity: number; refillPerSecond: number }>> = {
	reads: { capacity: 250, refillPerSecond: 25 },
	writes: { capacity: 200, refillPerSecond: 10 },
	deletes: { capacity: 200, refillPerSecond: 10 },
};

/** A longer hold than this is not made: the request goes out and ARM decides (its Retry-After is honoured). */
const MAX_HOLD_MS = 10_000;
const MAX_ESTIMATES = 1000;

interface BucketEstimate {
	/** Tokens at `at` (negative while more requests are held than tokens are due). */
	tokens: number;
	at: number;
}

const estimates = new Map<string, BucketEstimate>();
/** Requests held and not yet sent, per bucket: an answer's header cannot have counted them. */
const held = new Map<string, number>();

function operationKind(method: string): OperationKind {
	if (method === 'GET' || method === 'HEAD') return 'reads';
	if (method === 'DELETE') return 'deletes';
	return 'writes';
}

/** The bucket a request draws from: per signed-in principal and subscription; undefined for tenant-level calls. */
function bucketKey(principal: string, url: string, kind: OperationKind): string | undefined {
	const subscription = /\/subscriptions\/([^/?#]+)/i.exec(new URL(url).pathname)?.[1];
	return subscription ? `${principal}|${subscription.toLowerCase()}|${kind}` : undefined;
}

function tokensNow(estimate: BucketEstimate, kind: OperationKind, now: number): number {
	const { capacity, refillPerSecond } = BUCKETS[kind];
	return Math.min(capacity, estimate.tokens + (Math.max(0, now - estimate.at) / 1000) * refillPerSecond);
}

/** Takes a token for a request about to be sent; the milliseconds to hold it first (0 when the bucket has one). */
export function takeArmToken(key: string, kind: OperationKind, now: number): number {
	const estimate = estimates.get(key);
	if (!estimate) return 0;
	const tokens = tokensNow(estimate, kind, now);
	const holdMs = tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / BUCKETS[kind].refillPerSecond) * 1000);
	estimates.set(key, { tokens: tokens - 1, at: now });
	// Far behind (many processes, or a bucket smaller than documented): send, and let ARM's answer reset the estimate.
	return holdMs > MAX_HOLD_MS ? 0 : holdMs;
}

/** Sets a bucket's estimate from an answer: the tokens its header names, or none after a 429. */
export function noteArmAnswer(key: string, status: number, remainingHeader: string | undefined, now: number): void {
	let tokens: number;
	if (status === 429) tokens = 0;
	else if (remainingHeader !== undefined && /^\d+$/.test(remainingHeader.trim())) tokens = Number(remainingHeader);
	else return;
	tokens -= held.get(key) ?? 0;
	if (!estimates.has(key) && estimates.size >= MAX_ESTIMATES) {
		for (const [other, estimate] of estimates) if (now - estimate.at > 60_000) estimates.delete(other);
		if (estimates.size >= MAX_ESTIMATES) return;
	}
	estimates.set(key, { tokens, at: now });
}

/** The pacing policy for one signed-in principal's clients; it runs inside the SDK's retry loop (every attempt). */
export function armPacingPolicy(principal: string): PipelinePolicy {
	return {
		name: 'armBucketPacing',
		async sendRequest(request, next) {
			const kind = operationKind(request.method);
			const key = bucketKey(principal, request.url, kind);
			if (!key) return await next(request);
			const holdMs = takeArmToken(key, kind, Date.now());
			if (holdMs > 0) {
				held.set(key, (held.get(key) ?? 0) + 1);
				try {
					await sleep(holdMs);
				} finally {
					const left = (held.get(key) ?? 1) - 1;
					if (left > 0) held.set(key, left);
					else held.delete(key);
				}
			}
			const response = await next(request);
			noteArmAnswer(key, response.status, response.headers.get(`x-ms-ratelimit-remaining-subscription-${kind}`) ?? undefined, Date.now());
			return response;
		},
	};
}

/** Forgets every estimate (tests that restart the emulator between cases). */
export function forgetArmPacing(): void {
	estimates.clear();
	held.clear();
}
