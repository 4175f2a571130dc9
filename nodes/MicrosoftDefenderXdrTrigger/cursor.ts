/**
 * The Microsoft Defender XDR Trigger's cursor over Microsoft Graph, as pure functions (no I/O, no clock): what to
 * ask Graph for, which of the returned incidents or alerts to emit, in which order, and the state to keep.
 *
 * Graph's security listings differ from Sentinel's in ways that shape this cursor:
 * - no `$orderby` (Graph lists the newest first and sorts nothing else), so the cursor sorts what it read: by
 *   `lastUpdateDateTime` to decide how far the watermark may move, and most severe first, oldest first, for delivery;
 * - no dense incident number (alert IDs are opaque strings), so what was emitted is remembered per ID;
 * - paging is `@odata.nextLink` with small pages, so a big listing can take more than one poll: the cursor keeps the
 *   link it stopped at and moves the watermark only once the listing was read to its end.
 *
 * The watermark is Graph's own `lastUpdateDateTime` (never this host's clock) and each poll asks for everything
 * updated since `watermark − LOOKBACK_MS`, because an update can become visible in the listing a little after its
 * timestamp (updates land out of order). Whatever the look-back returns again is recognised by its ID and
 * `lastUpdateDateTime` and skipped. Once a listing that started a whole look-back after the watermark last moved has
 * been read (measured as a duration on this host's clock, so clock skew does not matter), everything stamped before
 * the watermark was visible to it, and the query narrows to `lastUpdateDateTime ge watermark` until the watermark
 * moves again: an idle trigger after a burst of 500 reads one page a poll instead of ten. For an item that turns up
 * later than the look-back (a delayed sync), every SWEEP_INTERVAL_MS one poll lists all items inside the maximum age
 * instead; the same recognition makes that free of repeats.
 *
 * State stays bounded: `emitted` holds `[createdDateTime s, lastUpdateDateTime ms]` per emitted ID and drops an ID once
 * it was created before the maximum age, which every query filters out (`createdDateTime ge now − maxAge`), so
 * nothing pruned can come back.
 */

export const STATE_VERSION = 1;
/** How far behind the watermark each poll looks again, for updates that become visible late. */
export const LOOKBACK_MS = 10 * 60 * 1000;
/** How often one poll lists every item inside the maximum age, for items that become visible later than the look-back. */
export const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

export type DefenderResource = 'incidents' | 'alerts';
export type TriggerEvents = 'created' | 'createdOrUpdated';
export type ItemEvent = 'created' | 'updated';

export interface CursorState {
	v: typeof STATE_VERSION;
	/** `tenantId/resource`: another tenant or resource starts afresh. */
	scope: string;
	/** Greatest `lastUpdateDateTime` (ms) of a fully read listing; absent until the first listing was read to its end. */
	watermark?: number;
	/** When the last full listing inside the maximum age completed (ms, this host's clock: it only spaces sweeps). */
	lastSweep?: number;
	/** When (this host's clock) the watermark last moved. */
	movedAt?: number;
	/** A listing started a look-back or more after `movedAt` was read: nothing stamped before the watermark is still to come. */
	settled?: boolean;
	/** A listing read in part: the `@odata.nextLink` to continue from, and the greatest `lastUpdateDateTime` read so far. */
	resume?: { link: string; highest: number; sweep: boolean; key: string; startedAt: number };
	/** ID → `[createdDateTime in s, lastUpdateDateTime in ms]` of every emitted item created inside the maximum age. */
	emitted: Record<string, [number, number]>;
	/** At-least-once delivery: ID → `[event, first emitted s, last emitted s, emissions]` not confirmed yet (`delivery.ts`). */
	pending?: Record<string, ['c' | 'u', number, number, number]>;
	/** Deliveries given up and not reported yet: `[ID, emissions]`. */
	abandoned?: Array<[string, number]>;
}

/** The fields of a Graph incident or alert the cursor needs. */
export interface CursorItem {
	id: string;
	createdDateTime: string;
	/** Null on some alerts (nullable in the CSDL). */
	lastUpdateDateTime: string | null;
	severity?: string;
}

