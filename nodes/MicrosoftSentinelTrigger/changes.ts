/**
 * What changed on an updated incident since the trigger last emitted it (or saw it), as pure functions.
 *
 * Sentinel keeps no history of an incident that a client can read, so the trigger keeps a small snapshot of each
 * incident it has handed over — status, severity, owner, tags, how many comments it had and the newest comment it
 * has seen — and compares the incident it lists now against it. Changes that happen between two polls and cancel
 * out (High → Medium → High) are therefore not reported: the workflow reacts to the incident as it is, not to
 * every intermediate state.
 *
 * Who made a change: Azure records only the last writer of the incident (`systemData.lastModifiedBy`), not one per
 * field. When that is this package's own principal, the fields this package writes itself (status, owner, tags)
 * are taken as its own write-backs and not reported, so a workflow that reacts to them cannot loop; the fields it
 * never writes (severity, and a reopen: it never moves a Closed incident back) are still reported. Comments carry
 * their own author, so each one is attributed exactly.
 */
import type { IDataObject } from 'n8n-workflow';

import { shapeComment } from '../shared/sentinel/incidentShape';
import type { RawComment, RawIncident } from '../shared/sentinel/types';
import { severityRank, timeMs } from './cursor';

/**
 * `[status, severity, owner object ID, owner label (e-mail, UPN or name), tags, comments count, newest comment seen
 * (ms), created (s)]`. Kept per incident while the trigger's query can still return it (its maximum age).
 */
export type IncidentSnapshot = [string, string, string, string, string[], number, number, number];

/** The identities this package's own credential writes as: its application (client) ID and its object ID. */
export interface OwnPrincipal {
	ids: Set<string>;
}

export function ownPrincipal(...ids: Array<string | undefined>): OwnPrincipal {
	return { ids: new Set(ids.filter((id): id is string => !!id).map((id) => id.toLowerCase())) };
}

export function isOwn(principal: OwnPrincipal, id: string | undefined): boolean {
	return !!id && principal.ids.has(id.toLowerCase());
}

function ownerLabel(owner: NonNullable<RawIncident['properties']['owner']> | undefined): string {
	return owner?.email || owner?.userPrincipalName || owner?.assignedTo || '';
}

/**
 * The snapshot of an incident as listed now. `lastCommentMs` is the newest comment already accounted for; when no
 * comment has been read, the incident's own modification time stands in (a comment written later is newer).
 */
export function snapshotOf(incident: RawIncident, lastCommentMs?: number): IncidentSnapshot {
	const p = incident.properties;
	return [
		p.status ?? '',
		p.severity ?? '',
		p.owner?.objectId ?? '',
		ownerLabel(p.owner),
		(p.labels ?? []).map((label) => label.labelName).filter((name) => typeof name === 'string' && name !== ''),
		p.additionalData?.commentsCount ?? 0,
		lastCommentMs ?? timeMs(p.lastModifiedTimeUtc),
		Math.floor(timeMs(p.createdTimeUtc) / 1000),
	];
}

export function isSnapshot(value: unknown): value is IncidentSnapshot {
	return (
		Array.isArray(value) &&
		value.length === 8 &&
		typeof value[0] === 'string' &&
		typeof value[1] === 'string' &&
		typeof value[2] === 'string' &&
		typeof value[3] === 'string' &&
		Array.isArray(value[4]) &&
		value[4].every((tag) => typeof tag === 'string') &&
		[value[5], value[6], value[7]].every((n) => typeof n === 'number' && Number.isFinite(n))
	);
}

/** Whether the incident's comment count moved since the snapshot: the only case worth reading its comments for. */
export function commentsMayHaveChanged(snapshot: IncidentSnapshot | undefined, incident: RawIncident): boolean {
	if (!snapshot) return false;
	return (incident.properties.additionalData?.commentsCount ?? 0) !== snapshot[5];
}

export interface ChangeSet {
	/** Names of what changed, in a fixed order: status, severity, owner, tags, comments. Empty = nothing to report. */
	fields: string[];
	status?: { from: string; to: string };
	/** Closed → New or Active. */
	reopened?: boolean;
	/** Anything → Closed. */
	closed?: boolean;
	severity?: { from: string; to: string; raised: boolean };
	owner?: { from: { objectId: string | null; name: string | null }; to: { objectId: string | null; name: string | null } };
	tags?: { added: string[]; removed: string[] };
	/** New comments by others since the last event, oldest first (this package's own comments are left out). */
	comments: IDataObject[];
	/** The last writer of the incident, as Azure records it. */
	by: { name: string | null; type: string | null; isThisApp: boolean };
	/** Fields changed whose change was taken as this package's own write-back and so not reported. */
	ownWrites: string[];
}

