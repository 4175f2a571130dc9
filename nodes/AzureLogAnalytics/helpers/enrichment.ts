import type { IDataObject } from 'n8n-workflow';

/**
 * The `enrichment` object Enrich Incident adds to an incident item — a contract with the SIGNL4 node, which shows
 * `summary` as it is — and the pure functions that build its texts. Nothing here does I/O.
 */

export type AlertEnrichmentStatus = 'ok' | 'partial' | 'noQuery' | 'failed' | 'timeout';

export interface AlertEnrichment {
	alertName: string | null;
	displayName: string;
	status: AlertEnrichmentStatus;
	query?: string;
	/** ISO 8601 interval `start/end` the query ran over. */
	timespan?: string;
	totalRows?: number;
	columns?: string[];
	rows?: IDataObject[];
	summary: string;
	warning?: string;
	error?: string;
}

export interface IncidentEnrichment {
	summary: string;
	alerts: AlertEnrichment[];
	warnings: string[];
	queriedAt: string;
	/** Where the alerts and their queries came from: Microsoft Sentinel (the default) or the input item (trusted by option). */
	alertsSource: 'sentinel' | 'inputItem';
}

/** The alert fields enrichment reads (as `shapeAlert` in nodes/shared/sentinel/incidentShape.ts writes them). */
export interface AlertInput {
	alertName?: unknown;
	displayName?: unknown;
	productName?: unknown;
	query?: unknown;
	queryPeriod?: unknown;
	queryStartTimeUtc?: unknown;
	queryEndTimeUtc?: unknown;
	startTimeUtc?: unknown;
	endTimeUtc?: unknown;
	timeGenerated?: unknown;
}

const HOUR_MS = 3_600_000;
/** Look-back used when an alert says nothing about its rule's window. */
export const DEFAULT_LOOKBACK_MS = 24 * HOUR_MS;

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function alertDisplayName(alert: AlertInput): string {
	return text(alert.displayName) ?? text(alert.alertName) ?? 'Alert';
}

/**
 * Sentinel's `2020-03-28 18:45:59Z` or ISO text → Date. A time without a zone is UTC (the fields are the `… UTC`
 * ones); JavaScript would read it as the n8n host's local time and shift the window by the host's offset.
 */
export function parseAlertTime(value: unknown): Date | undefined {
	const raw = text(value);
	if (!raw) return undefined;
	const iso = raw.replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
	const ms = Date.parse(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(iso) ? `${iso}Z` : iso);
	return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** .NET timespan `d.hh:mm:ss` / `hh:mm:ss` (the `Query Period` of scheduled alerts) → ms. */
export function parseQueryPeriod(value: unknown): number | undefined {
	const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text(value) ?? '');
	if (!match) return undefined;
	const [, days = '0', hours, minutes, seconds] = match;
	return ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + Number(seconds) * 1000;
}

/**
 * The window the alert's rule queried: `Query Start/End Time UTC` when the alert has them; else the rule's
 * `Query Period` ending at the alert's end (or generation) time; else the last 24 hours before it. `note` says
 * when the window had to be derived.
 */
export function alertWindow(alert: AlertInput, now: Date = new Date()): { start: Date; end: Date; note?: string } {
	const start = parseAlertTime(alert.queryStartTimeUtc);
	const end = parseAlertTime(alert.queryEndTimeUtc);
	if (start && end && start < end) return { start, end };
	const anchor = end ?? parseAlertTime(alert.endTimeUtc) ?? parseAlertTime(alert.timeGenerated) ?? now;
	const period = parseQueryPeriod(alert.queryPeriod);
	if (period) {
		return { start: new Date(anchor.getTime() - period), end: anchor, note: "The alert has no query start time; used the rule's query period up to the alert's time." };
	}
	return {
		start: new Date(anchor.getTime() - DEFAULT_LOOKBACK_MS),
		end: anchor,
		note: 'The alert does not record its query window; used the 24 hours before the alert.',
	};
}

// ---- texts ----

const SKIPPED_COLUMNS = new Set(['Type', 'TenantId', 'SourceSystem', '_ResourceId', 'MG', 'ManagementGroupName', '_ItemId', '_Internal_WorkspaceResourceId']);
const ISO_DATETIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}):\d{2}(?:\.\d+)?Z$/;

