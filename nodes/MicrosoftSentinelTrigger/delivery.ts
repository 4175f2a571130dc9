/**
 * At-least-once delivery: which emitted incidents the workflow has not confirmed yet, when to emit them again,
 * and when to give up. Pure functions over the cursor state; the poll does the reading.
 *
 * Why the confirmation lives on the incident: n8n saves the trigger's static data when the poll hands its items
 * over, before the workflow runs, so static data alone cannot tell a delivered incident from one whose execution
 * failed or was killed. What the workflow writes to the incident after the Signl was raised (a tag, or a comment)
 * survives crashes, restarts and reinstalls, and anyone can see it in Sentinel. An incident is confirmed when it
 * carries the confirmation tag or, if one is set, a comment containing the confirmation text.
 *
 * An incident emitted again is the same incident, so the SIGNL4 node checks SIGNL4 for a Signl with its external
 * ID before raising another (`delivery.attempt > 1`); the first emission needs no such check.
 */
import type { RawIncident } from '../shared/sentinel/types';
import { timeMs, type CursorState, type IncidentEvent, type PendingDelivery } from './cursor';

/** Longest wait between two emissions of an unconfirmed incident, unless the user sets another. */
export const MAX_REDELIVERY_DELAY_MS = 30 * 60 * 1000;

export interface DeliverySettings {
	atLeastOnce: boolean;
	/** Tag that confirms delivery ('' = none). Compared case-insensitively. */
	confirmationTag: string;
	/** Text a comment must contain to confirm delivery ('' = none). Compared case-insensitively. */
	confirmationComment: string;
	/** Wait after the first emission before emitting again; doubles per emission up to `maxWaitMs`. */
	redeliverAfterMs: number;
	/** Longest wait between two emissions (at least `redeliverAfterMs`). */
	maxWaitMs: number;
	/** Counted from the first emission; then the incident is reported and no longer emitted. */
	giveUpAfterMs: number;
}

export function redeliveryDelayMs(emissions: number, baseMs: number, maxWaitMs = MAX_REDELIVERY_DELAY_MS): number {
	const doubled = baseMs * 2 ** Math.max(0, Math.min(emissions - 1, 30));
	return Math.min(doubled, Math.max(baseMs, maxWaitMs));
}

export function hasConfirmationTag(incident: RawIncident, settings: DeliverySettings): boolean {
	const tag = settings.confirmationTag.trim().toLowerCase();
	if (!tag) return false;
	return (incident.properties.labels ?? []).some((label) => label.labelName?.trim().toLowerCase() === tag);
}

export function commentConfirms(messages: string[], settings: DeliverySettings): boolean {
	const text = settings.confirmationComment.trim().toLowerCase();
	return !!text && messages.some((message) => message.toLowerCase().includes(text));
}

/** Records that an incident was handed to the workflow (mutates `state`). A redelivery keeps its first time. */
export function trackEmission(state: CursorState, incident: RawIncident, event: IncidentEvent, nowMs: number): PendingDelivery {
	const key = String(incident.properties.incidentNumber);
	const nowS = Math.floor(nowMs / 1000);
	const earlier = state.pending[key];
	const entry: PendingDelivery = earlier
		? [incident.name, earlier[1], earlier[2], nowS, earlier[4] + 1]
		: [incident.name, event === 'created' ? 'c' : 'u', nowS, nowS, 1];
	state.pending[key] = entry;
	return entry;
}

/**
 * An incident that could not be handed over this time (its details could not be read): pending and due at once,
 * its emission count unchanged (mutates `state`).
 */
export function holdBack(state: CursorState, incident: RawIncident, event: IncidentEvent, nowMs: number): void {
	const key = String(incident.properties.incidentNumber);
	const earlier = state.pending[key];
	const emissions = earlier ? earlier[4] - 1 : 0;
	state.pending[key] = [incident.name, earlier?.[1] ?? (event === 'created' ? 'c' : 'u'), earlier?.[2] ?? Math.floor(nowMs / 1000), 0, emissions];
}

export function confirm(state: CursorState, incidentNumber: number): void {
	delete state.pending[String(incidentNumber)];
}

/** Pending deliveries whose wait is over, oldest first, at most `limit`. */
export function duePending(state: CursorState, nowMs: number, settings: DeliverySettings, limit: number): Array<[number, PendingDelivery]> {
	const due: Array<[number, PendingDelivery]> = [];
	for (const [number, entry] of Object.entries(state.pending)) {
		const [, , , lastS, emissions] = entry;
		if (nowMs >= lastS * 1000 + redeliveryDelayMs(emissions, settings.redeliverAfterMs, settings.maxWaitMs)) due.push([Number(number), entry]);
	}
	due.sort((a, b) => a[1][2] - b[1][2] || a[0] - b[0]);
	return due.slice(0, Math.max(0, limit));
}

export type PendingVerdict = 'gone' | 'confirmed' | 'noLongerMatches' | 'abandon' | 'redeliver';

/**
 * What to do with a due pending delivery, given the incident as Sentinel has it now (`undefined` = deleted).
 * `confirmedByComment` is asked only when the cheaper checks leave the incident unconfirmed.
 */
export function judgePending(
	entry: PendingDelivery,
	incident: RawIncident | undefined,
	context: { settings: DeliverySettings; nowMs: number; stillMatches: (incident: RawIncident) => boolean; confirmedByComment?: boolean },
): PendingVerdict {
	if (!incident) return 'gone';
	if (hasConfirmationTag(incident, context.settings) || context.confirmedByComment) return 'confirmed';
	if (!context.stillMatches(incident)) return 'noLongerMatches';
	if (context.nowMs - entry[2] * 1000 >= context.settings.giveUpAfterMs) return 'abandon';
	return 'redeliver';
}

/** Whether an incident still matches the trigger's own filters (the user's extra OData filter cannot be checked here). */
export function matchesFilters(
	incident: RawIncident,
	filters: { statuses: string[]; severities: string[]; maxAgeHours: number },
	nowMs: number,
): boolean {
	const p = incident.properties;
	const lower = (values: string[]) => values.map((v) => v.toLowerCase());
	if (filters.statuses.length && !lower(filters.statuses).includes(String(p.status ?? '').toLowerCase())) return false;
	if (filters.severities.length && !lower(filters.severities).includes(String(p.severity ?? '').toLowerCase())) return false;
	return timeMs(p.createdTimeUtc) >= nowMs - filters.maxAgeHours * 3_600_000;
}

/** Moves a pending delivery to the list of those given up (mutates `state`). */
export function abandon(state: CursorState, incidentNumber: number): void {
	const entry = state.pending[String(incidentNumber)];
	if (!entry) return;
	state.abandoned.push([incidentNumber, entry[4]]);
	delete state.pending[String(incidentNumber)];
}

/** The message an operator reads when deliveries were given up. */
export function abandonedMessage(abandoned: Array<[number, number]>, giveUpAfterMs: number): string {
	const hours = Math.round((giveUpAfterMs / 3_600_000) * 10) / 10;
	const numbers = abandoned.map(([number]) => `#${number}`);
	const shown = numbers.length > 20 ? `${numbers.slice(0, 20).join(', ')} and ${numbers.length - 20} more` : numbers.join(', ');
	return `${abandoned.length} Sentinel incident(s) were not confirmed as delivered within ${hours} hours and are no longer emitted: ${shown}`;
}
