import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type JsonObject,
} from 'n8n-workflow';

import { API_EVENTS_PATH, API_PREFIX, SIGNL4_CREDENTIAL, WEBHOOK_PATH } from './constants';
import { describeSignl4Status, signl4ErrorBody } from './errors';
import { notePacing, pacingKey, pacingWaitMs } from './pacing';
import { rateLimitWaitMs, readRateLimit, type RateLimitInfo } from './rateLimit';

/**
 * The one way this package talks to SIGNL4. Every request goes through `httpRequestWithAuthentication` with the
 * SIGNL4 credential, whose `authenticate` puts the team secret into the webhook path, adds the API key header to
 * REST calls, sets the base URL and trusts the optional CA. Node code never sees the secret.
 *
 * Rules (each one a deliberate choice):
 * - 429 means SIGNL4 refused the request, so it is always safe to send it again: the transport waits until the
 *   reset the response announces (`X-RateLimit-Reset`, or `Retry-After`) and retries, within a wait budget.
 * - Anything else is never repeated for a POST: a webhook event that timed out may well have raised a Signl, and
 *   sending it again would page the engineer twice. Such failures carry `context.deliveryUncertain = true` so the
 *   caller can check (Send Alert looks the external ID up when an API key is configured) instead of resending.
 * - A reply that says the window is spent (`X-RateLimit-Remaining: 0`) holds the next request of its kind until the
 *   announced reset (pacing.ts): SIGNL4 blocks for a whole window from the request that exceeds it.
 * - GETs are idempotent and are retried on network errors and 502/503/504.
 * - Error messages are built here from the status and SIGNL4's error code; they never contain the URL (which holds
 *   the team secret), request headers or SIGNL4's raw error text beyond its short `message`.
 */

export type Signl4Context = IExecuteFunctions | IHookFunctions;

export type Signl4Channel = 'webhook' | 'apiEvents' | 'api';

export interface RateLimitPolicy {
	/** Longest single wait for a rate-limit reset; a longer announced reset fails at once. */
	maxWaitSeconds: number;
	/** How many times a 429 is waited out before giving up. */
	maxRetries: number;
}

export const DEFAULT_RATE_LIMIT_POLICY: RateLimitPolicy = { maxWaitSeconds: 60, maxRetries: 3 };

export interface Signl4Request {
	channel: Signl4Channel;
	method: IHttpRequestMethods;
	/** For `api`: path below `/api` (e.g. `/alerts/123`). Ignored for the webhook channels. */
	path?: string;
	qs?: IDataObject;
	body?: IDataObject | Buffer;
	headers?: IDataObject;
	timeoutMs?: number;
	rateLimit?: RateLimitPolicy;
	/** What the request does, for error messages ("send the alert"). */
	action: string;
	itemIndex?: number;
	/** Statuses to hand back to the caller instead of throwing (e.g. 404 for "not found" lookups, 204). */
	acceptStatuses?: number[];
}

export interface Signl4Response<T = unknown> {
	statusCode: number;
	body: T;
	rateLimit?: RateLimitInfo;
	/** How many 429s were waited out before this answer. */
	rateLimitRetries: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const GET_RETRIES = 2;

/** Network failures after which SIGNL4 may or may not have received the request. */
const UNCERTAIN_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNRESET', 'EPIPE', 'ERR_CANCELED']);

function pathFor(request: Signl4Request): string {
	if (request.channel === 'webhook') return WEBHOOK_PATH;
	if (request.channel === 'apiEvents') return API_EVENTS_PATH;
	return `${API_PREFIX}${request.path ?? ''}`;
}

/** Path segments interpolated into REST URLs: alert ids are `<digits>_<guid>`, user ids GUIDs, e-mails. */
export function pathSegment(value: string, what: string, context: Signl4Context, itemIndex?: number): string {
	const text = String(value ?? '').trim();
	if (!text || text.length > 256 || /[/\\?#%\s]/.test(text) || [...text].some((c) => c.charCodeAt(0) < 32)) {
		throw new NodeApiError(context.getNode(), { message: `Invalid ${what}` } as JsonObject, {
			message: `The ${what} is empty or contains characters that cannot be part of a SIGNL4 ${what}`,
			itemIndex,
		});
	}
	return encodeURIComponent(text);
}

interface NetworkFailure {
	code: string;
	uncertain: boolean;
}

function networkFailure(error: unknown): NetworkFailure | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; message?: unknown; cause?: unknown; response?: unknown };
		if (candidate.response) return undefined;
		if (typeof candidate.code === 'string' && (/^E[A-Z_]+$|^ERR_/.test(candidate.code) || certificateProblem(candidate.code))) {
			return { code: candidate.code, uncertain: UNCERTAIN_CODES.has(candidate.code) };
		}
		if (typeof candidate.message === 'string' && /timeout of \d+ms exceeded|socket hang up/i.test(candidate.message)) {
			return { code: 'ETIMEDOUT', uncertain: true };
		}
		current = candidate.cause;
	}
	return undefined;
}

