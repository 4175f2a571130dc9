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
 * example one synchronised late from Defender XDR). Whatever the query returns again is recognised and skipped,
 * so nothing is emitted twice.
 *
 * What is remembered, and why it stays small without ever forgetting something the query can still return:
 * - `emitted`: the numbers of every emitted incident still inside the maximum age, as ranges of consecutive
 *   numbers (`[first, last, newest creation time in s]`). Incident numbers are dense, so a storm of 20,000 new
 *   incidents is one range. A range is dropped only when all its incidents are older than the maximum age, which
 *   the query filters out by creation time, so nothing pruned can come back.
 * - `recent` (`New and Updated` only): the modification time of each emitted incident the look-back can still
 *   return unchanged (modified at or after `watermark − LOOKBACK`): an emitted incident returned again is an
 *   update exactly when its modification time moved. An incident modified before that horizon can only be
 *   returned again with a newer modification time, which is an update by definition, so its entry can go.
 * - `pending`: deliveries not yet confirmed (see `delivery.ts`).
 */

export const STATE_VERSION = 2;
export const LOOKBACK_MS = 10 * 60 * 1000;

export type TriggerEvents = 'created' | 'createdOrUpdated';
export type IncidentEvent = 'created' | 'updated';

/** `[first number, last number, newest createdTimeUtc in s]`, sorted, not overlapping, not adjacent. */
export type NumberRange = [number, number, number];

/**
 * An emitted incident whose delivery the workflow has not confirmed yet:
 * `[incident name, event ('c' created / 'u' updated), first emitted (s), last emitted (s), emissions so far]`.
 */
export type PendingDelivery = [string, 'c' | 'u', number, number, number];

export interface CursorState {
	v: typeof STATE_VERSION;
	/** ARM ID of the workspace this state belongs to; another workspace starts afresh. */
	workspace: string;
	/** Greatest `lastModifiedTimeUtc` (ms) processed so far; absent until the first successful poll. */
	watermark?: number;
	/** Greatest incident number processed so far. */
	maxNumber?: number;
	emitted: NumberRange[];
	/** incidentNumber → lastModifiedTimeUtc (ms), for emitted incidents modified at or after watermark − LOOKBACK. */
	recent: Record<string, number>;
	/** incidentNumber → pending delivery. */
	pending: Record<string, PendingDelivery>;
	/** Incidents whose delivery was given up, not yet reported: `[incidentNumber, emissions]`. */
	abandoned: Array<[number, number]>;
}

/** The fields of an incident the cursor needs. */
export interface CursorIncident {
	incidentNumber: number;
	createdTimeUtc: string;
	lastModifiedTimeUtc: string;
	/** Sentinel's severity (High, Medium, Low, Informational): what is paged first. */
	severity?: string;
}

const SEVERITY_RANK: Record<string, number> = { high: 0, medium: 1, low: 2, informational: 3 };

/** 0 for High … 3 for Informational, 4 for anything else. */
export function severityRank(severity: string | undefined): number {
	return SEVERITY_RANK[(severity ?? '').toLowerCase()] ?? 4;
}

/** Delivery order: most severe first; within a severity the oldest first (creation time, then number). */
export function compareForDelivery(a: CursorIncident, b: CursorIncident): number {
	return (
		severityRank(a.severity) - severityRank(b.severity) ||
		timeMs(a.createdTimeUtc) - timeMs(b.createdTimeUtc) ||
		a.incidentNumber - b.incidentNumber
	);
}

export interface CursorFilters {
	statuses: string[];
	severities: string[];
	maxAgeHours: number;
	/** Extra OData filter from the user, combined with `and`. */
	additionalFilter?: string;
}

export function emptyState(workspace: string): CursorState {
	return { v: STATE_VERSION, workspace, emitted: [], recent: {}, pending: {}, abandoned: [] };
}

const isFiniteNumber = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n);
const finite = (n: unknown) => (isFiniteNumber(n) ? n : undefined);

/** Version 1 kept `seen: { number: [createdS, lastModifiedMs] }`; it converts without losing anything. */
function fromVersion1(candidate: { watermark?: unknown; maxNumber?: unknown; seen?: unknown }, workspace: string): CursorState {
	const state: CursorState = { ...emptyState(workspace), watermark: finite(candidate.watermark), maxNumber: finite(candidate.maxNumber) };
	if (candidate.seen && typeof candidate.seen === 'object') {
		for (const [number, entry] of Object.entries(candidate.seen)) {
			if (!Array.isArray(entry) || entry.length !== 2 || !entry.every(isFiniteNumber) || !/^\d+$/.test(number)) continue;
			state.emitted = addToRanges(state.emitted, Number(number), entry[0]);
			state.recent[number] = entry[1];
		}
	}
	return state;
}

