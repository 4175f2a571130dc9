// Runtime values: strings, booleans and numbers as JS values (int/long/real/decimal are all numbers, the column
// type says which), datetime and timespan as bigint ticks, dynamic as parsed JSON, null for KQL null.
import type { KqlType } from './ast';
import { formatDatetime, formatTimespan, parseDatetimeText, parseTimespanText } from './literals';

export type Value = unknown;
export type Row = Record<string, Value>;

export interface Column {
	name: string;
	type: KqlType;
}

export interface Table {
	name?: string;
	columns: Column[];
	rows: Row[];
}

export const isNumericType = (type: KqlType) => type === 'int' || type === 'long' || type === 'real' || type === 'decimal';

/** KQL `tostring()`: what string operators compare against. */
export function toKqlString(value: Value, type: KqlType): string {
	if (value === null || value === undefined) return '';
	if (type === 'datetime' && typeof value === 'bigint') return formatDatetime(value);
	if (type === 'timespan' && typeof value === 'bigint') return formatTimespan(value);
	if (type === 'dynamic') return typeof value === 'string' ? value : JSON.stringify(value);
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
	return String(value);
}

/** Three-way comparison used by sort, min/max and the relational operators; nulls compare as undefined. */
export function compareValues(a: Value, b: Value): number | undefined {
	if (a === null || a === undefined || b === null || b === undefined) return undefined;
	if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
	if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : a === b ? 0 : undefined;
	if (typeof a === 'bigint' && typeof b === 'number') return compareValues(Number(a), b);
	if (typeof a === 'number' && typeof b === 'bigint') return compareValues(a, Number(b));
	if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
	const sa = typeof a === 'string' ? a : JSON.stringify(a);
	const sb = typeof b === 'string' ? b : JSON.stringify(b);
	return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function valuesEqual(a: Value, b: Value): boolean | null {
	if (a === null || a === undefined || b === null || b === undefined) return null;
	if (typeof a === 'string' && typeof b === 'number') return a === String(b);
	if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
	if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
	return compareValues(a, b) === 0;
}

/** Converts a value of one type to another the way KQL's `to*()` functions do; null when it cannot. */
export function convert(value: Value, from: KqlType, to: KqlType): Value {
	if (value === null || value === undefined) return to === 'string' ? '' : null;
	if (from === to) return value;
	switch (to) {
		case 'string':
			return toKqlString(value, from);
		case 'long':
		case 'int': {
			const number = convert(value, from, 'real');
			return typeof number === 'number' && Number.isFinite(number) ? Math.trunc(number) : null;
		}
		case 'real':
		case 'decimal': {
			if (typeof value === 'number') return value;
			if (typeof value === 'boolean') return value ? 1 : 0;
			if (typeof value === 'bigint') return Number(value);
			if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
			return null;
		}
		case 'bool':
			if (typeof value === 'boolean') return value;
			if (typeof value === 'number') return value !== 0;
			if (typeof value === 'string') return /^true$/i.test(value) ? true : /^false$/i.test(value) ? false : null;
			return null;
		case 'datetime':
		case 'timespan':
			if (typeof value !== 'string') return null;
			try {
				return to === 'datetime' ? parseDatetimeText(value) : parseTimespanText(value);
			} catch {
				return null;
			}
		case 'guid':
			return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value.toLowerCase() : null;
		case 'dynamic':
			if (typeof value === 'bigint') return toKqlString(value, from);
			return value;
		default:
			return null;
	}
}

/** A cell as the query API serialises it in JSON. */
export function serializeCell(value: Value, type: KqlType): unknown {
	if (value === null || value === undefined) return null;
	switch (type) {
		case 'datetime':
			return typeof value === 'bigint' ? formatDatetime(value) : value;
		case 'timespan':
			return typeof value === 'bigint' ? formatTimespan(value) : value;
		case 'dynamic':
			// Log Analytics sends dynamic cells as JSON text (wire-microsoft.md §2).
			return JSON.stringify(value);
		case 'real':
		case 'decimal':
			return typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity') : value;
		default:
			return value;
	}
}
