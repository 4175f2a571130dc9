/**
 * Pure state functions for the trigger's duplicate and out-of-order guard (kept in the node's workflow static data).
 *
 * - `seen`: callback id (SIGNL4's top-level `id`, its idempotency key) → when it was accepted. A callback whose id is
 *   here starts no execution.
 * - `latest`: alert id → time (`eventRaisedUtc`, ms) of the newest status change (eventType 201) accepted for it. An
 *   older status change arriving later (a delayed "acknowledged" after "closed") is stale.
 *
 * Bounded: `seen` drops entries accepted more than 7 days ago, and each map keeps its newest 1,000 entries
 * (~70 KB together), so static data stays small however busy the team is.
 */

export interface CallbackState {
	seen?: Record<string, number>;
	latest?: Record<string, number>;
}

export const MAX_ENTRIES = 1000;
export const MAX_AGE_MS = 7 * 24 * 3_600_000;

function record(value: unknown): Record<string, number> {
	if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
	const out: Record<string, number> = {};
	for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
		if (typeof entry === 'number' && Number.isFinite(entry)) out[key] = entry;
	}
	return out;
}

/** Reads whatever is stored (also legacy or corrupted values) into a clean state. */
export function readState(raw: unknown): Required<CallbackState> {
	const state = (raw && typeof raw === 'object' ? raw : {}) as CallbackState;
	return { seen: record(state.seen), latest: record(state.latest) };
}

export function isDuplicate(state: CallbackState, callbackId: string): boolean {
	return Object.prototype.hasOwnProperty.call(state.seen ?? {}, callbackId);
}

export function isStale(state: CallbackState, alertId: string | null, statusTimeMs: number | null): boolean {
	if (!alertId || statusTimeMs === null) return false;
	const latest = state.latest?.[alertId];
	return latest !== undefined && statusTimeMs < latest;
}

function prune(entries: Record<string, number>, oldestAllowed: number, byValueOrder: boolean): Record<string, number> {
	let list = Object.entries(entries).filter(([, at]) => at >= oldestAllowed);
	if (byValueOrder) list.sort((a, b) => a[1] - b[1]);
	// Alert ids are `<digits>_<guid>`, callback ids GUIDs: never integer-like, so key order is insertion order.
	if (list.length > MAX_ENTRIES) list = list.slice(list.length - MAX_ENTRIES);
	return Object.fromEntries(list);
}

export interface Accepted {
	callbackId: string;
	alertId: string | null;
	/** `eventRaisedUtc` of a status change (201), in ms; null for other events. */
	statusTimeMs: number | null;
}

/** The state after accepting a callback (a new object; the input is not changed). */
export function remember(state: CallbackState, accepted: Accepted, nowMs: number): Required<CallbackState> {
	const current = readState(state);
	const seen = { ...current.seen, [accepted.callbackId]: nowMs };
	const latest = { ...current.latest };
	if (accepted.alertId && accepted.statusTimeMs !== null) {
		const newest = Math.max(latest[accepted.alertId] ?? 0, accepted.statusTimeMs);
		// Re-inserted so the key order is "most recently updated last": the bound below keeps the active alerts.
		delete latest[accepted.alertId];
		latest[accepted.alertId] = newest;
	}
	const entries = Object.entries(latest);
	return {
		seen: prune(seen, nowMs - MAX_AGE_MS, true),
		latest: Object.fromEntries(entries.slice(Math.max(0, entries.length - MAX_ENTRIES))),
	};
}

/**
 * The state after the callbacks in `written` (id → when their delivery was answered 2xx) were written back: they
 * count as seen from now on. Used when the trigger answers SIGNL4 only after the workflow finished, where a callback
 * is "seen" only once its execution succeeded, so a failed one is processed again when SIGNL4 delivers it again.
 * Returns the same object when nothing is new, so static data is not marked as changed for nothing.
 */
export function rememberWritten(state: CallbackState, written: Record<string, number>, nowMs: number): Required<CallbackState> | undefined {
	const current = readState(state);
	const fresh = Object.entries(written).filter(([id, at]) => current.seen[id] === undefined && at >= nowMs - MAX_AGE_MS);
	if (!fresh.length) return undefined;
	return { seen: prune({ ...current.seen, ...Object.fromEntries(fresh) }, nowMs - MAX_AGE_MS, true), latest: current.latest };
}

/** The state after accepting a status change, without marking its callback as seen (see `rememberWritten`). */
export function rememberStatus(state: CallbackState, alertId: string | null, statusTimeMs: number | null): Required<CallbackState> {
	const current = readState(state);
	if (!alertId || statusTimeMs === null) return current;
	const latest = { ...current.latest };
	const newest = Math.max(latest[alertId] ?? 0, statusTimeMs);
	delete latest[alertId];
	latest[alertId] = newest;
	const entries = Object.entries(latest);
	return { seen: current.seen, latest: Object.fromEntries(entries.slice(Math.max(0, entries.length - MAX_ENTRIES))) };
}

/**
 * Per-process guard against the same callback arriving twice at the same moment. n8n loads a workflow's static
 * data for each webhook request and saves it after answering, so two deliveries of one callback racing each other
 * would both see "not seen yet" in static data. JavaScript runs the check-and-set below without interruption, so
 * within one n8n process exactly one of them wins. (Several webhook processes in queue mode share only the static
 * data; see the README.)
 */
const recent = new Map<string, Map<string, number>>();
const MAX_SCOPES = 500;

export function claimInProcess(scope: string, callbackId: string, nowMs: number): boolean {
	let ids = recent.get(scope);
	if (!ids) {
		if (recent.size >= MAX_SCOPES) recent.delete(recent.keys().next().value as string);
		ids = new Map();
		recent.set(scope, ids);
	}
	const seenAt = ids.get(callbackId);
	if (seenAt !== undefined && nowMs - seenAt < MAX_AGE_MS) return false;
	ids.set(callbackId, nowMs);
	if (ids.size > MAX_ENTRIES) ids.delete(ids.keys().next().value as string);
	return true;
}

/** For tests: forget the per-process guard (a restarted n8n). */
export function resetInProcessGuard(): void {
	recent.clear();
}