/** Reads persisted static data; anything unrecognised (older format, another workspace, corruption) starts fresh. */
export function readState(stored: unknown, workspace: string): { state: CursorState; reset?: string } {
	if (!stored || typeof stored !== 'object') return { state: emptyState(workspace) };
	const candidate = stored as Omit<Partial<CursorState>, 'v'> & { v?: unknown; seen?: unknown };
	if (candidate.v !== STATE_VERSION && candidate.v !== 1) {
		return { state: emptyState(workspace), reset: 'the saved cursor has an unknown format' };
	}
	if (candidate.workspace !== workspace) return { state: emptyState(workspace), reset: 'the workspace changed' };
	if (candidate.v === 1) return { state: fromVersion1(candidate, workspace) };

	const state: CursorState = { ...emptyState(workspace), watermark: finite(candidate.watermark), maxNumber: finite(candidate.maxNumber) };
	if (Array.isArray(candidate.emitted)) {
		for (const range of candidate.emitted) {
			if (!Array.isArray(range) || range.length !== 3 || !range.every(isFiniteNumber) || range[0] > range[1]) continue;
			state.emitted = mergeRange(state.emitted, range as NumberRange);
		}
	}
	if (candidate.recent && typeof candidate.recent === 'object') {
		for (const [number, modified] of Object.entries(candidate.recent)) if (isFiniteNumber(modified)) state.recent[number] = modified;
	}
	if (candidate.pending && typeof candidate.pending === 'object') {
		for (const [number, entry] of Object.entries(candidate.pending)) {
			if (
				Array.isArray(entry) &&
				entry.length === 5 &&
				typeof entry[0] === 'string' &&
				(entry[1] === 'c' || entry[1] === 'u') &&
				entry.slice(2).every(isFiniteNumber)
			) {
				state.pending[number] = entry as PendingDelivery;
			}
		}
	}
	if (Array.isArray(candidate.abandoned)) {
		state.abandoned = candidate.abandoned.filter(
			(entry): entry is [number, number] => Array.isArray(entry) && entry.length === 2 && entry.every(isFiniteNumber),
		);
	}
	return { state };
}

// ---- number ranges -------------------------------------------------------------------------------------------

/** Index of the range holding `number`, or -1. */
function findRange(ranges: NumberRange[], number: number): number {
	let low = 0;
	let high = ranges.length - 1;
	while (low <= high) {
		const middle = (low + high) >> 1;
		const [first, last] = ranges[middle];
		if (number < first) high = middle - 1;
		else if (number > last) low = middle + 1;
		else return middle;
	}
	return -1;
}

export function inRanges(ranges: NumberRange[], number: number): boolean {
	return findRange(ranges, number) >= 0;
}

/** Inserts a range (which may overlap or touch others) keeping the list sorted and merged. Returns a new list. */
function mergeRange(ranges: NumberRange[], range: NumberRange): NumberRange[] {
	const result: NumberRange[] = [];
	let [first, last, newest] = range;
	let placed = false;
	for (const current of ranges) {
		if (current[1] < first - 1) {
			result.push(current);
		} else if (current[0] > last + 1) {
			if (!placed) {
				result.push([first, last, newest]);
				placed = true;
			}
			result.push(current);
		} else {
			first = Math.min(first, current[0]);
			last = Math.max(last, current[1]);
			newest = Math.max(newest, current[2]);
		}
	}
	if (!placed) result.push([first, last, newest]);
	return result;
}

/** Adds one number. Fast paths for the common cases (already there, extends the last range) keep storms cheap. */
export function addToRanges(ranges: NumberRange[], number: number, createdS: number): NumberRange[] {
	const at = findRange(ranges, number);
	if (at >= 0) {
		if (ranges[at][2] >= createdS) return ranges;
		const copy = ranges.slice();
		copy[at] = [ranges[at][0], ranges[at][1], createdS];
		return copy;
	}
	const tail = ranges[ranges.length - 1];
	if (tail && number === tail[1] + 1) {
		const copy = ranges.slice();
		copy[copy.length - 1] = [tail[0], number, Math.max(tail[2], createdS)];
		return copy;
	}
	if (!tail || number > tail[1] + 1) return [...ranges, [number, number, createdS]];
	return mergeRange(ranges, [number, number, createdS]);
}

// ---- queries -------------------------------------------------------------------------------------------------

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

export function timeMs(iso: string): number {
	const ms = Date.parse(iso);
	return Number.isFinite(ms) ? ms : 0;
}

// ---- planning a poll -----------------------------------------------------------------------------------------

