import { randomUUID } from 'crypto';
import { sleep } from 'n8n-workflow';

import type { AzureSession } from '../azure/credential';
import { retryAfterMs } from '../azure/retryAfter';
import { loadAzureSdk } from '../azure/sdk';
import type { LogsQueryClient } from '../azure/sdkBundle';
import { limiterFor } from './limiter';

/**
 * The one place that talks to the Log Analytics query API (`POST {endpoint}/v1/workspaces/{id}/query`), through
 * Microsoft's `LogsQueryClient` (token, TLS, user agent) but with the retry policy and answer decoding done here:
 *
 * - every attempt holds one of the principal's 5 query slots (limiter.ts), and none is held while waiting to retry;
 * - 429 honours `Retry-After` (and 503 too); other 5xx and network errors back off exponentially; a 504 — the
 *   server timeout set with `Prefer: wait` ran out — is reported as a timeout, never retried (it would only run
 *   out again);
 * - the body is decoded from the raw response, so cells stay exactly as served (the SDK turns datetime cells into
 *   `Date`s, losing the 7th fractional digit) and a 204 (a workspace without data) is not mistaken for a crash
 *   (the SDK throws a TypeError on an empty body);
 * - `queryBatch` is not used: it reorders results and reports failed items as empty successes.
 */

export interface LogsTable {
	name: string;
	columns: Array<{ name: string; type: string }>;
	rows: unknown[][];
}

export interface LogsServiceError {
	code?: string;
	message?: string;
	/** Innermost error of the chain (e.g. `SYN0002` "Query could not be parsed at …"). */
	innermost?: { code?: string; message?: string };
	/** The chain of codes from outermost to innermost, e.g. BadArgumentError → SyntaxError → SYN0002. */
	codes: string[];
}

export type LogsQueryOutcome =
	| { status: 'success'; tables: LogsTable[]; attempts: number; durationMs: number }
	| { status: 'partial'; tables: LogsTable[]; error: LogsServiceError; attempts: number; durationMs: number }
	/** 204: the workspace holds no data at all. */
	| { status: 'noData'; tables: []; attempts: number; durationMs: number }
	/** 504, or no answer within the server timeout plus a margin. */
	| { status: 'timeout'; tables: []; attempts: number; durationMs: number; serverTimeoutSeconds: number };

export type LogsTimespan = { start: Date; end: Date } | { duration: string } | undefined;

export interface LogsQueryRequest {
	workspaceId: string;
	query: string;
	timespan: LogsTimespan;
	/** `Prefer: wait=N`: the service stops the query after N seconds (1-600) and answers 504. */
	serverTimeoutSeconds: number;
	abortSignal?: AbortSignal;
}

/** A failed query, with what is needed to explain it; thrown by `runLogsQuery`. */
export class LogsQueryError extends Error {
	readonly name = 'LogsQueryError';

	constructor(
		message: string,
		readonly statusCode: number | undefined,
		readonly serviceError: LogsServiceError | undefined,
		readonly original: unknown,
		readonly retryAfterSeconds?: number,
		readonly code?: string,
	) {
		super(message);
	}

	/** What `describeAzureError` reads: status, code and the ARM-style `details.error`. */
	get details(): unknown {
		return this.serviceError ? { error: { code: this.serviceError.code, message: this.serviceError.message } } : undefined;
	}
}

const MAX_RETRIES = 3;
/** A `Retry-After` longer than this is not waited for: the item fails with the wait Azure asked for. */
export const MAX_RETRY_AFTER_SECONDS = 60;
const BACKOFF_MS = [1000, 2000, 4000];
const RETRYABLE_NETWORK_CODES = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'REQUEST_SEND_ERROR'];

interface RawAnswer {
	status: number;
	bodyAsText?: string | null;
	headers?: Record<string, string>;
}

/**
 * `queryWorkspace` passes on neither `onResponse` nor `abortSignal`, so each call is tagged with its own
 * `x-ms-client-request-id` and this pipeline policy hands the call's cancel signal (joined with its timeout) to the
 * request and keeps the raw answer for it (status, headers and body text, before the SDK's decoding).
 */
const REQUEST_ID_HEADER = 'x-ms-client-request-id';

interface Exchange {
	signal?: AbortSignal;
	/** No answer within this many milliseconds aborts the request. */
	timeoutMs: number;
	answer?: RawAnswer;
}

