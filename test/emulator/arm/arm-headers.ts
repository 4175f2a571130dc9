import { newGuid } from '../core/ids';
import type { RequestContext } from '../core/http-types';

export type ArmOperationKind = 'reads' | 'writes' | 'deletes';

export function operationKind(method: string): ArmOperationKind {
	if (method === 'GET' || method === 'HEAD') return 'reads';
	if (method === 'DELETE') return 'deletes';
	return 'writes';
}

/**
 * Token buckets per subscription as the ARM throttling docs describe them (reads 250 refilling 25/s, writes and
 * deletes 200 refilling 10/s). They only drive the `x-ms-ratelimit-remaining-*` headers; real 429s come from faults.
 */
export class RateLimitBuckets {
	private readonly buckets = new Map<string, { tokens: number; at: number }>();
	private static readonly LIMITS: Record<ArmOperationKind, { capacity: number; refillPerSecond: number }> = {
		reads: { capacity: 250, refillPerSecond: 25 },
		writes: { capacity: 200, refillPerSecond: 10 },
		deletes: { capacity: 200, refillPerSecond: 10 },
	};

	take(subscriptionId: string, kind: ArmOperationKind): number {
		const key = `${subscriptionId}:${kind}`;
		const limit = RateLimitBuckets.LIMITS[kind];
		const now = Date.now();
		const bucket = this.buckets.get(key) ?? { tokens: limit.capacity, at: now };
		bucket.tokens = Math.min(limit.capacity, bucket.tokens + ((now - bucket.at) / 1000) * limit.refillPerSecond);
		bucket.at = now;
		bucket.tokens = Math.max(0, bucket.tokens - 1);
		this.buckets.set(key, bucket);
		return Math.floor(bucket.tokens);
	}
}

/** Response headers every ARM answer carries (ids, no-cache, rate-limit remaining). */
export function armHeaders(ctx: RequestContext, remaining: number | undefined): Record<string, string | number> {
	const requestId = newGuid();
	const clientCorrelation = ctx.headers['x-ms-correlation-request-id'];
	const correlationId = (Array.isArray(clientCorrelation) ? clientCorrelation[0] : clientCorrelation) ?? requestId;
	const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
	const headers: Record<string, string | number> = {
		'cache-control': 'no-cache',
		pragma: 'no-cache',
		expires: '-1',
		'strict-transport-security': 'max-age=31536000; includeSubDomains',
		'x-content-type-options': 'nosniff',
		'x-ms-request-id': requestId,
		'x-ms-correlation-request-id': correlationId,
		'x-ms-routing-request-id': `WESTEUROPE:${stamp}:${requestId}`,
	};
	const clientRequestId = ctx.headers['x-ms-client-request-id'];
	if (clientRequestId) headers['x-ms-client-request-id'] = Array.isArray(clientRequestId) ? clientRequestId[0] : clientRequestId;
	if (remaining !== undefined) {
		const kind = operationKind(ctx.method);
		headers[`x-ms-ratelimit-remaining-subscription-${kind}`] = remaining;
		// Deletes also draw on the writes budget in the classic (hourly) limits, so both headers are sent.
		if (kind === 'deletes') headers['x-ms-ratelimit-remaining-subscription-writes'] = remaining;
	}
	return headers;
}
