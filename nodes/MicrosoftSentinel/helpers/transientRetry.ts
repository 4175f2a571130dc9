import { NodeApiError, sleep, type INode, type INodeProperties } from 'n8n-workflow';

import { describeAzureError } from '../../shared/azure/errors';
import { retryAfterMs as retryAfterFromHeaders } from '../../shared/azure/retryAfter';
import { settle } from '../../shared/concurrency';
import { UnconfirmedWriteError } from '../../shared/sentinel/writeGuard';

/**
 * A time budget for riding out transient Azure failures (throttling, 5xx, dropped connections, an ARM outage of a few
 * minutes) in the write operations. The SDK already retries each request a few times within seconds; this keeps
 * going for as long as the user allows, with growing pauses and Retry-After honoured.
 *
 * What is repeated follows the node's rule for writes: a request that was not carried out (a read, a throttled
 * answer) is simply sent again; a write whose outcome is unknown is never sent again blindly — the caller re-reads
 * first (see `writeGuard.ts` and the update and comment operations).
 */

export const MAX_RETRY_SECONDS = 3600;

export const retryProperty = (description: string): INodeProperties => ({
	displayName: 'Retry Transient Failures For (Seconds)',
	name: 'retryForSeconds',
	type: 'number',
	typeOptions: { minValue: 0, maxValue: MAX_RETRY_SECONDS },
	default: 0,
	description,
});

const NETWORK_CODES = ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'REQUEST_SEND_ERROR'];
/** Pauses between rounds: 2, 4, 8, 16, then 30 s (or what Retry-After asks, if longer). */
const FIRST_PAUSE_MS = 2_000;
const LONGEST_PAUSE_MS = 30_000;

interface RawError {
	statusCode?: number;
	code?: string;
	response?: { headers?: { get?: (name: string) => string | undefined } };
}

/** What makes an error transient, in words safe to show (a status or a failure kind, never a body); undefined = final. */
export function transientReason(error: unknown): string | undefined {
	if (error instanceof UnconfirmedWriteError) return error.reason;
	const err = (error ?? {}) as RawError;
	const status = err.statusCode;
	if (status === 408 || status === 429 || (status !== undefined && status >= 500 && status !== 501 && status !== 505)) return `HTTP ${status}`;
	if (status === undefined && err.code && NETWORK_CODES.includes(err.code)) return 'connection failed';
	return undefined;
}

/** The wait Azure asked for on this error, if any. */
export function retryAfterMs(error: unknown): number | undefined {
	const headers = (error as RawError | undefined)?.response?.headers;
	return retryAfterFromHeaders((name) => (typeof headers?.get === 'function' ? headers.get(name) : undefined));
}

export class RetryBudget {
	private readonly deadline: number;
	private rounds = 0;
	/** Transient failures met and waited out, for the output and messages. */
	retries = 0;

	constructor(readonly seconds: number) {
		this.deadline = Date.now() + Math.max(0, Math.min(seconds, MAX_RETRY_SECONDS)) * 1000;
	}

	/**
	 * Waits before the next try after a transient failure and returns true, or returns false at once when the budget
	 * would run out first. Retry-After is honoured (never waited out beyond the budget).
	 */
	async pause(error?: unknown): Promise<boolean> {
		const left = this.deadline - Date.now();
		const backoff = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** this.rounds);
		const wait = Math.max(backoff, retryAfterMs(error) ?? 0) + Math.floor(Math.random() * 250);
		if (left <= 0 || wait > left) return false;
		this.rounds++;
		this.retries++;
		await sleep(wait);
		return true;
	}
}

/**
 * The error for a transient failure the budget could not ride out: Azure's status and what to do, for a SOC engineer.
 * Built from the status and fixed text only (`describeAzureError`), never from a body or token.
 */
export function transientFailure(node: INode, error: unknown, budget: RetryBudget, action: string, itemIndex: number, outcome: string): NodeApiError {
	const described = describeAzureError(error, { action, itemIndex });
	const reason = transientReason(error) ?? 'a temporary failure';
	const tried =
		budget.seconds > 0
			? `The node kept retrying for ${budget.seconds} s (${budget.retries} pause${budget.retries === 1 ? '' : 's'}) without success.`
			: 'Set Retry Transient Failures For (Seconds) to keep retrying through short Azure outages.';
	const message = error instanceof UnconfirmedWriteError ? `Azure did not answer while trying to ${action} (${reason})` : described.message;
	const httpCode = described.httpCode ?? (error instanceof UnconfirmedWriteError && error.statusCode ? String(error.statusCode) : '503');
	return new NodeApiError(
		node,
		{ message, httpCode },
		{
			message,
			httpCode,
			itemIndex,
			description: `${outcome} ${tried} Check Azure's status (Resource Manager, Microsoft Sentinel) and retry this execution when it has recovered.`,
		},
	);
}

/**
 * Runs a request that is safe to send again (a read, or a write Azure refused without carrying out) until it
 * succeeds, a final error occurs, or the budget runs out.
 */
export async function retryTransient<T>(
	budget: RetryBudget,
	request: () => Promise<T>,
	giveUp: (error: unknown) => Error,
): Promise<T> {
	for (;;) {
		const settled = await settle(request);
		if (settled.ok) return settled.value;
		// Final errors leave as they came: the caller (`SentinelConnection.call`) turns them into n8n errors.
		if (!transientReason(settled.error)) throw settled.error;
		if (!(await budget.pause(settled.error))) throw giveUp(settled.error);
	}
}
