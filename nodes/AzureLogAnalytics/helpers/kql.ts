/**
 * The only place where values become KQL text. One function per literal type; each either returns a literal
 * that evaluates to exactly the given value or throws `KqlValueError` — it never returns text that could end the
 * literal early, so a value (say, an account name taken from an incident) cannot change the structure of a query.
 *
 * Rules (Kusto grammar, microsoft/Kusto-Query-Language `KqlTokens.g4`, and the KQL docs' "string data type"):
 * - string: double-quoted; `\` and `"` are escaped, line breaks as `\n`/`\r`, tab as `\t`, every other control or
 *   invisible formatting character (C0/C1 controls, U+2028/U+2029, bidi and other format characters) as `\uXXXX`.
 *   A raw line break would end the literal (it is not allowed inside quotes); unpaired UTF-16 surrogates cannot be
 *   encoded in UTF-8 at all and are rejected.
 * - typed literals (`long(…)`, `real(…)`, `bool(…)`, `datetime(…)`, `timespan(…)`) run to the first `)`; their
 *   content is generated from validated numbers and dates only, never copied from the input.
 * - dynamic: built recursively from JSON values with the string rule above for keys and strings.
 *
 * Messages name the problem, never the value (it may be long, or sensitive).
 */

export type KqlParameterType = 'string' | 'long' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';

export const KQL_PARAMETER_TYPES: readonly KqlParameterType[] = ['string', 'long', 'real', 'bool', 'datetime', 'timespan', 'dynamic'];

export class KqlValueError extends Error {
	readonly name = 'KqlValueError';
}

/** Longest string (in UTF-16 code units) accepted as one literal; also bounds a dynamic value's rendered size. */
export const MAX_KQL_STRING_LENGTH = 32_768;
export const MAX_KQL_DYNAMIC_LENGTH = 262_144;
const MAX_DYNAMIC_DEPTH = 32;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TICKS_PER_MS = 10_000n;
const TICKS_PER_SECOND = 10_000_000n;
const TICKS_PER_MINUTE = 600_000_000n;
const TICKS_PER_HOUR = 36_000_000_000n;
const TICKS_PER_DAY = 864_000_000_000n;
/** .NET TimeSpan.MaxValue, the range of KQL's timespan. */
const MAX_TIMESPAN_TICKS = 9_223_372_036_854_775_807n;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Characters written as \uXXXX: controls, line/paragraph separators and invisible format characters. */
const ESCAPED_AS_UNICODE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

// ---- string ----

export function kqlString(value: string): string {
	if (typeof value !== 'string') throw new KqlValueError('a string literal needs a text value');
	if (value.length > MAX_KQL_STRING_LENGTH) {
		throw new KqlValueError(`the text is longer than ${MAX_KQL_STRING_LENGTH.toLocaleString('en-US')} characters`);
	}
	if (LONE_SURROGATE.test(value)) throw new KqlValueError('the text contains an unpaired UTF-16 surrogate, which KQL (UTF-8) cannot represent');
	let out = '"';
	for (const char of value) {
		switch (char) {
			case '\\':
				out += '\\\\';
				break;
			case '"':
				out += '\\"';
				break;
			case '\n':
				out += '\\n';
				break;
			case '\r':
				out += '\\r';
				break;
			case '\t':
				out += '\\t';
				break;
			default:
				if (!ESCAPED_AS_UNICODE.test(char)) out += char;
				else {
					const code = char.codePointAt(0) as number;
					out += code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
				}
		}
	}
	return `${out}"`;
}

// ---- long ----

function toBigInt(value: unknown): bigint {
	if (typeof value === 'bigint') return value;
	if (typeof value === 'number') {
		if (!Number.isInteger(value)) throw new KqlValueError('a long must be a whole number');
		if (!Number.isSafeInteger(value)) throw new KqlValueError('the number is too large to be exact; pass it as text');
		return BigInt(value);
	}
	if (typeof value === 'string') {
		const text = value.trim();
		if (!/^[+-]?\d{1,20}$/.test(text)) throw new KqlValueError('a long must be a whole number such as 42 or -7');
		return BigInt(text);
	}
	throw new KqlValueError('a long must be a whole number');
}