/** What this incident is to the workflow: new, an update worth emitting, or nothing. */
export function classifyIncident(state: CursorState, incident: CursorIncident, events: TriggerEvents): IncidentEvent | undefined {
	if (!inRanges(state.emitted, incident.incidentNumber)) return 'created';
	if (events !== 'createdOrUpdated') return undefined;
	const known = state.recent[String(incident.incidentNumber)];
	// Without an entry, the emitted version was modified before the look-back horizon: being returned means it changed.
	if (known === undefined || timeMs(incident.lastModifiedTimeUtc) > known) return 'updated';
	return undefined;
}

/** Records an emission in the state (mutates `state`). */
export function recordEmitted(state: CursorState, incident: CursorIncident): void {
	state.emitted = addToRanges(state.emitted, incident.incidentNumber, Math.floor(timeMs(incident.createdTimeUtc) / 1000));
	state.recent[String(incident.incidentNumber)] = timeMs(incident.lastModifiedTimeUtc);
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

function copyState(state: CursorState): CursorState {
	return { ...state, emitted: state.emitted.slice(), recent: { ...state.recent }, pending: { ...state.pending }, abandoned: state.abandoned.slice() };
}

/**
 * Decides a poll. `incidents` must be in the order the query returned them (ascending modification time).
 *
 * What is emitted is ordered for delivery, most severe first and oldest first within a severity, and a cap takes
 * from the front of that order, so in a storm a High is paged before the Lows listed ahead of it. The watermark
 * moves only as far as the first incident left for a later poll (in modification order), so the next poll's query
 * returns that one again; incidents emitted beyond it are returned again too and recognised by their number
 * (created) or modification time (updated), so nothing is emitted twice.
 */
export function planPoll<T extends CursorIncident>(state: CursorState, incidents: T[], options: PlanOptions): PollPlan<T> {
	const working = copyState(state);

	// One candidate per incident number: a listing that pages while incidents change can return one twice.
	const candidates = new Map<number, { index: number; incident: T; event: IncidentEvent }>();
	incidents.forEach((incident, index) => {
		const event = options.isExcluded?.(incident) ? undefined : classifyIncident(state, incident, options.events);
		if (event) candidates.set(incident.incidentNumber, { index, incident, event });
		else candidates.delete(incident.incidentNumber);
	});
	const ordered = [...candidates.values()].sort((a, b) => compareForDelivery(a.incident, b.incident));
	const chosen = options.maxPerPoll > 0 ? ordered.slice(0, options.maxPerPoll) : ordered;
	const left = ordered.slice(chosen.length);
	const processedUpTo = left.length ? Math.min(...left.map((candidate) => candidate.index)) : incidents.length;

	for (const incident of incidents.slice(0, processedUpTo)) {
		const modified = timeMs(incident.lastModifiedTimeUtc);
		if (working.watermark === undefined || modified > working.watermark) working.watermark = modified;
		if (working.maxNumber === undefined || incident.incidentNumber > working.maxNumber) working.maxNumber = incident.incidentNumber;
	}
	for (const { incident } of chosen) recordEmitted(working, incident);

	return {
		emit: chosen.map(({ incident, event }) => ({ incident, event })),
		next: pruneState(working, options.nowMs, options.maxAgeHours, options.events),
		capped: left.length > 0,
	};
}

/**
 * Drops what the query can no longer return: ranges older than the max age, `recent` entries past the look-back
 * (all of them in new-only mode, which never asks; after a switch to new-and-updated, an incident the look-back
 * returns unchanged is emitted as updated once).
 */
export function pruneState(state: CursorState, nowMs: number, maxAgeHours: number, events: TriggerEvents = 'createdOrUpdated'): CursorState {
	const oldestCreatedS = Math.floor((nowMs - maxAgeHours * 3_600_000) / 1000);
	const emitted = state.emitted.filter(([, , newestS]) => newestS >= oldestCreatedS);
	const horizon = state.watermark === undefined ? -Infinity : state.watermark - LOOKBACK_MS;
	const recent: Record<string, number> = {};
	if (events === 'created') return { ...state, emitted, recent };
	for (const [number, modified] of Object.entries(state.recent)) {
		if (modified >= horizon && inRanges(emitted, Number(number))) recent[number] = modified;
	}
	return { ...state, emitted, recent };
}

/** Size figures for logs and benchmarks. */
export function stateFigures(state: CursorState): { ranges: number; recent: number; pending: number; bytes: number } {
	return {
		ranges: state.emitted.length,
		recent: Object.keys(state.recent).length,
		pending: Object.keys(state.pending).length,
		bytes: JSON.stringify(state).length,
	};
}
