// The tables of one Log Analytics workspace. The Sentinel workspace gets two weeks of background rows at start and,
// lazily before each query, the evidence rows of every scheduled-rule alert created since (see seed-data.ts).
import type { IncidentRecord } from '../arm/sentinel/incident-store';
import type { WorkspaceInfo } from '../arm/topology';
import { SeededRandom } from '../generator/random';
import { SCHEDULED_RULES, type ScheduledRule, type SeededTable } from '../generator/scheduled-rules';
import { parseDatetimeText, ticksFromDate, type Column, type Row, type Table } from './kql';
import { TABLE_SCHEMAS } from './schema';
import { backgroundRows, castFromEntities, evidenceRows, seedOf } from './seed-data';

export class WorkspaceData {
	private readonly tables = new Map<string, { columns: Column[]; rows: Row[] }>();
	private readonly materialised = new Set<string>();

	constructor(
		readonly workspace: WorkspaceInfo,
		private readonly incidents: (() => IncidentRecord[]) | undefined,
		seed: number | undefined,
		now = Date.now(),
	) {
		if (seed === undefined) return;
		const background = backgroundRows(seed, now);
		for (const [name, columns] of Object.entries(TABLE_SCHEMAS)) {
			this.tables.set(name, { columns, rows: background[name as SeededTable] });
		}
	}

	/** A workspace that never received data answers queries with 204 No Content. */
	get hasData(): boolean {
		this.sync();
		return [...this.tables.values()].some((table) => table.rows.length > 0);
	}

	tableNames(): string[] {
		this.sync();
		return [...this.tables.keys()];
	}

	/** The table restricted to `[start, end]` on TimeGenerated (the request's timespan), or undefined. */
	table(name: string, window?: { start: bigint; end: bigint }): Table | undefined {
		this.sync();
		const table = this.tables.get(name);
		if (!table) return undefined;
		if (!window) return { name, columns: table.columns, rows: table.rows };
		const rows = table.rows.filter((row) => {
			const time = row.TimeGenerated;
			return typeof time === 'bigint' && time >= window.start && time <= window.end;
		});
		return { name, columns: table.columns, rows };
	}

	/** Adds rows (datetime cells as ISO text, Date or ticks; dynamic cells as values) to a table, creating it if needed. */
	insert(name: string, rows: Array<Record<string, unknown>>, columns?: Column[]): number {
		let table = this.tables.get(name);
		if (!table) {
			const schema = columns ?? (TABLE_SCHEMAS as Record<string, Column[]>)[name];
			if (!schema) throw new Error(`Unknown table '${name}': pass its columns`);
			table = { columns: schema, rows: [] };
			this.tables.set(name, table);
		}
		for (const row of rows) table.rows.push(normaliseRow(row, table.columns));
		return table.rows.length;
	}

	clear(name?: string): void {
		for (const [tableName, table] of this.tables) if (!name || tableName === name) table.rows = [];
	}

	/** Evidence rows for alerts created since the last call. */
	sync(): void {
		if (!this.incidents) return;
		for (const record of this.incidents()) {
			for (const alert of record.alerts) {
				if (this.materialised.has(alert.name)) continue;
				this.materialised.add(alert.name);
				const data = alert.properties.additionalData ?? {};
				const rule = ruleOf(alert.properties.alertType, data);
				const start = parseAlertTime(data['Query Start Time UTC']);
				const end = parseAlertTime(data['Query End Time UTC']);
				if (!rule || start === undefined || end === undefined || end <= start) continue;
				const rng = new SeededRandom(seedOf(alert.name));
				const rows = evidenceRows(rule, start, end, castFromEntities(record.entities, rng), rng);
				for (const [table, tableRows] of Object.entries(rows)) {
					this.tables.get(table)?.rows.push(...(tableRows ?? []));
				}
			}
		}
	}
}

function ruleOf(alertType: string | undefined, data: Record<string, string>): ScheduledRule | undefined {
	let ids: string[] = [];
	try {
		ids = JSON.parse(data['Analytic Rule Ids'] ?? '[]') as string[];
	} catch {
		ids = [];
	}
	return (
		SCHEDULED_RULES.find((rule) => ids.includes(rule.ruleId)) ??
		SCHEDULED_RULES.find((rule) => alertType?.endsWith(`_${rule.ruleId}`)) ??
		SCHEDULED_RULES.find((rule) => data.Query === rule.query || data.OriginalQuery === rule.query)
	);
}

/** `2020-03-28 18:45:59Z` → epoch ms. */
function parseAlertTime(text: string | undefined): number | undefined {
	if (!text) return undefined;
	const ms = Date.parse(text.trim().replace(' ', 'T'));
	return Number.isNaN(ms) ? undefined : ms;
}

function normaliseRow(row: Record<string, unknown>, columns: Column[]): Row {
	const out: Row = {};
	for (const column of columns) {
		const value = row[column.name];
		if (value === undefined || value === null) {
			out[column.name] = column.type === 'string' ? '' : null;
			continue;
		}
		if (column.type === 'datetime') {
			out[column.name] = typeof value === 'bigint' ? value : value instanceof Date ? ticksFromDate(value) : parseDatetimeText(String(value));
		} else if (column.type === 'dynamic' && typeof value === 'string') {
			try {
				out[column.name] = JSON.parse(value);
			} catch {
				out[column.name] = value;
			}
		} else {
			out[column.name] = value;
		}
	}
	return out;
}
