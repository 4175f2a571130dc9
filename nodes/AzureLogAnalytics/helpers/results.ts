import type { IDataObject } from 'n8n-workflow';

import type { LogsTable } from '../../shared/logAnalytics/transport';

/**
 * Query answers as n8n data: one object per row keyed by column name, cells as the service sent them except
 * `dynamic` cells, which arrive as JSON text and are parsed (a cell that is not valid JSON stays text).
 */

export function decodeCell(value: unknown, type: string): unknown {
	if (type === 'dynamic' && typeof value === 'string') {
		try {
			return JSON.parse(value) as unknown;
		} catch {
			return value;
		}
	}
	return value ?? null;
}

/** "A, B ,C" → ["A", "B", "C"]. */
export function parseColumnList(text: unknown): string[] {
	if (Array.isArray(text)) return text.map(String).map((s) => s.trim()).filter(Boolean);
	if (typeof text !== 'string') return [];
	return [...new Set(text.split(',').map((s) => s.trim()).filter(Boolean))];
}

/**
 * Which of `available` to keep: all when `wanted` is empty, else the wanted ones that exist, in the wanted order
 * (exact names first, then case-insensitive), plus the wanted names that do not exist.
 */
export function selectColumns(available: string[], wanted: string[]): { keep: string[]; missing: string[] } {
	if (wanted.length === 0) return { keep: [...available], missing: [] };
	const keep: string[] = [];
	const missing: string[] = [];
	for (const name of wanted) {
		const match = available.find((c) => c === name) ?? available.find((c) => c.toLowerCase() === name.toLowerCase());
		if (match && !keep.includes(match)) keep.push(match);
		else if (!match) missing.push(name);
	}
	return { keep, missing };
}

export interface ShapedTable {
	name: string;
	columns: Array<{ name: string; type: string }>;
	rows: IDataObject[];
	totalRows: number;
	missingColumns: string[];
}

/** The first `limit` rows of a table as objects with only the kept columns (limit undefined = all rows). */
export function shapeTable(table: LogsTable, options: { limit?: number; columns?: string[] } = {}): ShapedTable {
	const { keep, missing } = selectColumns(
		table.columns.map((c) => c.name),
		options.columns ?? [],
	);
	const indexes = keep.map((name) => table.columns.findIndex((c) => c.name === name));
	const rows = (options.limit === undefined ? table.rows : table.rows.slice(0, Math.max(0, options.limit))).map((row) => {
		const out: IDataObject = {};
		indexes.forEach((index, k) => {
			out[keep[k]] = decodeCell(row[index], table.columns[index].type) as IDataObject[string];
		});
		return out;
	});
	return {
		name: table.name,
		columns: indexes.map((index) => ({ name: table.columns[index].name, type: table.columns[index].type })),
		rows,
		totalRows: table.rows.length,
		missingColumns: missing,
	};
}

/** The table the query's last tabular statement produced (Log Analytics calls it PrimaryResult). */
export function primaryTable(tables: LogsTable[]): LogsTable | undefined {
	return tables.find((t) => t.name === 'PrimaryResult') ?? tables[0];
}
