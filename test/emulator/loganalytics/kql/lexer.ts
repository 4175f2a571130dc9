// KQL tokens as Kusto's grammar defines them (microsoft/Kusto-Query-Language grammar/KqlTokens.g4): quoted,
// verbatim and multi-line strings with C#-style escapes, typed literals such as `datetime(…)` whose content runs to
// the first `)`, timespan literals (`5m`, `1.5h`), `//` comments and the Unicode whitespace set Kusto skips.
import { KqlSyntaxError } from './errors';

export type TokenKind = 'ident' | 'string' | 'long' | 'real' | 'timespan' | 'typed' | 'punct' | 'eof';

export interface Token {
	kind: TokenKind;
	/** ident: name; string: decoded value; punct: the operator; typed: the type keyword; numbers: source text. */
	text: string;
	/** Decoded value of string and typed literals (typed: the raw text between the parentheses). */
	value?: string;
	/** Timespan literals: 100 ns ticks. */
	ticks?: bigint;
	/** Bracketed identifier (`['x']`, made by the parser): never a keyword. */
	quoted?: boolean;
	start: number;
	end: number;
	line: number;
	pos: number;
	/** Whitespace or a comment came before this token. */
	spaced: boolean;
}

const WHITESPACE = new Set([
	'\t', ' ', '\r', '\n', '\f', '\u00a0', '\u1680', '\u180e', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006',
	'\u2007', '\u2008', '\u2009', '\u200a', '\u200b', '\u202f', '\u205f', '\u3000', '\ufeff',
]);

/** Keywords that start a literal whose content is everything up to the next `)`. */
export const TYPED_LITERALS = new Map<string, string>([
	['datetime', 'datetime'],
	['date', 'datetime'],
	['timespan', 'timespan'],
	['time', 'timespan'],
	['long', 'long'],
	['int64', 'long'],
	['int', 'int'],
	['int32', 'int'],
	['real', 'real'],
	['double', 'real'],
	['bool', 'bool'],
	['boolean', 'bool'],
	['guid', 'guid'],
	['uuid', 'guid'],
	['uniqueid', 'guid'],
	['decimal', 'decimal'],
]);

const PUNCTUATION = ['=>', '==', '=~', '!=', '!~', '<>', '<=', '>=', '..', '|', '(', ')', '[', ']', '{', '}', ',', ';', ':', '.', '=', '<', '>', '+', '-', '*', '/', '%', '!', '?', '@', '~'];

export const TICKS_PER_MS = 10_000n;
const TICKS: Array<[RegExp, bigint]> = [
	[/^(d|day|days)$/, 864_000_000_000n],
	[/^(h|hr|hrs|hour|hours)$/, 36_000_000_000n],
	[/^(m|min|minute|minutes)$/, 600_000_000n],
	[/^(s|sec|second|seconds)$/, 10_000_000n],
	[/^(ms|milli|millis|millisec|millisecond|milliseconds)$/, 10_000n],
	[/^(micro|micros|microsec|microsecond|microseconds)$/, 10n],
	[/^(tick|ticks)$/, 1n],
];

/** Ticks per unit of a timespan suffix, or undefined. Nanoseconds are ticks / 100 and handled by the caller. */
export function timespanUnit(unit: string): bigint | undefined {
	return TICKS.find(([pattern]) => pattern.test(unit))?.[1];
}

/** `1.5` × unit ticks, exactly (decimal text, no floating point). */
export function scaleTicks(number: string, unitTicks: bigint, divisor = 1n): bigint {
	const [whole, fraction = ''] = number.split('.');
	const scale = 10n ** BigInt(fraction.length);
	return (BigInt(whole + fraction) * unitTicks) / scale / divisor;
}

const isIdentStart = (c: string) => /[A-Za-z_$]/.test(c);
const isIdentPart = (c: string) => /[A-Za-z0-9_]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