export interface CursorFilters {
	/** Graph's camelCase values, e.g. `active`, `inProgress` (incidents) or `new` (alerts). Empty = any. */
	statuses: string[];
	/** `high`, `medium`, `low`, `informational`, `unknown`. Empty = any. */
	severities: string[];
	/** `serviceSource` values. Alerts are filtered by Graph; incidents here, by their alerts (see `matchesServiceSources`). */
	serviceSources: string[];
	maxAgeHours: number;
}

const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2, informational: 3 };

/** 0 for high … 3 for informational, 4 for unknown or anything else. */
export function severityRank(severity: string | undefined): number {
	return SEVERITY_RANK[(severity ?? '').toLowerCase()] ?? 4;
}

export function timeMs(iso: string | null | undefined): number {
	const ms = Date.parse(iso ?? '');
	return Number.isFinite(ms) ? ms : 0;
}

/** Incident IDs are numbers in a string: compared as numbers, so '9' comes before '10'. */
function compareIds(a: string, b: string): number {
	if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Delivery order: most severe first; within a severity the oldest first (creation time, then ID). */
export function compareForDelivery(a: CursorItem, b: CursorItem): number {
	return severityRank(a.severity) - severityRank(b.severity) || timeMs(a.createdDateTime) - timeMs(b.createdDateTime) || compareIds(a.id, b.id);
}

/** `lastUpdateDateTime` in ms; an alert's may be null (CSDL: nullable), then its creation time stands in. */
export function updatedMs(item: CursorItem): number {
	return timeMs(item.lastUpdateDateTime) || timeMs(item.createdDateTime);
}

function compareByUpdate(a: CursorItem, b: CursorItem): number {
	return updatedMs(a) - updatedMs(b) || compareIds(a.id, b.id);
}

export function emptyState(scope: string): CursorState {
	return { v: STATE_VERSION, scope, emitted: {} };
}

const isFiniteNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);

/** Reads persisted static data; anything unrecognised (another format, tenant or resource, corruption) starts fresh. */
export function readState(stored: unknown, scope: string): { state: CursorState; reset?: string } {
	if (!stored || typeof stored !== 'object') return { state: emptyState(scope) };
	const candidate = stored as Partial<Omit<CursorState, 'v'>> & { v?: unknown };
	if (candidate.v !== STATE_VERSION) return { state: emptyState(scope), reset: 'the saved cursor has an unknown format' };
	if (candidate.scope !== scope) return { state: emptyState(scope), reset: 'the tenant or the watched resource changed' };
	const state = emptyState(scope);
	if (isFiniteNumber(candidate.watermark)) state.watermark = candidate.watermark;
	if (isFiniteNumber(candidate.lastSweep)) state.lastSweep = candidate.lastSweep;
	if (isFiniteNumber(candidate.movedAt)) state.movedAt = candidate.movedAt;
	if (candidate.settled === true) state.settled = true;
	const resume = candidate.resume;
	if (resume && typeof resume.link === 'string' && isFiniteNumber(resume.highest) && isFiniteNumber(resume.startedAt)) {
		const key = typeof resume.key === 'string' ? resume.key : '';
		state.resume = { link: resume.link, highest: resume.highest, sweep: resume.sweep === true, key, startedAt: resume.startedAt };
	}
	if (candidate.pending && typeof candidate.pending === 'object') {
		for (const [id, entry] of Object.entries(candidate.pending)) {
			if (Array.isArray(entry) && entry.length === 4 && (entry[0] === 'c' || entry[0] === 'u') && entry.slice(1).every(isFiniteNumber)) {
				state.pending = { ...state.pending, [id]: [entry[0], entry[1], entry[2], entry[3]] };
			}
		}
	}
	if (Array.isArray(candidate.abandoned)) {
		const abandoned = candidate.abandoned.filter(
			(entry): entry is [string, number] => Array.isArray(entry) && entry.length === 2 && typeof entry[0] === 'string' && isFiniteNumber(entry[1]),
		);
		if (abandoned.length) state.abandoned = abandoned;
	}
	if (candidate.emitted && typeof candidate.emitted === 'object') {
		for (const [id, entry] of Object.entries(candidate.emitted)) {
			if (Array.isArray(entry) && entry.length === 2 && entry.every(isFiniteNumber)) state.emitted[id] = [entry[0], entry[1]];
		}
	}
	return { state };
}

