// Decoding of typed literals (`datetime(…)`, `timespan(…)`, `long(…)`, …) into exact values, and the reverse
// formatting the query API uses in its JSON answers.
import type { KqlType, LiteralValue } from './ast';
import { scaleTicks, TICKS_PER_MS, timespanUnit } from './lexer';

export const TICKS_PER_SECOND = 10_000_000n;
export const TICKS_PER_DAY = 864_000_000_000n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** 0001-01-01 and 9999-12-31T23:59:59.9999999, in ticks since the Unix epoch. */
const MIN_DATETIME = -62135596800000n * TICKS_PER_MS;
const MAX_DATETIME = 253402300800000n * TICKS_PER_MS - 1n;

export class LiteralError extends Error {}

function daysInMonth(year: number, month: number): number {
	return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function isLeap(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Milliseconds since the epoch of a UTC calendar date, valid for years 1..9999 (Date.UTC maps 0..99 to 19xx). */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
	const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second));
	date.setUTCFullYear(year);
	return date.getTime();
}

export function parseDatetimeText(text: string): bigint | null {
	const trimmed = text.trim();
	if (trimmed === 'null') return null;
	const match =
		/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(trimmed);
	if (!match) throw new LiteralError(`Failed to parse datetime literal: '${trimmed}'`);
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
		throw new LiteralError(`Failed to parse datetime literal: '${trimmed}'`);
	}
	let ticks = BigInt(utcMs(year, month, day, Number(h), Number(mi), Number(s))) * TICKS_PER_MS + BigInt(fraction.padEnd(7, '0') || '0');
	if (zone && /^[+-]/.test(zone)) {
		const sign = zone.startsWith('-') ? -1n : 1n;
		const digits = zone.slice(1).replace(':', '');
		const offsetMinutes = BigInt(Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
		ticks -= sign * offsetMinutes * 600_000_000n;
	}
	if (ticks < MIN_DATETIME || ticks > MAX_DATETIME) throw new LiteralError(`datetime out of range: '${trimmed}'`);
	return ticks;
}

export function parseTimespanText(text: string): bigint | null {
	const trimmed = text.trim();
	if (trimmed === 'null') return null;
	const clock = /^([+-])?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(trimmed);
	if (clock) {
		const [, sign, days = '0', hours, minutes, seconds = '0', fraction = ''] = clock;
		if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) throw new LiteralError(`Failed to parse timespan literal: '${trimmed}'`);
		const ticks =
			BigInt(days) * TICKS_PER_DAY +
			BigInt(hours) * 36_000_000_000n +
			BigInt(minutes) * 600_000_000n +
			BigInt(seconds) * TICKS_PER_SECOND +
			BigInt(fraction.padEnd(7, '0') || '0');
		return sign === '-' ? -ticks : ticks;
	}
	const unit = /^([+-])?(\d+(?:\.\d+)?)([A-Za-z]+)$/.exec(trimmed);
	if (unit) {
		const unitTicks = timespanUnit(unit[3]);
		const nano = /^(nano|nanos|nanosec|nanosecond|nanoseconds)$/.test(unit[3]);
		if (unitTicks === undefined && !nano) throw new LiteralError(`Failed to parse timespan literal: '${trimmed}'`);
		const ticks = nano ? scaleTicks(unit[2], 1n, 100n) : scaleTicks(unit[2], unitTicks as bigint);
		return unit[1] === '-' ? -ticks : ticks;
	}
	throw new LiteralError(`Failed to parse timespan literal: '${trimmed}'`);
}

function parseInteger(text: string, min: bigint, max: bigint, type: string): bigint | null {
	const trimmed = text.trim();
	if (trimmed === 'null') return null;
	const match = /^([+-])?(0[xX][0-9A-Fa-f]+|\d+)$/.exec(trimmed);
	if (!match) throw new LiteralError(`Failed to parse ${type} literal: '${trimmed}'`);
	const magnitude = BigInt(match[2]);
	const value = match[1] === '-' ? -magnitude : magnitude;
	if (value < min || value > max) throw new LiteralError(`${type} literal out of range: '${trimmed}'`);
	return value;
}

export function parseRealText(text: string): number | null {
	const trimmed = text.trim();
	if (trimmed === 'null') return null;
	if (/^[+-]?nan$/i.test(trimmed)) return NaN;
	if (/^\+?inf$/i.test(trimmed)) return Infinity;
	if (/^-inf$/i.test(trimmed)) return -Infinity;
	if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) throw new LiteralError(`Failed to parse real literal: '${trimmed}'`);
	return Number(trimmed);
}

/** Exact value of `type(text)`. */
export function decodeTypedLiteral(type: KqlType, text: string): LiteralValue {
	switch (type) {
		case 'datetime':
			return parseDatetimeText(text);
		case 'timespan':
			return parseTimespanText(text);
		case 'long':
			return parseInteger(text, INT64_MIN, INT64_MAX, 'long');
		case 'int':
			return parseInteger(text, -(2n ** 31n), 2n ** 31n - 1n, 'int');
		case 'real':
		case 'decimal':
			return parseRealText(text);
		case 'bool': {
			const trimmed = text.trim().toLowerCase();
			if (trimmed === 'null') return null;
			if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
			throw new LiteralError(`Failed to parse bool literal: '${text.trim()}'`);
		}
		case 'guid': {
			const trimmed = text.trim();
			if (trimmed === 'null') return null;
			if (!/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(trimmed)) {
				throw new LiteralError(`Failed to parse guid literal: '${trimmed}'`);
			}
			return trimmed.toLowerCase();
		}
		default:
			throw new LiteralError(`No typed literal for ${type}`);
	}
}

/** ISO 8601 with seven fractional digits, as the query API serialises datetime cells. */
export function formatDatetime(ticks: bigint): string {
	let ms = ticks / TICKS_PER_MS;
	let sub = ticks % TICKS_PER_MS;
	if (sub < 0n) {
		sub += TICKS_PER_MS;
		ms -= 1n;
	}
	const iso = new Date(Number(ms)).toISOString();
	return `${iso.slice(0, -1)}${sub.toString().padStart(4, '0')}Z`;
}

/** .NET `[-][d.]hh:mm:ss[.fffffff]`, as the query API serialises timespan cells. */
export function formatTimespan(ticks: bigint): string {
	const negative = ticks < 0n;
	let rest = negative ? -ticks : ticks;
	const days = rest / TICKS_PER_DAY;
	rest %= TICKS_PER_DAY;
	const hours = rest / 36_000_000_000n;
	rest %= 36_000_000_000n;
	const minutes = rest / 600_000_000n;
	rest %= 600_000_000n;
	const seconds = rest / TICKS_PER_SECOND;
	const fraction = rest % TICKS_PER_SECOND;
	const pad = (n: bigint) => n.toString().padStart(2, '0');
	return `${negative ? '-' : ''}${days > 0n ? `${days}.` : ''}${pad(hours)}:${pad(minutes)}:${pad(seconds)}${fraction > 0n ? `.${fraction.toString().padStart(7, '0')}` : ''}`;
}

export function ticksFromDate(date: Date | number): bigint {
	return BigInt(typeof date === 'number' ? Math.trunc(date) : date.getTime()) * TICKS_PER_MS;
}

export function dateFromTicks(ticks: bigint): Date {
	return new Date(Number(ticks / TICKS_PER_MS));
}