export function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	let line = 1;
	let lineStart = 0;
	let spaced = false;

	const fail = (message: string, at: number): never => {
		const before = text.slice(0, at);
		const lineNo = before.split(/\r\n|\r|\n/).length;
		const col = at - Math.max(before.lastIndexOf('\n'), before.lastIndexOf('\r')) - 1;
		throw new KqlSyntaxError(message, lineNo, col, text.slice(at, at + 1));
	};
	const push = (token: Omit<Token, 'line' | 'pos' | 'spaced'>) => {
		tokens.push({ ...token, line, pos: token.start - lineStart, spaced });
		spaced = false;
	};
	const advanceLines = (from: number, to: number) => {
		for (let k = from; k < to; k++) {
			if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] !== '\n')) {
				line++;
				lineStart = k + 1;
			}
		}
	};

	while (i < text.length) {
		const c = text[i];
		if (WHITESPACE.has(c)) {
			advanceLines(i, i + 1);
			i++;
			spaced = true;
			continue;
		}
		if (c === '/' && text[i + 1] === '/') {
			while (i < text.length && !['\n', '\r', '\u2028', '\u2029'].includes(text[i])) i++;
			spaced = true;
			continue;
		}
		const start = i;

		// Multi-line strings: ``` … ``` or ~~~ … ~~~ (optionally h-prefixed); no escapes.
		const fence = text.startsWith('```', i) ? '```' : text.startsWith('~~~', i) ? '~~~' : undefined;
		const hFence = /[hH]/.test(c) && (text.startsWith('```', i + 1) || text.startsWith('~~~', i + 1)) ? text.slice(i + 1, i + 4) : undefined;
		if (fence || hFence) {
			const open = fence ?? (hFence as string);
			const contentStart = i + (fence ? 3 : 4);
			const close = text.indexOf(open, contentStart);
			if (close < 0) fail('Unterminated multi-line string literal', start);
			push({ kind: 'string', text: text.slice(start, close + 3), value: text.slice(contentStart, close), start, end: close + 3 });
			advanceLines(start, close + 3);
			i = close + 3;
			continue;
		}

		// Quoted strings, optionally verbatim (@) and/or obfuscated (h).
		let q = i;
		if (/[hH]/.test(text[q]) && (text[q + 1] === '"' || text[q + 1] === "'" || (text[q + 1] === '@' && /["']/.test(text[q + 2] ?? '')))) q++;
		const verbatim = text[q] === '@' && /["']/.test(text[q + 1] ?? '');
		if (verbatim) q++;
		if (text[q] === '"' || text[q] === "'") {
			const quote = text[q];
			const { value, end } = readString(text, q + 1, quote, verbatim, start, fail);
			push({ kind: 'string', text: text.slice(start, end), value, start, end });
			i = end;
			continue;
		}

		if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
			i = readNumber(text, i, push, fail);
			continue;
		}

		if (isIdentStart(c)) {
			let j = i + 1;
			while (j < text.length && isIdentPart(text[j])) j++;
			const word = text.slice(i, j);
			const typed = TYPED_LITERALS.get(word);
			if (typed && text[j] === '(') {
				const close = text.indexOf(')', j + 1);
				if (close < 0) fail(`Unterminated ${word}(...) literal`, start);
				push({ kind: 'typed', text: typed, value: text.slice(j + 1, close).trim(), start, end: close + 1 });
				advanceLines(j, close + 1);
				i = close + 1;
				continue;
			}
			push({ kind: 'ident', text: word, start, end: j });
			i = j;
			continue;
		}

		const punct = PUNCTUATION.find((p) => text.startsWith(p, i));
		if (!punct) fail(`Unexpected character '${c}'`, i);
		push({ kind: 'punct', text: punct as string, start, end: i + (punct as string).length });
		i += (punct as string).length;
	}
	tokens.push({ kind: 'eof', text: '', start: text.length, end: text.length, line, pos: text.length - lineStart, spaced });
	return tokens;
}

/** A string literal's body from `from` (just after the opening quote); verbatim (`@"…"`) strings have no escapes but a doubled quote. */
function readString(
	text: string,
	from: number,
	quote: string,
	verbatim: boolean,
	start: number,
	fail: (message: string, at: number) => never,
): { value: string; end: number } {
	let out = '';
	let i = from;
	for (;;) {
		if (i >= text.length || text[i] === '\n' || text[i] === '\r') fail('Unterminated string literal', start);
		const c = text[i];
		if (c === quote) {
			if (!verbatim || text[i + 1] !== quote) return { value: out, end: i + 1 };
			out += quote;
			i += 2;
			continue;
		}
		if (verbatim || c !== '\\') {
			out += c;
			i++;
			continue;
		}
		const e = text[i + 1];
		const simple: Record<string, string> = { '\\': '\\', '"': '"', "'": "'", n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b', f: '\f', v: '\v' };
		if (e !== undefined && e in simple) {
			out += simple[e];
			i += 2;
		} else if (e === 'u' || e === 'U') {
			const digits = e === 'u' ? 4 : 8;
			const hex = text.slice(i + 2, i + 2 + digits);
			if (!new RegExp(`^[0-9A-Fa-f]{${digits}}$`).test(hex)) fail('Invalid \\u escape in a string literal', i);
			const code = parseInt(hex, 16);
			if (code > 0x10ffff) fail('Invalid \\U escape in a string literal', i);
			out += String.fromCodePoint(code);
			i += 2 + digits;
		} else if (e === 'x') {
			const hex = /^[0-9A-Fa-f]{1,4}/.exec(text.slice(i + 2, i + 6))?.[0];
			if (!hex) fail('Invalid \\x escape in a string literal', i);
			out += String.fromCharCode(parseInt(hex as string, 16));
			i += 2 + (hex as string).length;
		} else if (e !== undefined && /[0-7]/.test(e)) {
			const octal = /^([0-3][0-7]{2}|[0-7]{1,2})/.exec(text.slice(i + 1, i + 4))?.[0] as string;
			out += String.fromCharCode(parseInt(octal, 8));
			i += 1 + octal.length;
		} else {
			fail('Invalid escape sequence in a string literal', i);
		}
	}
}

function readNumber(
	text: string,
	from: number,
	push: (token: Omit<Token, 'line' | 'pos' | 'spaced'>) => void,
	fail: (message: string, at: number) => never,
): number {
	let i = from;
	if (text[i] === '0' && /[xX]/.test(text[i + 1] ?? '') && /[0-9A-Fa-f]/.test(text[i + 2] ?? '')) {
		i += 2;
		while (/[0-9A-Fa-f]/.test(text[i] ?? '')) i++;
		push({ kind: 'long', text: text.slice(from, i), start: from, end: i });
		return i;
	}
	while (isDigit(text[i] ?? '')) i++;
	let isReal = false;
	// `1..5` is a range, not the real `1.` followed by `.5`.
	if (text[i] === '.' && text[i + 1] !== '.') {
		isReal = true;
		i++;
		while (isDigit(text[i] ?? '')) i++;
	}
	const mantissaEnd = i;
	if (/[eE]/.test(text[i] ?? '') && /[+-]?\d/.test(text.slice(i + 1, i + 3))) {
		isReal = true;
		i++;
		if (/[+-]/.test(text[i])) i++;
		while (isDigit(text[i] ?? '')) i++;
	}
	if (i === mantissaEnd && /[A-Za-z]/.test(text[i] ?? '')) {
		let j = i;
		while (/[A-Za-z]/.test(text[j] ?? '')) j++;
		const unit = text.slice(i, j);
		const number = text.slice(from, i);
		if (isIdentPart(text[j] ?? '') || !/^\d+(\.\d+)?$/.test(number)) fail(`Invalid numeric literal '${text.slice(from, j)}'`, from);
		const unitTicks = timespanUnit(unit);
		let ticks: bigint;
		if (unitTicks !== undefined) ticks = scaleTicks(number, unitTicks);
		else if (/^(nano|nanos|nanosec|nanosecond|nanoseconds)$/.test(unit)) ticks = scaleTicks(number, 1n, 100n);
		else return fail(`Invalid timespan unit '${unit}'`, from);
		push({ kind: 'timespan', text: text.slice(from, j), ticks, start: from, end: j });
		return j;
	}
	push({ kind: isReal ? 'real' : 'long', text: text.slice(from, i), start: from, end: i });
	return i;
}