export function kqlLong(value: unknown): string {
	if (value === null) return 'long(null)';
	const number = toBigInt(value);
	if (number < INT64_MIN || number > INT64_MAX) throw new KqlValueError('the number is outside the range of a 64-bit long');
	return `long(${number.toString()})`;
}

// ---- real ----

/** Shortest text that reads back as the same double, in KQL's real syntax (`1e21`, not `1e+21`). */
function realText(value: number): string {
	if (Number.isNaN(value)) return 'nan';
	if (value === Infinity) return '+inf';
	if (value === -Infinity) return '-inf';
	if (Object.is(value, -0)) return '-0.0';
	return String(value).replace('e+', 'e');
}

export function kqlReal(value: unknown): string {
	if (value === null) return 'real(null)';
	let number: number;
	if (typeof value === 'number') {
		number = value;
	} else if (typeof value === 'string') {
		const text = value.trim();
		if (/^[+-]?nan$/i.test(text)) number = NaN;
		else if (/^\+?(inf|infinity)$/i.test(text)) number = Infinity;
		else if (/^-(inf|infinity)$/i.test(text)) number = -Infinity;
		else if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(text)) number = Number(text);
		else throw new KqlValueError('a real must be a number such as 3.14, -2 or 1e-6');
		if (!Number.isFinite(number) && /^[+-]?(\d|\.)/.test(text)) throw new KqlValueError('the number is out of the range of a real');
	} else {
		throw new KqlValueError('a real must be a number');
	}
	return `real(${realText(number)})`;
}

// ---- bool ----

export function kqlBool(value: unknown): string {
	if (value === null) return 'bool(null)';
	if (typeof value === 'boolean') return value ? 'bool(true)' : 'bool(false)';
	if (typeof value === 'string' && /^\s*(true|false)\s*$/i.test(value)) return `bool(${value.trim().toLowerCase()})`;
	throw new KqlValueError('a bool must be true or false');
}

// ---- datetime ----

function isLeap(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
	return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Ticks (100 ns) since the Unix epoch of an ISO 8601 / Sentinel (`2020-03-28 18:45:59Z`) date and time, or a Date. */
export function datetimeTicks(value: unknown): bigint {
	if (value instanceof Date) {
		if (Number.isNaN(value.getTime())) throw new KqlValueError('the date is not valid');
		return BigInt(value.getTime()) * TICKS_PER_MS;
	}
	if (typeof value !== 'string') throw new KqlValueError('a datetime must be an ISO 8601 date and time such as 2024-05-01T08:30:00Z');
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*([Zz]|UTC|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
	if (!match) throw new KqlValueError('a datetime must be an ISO 8601 date and time such as 2024-05-01T08:30:00Z');
	const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
		throw new KqlValueError('the date or time is out of range');
	}
	if (fraction.length > 7 && /[1-9]/.test(fraction.slice(7))) throw new KqlValueError('KQL datetimes have a precision of 100 nanoseconds (7 fractional digits)');
	const date = new Date(Date.UTC(2000, month - 1, day, Number(h), Number(mi), Number(s)));
	date.setUTCFullYear(year);
	let ticks = BigInt(date.getTime()) * TICKS_PER_MS + BigInt(fraction.slice(0, 7).padEnd(7, '0'));
	if (zone && /^[+-]/.test(zone)) {
		const digits = zone.slice(1).replace(':', '');
		const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
		if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2)) > 59) throw new KqlValueError('the time zone offset is out of range');
		ticks -= (zone.startsWith('-') ? -1n : 1n) * BigInt(minutes) * TICKS_PER_MINUTE;
	}
	return ticks;
}

/** `2024-05-01T08:30:00.0000000Z`. */
export function formatDatetimeTicks(ticks: bigint): string {
	let ms = ticks / TICKS_PER_MS;
	let sub = ticks % TICKS_PER_MS;
	if (sub < 0n) {
		sub += TICKS_PER_MS;
		ms -= 1n;
	}
	const date = new Date(Number(ms));
	if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1 || date.getUTCFullYear() > 9999) throw new KqlValueError('the date is out of the range of a KQL datetime');
	const iso = date.toISOString();
	// Years before 1000 or after 9999 do not occur here; toISOString() gives the 4-digit form for 0001..9999.
	return `${iso.slice(0, 19)}.${iso.slice(20, 23)}${sub.toString().padStart(4, '0')}Z`;
}

