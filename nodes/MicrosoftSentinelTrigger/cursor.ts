/**
 * The Microsoft Sentinel Trigger's cursor, as pure functions (no I/O, no clock): what to ask Azure for, which
 * of the returned incidents to emit, and the state to keep afterwards.
 *
 * Why a modification-time watermark and not `incidentNumber gt N` or `createdTimeUtc gt T`:
 * - created time is not in number order (an incident's creation time can precede an older number's), so a
 *   created-time cursor skips incidents, and a number cursor cannot see an incident that starts matching the
 *   filters only after an update (the "minimum-severity trap" other integrations have);
 * - every new or changed incident gets a fresh `lastModifiedTimeUtc`, so one query ordered by it sees both.
 * The watermark is Azure's own timestamp (not this host's clock) minus a look-back that covers incidents that
 * become visible in the list a little after their timestamp. The same query also asks for every number above the
 * highest one processed, which catches an incident that appears with older timestamps than the watermark (for
 * example one synchronised late from Defender XDR). Whatever the query returns again is recognised in `seen` and
 * skipped, so nothing is emitted twice.
 *
 * State bound: `seen` holds one entry per emitted incident created within `maxAgeHours` (older ones can no
 * longer match the query, so they are pruned), and at most MAX_SEEN entries (≈ 30 bytes each, so ≤ ~150 KB of
 * static data). Past that cap the oldest-created entries are dropped first; an incident dropped that way would be
 * emitted once more if it changed again while still inside the max age window.
 */

export const STATE_VERSION = 1;
export const LOOKBACK_MS = 10 * 60 * 1000;
export const MAX_SEEN = 5000;

export type TriggerEvents = 'created' | 'createdOrUpdated';
export type IncidentEvent = 'created' | 'updated';

export interface CursorState {
	v: typeof STATE_VERSION;
	/** ARM ID of the workspace this state belongs to; another workspace starts afresh. */
	workspace: string;
	/** Greatest `lastModifiedTimeUtc` (ms) processed so far; absent until the first successful poll. */
	watermark?: number;
	/** Greatest incident number processed so far. */
	maxNumber?: number;
	/** incidentNumber → [createdTimeUtc in s, lastModifiedTimeUtc in ms] of every emitted incident. */
	seen: Record<string, [number, number]>;
}

/** The fields of an incident the cursor needs. */
export interface CursorIncident {
	incidentNumber: number;
	createdTimeUtc: string;
	lastModifiedTimeUtc: string;
}

export interface CursorFilters {
	statuses: string[];
	severities: string[];
	maxAgeHours: number;
	/** Extra OData filter from the user, combined with `and`. */
	additionalFilter?: string;
}

export function emptyState(workspace: string): CursorState {
	return { v: STATE_VERSION, workspace, seen: {} };
}

/** Reads persisted static data; anything unrecognised (older format, another workspace, corruption) starts fresh. */
export function readState(stored: unknown, workspace: string): { state: CursorState; reset?: string } {
	if (!stored || typeof stored !== 'object') return { state: emptyState(workspace) };
	const candidate = stored as Partial<CursorState>;
	if (candidate.v !== STATE_VERSION) return { state: emptyState(workspace), reset: 'the saved cursor has an unknown format' };
	if (candidate.workspace !== workspace) return { state: emptyState(workspace), reset: 'the workspace changed' };
	const seen: CursorState['seen'] = {};
	if (candidate.seen && typeof candidate.seen === 'object') {
		for (const [number, entry] of Object.entries(candidate.seen)) {
			if (Array.isArray(entry) && entry.length === 2 && entry.every((n) => typeof n === 'number' && Number.isFinite(n))) {
				seen[number] = [entry[0], entry[1]];
			}
		}
	}
	const finite = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : undefined);
	return { state: { v: STATE_VERSION, workspace, watermark: finite(candidate.watermark), maxNumber: finite(candidate.maxNumber), seen } };
}

/** OData datetime literal: ISO 8601 in UTC, unquoted (as the Sentinel API expects). */
export function odataDateTime(ms: number): string {
	return new Date(ms).toISOString();
}