interface CapturingClient {
	client: LogsQueryClient;
	exchanges: Map<string, Exchange>;
}

// Promises, so items starting at the same moment share one client (one token request, one pipeline).
const clients = new WeakMap<AzureSession, Promise<CapturingClient>>();

function clientFor(session: AzureSession): Promise<CapturingClient> {
	let client = clients.get(session);
	if (!client) {
		client = createClient(session);
		clients.set(session, client);
	}
	return client;
}

async function createClient(session: AzureSession): Promise<CapturingClient> {
	const sdk = await loadAzureSdk();
	const client = new sdk.LogsQueryClient(session.credential, {
		// monitor-query-logs 1.0.0 takes the endpoint as given and expects the `/v1` in it.
		endpoint: `${session.endpoints.logAnalytics}/v1`,
		// Its `audience` option is ignored; the scope decides the token's audience (the cloud's Log Analytics one,
		// also for custom endpoints).
		credentials: { scopes: [session.endpoints.logAnalyticsScope] },
		tlsOptions: session.tlsOptions,
		// Retries are done by runLogsQuery, which knows a 504 is a server timeout and not worth repeating.
		retryOptions: { maxRetries: 0 },
		userAgentOptions: { userAgentPrefix: 'n8n-nodes-sentinel-signl4' },
	});
	const exchanges = new Map<string, Exchange>();
	client.pipeline.addPolicy({
		name: 'n8nLogsQueryExchange',
		async sendRequest(request, next) {
			const exchange = exchanges.get(request.headers.get(REQUEST_ID_HEADER) ?? '');
			if (exchange) {
				// Not the SDK's `timeout` request option: its timer is cleared only when an answer arrives, so after a
				// dropped connection or a cancel it keeps the process alive for the full timeout. AbortSignal.timeout's
				// timer does not keep the process alive.
				const timeout = AbortSignal.timeout(exchange.timeoutMs);
				request.abortSignal = exchange.signal ? AbortSignal.any([exchange.signal, timeout]) : timeout;
			}
			const response = await next(request);
			if (exchange) exchange.answer = { status: response.status, bodyAsText: response.bodyAsText, headers: response.headers.toJSON() };
			return response;
		},
	});
	return { client, exchanges };
}

function readServiceError(body: unknown): LogsServiceError | undefined {
	const error = (body as { error?: unknown } | undefined)?.error as Record<string, unknown> | undefined;
	if (!error || typeof error !== 'object') return undefined;
	const codes: string[] = [];
	let innermost: { code?: string; message?: string } | undefined;
	let node: Record<string, unknown> | undefined = error;
	for (let depth = 0; node && depth < 8; depth++) {
		if (typeof node.code === 'string') codes.push(node.code);
		innermost = { code: typeof node.code === 'string' ? node.code : undefined, message: typeof node.message === 'string' ? node.message : undefined };
		const next: unknown = node.innererror ?? (Array.isArray(node.details) ? node.details[0] : undefined);
		node = next && typeof next === 'object' ? (next as Record<string, unknown>) : undefined;
	}
	return {
		code: typeof error.code === 'string' ? error.code : undefined,
		message: typeof error.message === 'string' ? error.message : undefined,
		innermost,
		codes,
	};
}

