// Validation of an Incidents_CreateOrUpdate body: required fields, enums, the classification/reason matrix
// (wire-microsoft.md §1.7), owner and label shapes. Read-only fields are ignored, as the service does.
import { isGuid } from '../../core/ids';
import { isPlainObject } from '../../core/json';
import type { IncidentWrite } from './incident-store';
import {
	CLASSIFICATION_REASONS,
	CLASSIFICATIONS,
	SEVERITIES,
	STATUSES,
	type IncidentClassification,
	type IncidentClassificationReason,
} from './model';

export const MAX_DESCRIPTION_LENGTH = 5000;

/** An owner given by e-mail or UPN instead of objectId; the route resolves it against the directory's users. */
export interface OwnerLookup {
	email?: string;
	userPrincipalName?: string;
}

export type ValidatedPut = { ok: true; write: IncidentWrite; etag?: string; ownerLookup?: OwnerLookup } | { ok: false; message: string };

/** Allowed reasons per classification; `Undetermined` takes none. */
const REASONS_BY_CLASSIFICATION: Record<IncidentClassification, IncidentClassificationReason[]> = {
	TruePositive: ['SuspiciousActivity'],
	BenignPositive: ['SuspiciousButExpected'],
	FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
	Undetermined: [],
};

export function validateIncidentPut(body: unknown): ValidatedPut {
	if (!isPlainObject(body)) return fail('The request content was invalid and could not be deserialized: the body must be a JSON object.');
	if (body.etag !== undefined && body.etag !== null && typeof body.etag !== 'string') return typeError('etag', 'String');
	const props = body.properties;
	if (!isPlainObject(props)) return fail("Required property 'properties' not found in JSON.");

	for (const field of ['title', 'severity', 'status'] as const) {
		if (props[field] === undefined || props[field] === null || props[field] === '') {
			return fail(`The ${field} field is required. Path 'properties.${field}'.`);
		}
		if (typeof props[field] !== 'string') return typeError(`properties.${field}`, 'String');
	}
	const severity = enumValue(SEVERITIES, props.severity, 'IncidentSeverity', 'properties.severity');
	if (!severity.ok) return severity;
	const status = enumValue(STATUSES, props.status, 'IncidentStatus', 'properties.status');
	if (!status.ok) return status;

	const write: IncidentWrite = { title: props.title as string, severity: severity.value, status: status.value };

	for (const field of ['description', 'classificationComment'] as const) {
		const value = props[field];
		if (value === undefined) continue;
		if (value !== null && typeof value !== 'string') return typeError(`properties.${field}`, 'String');
		write[field] = value as string | null;
	}
	if (typeof write.description === 'string' && write.description.length > MAX_DESCRIPTION_LENGTH) {
		return fail(`The description of an incident cannot exceed ${MAX_DESCRIPTION_LENGTH} characters.`);
	}

	const classificationResult = classification(props);
	if (!classificationResult.ok) return classificationResult;
	Object.assign(write, classificationResult.value);
	if (write.status === 'Closed' && !write.classification) {
		return fail("Incident status 'Closed' requires a classification.");
	}

	const owner = props.owner;
	let ownerLookup: OwnerLookup | undefined;
	if (owner !== undefined) {
		if (owner === null) {
			write.ownerObjectId = null;
		} else if (!isPlainObject(owner)) {
			return typeError('properties.owner', 'IncidentOwnerInfo');
		} else if (owner.objectId === undefined || owner.objectId === null) {
			// Without objectId the service resolves `email` or `userPrincipalName` (what XSOAR and Splunk SOAR send);
			// `owner: {}` unassigns.
			for (const field of ['email', 'userPrincipalName'] as const) {
				if (owner[field] !== undefined && owner[field] !== null && typeof owner[field] !== 'string') return typeError(`properties.owner.${field}`, 'String');
			}
			const email = typeof owner.email === 'string' && owner.email.trim() ? owner.email.trim() : undefined;
			const userPrincipalName = typeof owner.userPrincipalName === 'string' && owner.userPrincipalName.trim() ? owner.userPrincipalName.trim() : undefined;
			if (email || userPrincipalName) ownerLookup = { email, userPrincipalName };
			else write.ownerObjectId = null;
		} else if (!isGuid(owner.objectId)) {
			return fail(`Error converting value "${String(owner.objectId)}" to type 'System.Guid'. Path 'properties.owner.objectId'.`);
		} else {
			write.ownerObjectId = owner.objectId;
		}
	}

	const labels = props.labels;
	if (labels !== undefined && labels !== null) {
		if (!Array.isArray(labels)) return typeError('properties.labels', 'List`1');
		const names: string[] = [];
		for (const [index, label] of labels.entries()) {
			if (!isPlainObject(label) || typeof label.labelName !== 'string' || label.labelName === '') {
				return fail(`The labelName field is required. Path 'properties.labels[${index}].labelName'.`);
			}
			names.push(label.labelName);
		}
		write.labels = names;
	} else if (labels === null) {
		write.labels = [];
	}

	for (const field of ['firstActivityTimeUtc', 'lastActivityTimeUtc'] as const) {
		const value = props[field];
		if (value === undefined) continue;
		if (value !== null && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
			return fail(`Could not convert string to DateTime: ${String(value)}. Path 'properties.${field}'.`);
		}
		write[field] = value as string | null;
	}

	return { ok: true, write, etag: typeof body.etag === 'string' ? body.etag : undefined, ...(ownerLookup ? { ownerLookup } : {}) };
}