function quote(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

function anyOf(field: string, values: string[]): string | undefined {
	if (values.length === 0) return undefined;
	const terms = values.map((v) => `${field} eq ${quote(v)}`);
	return terms.length === 1 ? terms[0] : `(${terms.join(' or ')})`;
}

/** The filters every query shares: statuses, severities, the user's own filter. */
export function baseFilterTerms(filters: CursorFilters): string[] {
	const terms = [anyOf('properties/status', filters.statuses), anyOf('properties/severity', filters.severities)];
	if (filters.additionalFilter?.trim()) terms.push(`(${filters.additionalFilter.trim()})`);
	return terms.filter((t): t is string => !!t);
}

/** The incidents-list query for a poll in trigger mode. */
export function pollQuery(state: CursorState, filters: CursorFilters, nowMs: number): { filter: string; orderby: string } {
	const createdSince = nowMs - filters.maxAgeHours * 3_600_000;
	const terms = [`properties/createdTimeUtc ge ${odataDateTime(createdSince)}`];
	if (state.watermark !== undefined) {
		const since = `properties/lastModifiedTimeUtc ge ${odataDateTime(state.watermark - LOOKBACK_MS)}`;
		terms.push(state.maxNumber !== undefined ? `(${since} or properties/incidentNumber gt ${state.maxNumber})` : since);
	}
	terms.push(...baseFilterTerms(filters));
	return { filter: terms.join(' and '), orderby: 'properties/lastModifiedTimeUtc asc' };
}

/** The query for "Fetch test event": the newest matching incident, whatever its age. */
export function sampleQuery(filters: CursorFilters): { filter?: string; orderby: string } {
	const terms = baseFilterTerms(filters);
	return { filter: terms.length ? terms.join(' and ') : undefined, orderby: 'properties/createdTimeUtc desc' };
}

function timeMs(iso: string): number {
	const ms = Date.parse(iso);
	return Number.isFinite(ms) ? ms : 0;
}

/** What this incident is to the workflow: new, an update worth emitting, or nothing. */
export function classifyIncident(state: CursorState, incident: CursorIncident, events: TriggerEvents): IncidentEvent | undefined {
	const entry = state.seen[String(incident.incidentNumber)];
	if (!entry) return 'created';
	if (events === 'createdOrUpdated' && timeMs(incident.lastModifiedTimeUtc) > entry[1]) return 'updated';
	return undefined;
}

export interface PollPlan<T extends CursorIncident> {
	emit: Array<{ incident: T; event: IncidentEvent }>;
	/** State to persist once the emitted incidents have been handed to n8n. */
	next: CursorState;
	/** True when the cap stopped processing early; the rest comes on the next poll. */
	capped: boolean;
}

export interface PlanOptions {
	events: TriggerEvents;
	maxAgeHours: number;
	/** Most incidents to emit in one poll (0 = no cap). */
	maxPerPoll: number;
	nowMs: number;
	/** Client-side exclusions (titles, products): true = skip, but still count as processed. */
	isExcluded?: (incident: CursorIncident) => boolean;
}

/**
 * Decides a poll. `incidents` must be in the order the query returned them (ascending modification time).
 * Processing stops at the cap; the watermark moves only as far as what was processed, so the rest is
 * returned by the next poll's query.
 */
export function planPoll<T extends CursorIncident>(state: CursorState, incidents: T[], options: PlanOptions): PollPlan<T> {
	const seen: CursorState['seen'] = { ...state.seen };
	let watermark = state.watermark;
	let maxNumber = state.maxNumber;
	const working: CursorState = { ...state, seen };
	const emit: PollPlan<T>['emit'] = [];
	let capped = false;

	for (const incident of incidents) {
		if (options.maxPerPoll > 0 && emit.length >= options.maxPerPoll) {
			capped = true;
			break;
		}
		const modified = timeMs(incident.lastModifiedTimeUtc);
		const event = options.isExcluded?.(incident) ? undefined : classifyIncident(working, incident, options.events);
		if (event) {
			emit.push({ incident, event });
			seen[String(incident.incidentNumber)] = [Math.floor(timeMs(incident.createdTimeUtc) / 1000), modified];
		}
		if (watermark === undefined || modified > watermark) watermark = modified;
		if (maxNumber === undefined || incident.incidentNumber > maxNumber) maxNumber = incident.incidentNumber;
	}

	return { emit, next: pruneState({ ...working, watermark, maxNumber }, options.nowMs, options.maxAgeHours), capped };
}

/** Drops entries that can no longer match (created before the max age), then enforces MAX_SEEN. */
export function pruneState(state: CursorState, nowMs: number, maxAgeHours: number): CursorState {
	const oldestCreatedS = Math.floor((nowMs - maxAgeHours * 3_600_000) / 1000);
	let entries = Object.entries(state.seen).filter(([, [createdS]]) => createdS >= oldestCreatedS);
	if (entries.length > MAX_SEEN) {
		entries = entries.sort((a, b) => b[1][0] - a[1][0] || Number(b[0]) - Number(a[0])).slice(0, MAX_SEEN);
	}
	return { ...state, seen: Object.fromEntries(entries) };
}