function certificateProblem(code: string): boolean {
	return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|DEPTH_ZERO|ERR_TLS/.test(code);
}

export interface Signl4ErrorDetails {
	message: string;
	description?: string;
	httpCode?: number;
	/** Merged into the error's `context` (shown in n8n's error details and read by callers, e.g. `deliveryUncertain`). */
	extra?: IDataObject;
}

/**
 * A NodeApiError built from a plain object, never from the HTTP client's error: that one carries the request
 * configuration, whose URL contains the team secret.
 */
export function signl4Error(context: Pick<Signl4Context, 'getNode'>, itemIndex: number | undefined, details: Signl4ErrorDetails): NodeApiError {
	const error = new NodeApiError(context.getNode(), { message: details.message } as JsonObject, {
		message: details.message,
		description: details.description,
		httpCode: details.httpCode ? String(details.httpCode) : undefined,
		itemIndex,
	});
	Object.assign(error.context, { signl4: true, statusCode: details.httpCode ?? null, ...details.extra });
	return error;
}

/**
 * The error to throw for a caught one: NodeApiError/NodeOperationError instances pass through unchanged (n8n's
 * constructors hand back their own instances, keeping the SIGNL4 context), anything else is wrapped.
 */
export function asNodeError(context: Pick<Signl4Context, 'getNode'>, error: unknown, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError) return new NodeApiError(context.getNode(), error as unknown as JsonObject, { itemIndex });
	return new NodeOperationError(context.getNode(), error as Error, { itemIndex });
}

/** The flags `signl4Error` put on an error (`deliveryUncertain`, `statusCode`, …), if it is one. */
export function signl4ErrorContext(error: unknown): IDataObject | undefined {
	if (!(error instanceof NodeApiError) || error.context?.signl4 !== true) return undefined;
	return error.context as IDataObject;
}

function failure(context: Signl4Context, request: Signl4Request, details: Signl4ErrorDetails): NodeApiError {
	return signl4Error(context, request.itemIndex, details);
}

function networkError(context: Signl4Context, request: Signl4Request, problem: NetworkFailure, timeoutMs: number): NodeApiError {
	if (problem.uncertain && request.method !== 'GET') {
		return failure(context, request, {
			message: `SIGNL4 did not confirm the request to ${request.action} (${problem.code === 'ETIMEDOUT' || problem.code === 'ECONNABORTED' ? `no answer within ${Math.round(timeoutMs / 1000)} s` : 'the connection broke'})`,
			description:
				'SIGNL4 may or may not have processed it. It was not sent again, because a repeated alert would page the on-call engineer twice.',
			extra: { deliveryUncertain: true, networkCode: problem.code },
		});
	}
	if (certificateProblem(problem.code)) {
		return failure(context, request, {
			message: `Could not ${request.action}: the TLS certificate of the SIGNL4 base URL is not trusted (${problem.code})`,
			description:
				"For a private instance, a TLS-inspecting proxy or an emulator, put its CA certificate into the credential's Extra CA Certificate field.",
			extra: { networkCode: problem.code },
		});
	}
	return failure(context, request, {
		message: `Could not reach SIGNL4 to ${request.action} (${problem.code})`,
		description: 'Check the base URL in the credential and the network path from n8n to SIGNL4. Nothing was delivered.',
		extra: { networkCode: problem.code },
	});
}

