import { sleep } from 'n8n-workflow';

import type { AzureSession } from './credential';
import { retryAfterMs } from './retryAfter';
import { loadAzureSdk } from './sdk';
import type { LogsIngestionClient } from './sdkBundle';

/**
 * The one place that talks to Azure Monitor's Logs Ingestion API (`POST {data collection endpoint}/
 * dataCollectionRules/{immutableId}/streams/{stream}?api-version=2023-01-01`), through Microsoft's
 * `LogsIngestionClient`: it cuts the records into requests under the API's 1 MB limit and gzips each one.
 *
 * Retries are decided here, not by the SDK's pipeline (its policy would also repeat a 500 or a dropped connection,
 * after which the rows may already be in the table; sending them again would write them twice):
 * - a request answered 429 (or 503 with `Retry-After`) was not accepted, so its records are sent again after the
 *   wait the service asked for (at most `MAX_RETRY_AFTER_SECONDS`), up to `MAX_ROUNDS` times;
 * - every other failure is reported for the records of that request and never repeated.
 */

/** Token audiences of Azure Monitor's ingestion per cloud (the SDK's KnownMonitorAudience), by Resource Manager host. */
const MONITOR_AUDIENCES: Array<{ armHost: RegExp; audience: string }> = [
	{ armHost: /usgovcloudapi\.net$/i, audience: 'https://monitor.azure.us' },
	{ armHost: /chinacloudapi\.cn$/i, audience: 'https://monitor.azure.cn' },
];
const PUBLIC_MONITOR_AUDIENCE = 'https://monitor.azure.com';

/**
 * The audience of ingestion tokens for a session's cloud. A Custom cloud (emulator, private endpoint, proxy) keeps the
 * public cloud's audiences, as for the other services (clouds.ts).
 */
export function monitorAudience(endpoints: { arm: string }): string {
	let host = '';
	try {
		host = new URL(endpoints.arm).hostname;
	} catch {
		host = '';
	}
	return MONITOR_AUDIENCES.find((entry) => entry.armHost.test(host))?.audience ?? PUBLIC_MONITOR_AUDIENCE;
}

/** The API refuses a request body over 1 MB (uncompressed); the SDK keeps each request under 1,000,000 bytes. */
export const MAX_REQUEST_BYTES = 1_000_000;
export const MAX_ROUNDS = 4;
export const MAX_RETRY_AFTER_SECONDS = 60;

export type IngestionRecord = Record<string, unknown>;

export interface IngestionTarget {
	/** Data collection endpoint (or the rule's own logs ingestion endpoint), e.g. https://my-dce-abcd.westeurope-1.ingest.monitor.azure.com */
	endpoint: string;
	/** The rule's immutable ID, `dcr-` and 32 hex digits. */
	ruleId: string;
	/** The rule's stream, e.g. `Custom-SIGNL4_CL`. */
	stream: string;
}

export interface IngestionFailure {
	statusCode?: number;
	code?: string;
	message: string;
	retryAfterSeconds?: number;
	/** The original error (a RestError, a network error), for describing it; never output as is. */
	cause: unknown;
}

export interface IngestionOutcome {
	/** Per record (same order as given): undefined when accepted, else why not. */
	failures: Array<IngestionFailure | undefined>;
	/** Upload calls, and requests answered 429/503 whose records were sent again. */
	rounds: number;
	throttled: number;
}

export interface IngestionOptions {
	maxConcurrency?: number;
	abortSignal?: AbortSignal;
	/** Tests shorten the wait; the real one is the service's Retry-After. */
	wait?: (ms: number) => Promise<void>;
}

const clients = new WeakMap<AzureSession, Map<string, LogsIngestionClient>>();

async function clientFor(session: AzureSession, endpoint: string): Promise<LogsIngestionClient> {
	let perSession = clients.get(session);
	if (!perSession) {
		perSession = new Map();
		clients.set(session, perSession);
	}
	const key = endpoint.replace(/\/+$/, '').toLowerCase();
	const cached = perSession.get(key);
	if (cached) return cached;
	const sdk = await loadAzureSdk();
	const client = new sdk.LogsIngestionClient(endpoint.replace(/\/+$/, ''), session.credential, {
		audience: monitorAudience(session.endpoints),
		tlsOptions: session.tlsOptions,
		retryOptions: { maxRetries: 0 },
		userAgentOptions: { userAgentPrefix: 'n8n-nodes-sentinel-signl4' },
	});
	perSession.set(key, client);
	return client;
}

interface RestLikeError {
	statusCode?: number;
	code?: string;
	message?: string;
	response?: { headers?: { get?(name: string): string | undefined }; bodyAsText?: string | null };
}