function clip(value: string, max: number): string {
	return value.length > max ? `${value.slice(0, Math.max(0, max - 1))}…` : value;
}

/** A cell as a short readable text: `2024-05-01 08:30Z`, `a, b, c (+4)`, clipped to 48 characters. */
export function cellText(value: unknown): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'string') {
		const iso = ISO_DATETIME.exec(value);
		return clip(iso ? `${iso[1]} ${iso[2]}Z` : value.replace(/\s+/g, ' '), 48);
	}
	if (Array.isArray(value)) {
		const shown = value.slice(0, 3).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
		return clip(`${shown.join(', ')}${value.length > 3 ? ` (+${value.length - 3})` : ''}`, 48);
	}
	if (typeof value === 'object') return clip(JSON.stringify(value), 48);
	return String(value);
}

/**
 * The most telling cells of a row, `Column: value` joined by ", ": empty cells, bookkeeping columns and the
 * `…CustomEntity` copies analytics rules add for entity mapping are left out.
 */
export function rowExcerpt(row: IDataObject, maxCells = 4): string {
	const cells: string[] = [];
	const seenValues = new Set<string>();
	for (const [column, value] of Object.entries(row)) {
		if (SKIPPED_COLUMNS.has(column) || /CustomEntity$/.test(column)) continue;
		const shown = cellText(value);
		if (!shown || seenValues.has(shown)) continue;
		seenValues.add(shown);
		cells.push(`${column}: ${shown}`);
		if (cells.length >= maxCells) break;
	}
	return cells.join(', ');
}

function plural(n: number, word: string): string {
	return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export function alertSummary(
	name: string,
	outcome:
		| { status: 'ok' | 'partial'; totalRows: number; firstRow?: IDataObject; noData?: boolean }
		| { status: 'timeout'; timeoutSeconds: number }
		| { status: 'failed'; reason: string }
		| { status: 'noQuery'; productName?: string },
): string {
	switch (outcome.status) {
		case 'noQuery':
			return `${name}: no query to re-run (${outcome.productName ? `${outcome.productName} alert` : 'not a scheduled-rule alert'})`;
		case 'timeout':
			return `${name}: query timed out after ${outcome.timeoutSeconds} s, no rows`;
		case 'failed':
			return `${name}: query failed (${outcome.reason})`;
		default: {
			if (outcome.totalRows === 0) return `${name}: ${outcome.noData ? 'the workspace has no data' : "no results in the alert's window"}${outcome.status === 'partial' ? ' (partial answer)' : ''}`;
			const excerpt = outcome.firstRow ? rowExcerpt(outcome.firstRow) : '';
			const count = outcome.status === 'partial' ? `partial result, ${plural(outcome.totalRows, 'row')} returned` : plural(outcome.totalRows, 'result');
			return `${name}: ${count}${excerpt ? ` — ${excerpt}` : ''}`;
		}
	}
}

/**
 * The incident's multi-line summary, for a phone screen: a headline, then one line per alert, within `maxLength`
 * characters (lines that do not fit are counted in a last "… and N more" line).
 */
export function incidentSummary(alerts: AlertEnrichment[], maxLength = 1000): string {
	if (alerts.length === 0) return 'No alerts on this incident: nothing to look up in Log Analytics.';
	const withRows = alerts.filter((a) => (a.totalRows ?? 0) > 0).length;
	const problems = alerts.filter((a) => a.status === 'failed' || a.status === 'timeout' || a.status === 'partial').length;
	const headline = `Log Analytics: ${plural(alerts.length, 'alert')}, ${withRows} with results${problems ? `, ${problems} incomplete` : ''}`;
	const lines = [headline];
	let length = headline.length;
	let omitted = 0;
	const budget = Math.max(80, maxLength);
	// Share the space among the alerts, so every alert gets a line before any line gets long.
	const perLine = Math.min(200, Math.max(60, Math.floor((budget - headline.length - 20) / alerts.length) - 1));
	for (const alert of alerts) {
		const line = `• ${clip(alert.summary, perLine - 2)}`;
		if (omitted > 0 || length + 1 + line.length > budget - 20) {
			omitted++;
			continue;
		}
		lines.push(line);
		length += 1 + line.length;
	}
	if (omitted) lines.push(`… and ${omitted} more`);
	return lines.join('\n');
}