export function kqlDatetime(value: unknown): string {
	if (value === null) return 'datetime(null)';
	return `datetime(${formatDatetimeTicks(datetimeTicks(value))})`;
}

// ---- timespan ----

function decimalTicks(number: string, unitTicks: bigint): bigint {
	const [whole, fraction = ''] = number.split('.');
	return (BigInt(whole + fraction) * unitTicks) / 10n ** BigInt(fraction.length);
}

const UNIT_TICKS: Array<[RegExp, bigint]> = [
	[/^(d|day|days)$/i, TICKS_PER_DAY],
	[/^(h|hr|hrs|hour|hours)$/i, TICKS_PER_HOUR],
	[/^(m|min|mins|minute|minutes)$/i, TICKS_PER_MINUTE],
	[/^(s|sec|secs|second|seconds)$/i, TICKS_PER_SECOND],
	[/^(ms|millisecond|milliseconds)$/i, TICKS_PER_MS],
	[/^(microsecond|microseconds)$/i, 10n],
	[/^(tick|ticks)$/i, 1n],
];

/**
 * Ticks of a duration written as KQL (`90m`, `1.5h`, `2d`), .NET (`1.02:03:04.5`, `00:30:00`) or ISO 8601
 * (`PT30M`, `P1DT2H`).
 */
export function timespanTicks(value: unknown): bigint {
	if (typeof value !== 'string') throw new KqlValueError('a timespan must be text such as 30m, 1.5h, 2d, 01:30:00 or PT30M');
	const text = value.trim();
	const sign = text.startsWith('-') ? -1n : 1n;
	const body = text.replace(/^[+-]/, '');
	let ticks: bigint | undefined;
	const unit = /^(\d{1,12}(?:\.\d{1,9})?)\s*([A-Za-z]+)$/.exec(body);
	const clock = /^(?:(\d{1,8})\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(body);
	const iso = /^P(?:(\d{1,8})W)?(?:(\d{1,8})D)?(?:T(?:(\d{1,8})H)?(?:(\d{1,8})M)?(?:(\d{1,8}(?:\.\d{1,7})?)S)?)?$/i.exec(body);
	if (unit) {
		const factor = UNIT_TICKS.find(([pattern]) => pattern.test(unit[2]))?.[1];
		if (factor === undefined) throw new KqlValueError('unknown timespan unit (use d, h, m, s or ms)');
		ticks = decimalTicks(unit[1], factor);
	} else if (clock) {
		const [, days = '0', hours, minutes, seconds = '0', fraction = ''] = clock;
		if (Number(hours) > 23 || Number(minutes) > 59 || Number(seconds) > 59) throw new KqlValueError('the timespan has out-of-range hours, minutes or seconds');
		ticks =
			BigInt(days) * TICKS_PER_DAY + BigInt(hours) * TICKS_PER_HOUR + BigInt(minutes) * TICKS_PER_MINUTE + BigInt(seconds) * TICKS_PER_SECOND + BigInt(fraction.padEnd(7, '0'));
	} else if (iso && body.length > 1 && !/T$/i.test(body)) {
		const [, weeks = '0', days = '0', hours = '0', minutes = '0', seconds = '0'] = iso;
		ticks = (BigInt(weeks) * 7n + BigInt(days)) * TICKS_PER_DAY + BigInt(hours) * TICKS_PER_HOUR + BigInt(minutes) * TICKS_PER_MINUTE + decimalTicks(seconds, TICKS_PER_SECOND);
	}
	if (ticks === undefined) throw new KqlValueError('a timespan must be text such as 30m, 1.5h, 2d, 01:30:00 or PT30M');
	if (ticks > MAX_TIMESPAN_TICKS) throw new KqlValueError('the timespan is out of range');
	return sign * ticks;
}

/** .NET `[-][d.]hh:mm:ss[.fffffff]`, KQL's own timespan text. */
export function formatTimespanTicks(ticks: bigint): string {
	const negative = ticks < 0n;
	let rest = negative ? -ticks : ticks;
	const days = rest / TICKS_PER_DAY;
	rest %= TICKS_PER_DAY;
	const hours = rest / TICKS_PER_HOUR;
	rest %= TICKS_PER_HOUR;
	const minutes = rest / TICKS_PER_MINUTE;
	rest %= TICKS_PER_MINUTE;
	const seconds = rest / TICKS_PER_SECOND;
	const fraction = rest % TICKS_PER_SECOND;
	const two = (n: bigint) => n.toString().padStart(2, '0');
	return `${negative ? '-' : ''}${days}.${two(hours)}:${two(minutes)}:${two(seconds)}.${fraction.toString().padStart(7, '0')}`;
}

export function kqlTimespan(value: unknown): string {
	if (value === null) return 'timespan(null)';
	return `timespan(${formatTimespanTicks(timespanTicks(value))})`;
}

// ---- dynamic ----

function dynamicBody(value: unknown, depth: number): string {
	if (depth > MAX_DYNAMIC_DEPTH) throw new KqlValueError(`the value is nested deeper than ${MAX_DYNAMIC_DEPTH} levels`);
	if (value === null || value === undefined) return 'null';
	if (typeof value === 'boolean') return value ? 'true' : 'false';
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new KqlValueError('a dynamic value cannot hold NaN or infinity');
		return realText(value);
	}
	if (typeof value === 'bigint') return value.toString();
	if (typeof value === 'string') return kqlString(value);
	if (value instanceof Date) return kqlString(value.toISOString());
	if (Array.isArray(value)) return `[${value.map((item) => dynamicBody(item, depth + 1)).join(', ')}]`;
	if (typeof value === 'object') {
		return `{${Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.map(([key, v]) => `${kqlString(key)}: ${dynamicBody(v, depth + 1)}`)
			.join(', ')}}`;
	}
	throw new KqlValueError('a dynamic value must be JSON: an object, array, string, number, boolean or null');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch {
		return { ok: false };
	}
}