function parseBody(text: string | null | undefined): unknown {
	if (!text) return undefined;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function headerValue(headers: Record<string, string> | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
	return key ? headers[key] : undefined;
}

/** Seconds from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or an HTTP date). */
export function retryAfterSeconds(headers: Record<string, string> | undefined, nowMs = Date.now()): number | undefined {
	const ms = retryAfterMs((name) => headerValue(headers, name), nowMs);
	return ms === undefined ? undefined : ms / 1000;
}

function toTimespanArgument(timespan: LogsTimespan): { startTime: Date; endTime: Date } | { duration: string } {
	if (!timespan) {
		// The SDK insists on a timespan argument; a `duration` of undefined makes it send none, which means "only the
		// query's own time filters" to the service.
		return { duration: undefined as unknown as string };
	}
	if ('duration' in timespan) return { duration: timespan.duration };
	return { startTime: timespan.start, endTime: timespan.end };
}

type Attempt =
	| { kind: 'answer'; answer: RawAnswer; error?: unknown }
	| { kind: 'thrown'; error: unknown };

async function attemptOnce({ client, exchanges }: CapturingClient, request: LogsQueryRequest): Promise<Attempt> {
	const id = randomUUID();
	// A hung connection must not hold a query slot forever: the server gives up at `wait`, we a bit later.
	const exchange: Exchange = { signal: request.abortSignal, timeoutMs: (request.serverTimeoutSeconds + 30) * 1000 };
	exchanges.set(id, exchange);
	try {
		await client.queryWorkspace(request.workspaceId, request.query, toTimespanArgument(request.timespan) as never, {
			serverTimeoutInSeconds: request.serverTimeoutSeconds,
			requestOptions: { headers: { [REQUEST_ID_HEADER]: id } },
		});
		return exchange.answer ? { kind: 'answer', answer: exchange.answer } : { kind: 'thrown', error: new Error('The Log Analytics client returned no response') };
	} catch (error) {
		// Non-2xx answers (and the 204 the SDK cannot decode) arrive here with the raw answer already captured.
		return exchange.answer ? { kind: 'answer', answer: exchange.answer, error } : { kind: 'thrown', error };
	} finally {
		exchanges.delete(id);
	}
}

function isAbort(error: unknown): boolean {
	return (error as { name?: string } | undefined)?.name === 'AbortError';
}

/**
 * Runs one query with the principal's concurrency limit and the retry policy above. Returns what the service
 * returned (success, partial, no data, timeout); throws `LogsQueryError` for everything else.
 */
export async function runLogsQuery(session: AzureSession, request: LogsQueryRequest): Promise<LogsQueryOutcome> {
	const client = await clientFor(session);
	const limiter = limiterFor(session.fingerprint);
	const started = Date.now();
	for (let attempt = 1; ; attempt++) {
		const result = await limiter.run(() => attemptOnce(client, request));
		const durationMs = Date.now() - started;
		let retryAfter: number | undefined;
		let failure: LogsQueryError;
		if (result.kind === 'thrown') {
			const error = result.error as { code?: string };
			if (isAbort(error) && !request.abortSignal?.aborted) {
				return { status: 'timeout', tables: [], attempts: attempt, durationMs, serverTimeoutSeconds: request.serverTimeoutSeconds };
			}
			// Sign-in failures, cancellation and unexpected errors go out as they are: errors.ts names them.
			if (request.abortSignal?.aborted || !RETRYABLE_NETWORK_CODES.includes(error?.code ?? '') || attempt > MAX_RETRIES) throw result.error;
			failure = new LogsQueryError(`Log Analytics request failed (${error.code})`, undefined, undefined, error, undefined, error.code);
		} else {
			const { status, bodyAsText, headers } = result.answer;
			const body = parseBody(bodyAsText);
			if (status === 200) {
				const tables = ((body as { tables?: LogsTable[] } | undefined)?.tables ?? []).map((table) => ({
					name: table.name,
					columns: table.columns ?? [],
					rows: table.rows ?? [],
				}));
				const serviceError = readServiceError(body);
				return serviceError
					? { status: 'partial', tables, error: serviceError, attempts: attempt, durationMs }
					: { status: 'success', tables, attempts: attempt, durationMs };
			}
			if (status === 204) return { status: 'noData', tables: [], attempts: attempt, durationMs };
			if (status === 504) {
				return { status: 'timeout', tables: [], attempts: attempt, durationMs, serverTimeoutSeconds: request.serverTimeoutSeconds };
			}
			const serviceError = readServiceError(body);
			retryAfter = retryAfterSeconds(headers);
			failure = new LogsQueryError(
				`Log Analytics answered ${status}${serviceError?.code ? ` (${serviceError.code})` : ''}`,
				status,
				serviceError,
				result.error,
				retryAfter,
				serviceError?.code,
			);
			const retryable = status === 429 || status === 500 || status === 502 || status === 503;
			if (!retryable || attempt > MAX_RETRIES || (retryAfter !== undefined && retryAfter > MAX_RETRY_AFTER_SECONDS)) throw failure;
		}
		const waitMs = retryAfter !== undefined ? Math.ceil(retryAfter * 1000) : BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)];
		await sleep(waitMs);
		if (request.abortSignal?.aborted) throw failure;
	}
}

/** Drops the cached client of a session (after its credential was replaced). */
export function forgetLogsClient(session: AzureSession): void {
	clients.delete(session);
}
