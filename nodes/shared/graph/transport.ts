import type { IDataObject } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { azureClouds } from '../azure/clouds';
import type { AzureSession } from '../azure/credential';
import { retryAfterMs } from '../azure/retryAfter';
import { loadAzureSdk } from '../azure/sdk';
import type { ServiceClient } from '../azure/sdkBundle';

/**
 * The one place that talks to Microsoft Graph (v1.0) for the Defender XDR nodes: token for the cloud's Graph
 * audience, the credential's TLS trust, OData query strings, same-origin `@odata.nextLink` paging, and a retry
 * policy that knows which requests may be repeated:
 *
 * - GET and PATCH are idempotent (a PATCH sends the same absolute values again), so 429, 503 and 504 are retried,
 *   honouring Retry-After, within a bounded total wait; socket failures back off exponentially.
 * - POST (comments) is retried only when the request certainly did not run: a 429 (Graph throttles before it
 *   processes the request) or a connection that was never made. A 503/504 or a dropped connection may come after
 *   the comment was stored, and a second POST would add it twice, so those fail at once.
 */

export interface GraphRequest {
	method: 'GET' | 'PATCH' | 'POST';
	/** Relative to `${session.endpoints.graph}/v1.0`, e.g. `/security/incidents/42`. */
	path?: string;
	/** An absolute `@odata.nextLink`; followed only on the Graph endpoint's origin. */
	url?: string;
	qs?: Record<string, string | number>;
	body?: IDataObject;
}

/** A Graph answer outside 2xx, or a request that could not be completed; mapped to n8n errors by `errors.ts`. */
export class GraphResponseError extends Error {
	readonly name = 'GraphResponseError';

	constructor(
		/** HTTP status; 0 when no answer arrived (socket failure). */
		readonly status: number,
		/** Graph's `error.code`, or the socket error code when there was no answer. */
		readonly code: string,
		/** The wait Graph asked for on the last 429/503, when it was longer than this transport waits. */
		readonly retryAfterMs?: number,
		/** Graph's own `error.message`, kept for 400s (it names the property Graph rejected). */
		readonly graphMessage?: string,
	) {
		super(`Microsoft Graph answered ${status || 'nothing'}${code ? ` (${code})` : ''}`);
	}
}

/** Thrown before any request when the credential's cloud has no Graph security API. */
export class GraphUnavailableError extends Error {
	readonly name = 'GraphUnavailableError';
}

