import type { IDataObject } from 'n8n-workflow';

/**
 * Turning n8n items into Logs Ingestion records. Pure, so the mapping is unit-tested without a service.
 *
 * Column names in a data collection rule's stream are case-sensitive and fields the stream does not declare are
 * dropped by the service, so names are passed on exactly as written.
 */

export type ColumnSelection = { mode: 'all' } | { mode: 'selected'; columns: string[] };

export class RecordMappingError extends Error {}

/** `TimeGenerated, EventType ,SignlId` → the names, trimmed, without empties or repeats. */
export function parseColumnList(text: string): string[] {
	const names = text
		.split(/[,\n]/)
		.map((name) => name.trim())
		.filter(Boolean);
	for (const name of names) {
		// Log Analytics column names: a letter or _ first, then letters, digits and _ (max 45 for custom tables).
		if (!/^[A-Za-z_][A-Za-z0-9_]{0,44}$/.test(name)) {
			throw new RecordMappingError(`'${name}' is not a valid column name: letters, digits and _ only, starting with a letter or _ (at most 45 characters)`);
		}
	}
	return [...new Set(names)];
}

function isBlank(value: unknown): boolean {
	return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** ISO text for a TimeGenerated value the service can read, or undefined. */
export function toIsoTime(value: unknown): string | undefined {
	if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
	if (typeof value === 'number' && Number.isFinite(value)) return new Date(value).toISOString();
	if (typeof value === 'string' && value.trim()) {
		const parsed = Date.parse(value.trim());
		return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
	}
	return undefined;
}

/**
 * One record from an item's fields: every top-level field, or only the chosen columns (missing ones are left out,
 * as the service fills them with null). TimeGenerated is filled with `now` when the item has none, and must be a
 * readable time when it has one: a row the rule's transform cannot time is dropped by the service without an error.
 */
export function toRecord(json: IDataObject, selection: ColumnSelection, options: { fillTimeGenerated: boolean; now: Date }): Record<string, unknown> {
	const record: Record<string, unknown> = {};
	const names = selection.mode === 'all' ? Object.keys(json) : selection.columns;
	for (const name of names) {
		const value = json[name];
		if (value !== undefined) record[name] = value;
	}
	const wantsTime = selection.mode === 'all' || selection.columns.includes('TimeGenerated') || options.fillTimeGenerated;
	if (!wantsTime) return record;
	if (isBlank(record.TimeGenerated)) {
		if (options.fillTimeGenerated) record.TimeGenerated = options.now.toISOString();
		else delete record.TimeGenerated;
		return record;
	}
	const iso = toIsoTime(record.TimeGenerated);
	if (!iso) throw new RecordMappingError(`TimeGenerated '${String(record.TimeGenerated)}' is not a date and time (use ISO 8601, e.g. 2026-05-01T08:30:00Z)`);
	record.TimeGenerated = iso;
	return record;
}

const DCR_IMMUTABLE_ID = /^dcr-[0-9a-f]{32}$/i;

/** Problems in the target settings an engineer can fix in the node, or undefined. */
export function findTargetProblem(target: { endpoint: string; ruleId: string; stream: string }): string | undefined {
	if (!/^https:\/\/[^\s/]+/i.test(target.endpoint)) {
		return "The Data Collection Endpoint must be an https:// URL: the endpoint's (or the rule's) Logs Ingestion URL from its Overview page";
	}
	if (!DCR_IMMUTABLE_ID.test(target.ruleId)) {
		return "The Rule Immutable ID must be the data collection rule's immutable ID, 'dcr-' and 32 hexadecimal digits (JSON View of the rule), not its name or resource ID";
	}
	if (!/^Custom-[A-Za-z0-9_]+$/.test(target.stream) && !/^Microsoft-[A-Za-z0-9_]+$/.test(target.stream)) {
		return "The Stream must be one the rule declares, e.g. Custom-SIGNL4_CL (custom streams start with 'Custom-')";
	}
	return undefined;
}