function classification(
	props: Record<string, unknown>,
): { ok: true; value: Pick<IncidentWrite, 'classification' | 'classificationReason'> } | { ok: false; message: string } {
	const value: Pick<IncidentWrite, 'classification' | 'classificationReason'> = {};
	if (props.classification !== undefined && props.classification !== null) {
		const parsed = enumValue(CLASSIFICATIONS, props.classification, 'IncidentClassification', 'properties.classification');
		if (!parsed.ok) return parsed;
		value.classification = parsed.value;
	} else if (props.classification === null) {
		value.classification = null;
	}
	if (props.classificationReason !== undefined && props.classificationReason !== null) {
		const parsed = enumValue(CLASSIFICATION_REASONS, props.classificationReason, 'IncidentClassificationReason', 'properties.classificationReason');
		if (!parsed.ok) return parsed;
		value.classificationReason = parsed.value;
	} else if (props.classificationReason === null || (props.classification !== undefined && props.classificationReason === undefined)) {
		// A classification sent without a reason replaces any previous reason.
		value.classificationReason = null;
	}

	const chosen = value.classification ?? undefined;
	const reason = value.classificationReason ?? undefined;
	if (!chosen) {
		if (reason) return fail(`classificationReason '${reason}' requires a classification.`);
		return { ok: true, value };
	}
	const allowed = REASONS_BY_CLASSIFICATION[chosen];
	if (allowed.length === 0) {
		if (reason) return fail(`classification '${chosen}' must not have classificationReason.`);
		return { ok: true, value };
	}
	if (!reason) return fail(`classification '${chosen}' must have classificationReason.`);
	if (!allowed.includes(reason)) {
		return fail(`classificationReason '${reason}' is not valid for classification '${chosen}'. Allowed: ${allowed.join(', ')}.`);
	}
	return { ok: true, value };
}

/** Enum values bind case-insensitively (Json.NET StringEnumConverter) and come back in canonical case. */
function enumValue<T extends string>(
	allowed: readonly T[],
	raw: unknown,
	typeName: string,
	path: string,
): { ok: true; value: T } | { ok: false; message: string } {
	const match = typeof raw === 'string' ? allowed.find((candidate) => candidate.toLowerCase() === raw.toLowerCase()) : undefined;
	if (!match) return fail(`Error converting value ${JSON.stringify(raw)} to type '${typeName}'. Path '${path}'.`);
	return { ok: true, value: match };
}

function typeError(path: string, typeName: string): { ok: false; message: string } {
	return fail(`Error converting value to type '${typeName}'. Path '${path}'.`);
}

function fail(message: string): { ok: false; message: string } {
	return { ok: false, message };
}