/** `dynamic(…)` of a JSON value, or of JSON text (a string is parsed as JSON; give a JSON string as "\"text\""). */
export function kqlDynamic(value: unknown): string {
	let parsed = value;
	if (typeof value === 'string') {
		const json = parseJson(value);
		if (!json.ok) throw new KqlValueError('a dynamic value must be valid JSON');
		parsed = json.value;
	}
	const body = dynamicBody(parsed, 0);
	if (body.length > MAX_KQL_DYNAMIC_LENGTH) throw new KqlValueError(`the value is larger than ${MAX_KQL_DYNAMIC_LENGTH.toLocaleString('en-US')} characters as KQL`);
	return `dynamic(${body})`;
}

// ---- dispatch, names, let statements ----

export function kqlLiteral(type: KqlParameterType, value: unknown): string {
	switch (type) {
		case 'string':
			if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return kqlString(String(value));
			if (value === null || value === undefined) return kqlString('');
			return kqlString(value as string);
		case 'long':
			return kqlLong(value);
		case 'real':
			return kqlReal(value);
		case 'bool':
			return kqlBool(value);
		case 'datetime':
			return kqlDatetime(value);
		case 'timespan':
			return kqlTimespan(value);
		case 'dynamic':
			return kqlDynamic(value);
		default:
			throw new KqlValueError(`unknown parameter type '${String(type)}'`);
	}
}

/** Words that cannot be a `let` name without brackets (KQL keywords, operators and literal type names). */
const RESERVED = new Set(
	(
		'access alias and anomalychart areachart as asc barchart between bool boolean by columnchart consume contains count database datatable ' +
		'datetime date decimal declare default desc distinct double dynamic endswith evaluate extend externaldata facet false filter find fork ' +
		'from guid has hasprefix hassuffix in int int32 int64 into invoke join kind let like limit linechart long materialize mv-apply mv-expand ' +
		'not null of on or order parse partition pattern piechart print project range real reduce regex render restrict sample scan search serialize ' +
		'set sort startswith step string summarize table take time timespan to top toscalar true typeof union uuid uniqueid view where with'
	).split(' '),
);

export function validateKqlName(name: unknown): string {
	if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(name.trim())) {
		throw new KqlValueError('a parameter name must start with a letter or _ and contain only letters, digits and _ (at most 128)');
	}
	const trimmed = name.trim();
	if (RESERVED.has(trimmed.toLowerCase())) throw new KqlValueError(`'${trimmed}' is a KQL keyword; choose another parameter name`);
	return trimmed;
}

