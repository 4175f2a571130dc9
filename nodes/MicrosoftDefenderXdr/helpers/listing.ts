import type { IDataObject } from 'n8n-workflow';

/** One `$filter` clause per chosen filter, joined with `and`; multi-value filters become `(a or b)`. */
export interface ListFilters {
	statuses?: string[];
	severities?: string[];
	serviceSources?: string[];
	assignedTo?: string;
	createdAfter?: string;
	updatedAfter?: string;
}

/** OData string literal: single quotes doubled. */
export function odataString(value: string): string {
	return `'${value.replace(/'/g, "''")}'`;
}

function anyOf(field: string, values: string[] | undefined): string | undefined {
	const chosen = (values ?? []).filter(Boolean);
	if (!chosen.length) return undefined;
	const clauses = chosen.map((value) => `${field} eq ${odataString(value)}`);
	return clauses.length === 1 ? clauses[0] : `(${clauses.join(' or ')})`;
}

/** An ISO 8601 instant for a datetime filter (Graph takes it unquoted). Empty means no filter. */
function instant(value: string | undefined): string | undefined {
	if (!value?.trim()) return undefined;
	const at = new Date(value);
	if (Number.isNaN(at.getTime())) throw new RangeError(`'${value}' is not a date and time`);
	return at.toISOString();
}

export function buildFilter(filters: ListFilters): string | undefined {
	const created = instant(filters.createdAfter);
	const updated = instant(filters.updatedAfter);
	const clauses = [
		anyOf('status', filters.statuses),
		anyOf('severity', filters.severities),
		anyOf('serviceSource', filters.serviceSources),
		filters.assignedTo?.trim() ? `assignedTo eq ${odataString(filters.assignedTo.trim())}` : undefined,
		created ? `createdDateTime ge ${created}` : undefined,
		updated ? `lastUpdateDateTime ge ${updated}` : undefined,
	].filter((clause): clause is string => clause !== undefined);
	return clauses.length ? clauses.join(' and ') : undefined;
}

export type SortOrder = 'lastUpdateDesc' | 'createdDesc' | 'severityDesc';

const severityRank: Record<string, number> = { high: 4, medium: 3, low: 2, informational: 1 };

function time(item: IDataObject, field: string): number {
	const value = Date.parse(String(item[field] ?? ''));
	return Number.isNaN(value) ? 0 : value;
}

/**
 * Graph has no `$orderby` on incidents and alerts, so listings are sorted here; ties fall back to the most recently
 * updated, then the ID, so the order is the same on every run.
 */
export function sortItems(items: IDataObject[], order: SortOrder): IDataObject[] {
	const byUpdate = (a: IDataObject, b: IDataObject) => time(b, 'lastUpdateDateTime') - time(a, 'lastUpdateDateTime');
	const byId = (a: IDataObject, b: IDataObject) => String(a.id ?? '').localeCompare(String(b.id ?? ''), 'en', { numeric: true });
	const primary: Record<SortOrder, (a: IDataObject, b: IDataObject) => number> = {
		lastUpdateDesc: byUpdate,
		createdDesc: (a, b) => time(b, 'createdDateTime') - time(a, 'createdDateTime'),
		severityDesc: (a, b) => (severityRank[String(b.severity)] ?? 0) - (severityRank[String(a.severity)] ?? 0),
	};
	return [...items].sort((a, b) => primary[order](a, b) || byUpdate(a, b) || byId(a, b));
}
