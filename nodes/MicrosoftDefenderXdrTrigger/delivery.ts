/**
 * At-least-once delivery for the Defender XDR Trigger, as pure functions over the cursor state (the poll does the
 * reading). As in the Microsoft Sentinel Trigger: n8n saves the trigger's static data when the poll hands its items
 * over, before the workflow runs, so static data alone cannot tell a delivered item from one whose execution failed
 * or was killed. What the workflow writes to the item after the Signl was raised survives crashes and restarts and
 * is visible in the Defender portal: a custom tag on an incident, or a comment containing a given text (incidents
 * and alerts; alerts have no tags). Graph returns both in the listing, so a confirmation costs no extra call.
 */
import type { CursorState, ItemEvent } from './cursor';
import type { GraphSecurityItem } from './itemShape';

/**
 * An emitted item whose delivery the workflow has not confirmed yet:
 * `[event ('c' created / 'u' updated), first emitted (s), last emitted (s), emissions so far]`.
 */
export type PendingDelivery = ['c' | 'u', number, number, number];

export interface DeliverySettings {
	atLeastOnce: boolean;
	/** Incident custom tag that confirms delivery ('' = none). Compared case-insensitively. */
	confirmationTag: string;
	/** Text a comment must contain to confirm delivery ('' = none). Compared case-insensitively. */
	confirmationComment: string;
	/** Wait after the first emission before emitting again; doubles per emission up to `maxWaitMs`. */
	redeliverAfterMs: number;
	maxWaitMs: number;
	/** Counted from the first emission; then the item is reported and no longer emitted. */
	giveUpAfterMs: number;
}

export const AT_MOST_ONCE: DeliverySettings = {
	atLeastOnce: false,
	confirmationTag: '',
	confirmationComment: '',
	redeliverAfterMs: 0,
	maxWaitMs: 0,
	giveUpAfterMs: 0,
};

export function redeliveryDelayMs(emissions: number, settings: DeliverySettings): number {
	const doubled = settings.redeliverAfterMs * 2 ** Math.max(0, Math.min(emissions - 1, 30));
	return Math.min(doubled, Math.max(settings.redeliverAfterMs, settings.maxWaitMs));
}

/** Whether the item carries the workflow's confirmation: the custom tag, or a comment with the text. */
export function isConfirmed(item: GraphSecurityItem, settings: DeliverySettings): boolean {
	const tag = settings.confirmationTag.trim().toLowerCase();
	const tags = Array.isArray(item.customTags) ? (item.customTags as unknown[]) : [];
	if (tag && tags.some((candidate) => typeof candidate === 'string' && candidate.trim().toLowerCase() === tag)) return true;
	const text = settings.confirmationComment.trim().toLowerCase();
	const comments = Array.isArray(item.comments) ? (item.comments as Array<{ comment?: unknown }>) : [];
	return !!text && comments.some((comment) => typeof comment?.comment === 'string' && comment.comment.toLowerCase().includes(text));
}

/** Records that an item was handed to the workflow (mutates `state`). A redelivery keeps its first time and event. */
export function trackEmission(state: CursorState, id: string, event: ItemEvent, nowMs: number): PendingDelivery {
	const nowS = Math.floor(nowMs / 1000);
	const earlier = state.pending?.[id];
	const entry: PendingDelivery = earlier ? [earlier[0], earlier[1], nowS, earlier[3] + 1] : [event === 'created' ? 'c' : 'u', nowS, nowS, 1];
	state.pending = { ...state.pending, [id]: entry };
	return entry;
}

export function confirm(state: CursorState, id: string): void {
	if (!state.pending?.[id]) return;
	const rest = { ...state.pending };
	delete rest[id];
	state.pending = rest;
}

/** Pending deliveries whose wait is over, oldest first emission first. */
export function duePending(state: CursorState, nowMs: number, settings: DeliverySettings): Array<[string, PendingDelivery]> {
	return Object.entries(state.pending ?? {})
		.filter(([, entry]) => nowMs >= entry[2] * 1000 + redeliveryDelayMs(entry[3], settings))
		.sort((a, b) => a[1][1] - b[1][1] || (a[0] < b[0] ? -1 : 1));
}

export type PendingVerdict = 'gone' | 'confirmed' | 'noLongerMatches' | 'abandon' | 'redeliver';

/** What to do with a due pending delivery, given the item as Graph has it now (`undefined` = not found). */
export function judgePending(
	entry: PendingDelivery,
	item: GraphSecurityItem | undefined,
	context: { settings: DeliverySettings; nowMs: number; stillMatches: (item: GraphSecurityItem) => boolean },
): PendingVerdict {
	if (!item) return 'gone';
	if (isConfirmed(item, context.settings)) return 'confirmed';
	if (!context.stillMatches(item)) return 'noLongerMatches';
	if (context.nowMs - entry[1] * 1000 >= context.settings.giveUpAfterMs) return 'abandon';
	return 'redeliver';
}

/** Moves a pending delivery to the list of those given up (mutates `state`). */
export function abandon(state: CursorState, id: string): void {
	const entry = state.pending?.[id];
	if (!entry) return;
	state.abandoned = [...(state.abandoned ?? []), [id, entry[3]]];
	confirm(state, id);
}

/** The message an operator reads when deliveries were given up. */
export function abandonedMessage(abandoned: Array<[string, number]>, kind: 'incident' | 'alert', giveUpAfterMs: number): string {
	const hours = Math.round((giveUpAfterMs / 3_600_000) * 10) / 10;
	const ids = abandoned.map(([id]) => id);
	const shown = ids.length > 20 ? `${ids.slice(0, 20).join(', ')} and ${ids.length - 20} more` : ids.join(', ');
	return `${abandoned.length} Defender XDR ${kind}(s) were not confirmed as delivered within ${hours} hours and are no longer emitted: ${shown}`;
}