export interface KqlParameter {
	name: string;
	type: KqlParameterType;
	value: unknown;
}

/** Runs `render` and puts `context` in front of the message of a KqlValueError it raises. */
function withContext(context: string, render: () => string): string {
	let message: string | undefined;
	let text = '';
	try {
		text = render();
	} catch (error) {
		if (!(error instanceof KqlValueError)) message = 'the value could not be converted';
		else message = error.message;
	}
	if (message !== undefined) throw new KqlValueError(`${context}: ${message}`);
	return text;
}

/** `let name = <literal>;` lines, one per parameter. Errors name the parameter, never its value. */
export function renderLetStatements(parameters: KqlParameter[]): string {
	const seen = new Set<string>();
	return parameters
		.map((parameter, index) => {
			const name = withContext(`Parameter ${index + 1}`, () => validateKqlName(parameter.name));
			if (seen.has(name)) throw new KqlValueError(`Parameter '${name}' is defined twice`);
			seen.add(name);
			return `let ${name} = ${withContext(`Parameter '${name}' (${parameter.type})`, () => kqlLiteral(parameter.type, parameter.value))};\n`;
		})
		.join('');
}

/**
 * Splits a query into its leading `set` statements (query options, which must come first) and the rest, reading
 * strings and comments properly so a `;` inside them is not taken for a statement end.
 */
export function splitLeadingSetStatements(query: string): { sets: string; rest: string } {
	let index = 0;
	let end = 0;
	const skipSpaceAndComments = () => {
		for (;;) {
			while (index < query.length && /\s/.test(query[index])) index++;
			if (query.startsWith('//', index)) {
				while (index < query.length && query[index] !== '\n' && query[index] !== '\r') index++;
				continue;
			}
			return;
		}
	};
	for (;;) {
		skipSpaceAndComments();
		if (!/^set\s/.test(query.slice(index, index + 4))) break;
		const semicolon = findStatementEnd(query, index);
		if (semicolon < 0) break;
		index = semicolon + 1;
		end = index;
	}
	return { sets: query.slice(0, end), rest: query.slice(end) };
}

function findStatementEnd(query: string, from: number): number {
	let i = from;
	while (i < query.length) {
		const c = query[i];
		if (c === ';') return i;
		if (query.startsWith('//', i)) {
			while (i < query.length && query[i] !== '\n' && query[i] !== '\r') i++;
			continue;
		}
		if (query.startsWith('```', i) || query.startsWith('~~~', i)) {
			const close = query.indexOf(query.slice(i, i + 3), i + 3);
			if (close < 0) return -1;
			i = close + 3;
			continue;
		}
		if (c === '@' && (query[i + 1] === '"' || query[i + 1] === "'")) {
			const quote = query[i + 1];
			i += 2;
			while (i < query.length && !(query[i] === quote && query[i + 1] !== quote)) i += query[i] === quote ? 2 : 1;
			i++;
			continue;
		}
		if (c === '"' || c === "'") {
			i++;
			while (i < query.length && query[i] !== c) i += query[i] === '\\' ? 2 : 1;
			i++;
			continue;
		}
		i++;
	}
	return -1;
}

/** Whether the query already pins its evaluation time (`set query_now = …;`, as newer scheduled alerts do). */
export function setsQueryNow(query: string): boolean {
	return /(^|;)\s*set\s+query_now\s*=/m.test(splitLeadingSetStatements(query).sets);
}

/** The query with `let` statements for the parameters placed after its leading `set` statements. */
export function withParameters(query: string, parameters: KqlParameter[]): string {
	if (parameters.length === 0) return query;
	const lets = renderLetStatements(parameters);
	const { sets, rest } = splitLeadingSetStatements(query);
	return sets ? `${sets}\n${lets}${rest.replace(/^\s*\n/, '')}` : `${lets}${query}`;
}

/** The query pinned to `at` with `set query_now`, unless it pins itself already. */
export function pinQueryTime(query: string, at: Date): string {
	if (setsQueryNow(query)) return query;
	return `set query_now = ${kqlDatetime(at)};\n${query}`;
}
