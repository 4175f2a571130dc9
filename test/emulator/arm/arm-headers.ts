import { newGuid } from '../core/ids';
import type { RequestContext } from '../core/http-types';
import { retryAfterSeconds } from '../core/limits';

export type ArmOperationKind = 'reads' | 'writes' | 'deletes';

export const ARM_OPERATION_KINDS: readonly ArmOperationKind[] = ['reads', 'writes', 'deletes'];

/**
 * GET (and HEAD) are reads, DELETE is a delete, everything else — PUT, PATCH and POST actions such as Sentinel's
 * `incidents/{id}/alerts` and `/entities` — is a write: ARM answers non-GET requests with
 * `x-ms-ratelimit-remaining-subscription-writes` (see README, "Rate limits").
 */
export function operationKind(method: string): ArmOperationKind {
	if (method === 'GET' || method === 'HEAD') return 'reads';
	if (method === 'DELETE') return 'deletes';
	return 'writes';
}

/** `read` / `write` / `delete`, as ARM's SubscriptionRequestsThrottled message names the operation type. */
export function operationName(kind: ArmOperationKind): 'read' | 'write' | 'delete' {
	return kind === 'reads' ? 'read' : kind === 'deletes' ? 'delete' : 'write';
}

export interface BucketLimit {
	capacity: number;
	refillPerSecond: number;
}

/** Microsoft Learn, "Understand how Azure Resource Manager throttles requests" (regional token buckets, 2024). */
export const ARM_BUCKET_LIMITS: Readonly<Record<ArmOperationKind, BucketLimit>> = {
	reads: { capacity: 250, refillPerSecond: 25 },
	writes: { capacity: 200, refillPerSecond: 10 },
	deletes: { capacity: 200, refillPerSecond: 10 },
};

export interface BucketDecision {
	/** False only when enforcing and the bucket holds less than one token: the request is refused with 429. */
	allowed: boolean;
	/** Whole tokens left after this request (the `x-ms-ratelimit-remaining-*` value). */
	remaining: number;
	/** When refused: seconds until a token is available (at least 1). */
	retryAfterSeconds: number;
}

export interface BucketState {
	subscriptionId: string;
	principal: string;
	kind: ArmOperationKind;
	/** Tokens now (fractional while refilling). */
	tokens: number;
	capacity: number;
	refillPerSecond: number;
}

/**
 * ARM's token buckets: one per subscription, principal (the token's object id) and operation type, each starting
 * full and refilling continuously at its rate up to its size. `take` spends one token; when enforcing, a request
 * that finds less than one token is refused (and spends nothing) with the seconds until the next token; when only
 * reporting, the bucket bottoms out at 0 and the request goes through.
 */
export class RateLimitBuckets {
	private readonly buckets = new Map<string, { subscriptionId: string; principal: string; kind: ArmOperationKind; tokens: number; at: number }>();

	constructor(private readonly now: () => number = Date.now) {}

	take(subscriptionId: string, principal: string, kind: ArmOperationKind, enforce: boolean): BucketDecision {
		const bucket = this.bucket(subscriptionId, principal, kind);
		const limit = ARM_BUCKET_LIMITS[kind];
		if (bucket.tokens < 1 && enforce) {
			return { allowed: false, remaining: 0, retryAfterSeconds: retryAfterSeconds(((1 - bucket.tokens) / limit.refillPerSecond) * 1000) };
		}
		bucket.tokens = Math.max(0, bucket.tokens - 1);
		return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
	}

	/** Whole tokens in a bucket now, without spending one. */
	peek(subscriptionId: string, principal: string, kind: ArmOperationKind): number {
		return Math.floor(this.bucket(subscriptionId, principal, kind).tokens);
	}

	/** Empties the matching buckets now (a test's "the bucket is drained"); buckets not used yet are created empty. */
	drain(subscriptionIds: string[], principal: string, kinds: readonly ArmOperationKind[] = ARM_OPERATION_KINDS): void {
		for (const subscriptionId of subscriptionIds) {
			for (const kind of kinds) this.bucket(subscriptionId, principal, kind).tokens = 0;
		}
	}

	/** Every bucket full again. */
	reset(): void {
		this.buckets.clear();
	}

	state(): BucketState[] {
		return [...this.buckets.values()].map((bucket) => {
			const { tokens } = this.bucket(bucket.subscriptionId, bucket.principal, bucket.kind);
			return { subscriptionId: bucket.subscriptionId, principal: bucket.principal, kind: bucket.kind, tokens, ...ARM_BUCKET_LIMITS[bucket.kind] };
		});
	}

	/** The bucket, refilled up to now. Subscription ids and principals are GUIDs: compared case-insensitively. */
	private bucket(subscriptionId: string, principal: string, kind: ArmOperationKind) {
		const key = `${subscriptionId.toLowerCase()}|${principal.toLowerCase()}|${kind}`;
		const limit = ARM_BUCKET_LIMITS[kind];
		const now = this.now();
		let bucket = this.buckets.get(key);
		if (!bucket) {
			bucket = { subscriptionId: subscriptionId.toLowerCase(), principal: principal.toLowerCase(), kind, tokens: limit.capacity, at: now };
			this.buckets.set(key, bucket);
		}
		const elapsed = Math.max(0, now - bucket.at);
		bucket.tokens = Math.min(limit.capacity, bucket.tokens + (elapsed / 1000) * limit.refillPerSecond);
		bucket.at = now;
		return bucket;
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
		// One header per answer, of the request's own bucket: a DELETE carries only `-deletes` (recorded Sentinel
		// answers in Azure/azure-sdk-for-net, see README "Rate limits").
		headers[`x-ms-ratelimit-remaining-subscription-${kind}`] = remaining;
	}
	return headers;
}