const person = (objectId: string, name: string) => ({ objectId: objectId || null, name: name || null });

/**
 * What changed between `before` and the incident as listed now, given the comments written since `before`'s newest
 * comment (any author; this function drops this package's own). Returns the change set and the new snapshot.
 */
export function diffIncident(
	before: IncidentSnapshot,
	incident: RawIncident,
	newComments: RawComment[],
	principal: OwnPrincipal,
): { changes: ChangeSet; snapshot: IncidentSnapshot } {
	const p = incident.properties;
	const lastWriter = incident.systemData;
	const byThisApp = isOwn(principal, lastWriter?.lastModifiedBy);
	const changes: ChangeSet = {
		fields: [],
		comments: [],
		by: { name: lastWriter?.lastModifiedBy ?? null, type: lastWriter?.lastModifiedByType ?? null, isThisApp: byThisApp },
		ownWrites: [],
	};
	const [status, severity, ownerId, ownerName, tags] = before;

	const nowStatus = p.status ?? '';
	if (nowStatus !== status && status !== '') {
		const reopened = status === 'Closed' && nowStatus !== 'Closed';
		// This package moves incidents to Active and Closed, never out of Closed: a reopen is always someone else's.
		if (byThisApp && !reopened) changes.ownWrites.push('status');
		else {
			changes.fields.push('status');
			changes.status = { from: status, to: nowStatus };
			if (reopened) changes.reopened = true;
			if (nowStatus === 'Closed') changes.closed = true;
		}
	}

	const nowSeverity = p.severity ?? '';
	if (nowSeverity !== severity && severity !== '') {
		changes.fields.push('severity');
		changes.severity = { from: severity, to: nowSeverity, raised: severityRank(nowSeverity) < severityRank(severity) };
	}

	const nowOwnerId = p.owner?.objectId ?? '';
	const nowOwnerName = ownerLabel(p.owner);
	if (nowOwnerId.toLowerCase() !== ownerId.toLowerCase() || (!nowOwnerId && !ownerId && nowOwnerName !== ownerName)) {
		if (byThisApp) changes.ownWrites.push('owner');
		else {
			changes.fields.push('owner');
			changes.owner = { from: person(ownerId, ownerName), to: person(nowOwnerId, nowOwnerName) };
		}
	}

	const nowTags = (p.labels ?? []).map((label) => label.labelName).filter((name) => typeof name === 'string' && name !== '');
	const lower = (list: string[]) => new Set(list.map((tag) => tag.toLowerCase()));
	const beforeSet = lower(tags);
	const nowSet = lower(nowTags);
	const added = nowTags.filter((tag) => !beforeSet.has(tag.toLowerCase()));
	const removed = tags.filter((tag) => !nowSet.has(tag.toLowerCase()));
	if (added.length || removed.length) {
		if (byThisApp) changes.ownWrites.push('tags');
		else {
			changes.fields.push('tags');
			changes.tags = { added, removed };
		}
	}

	let newestComment = before[6];
	const ordered = [...newComments].sort((a, b) => timeMs(a.properties?.createdTimeUtc ?? '') - timeMs(b.properties?.createdTimeUtc ?? ''));
	for (const comment of ordered) {
		const created = timeMs(comment.properties?.createdTimeUtc ?? '');
		if (created <= before[6]) continue;
		newestComment = Math.max(newestComment, created);
		if (isOwn(principal, comment.properties?.author?.objectId)) continue;
		changes.comments.push(shapeComment(comment));
	}
	if (changes.comments.length) changes.fields.push('comments');

	return { changes, snapshot: snapshotOf(incident, newestComment) };
}

/** Drops snapshots of incidents older than the trigger's maximum age: its query cannot return them any more. */
export function pruneSnapshots(snapshots: Record<string, IncidentSnapshot>, nowMs: number, maxAgeHours: number): Record<string, IncidentSnapshot> {
	const oldestCreatedS = Math.floor((nowMs - maxAgeHours * 3_600_000) / 1000);
	const kept: Record<string, IncidentSnapshot> = {};
	for (const [number, snapshot] of Object.entries(snapshots)) if (snapshot[7] >= oldestCreatedS) kept[number] = snapshot;
	return kept;
}
