import type { PipelinePolicy, PipelineRequest, PipelineResponse } from '@azure/core-rest-pipeline';

/**
 * Keeps the Azure SDK from repeating an incident PUT on its own when it cannot know whether the first one landed.
 *
 * The SDK's retry policy re-sends any request after a socket error, a timeout or a 5xx answer. For an incident
 * update that is a blind write: the first attempt may have been carried out with only its answer lost. The etag in
 * the body would make the repeat fail with 409 rather than overwrite anything, but the caller should decide what
 * to do next from a fresh read, not from a confusing conflict. So for incident PUTs this policy (which sits inside
 * the retry loop) turns those outcomes into an `UnconfirmedWriteError`, which the retry policy does not retry; the
 * update loop then re-reads the incident and re-applies its change only if it is not there yet — safe, because
 * every PUT carries the etag of the read it was computed from.
 *
 * Throttling is different: a 429, or a 503 with Retry-After, says the request was not carried out, so the SDK's
 * retry after Retry-After stays in place. Comment PUTs are left alone too: they go to a comment ID chosen by the
 * client, so a repeat rewrites the same comment instead of adding a second one.
 */
export const WRITE_GUARD_POLICY_NAME = 'sentinelIncidentWriteGuard';

/** How long one incident PUT attempt may take before it counts as unanswered (and the incident is re-read). Tests lower it. */
export const writeGuardSettings = { timeoutMs: 60_000 };

const INCIDENT_PUT_PATH = /\/providers\/Microsoft\.SecurityInsights\/incidents\/[^/]+\/?$/i;
const SYSTEM_ERROR_CODES = ['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'REQUEST_SEND_ERROR'];

/** The outcome of a write is unknown: the connection failed or Azure answered with a server error. */
export class UnconfirmedWriteError extends Error {
	readonly name = 'UnconfirmedWriteError';

	constructor(
		/** What happened, safe to show: an error code or an HTTP status, never a body. */
		readonly reason: string,
		readonly statusCode?: number,
	) {
		super(`The write was sent but its outcome is unknown (${reason})`);
	}
}

function isThrottled(response: PipelineResponse): boolean {
	if (response.status === 429) return true;
	return response.status === 503 && ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'].some((header) => response.headers.get(header));
}

function isAmbiguousStatus(response: PipelineResponse): boolean {
	if (isThrottled(response)) return false;
	return response.status === 408 || (response.status >= 500 && response.status !== 501 && response.status !== 505);
}

function failureReason(error: unknown): string | undefined {
	const err = (error ?? {}) as { name?: string; code?: string };
	if (err.name === 'AbortError') return 'no answer in time';
	if (err.code && SYSTEM_ERROR_CODES.includes(err.code)) return err.code;
	return undefined;
}

/** The caller's own abort signal of a request, kept while the guard puts a per-attempt timeout in its place. */
const callerSignals = new WeakMap<PipelineRequest, PipelineRequest['abortSignal']>();

const writeGuardPolicy: PipelinePolicy = {
	name: WRITE_GUARD_POLICY_NAME,
	async sendRequest(request, next) {
		if (request.method !== 'PUT' || !INCIDENT_PUT_PATH.test(new URL(request.url).pathname)) return next(request);
		if (!callerSignals.has(request)) callerSignals.set(request, request.abortSignal);
		const callerSignal = callerSignals.get(request);
		// A timeout per attempt (a throttled attempt's Retry-After wait does not count against the next one). Not the
		// SDK's `timeout` option: its timer outlives a failed request by the full timeout. AbortSignal.timeout's does not
		// keep the process alive.
		const timeout = AbortSignal.timeout(writeGuardSettings.timeoutMs);
		request.abortSignal = callerSignal ? AbortSignal.any([callerSignal as AbortSignal, timeout]) : timeout;
		let response: PipelineResponse | undefined;
		let failure: unknown;
		try {
			response = await next(request);
		} catch (error) {
			failure = error;
		} finally {
			request.abortSignal = callerSignal;
		}
		if (!response) {
			const reason = failureReason(failure);
			// Errors raised before anything was sent (sign-in failures, cancellation by the user) pass unchanged.
			if (!reason) throw failure;
			throw new UnconfirmedWriteError(reason);
		}
		if (isAmbiguousStatus(response)) throw new UnconfirmedWriteError(`HTTP ${response.status}`, response.status);
		return response;
	},
};

interface PipelineOwner {
	pipeline: { getOrderedPolicies(): Array<{ name: string }>; addPolicy(policy: PipelinePolicy, options?: { afterPhase?: 'Retry' }): void };
}

/** Adds the guard to a (cached, shared) Sentinel client once. Reads are not affected. */
export function ensureWriteGuard(client: PipelineOwner): void {
	if (client.pipeline.getOrderedPolicies().some((policy) => policy.name === WRITE_GUARD_POLICY_NAME)) return;
	// After the Retry phase = inside the retry loop: the guard sees every attempt and stops the ambiguous ones.
	client.pipeline.addPolicy(writeGuardPolicy, { afterPhase: 'Retry' });
}
