import { MAX_AGE_MS, MAX_ENTRIES } from './dedup';

/**
 * What this n8n process knows about the callbacks it is processing, when the trigger answers SIGNL4 only after the
 * workflow finished (response mode `lastNode`).
 *
 * A callback is *running* from the moment its execution is started until n8n answers the request that started it,
 * then *written* (n8n answered 2xx: the execution succeeded) or forgotten (5xx: it failed, so the next delivery is
 * processed again). Another delivery of a running callback (SIGNL4 gave up waiting, or delivered twice) waits a
 * moment for the outcome; it never starts a second execution in this process while the first still runs.
 *
 * Static data cannot hold this: n8n saves what a webhook writes there only when no execution starts, and what an
 * execution writes is saved whether it succeeded or not. So the written ids are kept here and copied into static
 * data later (see `webhook.ts`), and the write-backs themselves are idempotent for everything this cannot see
 * (another webhook process, a restart while an execution ran).
 */

type Entry = { state: 'running'; since: number; waiters: Array<(written: boolean) => void> } | { state: 'written'; at: number };

const registry = new Map<string, Map<string, Entry>>();
const MAX_SCOPES = 500;

/** A running entry older than this counts as lost (the process that ran it may be gone): the callback is processed again. */
export const RUNNING_TTL_MS = 15 * 60_000;

export type Claim = 'claimed' | 'written' | 'busy';

function entriesOf(scope: string): Map<string, Entry> {
	let entries = registry.get(scope);
	if (!entries) {
		if (registry.size >= MAX_SCOPES) registry.delete(registry.keys().next().value as string);
		entries = new Map();
		registry.set(scope, entries);
	}
	return entries;
}

function current(entries: Map<string, Entry>, callbackId: string, nowMs: number): Entry | undefined {
	const entry = entries.get(callbackId);
	if (!entry) return undefined;
	const age = nowMs - (entry.state === 'running' ? entry.since : entry.at);
	if (age < (entry.state === 'running' ? RUNNING_TTL_MS : MAX_AGE_MS)) return entry;
	entries.delete(callbackId);
	return undefined;
}

async function outcomeWithin(entry: Extract<Entry, { state: 'running' }>, waitMs: number): Promise<boolean | undefined> {
	if (waitMs <= 0) return undefined;
	const outcome = new Promise<boolean>((resolve) => entry.waiters.push(resolve));
	// AbortSignal.timeout's timer does not keep the process alive once the outcome is known (n8n's sleep would).
	const timer = AbortSignal.timeout(waitMs);
	const timedOut = new Promise<undefined>((resolve) => timer.addEventListener('abort', () => resolve(undefined), { once: true }));
	return await Promise.race([outcome, timedOut]);
}

/**
 * Claims a callback for processing. `written`: it was processed successfully before (answer 200, start nothing);
 * `busy`: it is still being processed after waiting up to `waitMs` (answer 503 so SIGNL4 delivers it later);
 * `claimed`: process it now and report the outcome with `settleDelivery`.
 */
export async function claimDelivery(scope: string, callbackId: string, waitMs: number, now: () => number = Date.now): Promise<Claim> {
	const entries = entriesOf(scope);
	const found = current(entries, callbackId, now());
	if (found?.state === 'written') return 'written';
	if (found?.state === 'running') {
		const outcome = await outcomeWithin(found, waitMs);
		if (outcome === undefined) return 'busy';
		// Whatever happened while this delivery waited decides: written, or claimed by yet another delivery.
		const after = current(entries, callbackId, now());
		if (after?.state === 'written') return 'written';
		if (after?.state === 'running') return 'busy';
	}
	entries.set(callbackId, { state: 'running', since: now(), waiters: [] });
	if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
	return 'claimed';
}

/** The outcome of a claimed callback: written (n8n answered 2xx) or not (the next delivery processes it again). */
export function settleDelivery(scope: string, callbackId: string, written: boolean, nowMs: number = Date.now()): void {
	const entries = entriesOf(scope);
	const entry = entries.get(callbackId);
	if (entry?.state !== 'running') return;
	if (written) entries.set(callbackId, { state: 'written', at: nowMs });
	else entries.delete(callbackId);
	for (const wake of entry.waiters) wake(written);
}

/** Callbacks of this scope known to be written, id → when: for copying into static data. */
export function writtenDeliveries(scope: string, nowMs: number = Date.now()): Record<string, number> {
	const out: Record<string, number> = {};
	for (const [id, entry] of registry.get(scope) ?? []) {
		if (entry.state === 'written' && nowMs - entry.at < MAX_AGE_MS) out[id] = entry.at;
	}
	return out;
}

interface EndableResponse {
	statusCode: number;
	end: (...args: unknown[]) => unknown;
}

/**
 * Calls `settle` with the HTTP status n8n answers the request with. n8n writes that answer (response mode
 * `lastNode`: 2xx after a successful execution, 500 "Error in workflow" after a failed one) through `end()`, also
 * when the caller has already hung up; the `finish` event would not fire then, so `end` itself is observed.
 */
export function onAnswered(response: unknown, settle: (status: number) => void): void {
	const res = response as EndableResponse | undefined;
	if (!res || typeof res.end !== 'function') return;
	const end = res.end;
	let answered = false;
	res.end = function (this: unknown, ...args: unknown[]) {
		if (!answered) {
			answered = true;
			settle(res.statusCode);
		}
		return end.apply(this, args);
	};
}

/** For tests: forget everything (a restarted n8n). */
export function resetDeliveries(): void {
	registry.clear();
}
