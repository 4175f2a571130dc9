import type { IncidentWrite } from '../../shared/sentinel/incidentsApi';
import type { RawIncident } from '../../shared/sentinel/types';
import type { Classification, ClassificationReason } from './classification';
import { applyTagChange, sameTags, type TagAction } from './tags';

/**
 * An update is kept as the user's *intent* ("add tag X", "close as True Positive", "assign to Y") and applied to
 * whatever the incident looks like at the moment of each attempt. That is what makes a retry after a 409 safe:
 * the re-read incident, with whatever someone else changed in between (a tag, the owner, a comment), is the base of
 * the next PUT, and only the fields this node was asked to change are changed.
 */
export interface UpdateIntent {
	title?: string;
	description?: string;
	severity?: string;
	status?: string;
	/** Only with status Closed (the UI shows it there); the reason is already derived and checked. */
	classification?: { classification: Classification; reason?: ClassificationReason; comment?: string };
	owner?: { by: 'objectId' | 'email' | 'upn'; value: string } | { by: 'unassign' };
	tags?: { action: TagAction; tags: string[] };
}

export interface FieldChange {
	field: string;
	from: unknown;
	to: unknown;
}

export interface UpdatePlan {
	/** Empty = the incident already is as asked: nothing to write. */
	changes: FieldChange[];
	/** The full PUT body (every writable field, changed or not), with the etag of `current`. */
	write: IncidentWrite;
}

/** The incident cannot take this change (found after reading it, before writing anything). */
export class UpdateRefusal extends Error {
	constructor(
		message: string,
		readonly description: string,
	) {
		super(message);
	}
}

export const MAX_DESCRIPTION_LENGTH = 5000;
export const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;
export const STATUSES = ['New', 'Active', 'Closed'] as const;

const same = (a?: string | null, b?: string | null) => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** How the current owner is re-sent so the PUT keeps it: by objectId when known (the service fills the rest). */
function currentOwnerRef(owner: NonNullable<RawIncident['properties']['owner']> | undefined): IncidentWrite['owner'] {
	if (!owner) return undefined;
	if (owner.objectId) return { objectId: owner.objectId };
	if (owner.email) return { email: owner.email };
	if (owner.userPrincipalName) return { userPrincipalName: owner.userPrincipalName };
	return undefined;
}

function ownerLabel(owner: RawIncident['properties']['owner']): string | null {
	return owner?.email ?? owner?.userPrincipalName ?? owner?.objectId ?? null;
}

function ownerIsAlready(owner: RawIncident['properties']['owner'], wanted: NonNullable<UpdateIntent['owner']>): boolean {
	switch (wanted.by) {
		case 'unassign':
			return !owner?.objectId && !owner?.email && !owner?.userPrincipalName;
		case 'objectId':
			return same(owner?.objectId, wanted.value);
		// An e-mail address and a UPN are often the same text; either field matching means "already the owner".
		case 'email':
		case 'upn':
			return same(owner?.email, wanted.value) || same(owner?.userPrincipalName, wanted.value);
	}
}

/** Applies the intent to the incident as it is now. Pure: no I/O. */
export function planUpdate(current: RawIncident, intent: UpdateIntent): UpdatePlan {
	const p = current.properties;
	const changes: FieldChange[] = [];
	const currentTags = (p.labels ?? []).map((label) => label.labelName);
	// PUT replaces the resource: start from everything writable as it is, so nothing is lost by omission.
	const write: IncidentWrite = {
		etag: current.etag ?? '',
		title: p.title,
		severity: p.severity,
		status: p.status,
		...(p.description !== undefined && p.description !== null ? { description: p.description } : {}),
		...(p.classification ? { classification: p.classification } : {}),
		...(p.classificationReason ? { classificationReason: p.classificationReason } : {}),
		...(p.classificationComment !== undefined && p.classificationComment !== null ? { classificationComment: p.classificationComment } : {}),
		...(currentOwnerRef(p.owner) ? { owner: currentOwnerRef(p.owner) } : {}),
		labels: currentTags,
		...(p.firstActivityTimeUtc ? { firstActivityTimeUtc: p.firstActivityTimeUtc } : {}),
		...(p.lastActivityTimeUtc ? { lastActivityTimeUtc: p.lastActivityTimeUtc } : {}),
	};

	const setField = (field: 'title' | 'description' | 'severity' | 'status', value: string | undefined, currentValue: string | undefined) => {
		if (value === undefined || value === (currentValue ?? '')) return;
		changes.push({ field, from: currentValue ?? null, to: value });
		write[field] = value;
	};
	setField('title', intent.title, p.title);
	setField('description', intent.description, p.description);
	setField('severity', intent.severity, p.severity);
	setField('status', intent.status, p.status);

	const wanted = intent.classification;
	if (wanted) {
		const alreadyClosedSo =
			p.status === 'Closed' && p.classification === wanted.classification && (p.classificationReason ?? undefined) === wanted.reason;
		// Closing an incident that is already closed the same way is a no-op, comment included: a repeated close
		// (e.g. a SIGNL4 callback delivered twice) must not rewrite what the first one (or an analyst) wrote.
		if (!alreadyClosedSo) {
			if (p.classification !== wanted.classification) {
				changes.push({ field: 'classification', from: p.classification ?? null, to: wanted.classification });
			}
			if ((p.classificationReason ?? undefined) !== wanted.reason) {
				changes.push({ field: 'classificationReason', from: p.classificationReason ?? null, to: wanted.reason ?? null });
			}
			write.classification = wanted.classification;
			// Undetermined must go without a reason: leave the field out (a classification sent without one clears it).
			if (wanted.reason) write.classificationReason = wanted.reason;
			else delete write.classificationReason;
			if (wanted.comment !== undefined && wanted.comment !== (p.classificationComment ?? '')) {
				changes.push({ field: 'classificationComment', from: p.classificationComment ?? null, to: wanted.comment });
				write.classificationComment = wanted.comment;
			}
		}
	}
	if (write.status === 'Closed' && p.status !== 'Closed' && !write.classification) {
		throw new UpdateRefusal(
			`Incident ${p.incidentNumber} cannot be closed without a classification`,
			'Microsoft Sentinel requires a classification to close an incident: set Status to Closed together with a Classification. Nothing was changed.',
		);
	}

	if (intent.owner && !ownerIsAlready(p.owner, intent.owner)) {
		const to = intent.owner.by === 'unassign' ? null : intent.owner.value;
		changes.push({ field: 'owner', from: ownerLabel(p.owner), to });
		switch (intent.owner.by) {
			case 'unassign':
				write.owner = {};
				break;
			case 'objectId':
				write.owner = { objectId: intent.owner.value };
				break;
			case 'email':
				write.owner = { email: intent.owner.value };
				break;
			case 'upn':
				write.owner = { userPrincipalName: intent.owner.value };
				break;
		}
	}

	if (intent.tags) {
		const next = applyTagChange(currentTags, intent.tags.action, intent.tags.tags);
		if (!sameTags(currentTags, next)) {
			changes.push({ field: 'tags', from: currentTags, to: next });
			write.labels = next;
		}
	}

	return { changes, write };
}