/** The service's `{ error: { code, message } }`, if the answer had one. */
function serviceError(error: RestLikeError): { code?: string; message?: string } {
	const text = error.response?.bodyAsText;
	if (text) {
		try {
			const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
			if (body?.error && typeof body.error === 'object') {
				return {
					code: typeof body.error.code === 'string' ? body.error.code : undefined,
					message: typeof body.error.message === 'string' ? body.error.message : undefined,
				};
			}
		} catch {
			// not JSON: fall back to the error's own fields
		}
	}
	return { code: error.code, message: error.message };
}

export function toIngestionFailure(cause: unknown, nowMs = Date.now()): IngestionFailure {
	const error = (cause ?? {}) as RestLikeError;
	const body = error.statusCode ? serviceError(error) : { code: error.code, message: error.message };
	const waitMs = error.response?.headers?.get ? retryAfterMs((name) => error.response?.headers?.get?.(name), nowMs) : undefined;
	return {
		statusCode: error.statusCode,
		code: body.code,
		message: body.message ?? 'no message',
		retryAfterSeconds: waitMs === undefined ? undefined : waitMs / 1000,
		cause,
	};
}

/** Not accepted, and said so: sending the same records again cannot write them twice. */
function isResendable(failure: IngestionFailure): boolean {
	return failure.statusCode === 429 || (failure.statusCode === 503 && failure.retryAfterSeconds !== undefined);
}

/** Byte size of a record as the SDK measures it when cutting requests. */
export function recordBytes(record: IngestionRecord): number {
	return Buffer.byteLength(JSON.stringify(record), 'utf8');
}

/**
 * Sends records and reports, per record, whether the service accepted it. A record too large for one request is
 * not sent (reported as a 413 the service would give).
 */
export async function sendRecords(session: AzureSession, target: IngestionTarget, records: IngestionRecord[], options: IngestionOptions = {}): Promise<IngestionOutcome> {
	const failures: Array<IngestionFailure | undefined> = records.map(() => undefined);
	const indexOf = new Map<IngestionRecord, number>();
	let pending: IngestionRecord[] = [];
	records.forEach((record, index) => {
		const bytes = recordBytes(record);
		if (bytes >= MAX_REQUEST_BYTES) {
			failures[index] = {
				statusCode: 413,
				code: 'RecordTooLarge',
				message: `The record is ${bytes.toLocaleString('en-US')} bytes as JSON; a request to the Logs Ingestion API may carry at most 1 MB, so it was not sent.`,
				cause: undefined,
			};
			return;
		}
		// The SDK hands failed records back by reference; a copy per record keeps two equal items apart.
		const own = { ...record };
		indexOf.set(own, index);
		pending.push(own);
	});
	const client = await clientFor(session, target.endpoint);
	const wait = options.wait ?? ((ms: number) => sleep(ms));
	let rounds = 0;
	let throttled = 0;
	while (pending.length > 0 && rounds < MAX_ROUNDS) {
		rounds++;
		const failed: Array<{ logs: IngestionRecord[]; failure: IngestionFailure }> = [];
		try {
			await client.upload(target.ruleId, target.stream, pending, {
				maxConcurrency: options.maxConcurrency ?? 2,
				abortSignal: options.abortSignal,
				onError: (upload) => failed.push({ logs: upload.failedLogs, failure: toIngestionFailure(upload.cause) }),
			});
		} catch (error) {
			// AggregateLogsUploadError repeats what onError reported; anything else (a cancelled execution) stopped the
			// upload as a whole: the records not reported are marked with it.
			if (!(error instanceof Error && error.name === 'AggregateLogsUploadError') && failed.length === 0) {
				failed.push({ logs: pending, failure: toIngestionFailure(error) });
			}
		}
		pending = [];
		let waitSeconds = 0;
		for (const { logs, failure } of failed) {
			const resend = isResendable(failure) && rounds < MAX_ROUNDS && (failure.retryAfterSeconds ?? 1) <= MAX_RETRY_AFTER_SECONDS;
			if (isResendable(failure)) throttled++;
			for (const record of logs) {
				const index = indexOf.get(record);
				if (index === undefined) continue;
				failures[index] = resend ? undefined : failure;
				if (resend) pending.push(record);
			}
			if (resend) waitSeconds = Math.max(waitSeconds, failure.retryAfterSeconds ?? 1);
		}
		if (pending.length > 0) {
			if (options.abortSignal?.aborted) break;
			await wait(waitSeconds * 1000);
		}
	}
	return { failures, rounds, throttled };
}