const MAX_RETRIES = 3;
/** A single Retry-After longer than this is not waited for: the call fails and says how long Graph asked for. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** All waits of one call together, so a throttled item cannot hold an execution for minutes. */
export const MAX_TOTAL_WAIT_MS = 60_000;
const BACKOFF_MS = [1000, 2000, 4000];
/** No answer within this long counts as a timed-out connection (retried like one, never for a POST). */
export const REQUEST_TIMEOUT_MS = 60_000;
/** Socket failures after which the request may have reached Graph. */
const RETRYABLE_NETWORK_CODES = ['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'ECONNREFUSED', 'REQUEST_SEND_ERROR'];
/** Socket failures that prove the request never left this host (safe to repeat even for a POST). */
const NEVER_SENT_CODES = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

/**
 * Throws when the session's cloud has no Microsoft Graph security API. Azure China (21Vianet) serves Graph but not
 * `/security/incidents` or `/security/alerts_v2`.
 */
export function graphSessionFor(session: AzureSession): void {
	if (new URL(session.endpoints.graph).origin === new URL(azureClouds.AzureChina.graph).origin) {
		throw new GraphUnavailableError(
			'Microsoft Graph security API is not available in Azure China (21Vianet): Microsoft Defender XDR incidents and alerts cannot be read or updated in that cloud. Use the Microsoft Sentinel nodes there.',
		);
	}
}

const clients = new WeakMap<AzureSession, Promise<ServiceClient>>();

function clientFor(session: AzureSession): Promise<ServiceClient> {
	// A promise per session, so items starting together share one client and one token request.
	let client = clients.get(session);
	if (!client) {
		client = (async () => {
			const sdk = await loadAzureSdk();
			return new sdk.ServiceClient({
				endpoint: session.endpoints.graph,
				credential: session.credential,
				// The cloud's Graph audience, also for a custom endpoint (a proxy or the emulator stands in for Graph).
				credentialScopes: [session.endpoints.graphScope],
				tlsOptions: session.tlsOptions,
				// Retries are decided here: the SDK's policy would repeat a POST on 503.
				retryOptions: { maxRetries: 0 },
				userAgentOptions: { userAgentPrefix: 'n8n-nodes-sentinel-signl4' },
			});
		})();
		clients.set(session, client);
	}
	return client;
}

/** OData keys keep their `$` (Graph documents `$filter`, not `%24filter`); values are percent-encoded. */
function queryString(qs: Record<string, string | number> | undefined): string {
	const parts = Object.entries(qs ?? {})
		.filter(([, value]) => value !== undefined && value !== '')
		.map(([key, value]) => `${encodeURIComponent(key).replace(/^%24/, '$')}=${encodeURIComponent(String(value))}`);
	return parts.length ? `?${parts.join('&')}` : '';
}

/** A nextLink is followed only on the Graph endpoint's origin: the bearer token must never go to a host a response named. */
function assertGraphOrigin(link: string, session: AzureSession): void {
	if (!URL.canParse(link) || new URL(link).origin !== new URL(session.endpoints.graph).origin) {
		throw new GraphResponseError(502, 'UntrustedNextLink', undefined, 'Microsoft Graph returned a nextLink on another host; paging stopped');
	}
}

function urlOf(session: AzureSession, request: GraphRequest): string {
	if (request.url) {
		assertGraphOrigin(request.url, session);
		return request.url;
	}
	if (!request.path?.startsWith('/')) throw new Error('graphRequest needs a path starting with / or a url');
	return `${session.endpoints.graph}/v1.0${request.path}${queryString(request.qs)}`;
}

function parseBody(text: string | null | undefined): unknown {
	if (!text) return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function graphErrorOf(body: unknown): { code?: string; message?: string } {
	const error = (body as { error?: unknown } | undefined)?.error;
	if (error && typeof error === 'object') {
		const { code, message } = error as { code?: unknown; message?: unknown };
		return { code: typeof code === 'string' ? code : undefined, message: typeof message === 'string' ? message : undefined };
	}
	return {};
}

function mayRetry(method: GraphRequest['method'], status: number, networkCode?: string): boolean {
	if (networkCode) return method === 'POST' ? NEVER_SENT_CODES.includes(networkCode) : RETRYABLE_NETWORK_CODES.includes(networkCode);
	if (status === 429) return true;
	return method !== 'POST' && (status === 503 || status === 504);
}

/** Sends one Graph request with the retry policy above; resolves with the decoded JSON body (`{}` for 204). */
export async function graphRequest<T = IDataObject>(session: AzureSession, request: GraphRequest): Promise<T> {
	graphSessionFor(session);
	const url = urlOf(session, request);
	const sdk = await loadAzureSdk();
	const client = await clientFor(session);
	let waitedMs = 0;
	for (let attempt = 0; ; attempt++) {
		// AbortSignal.timeout, not the SDK's `timeout` option: its timer outlives a dropped connection and keeps the
		// process alive; this one does not.
		const pipelineRequest = sdk.createPipelineRequest({ url, method: request.method, abortSignal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
		pipelineRequest.headers.set('accept', 'application/json');
		// Graph hides enum members added after `unknownFutureValue` (service sources such as microsoftSentinel and
		// microsoftDefenderForCloud, detection source scheduledAlerts, status awaitingAction) unless asked for them:
		// without this a Sentinel alert reads as unknownFutureValue and a filter on its source never matches.
		pipelineRequest.headers.set('prefer', 'include-unknown-enum-members');
		if (request.body !== undefined) {
			pipelineRequest.headers.set('content-type', 'application/json');
			pipelineRequest.body = JSON.stringify(request.body);
		}
		let failure: GraphResponseError;
		let askedMs: number | undefined;
		const outcome = await client.sendRequest(pipelineRequest).then(
			(response) => ({ response }),
			(error: unknown) => ({ error }),
		);
		if ('response' in outcome) {
			const { response } = outcome;
			const body = parseBody(response.bodyAsText);
			if (response.status >= 200 && response.status < 300) return (body ?? {}) as T;
			const error = graphErrorOf(body);
			askedMs = retryAfterMs((name) => response.headers.get(name));
			failure = new GraphResponseError(response.status, error.code ?? '', askedMs, error.message);
			if (!mayRetry(request.method, response.status)) throw failure;
		} else {
			const aborted = (outcome.error as { name?: unknown }).name === 'AbortError';
			const code = aborted ? 'ETIMEDOUT' : (outcome.error as { code?: unknown }).code;
			const statusCode = (outcome.error as { statusCode?: unknown }).statusCode;
			// Identity (token) errors and anything that is not a socket failure go to the error mapper as they are.
			if (typeof code !== 'string' || statusCode !== undefined || !RETRYABLE_NETWORK_CODES.includes(code)) throw outcome.error;
			failure = new GraphResponseError(0, code);
			if (!mayRetry(request.method, 0, code)) throw failure;
		}
		if (attempt >= MAX_RETRIES) throw failure;
		const waitMs = askedMs ?? BACKOFF_MS[attempt];
		if (waitMs > MAX_RETRY_AFTER_MS || waitedMs + waitMs > MAX_TOTAL_WAIT_MS) {
			throw new GraphResponseError(failure.status, failure.code, waitMs, failure.graphMessage);
		}
		await sleep(waitMs);
		waitedMs += waitMs;
	}
}

interface GraphPage<T> {
	value?: T[];
	'@odata.nextLink'?: string | null;
}

/** Page by page: the first request to `path` with `qs`, then each `@odata.nextLink` (same origin only) as given. */
export async function* graphPages<T>(session: AzureSession, path: string, qs: Record<string, string | number>): AsyncGenerator<T[]> {
	let page: GraphPage<T> = await graphRequest<GraphPage<T>>(session, { method: 'GET', path, qs });
	const seen = new Set<string>();
	for (;;) {
		yield page.value ?? [];
		const next = page['@odata.nextLink'];
		// `if (!next)`: a null or '' nextLink ends the listing; a link seen before would loop forever.
		if (!next || seen.has(next)) return;
		seen.add(next);
		page = await graphRequest<GraphPage<T>>(session, { method: 'GET', url: next });
	}
}

/** Every item of a listing, at most `maxPages` pages. */
export async function graphGetAllPages<T = IDataObject>(
	session: AzureSession,
	path: string,
	qs: Record<string, string | number>,
	maxPages = 100,
): Promise<T[]> {
	const items: T[] = [];
	let pages = 0;
	for await (const page of graphPages<T>(session, path, qs)) {
		items.push(...page);
		if (++pages >= maxPages) break;
	}
	return items;
}

/** Half a surrogate pair cannot be percent-encoded; `.` and `..` would address another resource once in a path. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * An incident or alert id, checked and encoded for a URL path. The message never echoes the value.
 * Graph's ids are digits (incidents) or letters, digits, `_` and `-` (alerts).
 */
export function graphPathSegment(value: string, what: string): string {
	const id = value.trim();
	const unsafe = !id || id.length > 256 || /^\.{1,2}$/.test(id) || LONE_SURROGATE.test(id) || [...id].some((char) => char.charCodeAt(0) < 0x20 || '/\\?#%'.includes(char));
	if (unsafe) throw new GraphResponseError(400, 'InvalidIdentifier', undefined, `The ${what} is empty or contains characters that cannot be part of a Microsoft Graph path`);
	return encodeURIComponent(id);
}