export async function signl4Request<T = IDataObject>(context: Signl4Context, request: Signl4Request): Promise<Signl4Response<T>> {
	const policy = request.rateLimit ?? DEFAULT_RATE_LIMIT_POLICY;
	const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	let rateLimitRetries = 0;
	let networkRetries = 0;
	const pacing = pacingKey(context, request.channel, SIGNL4_CREDENTIAL);
	for (;;) {
		const paceMs = pacingWaitMs(pacing, Date.now(), policy.maxWaitSeconds * 1000);
		if (paceMs > 0) await sleep(paceMs);
		const isBuffer = Buffer.isBuffer(request.body);
		const options: IHttpRequestOptions = {
			method: request.method,
			url: pathFor(request),
			qs: request.qs,
			headers: {
				accept: 'application/json',
				...(request.body !== undefined && !isBuffer ? { 'content-type': 'application/json' } : {}),
				...request.headers,
			},
			body: request.body as IHttpRequestOptions['body'],
			json: !isBuffer,
			timeout: timeoutMs,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			// SIGNL4 does not redirect these endpoints; a redirect would carry the secret path elsewhere.
			disableFollowRedirect: true,
		};
		let response: { statusCode: number; body: unknown; headers: Record<string, unknown> };
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(context, SIGNL4_CREDENTIAL, options)) as typeof response;
		} catch (error) {
			const problem = networkFailure(error);
			if (!problem) {
				throw failure(context, request, {
					message: `Could not ${request.action}: the request to SIGNL4 failed before an answer arrived`,
					description: 'Check the SIGNL4 credential (base URL, CA certificate).',
				});
			}
			if (request.method === 'GET' && networkRetries < GET_RETRIES) {
				networkRetries++;
				await sleep(500 * networkRetries);
				continue;
			}
			throw networkError(context, request, problem, timeoutMs);
		}

		const rateLimit = readRateLimit(response.headers);
		const status = response.statusCode;
		if (status !== 429) notePacing(pacing, rateLimit, Date.now());
		if (status === 429) {
			const waitMs = rateLimitWaitMs(response.headers, Date.now());
			if (rateLimitRetries < policy.maxRetries && waitMs <= policy.maxWaitSeconds * 1000) {
				rateLimitRetries++;
				await sleep(waitMs);
				continue;
			}
			const resetsAt = new Date(Date.now() + waitMs).toISOString();
			throw failure(context, request, {
				message: `SIGNL4 is throttling requests (429); could not ${request.action}`,
				description:
					rateLimitRetries >= policy.maxRetries
						? `Still throttled after waiting ${rateLimitRetries} time(s). The limit resets at ${resetsAt}.`
						: `The limit resets at ${resetsAt}, later than the configured maximum wait of ${policy.maxWaitSeconds} s. Nothing was delivered.`,
				httpCode: 429,
				extra: { rateLimitResetsAt: resetsAt, rateLimitRetries },
			});
		}
		if (request.method === 'GET' && [502, 503, 504].includes(status) && networkRetries < GET_RETRIES) {
			networkRetries++;
			await sleep(500 * networkRetries);
			continue;
		}
		if ((status >= 200 && status < 300) || request.acceptStatuses?.includes(status)) {
			return { statusCode: status, body: response.body as T, rateLimit, rateLimitRetries };
		}
		const described = describeSignl4Status(status, signl4ErrorBody(response.body), request.channel, request.action);
		throw failure(context, request, {
			message: described.message,
			description: described.description,
			httpCode: status,
			extra: {
				signl4Code: described.code,
				// A 5xx on a POST leaves it open whether SIGNL4 acted; say so instead of guessing.
				...(status >= 500 && request.method !== 'GET' ? { deliveryUncertain: true } : {}),
			},
		});
	}
}
