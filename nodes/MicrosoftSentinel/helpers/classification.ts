/**
 * Classification rules of Microsoft Sentinel (wire-microsoft.md §1.7), checked before any request is sent:
 *
 * | classification | reason                                   |
 * |----------------|------------------------------------------|
 * | True Positive  | Suspicious Activity (derived)            |
 * | Benign Positive| Suspicious But Expected (derived)        |
 * | False Positive | Incorrect Alert Logic or Inaccurate Data (the user chooses) |
 * | Undetermined   | none (a reason is refused)               |
 */
export const CLASSIFICATIONS = ['TruePositive', 'BenignPositive', 'FalsePositive', 'Undetermined'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const CLASSIFICATION_REASONS = ['SuspiciousActivity', 'SuspiciousButExpected', 'IncorrectAlertLogic', 'InaccurateData'] as const;
export type ClassificationReason = (typeof CLASSIFICATION_REASONS)[number];

export const REASONS_BY_CLASSIFICATION: Record<Classification, readonly ClassificationReason[]> = {
	TruePositive: ['SuspiciousActivity'],
	BenignPositive: ['SuspiciousButExpected'],
	FalsePositive: ['IncorrectAlertLogic', 'InaccurateData'],
	Undetermined: [],
};

export const CLASSIFICATION_LABELS: Record<Classification, string> = {
	TruePositive: 'True Positive',
	BenignPositive: 'Benign Positive',
	FalsePositive: 'False Positive',
	Undetermined: 'Undetermined',
};

export const REASON_LABELS: Record<ClassificationReason, string> = {
	SuspiciousActivity: 'Suspicious Activity',
	SuspiciousButExpected: 'Suspicious But Expected',
	IncorrectAlertLogic: 'Incorrect Alert Logic',
	InaccurateData: 'Inaccurate Data',
};

/** Accepts the API value in any case, and the display name ("True Positive", "true_positive"). */
function canonical<T extends string>(allowed: readonly T[], raw: string): T | undefined {
	const key = raw.replace(/[\s_-]/g, '').toLowerCase();
	return allowed.find((value) => value.toLowerCase() === key);
}

export type ClassificationResult =
	| { ok: true; classification: Classification; reason?: ClassificationReason }
	| { ok: false; message: string; description: string };

const list = (reasons: readonly ClassificationReason[]) => reasons.map((r) => `${REASON_LABELS[r]} (${r})`).join(' or ');

/** Derives, checks or refuses the reason for a classification; `reason` empty means "derive". */
export function resolveClassification(classificationInput: string, reasonInput?: string): ClassificationResult {
	const classification = canonical(CLASSIFICATIONS, classificationInput.trim());
	if (!classification) {
		return {
			ok: false,
			message: `'${classificationInput.slice(0, 40)}' is not a Microsoft Sentinel classification`,
			description: `Use one of: ${CLASSIFICATIONS.join(', ')}.`,
		};
	}
	const allowed = REASONS_BY_CLASSIFICATION[classification];
	const reasonText = (reasonInput ?? '').trim();
	if (!reasonText) {
		if (allowed.length === 1) return { ok: true, classification, reason: allowed[0] };
		if (allowed.length === 0) return { ok: true, classification };
		return {
			ok: false,
			message: `${CLASSIFICATION_LABELS[classification]} needs a classification reason`,
			description: `Choose ${list(allowed)} as the Classification Reason. Nothing was changed.`,
		};
	}
	const reason = canonical(CLASSIFICATION_REASONS, reasonText);
	if (!reason) {
		return {
			ok: false,
			message: `'${reasonText.slice(0, 40)}' is not a Microsoft Sentinel classification reason`,
			description: allowed.length
				? `${CLASSIFICATION_LABELS[classification]} takes ${list(allowed)}. Nothing was changed.`
				: `${CLASSIFICATION_LABELS[classification]} takes no reason: leave Classification Reason empty. Nothing was changed.`,
		};
	}
	if (!allowed.includes(reason)) {
		return {
			ok: false,
			message: `The reason ${REASON_LABELS[reason]} does not fit the classification ${CLASSIFICATION_LABELS[classification]}`,
			description: allowed.length
				? `${CLASSIFICATION_LABELS[classification]} takes ${list(allowed)}${allowed.length === 1 ? ' (leave the reason empty to have it set for you)' : ''}. Nothing was changed.`
				: `${CLASSIFICATION_LABELS[classification]} takes no reason: leave Classification Reason empty. Nothing was changed.`,
		};
	}
	return { ok: true, classification, reason };
}

/** The reasons to offer for a classification (the UI's Classification Reason list). */
export function reasonOptions(classificationInput: string | undefined): Array<{ name: string; value: string; description: string }> {
	const classification = classificationInput ? canonical(CLASSIFICATIONS, classificationInput) : undefined;
	if (!classification) {
		return CLASSIFICATION_REASONS.map((reason) => ({ name: REASON_LABELS[reason], value: reason, description: `API value ${reason}` }));
	}
	const allowed = REASONS_BY_CLASSIFICATION[classification];
	return allowed.map((reason) => ({
		name: REASON_LABELS[reason],
		value: reason,
		description: allowed.length === 1 ? `The only reason for ${CLASSIFICATION_LABELS[classification]}; also set when left empty` : `API value ${reason}`,
	}));
}