// ---- queries -------------------------------------------------------------------------------------------------

/** Graph's DateTimeOffset literal in `$filter`: ISO 8601 in UTC, unquoted. */
export function odataDateTime(ms: number): string {
	return new Date(ms).toISOString();
}

function quote(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

function anyOf(field: string, values: string[]): string | undefined {
	if (values.length === 0) return undefined;
	const terms = values.map((value) => `${field} eq ${quote(value)}`);
	return terms.length === 1 ? terms[0] : `(${terms.join(' or ')})`;
}

/** What Graph filters for us: status and severity, and for alerts the service source (incidents cannot filter on it). */
export function baseFilterTerms(resource: DefenderResource, filters: CursorFilters): string[] {
	const terms = [anyOf('status', filters.statuses), anyOf('severity', filters.severities)];
	if (resource === 'alerts') terms.push(anyOf('serviceSource', filters.serviceSources));
	return terms.filter((term): term is string => !!term);
}

export interface PollQuery {
	/** The `$filter` of a new listing. */
	filter: string;
	/** True when this listing covers every item inside the maximum age (first poll, or a sweep is due). */
	sweep: boolean;
	/** The `lastUpdateDateTime` (ms) the listing starts from; absent for a sweep. */
	updatedSince?: number;
}

/** The listing a poll starts (when it does not continue one, see `state.resume`). */
export function pollQuery(resource: DefenderResource, state: CursorState, filters: CursorFilters, nowMs: number): PollQuery {
	const terms = [`createdDateTime ge ${odataDateTime(nowMs - filters.maxAgeHours * 3_600_000)}`];
	const sweep = state.watermark === undefined || state.lastSweep === undefined || nowMs - state.lastSweep >= SWEEP_INTERVAL_MS;
	const updatedSince = sweep ? undefined : state.settled ? state.watermark! : state.watermark! - LOOKBACK_MS;
	if (updatedSince !== undefined) terms.push(`lastUpdateDateTime ge ${odataDateTime(updatedSince)}`);
	terms.push(...baseFilterTerms(resource, filters));
	return { filter: terms.join(' and '), sweep, updatedSince };
}

/** Whether an incident has an alert from one of the service sources (always true without a service-source filter). */
export function matchesServiceSources(alerts: Array<{ serviceSource?: unknown }> | undefined, serviceSources: string[]): boolean {
	if (serviceSources.length === 0) return true;
	const wanted = new Set(serviceSources.map((source) => source.toLowerCase()));
	return (alerts ?? []).some((alert) => typeof alert.serviceSource === 'string' && wanted.has(alert.serviceSource.toLowerCase()));
}

// ---- planning a poll -----------------------------------------------------------------------------------------

/** What this item is to the workflow: new, an update worth emitting, or nothing. */
export function classifyItem(state: CursorState, item: CursorItem, events: TriggerEvents): ItemEvent | undefined {
	const known = state.emitted[item.id];
	if (!known) return 'created';
	if (events === 'createdOrUpdated' && updatedMs(item) > known[1]) return 'updated';
	return undefined;
}

export interface PlanOptions {
	events: TriggerEvents;
	maxAgeHours: number;
	/** Most items to emit in one poll (0 = no cap). */
	maxPerPoll: number;
	nowMs: number;
	/** Client-side filters (an incident's service sources): true = skip, and still count as read. */
	isExcluded?: (item: CursorItem) => boolean;
	/**
	 * The listing this poll read: whether it was a sweep, the nextLink it stopped at when it was not read to its end,
	 * and the filters it was made with (a listing continued later must still be the same question).
	 */
	listing: { sweep: boolean; nextLink?: string; key: string; startedAt: number };
}

export interface PollPlan<T extends CursorItem> {
	/** In delivery order: most severe first, oldest first within a severity. */
	emit: Array<{ item: T; event: ItemEvent }>;
	/** State to persist once the emitted items have been handed to n8n. */
	next: CursorState;
	/** True when the cap left matching items for a later poll. */
	capped: boolean;
}

function copyState(state: CursorState): CursorState {
	return {
		...state,
		emitted: { ...state.emitted },
		resume: state.resume ? { ...state.resume } : undefined,
		...(state.pending ? { pending: { ...state.pending } } : {}),
		...(state.abandoned ? { abandoned: state.abandoned.slice() } : {}),
	};
}

/**
 * Decides a poll over the items one poll read (a whole listing, or its next pages).
 *
 * The watermark moves only when a listing was read to its end, and then only as far as every item left for a later
 * poll (by the cap) can still be returned by the next query: to the smallest `lastUpdateDateTime` among those left.
 * A listing stopped at a nextLink is continued from that link unless the cap left items, in which case the same
 * query runs again (the emitted items are recognised, the ones left are emitted, most severe first).
 */
export function planPoll<T extends CursorItem>(state: CursorState, items: T[], options: PlanOptions): PollPlan<T> {
	const working = copyState(state);

	// One candidate per ID, its latest version: a listing that pages while items change can return one twice.
	const latest = new Map<string, T>();
	for (const item of items) {
		const seen = latest.get(item.id);
		if (!seen || updatedMs(item) >= updatedMs(seen)) latest.set(item.id, item);
	}
	const candidates: Array<{ item: T; event: ItemEvent }> = [];
	for (const item of latest.values()) {
		const event = options.isExcluded?.(item) ? undefined : classifyItem(state, item, options.events);
		if (event) candidates.push({ item, event });
	}
	candidates.sort((a, b) => compareForDelivery(a.item, b.item));
	const chosen = options.maxPerPoll > 0 ? candidates.slice(0, options.maxPerPoll) : candidates;
	const left = candidates.slice(chosen.length);

	for (const { item } of chosen) {
		working.emitted[item.id] = [Math.floor(timeMs(item.createdDateTime) / 1000), updatedMs(item)];
	}

	const updates = [...latest.values()].sort(compareByUpdate).map(updatedMs);
	const highestRead = updates.length ? updates[updates.length - 1] : undefined;
	const lowestLeft = left.length ? Math.min(...left.map(({ item }) => updatedMs(item))) : undefined;
	const raise = (to: number | undefined) => {
		if (to === undefined || (working.watermark !== undefined && to <= working.watermark)) return;
		working.watermark = to;
		working.movedAt = options.nowMs;
		working.settled = false;
	};

	if (options.listing.nextLink && lowestLeft === undefined) {
		// Part of a listing, all of it handled: continue from the link next poll, the watermark where it was.
		const highest = Math.max(state.resume?.highest ?? -Infinity, highestRead ?? -Infinity);
		const { sweep, key, startedAt } = options.listing;
		working.resume = { link: options.listing.nextLink, highest, sweep, key, startedAt };
	} else if (options.listing.nextLink) {
		// Part of a listing and the cap left items in it: the same query again next poll.
		working.resume = undefined;
	} else {
		working.resume = undefined;
		if (lowestLeft !== undefined) {
			raise(lowestLeft);
		} else {
			raise(state.resume?.highest);
			raise(highestRead);
			// A sweep read to its end with nothing left over: the next one is due an interval later.
			if (options.listing.sweep) working.lastSweep = options.nowMs;
			const settles = working.watermark === state.watermark && state.movedAt !== undefined && options.listing.startedAt >= state.movedAt + LOOKBACK_MS;
			if (settles) working.settled = true;
		}
	}

	return {
		emit: chosen,
		next: pruneState(working, options.nowMs, options.maxAgeHours),
		capped: left.length > 0,
	};
}

/** Drops emitted items created before the maximum age: every query filters them out, so they cannot come back. */
export function pruneState(state: CursorState, nowMs: number, maxAgeHours: number): CursorState {
	const oldestCreatedS = Math.floor((nowMs - maxAgeHours * 3_600_000) / 1000);
	const emitted: Record<string, [number, number]> = {};
	for (const [id, entry] of Object.entries(state.emitted)) if (entry[0] >= oldestCreatedS) emitted[id] = entry;
	return { ...state, emitted };
}

/** Size figures for logs and tests. */
export function stateFigures(state: CursorState): { remembered: number; bytes: number } {
	return { remembered: Object.keys(state.emitted).length, bytes: JSON.stringify(state).length };
}
