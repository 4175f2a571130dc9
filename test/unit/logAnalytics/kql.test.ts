/**
 * The KQL literal helpers on their own: exact renderings, what they reject, and a randomised round trip through the
 * emulator's KQL parser (the Kusto grammar's tokens) — every generated literal must read back as one literal with
 * exactly the original value.
 */
import {
	kqlBool,
	kqlDatetime,
	kqlDynamic,
	kqlLiteral,
	kqlLong,
	kqlReal,
	kqlString,
	kqlTimespan,
	KqlValueError,
	pinQueryTime,
	renderLetStatements,
	setsQueryNow,
	splitLeadingSetStatements,
	withParameters,
} from '../../../nodes/AzureLogAnalytics/helpers/kql';
import { SeededRandom } from '../../emulator/generator/random';
import { formatDatetime, formatTimespan, parseKql, stripSpans, tokenize } from '../../emulator/loganalytics/kql';

/** The value of `let v = <literal>;` as the emulator's parser decodes it. */
function decode(literal: string): unknown {
	const ast = parseKql(`let v = ${literal};\nprint v`);
	expect(ast.statements).toHaveLength(2);
	const statement = ast.statements[0];
	if (statement.kind !== 'let' || statement.value.kind !== 'literal') throw new Error(`not a literal: ${literal}`);
	return statement.value.value;
}

describe('kqlString', () => {
	it.each([
		['plain', 'abc', '"abc"'],
		['quotes and backslashes', 'a"b\\c\'d', '"a\\"b\\\\c\'d"'],
		['line breaks and tabs', 'a\nb\r\nc\td', '"a\\nb\\r\\nc\\td"'],
		['controls and invisible characters', '\u0000\u0007\u0085\u2028\u2029\u200b\u202e\ufeff', '"\\u0000\\u0007\\u0085\\u2028\\u2029\\u200b\\u202e\\ufeff"'],
		['astral format characters', '\u{E0041}', '"\\U000e0041"'],
		['letters and emoji stay as they are', 'Grüße 你好 🙂', '"Grüße 你好 🙂"'],
	])('%s', (_label, value, expected) => {
		expect(kqlString(value)).toBe(expected);
		expect(decode(kqlString(value))).toBe(value);
	});

	it('never contains a raw line break, and is one string token', () => {
		const literal = kqlString('x\n| take 1\r\u2028');
		expect(literal).not.toMatch(/[\r\n]/);
		const tokens = tokenize(literal);
		expect(tokens.map((t) => t.kind)).toEqual(['string', 'eof']);
	});

	it('rejects unpaired surrogates and over-long text without repeating the value', () => {
		expect(() => kqlString('a\ud800')).toThrow(new KqlValueError('the text contains an unpaired UTF-16 surrogate, which KQL (UTF-8) cannot represent'));
		expect(() => kqlString('\udc00b')).toThrow(KqlValueError);
		expect(() => kqlString('y'.repeat(32_769))).toThrow('the text is longer than 32,768 characters');
		expect(kqlString('y'.repeat(32_768))).toHaveLength(32_770);
	});
});

describe('typed literals', () => {
	it('long: exact 64-bit values, nothing else', () => {
		expect(kqlLong('42')).toBe('long(42)');
		expect(kqlLong(-7)).toBe('long(-7)');
		expect(kqlLong(9223372036854775807n)).toBe('long(9223372036854775807)');
		expect(decode(kqlLong('-9223372036854775808'))).toBe(-9223372036854775808n);
		expect(kqlLong(null)).toBe('long(null)');
		for (const bad of ['1.5', '1e3', '0x10', '', ' ', '5)', '9223372036854775808', '--1', 1.5, 2 ** 60, {}, true]) {
			expect(() => kqlLong(bad)).toThrow(KqlValueError);
		}
	});

	it('real: shortest exact text, nan and infinities', () => {
		expect(kqlReal('3.14')).toBe('real(3.14)');
		expect(kqlReal(1e21)).toBe('real(1e21)');
		expect(kqlReal(1.5e-7)).toBe('real(1.5e-7)');
		expect(kqlReal(-0)).toBe('real(-0.0)');
		expect(kqlReal('NaN')).toBe('real(nan)');
		expect(kqlReal(Infinity)).toBe('real(+inf)');
		expect(kqlReal('-inf')).toBe('real(-inf)');
		expect(decode(kqlReal(0.1 + 0.2))).toBe(0.1 + 0.2);
		expect(decode(kqlReal(Number.MAX_VALUE))).toBe(Number.MAX_VALUE);
		expect(decode(kqlReal(5e-324))).toBe(5e-324);
		for (const bad of ['1,5', 'abc', '1e999', '', '1)', true, {}]) expect(() => kqlReal(bad)).toThrow(KqlValueError);
	});

	it('bool', () => {
		expect(kqlBool(true)).toBe('bool(true)');
		expect(kqlBool(' False ')).toBe('bool(false)');
		for (const bad of ['yes', '1', 1, 'true)']) expect(() => kqlBool(bad)).toThrow(KqlValueError);
	});

	it('datetime: normalised to UTC with 7 fractional digits', () => {
		expect(kqlDatetime('2024-05-01T08:30:00Z')).toBe('datetime(2024-05-01T08:30:00.0000000Z)');
		expect(kqlDatetime('2024-05-01')).toBe('datetime(2024-05-01T00:00:00.0000000Z)');
		expect(kqlDatetime('2024-05-01T08:30:00.1234567+02:00')).toBe('datetime(2024-05-01T06:30:00.1234567Z)');
		expect(kqlDatetime('2020-03-28 18:45:59Z')).toBe('datetime(2020-03-28T18:45:59.0000000Z)');
		expect(kqlDatetime(new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999)))).toBe('datetime(1999-12-31T23:59:59.9990000Z)');
		expect(kqlDatetime('0001-01-01T00:00:00Z')).toBe('datetime(0001-01-01T00:00:00.0000000Z)');
		expect(formatDatetime(decode(kqlDatetime('2024-02-29T23:59:59.9999999Z')) as bigint)).toBe('2024-02-29T23:59:59.9999999Z');
		for (const bad of ['2023-02-29', '2024-13-01', '2024-05-01T24:00:00Z', 'yesterday', '2024-05-01T08:30:00.12345678Z', '2024-05-01) | take 1', new Date('x'), 1714552200000]) {
			expect(() => kqlDatetime(bad)).toThrow(KqlValueError);
		}
	});

	it('timespan: KQL, .NET and ISO 8601 forms, exact ticks', () => {
		expect(kqlTimespan('90m')).toBe('timespan(0.01:30:00.0000000)');
		expect(kqlTimespan('1.5h')).toBe('timespan(0.01:30:00.0000000)');
		expect(kqlTimespan('2d')).toBe('timespan(2.00:00:00.0000000)');
		expect(kqlTimespan('-00:00:00.5')).toBe('timespan(-0.00:00:00.5000000)');
		expect(kqlTimespan('PT1H30M')).toBe('timespan(0.01:30:00.0000000)');
		expect(kqlTimespan('P1W')).toBe('timespan(7.00:00:00.0000000)');
		expect(kqlTimespan('100ms')).toBe('timespan(0.00:00:00.1000000)');
		expect(formatTimespan(decode(kqlTimespan('10675199.02:48:05.4775807')) as bigint)).toBe('10675199.02:48:05.4775807');
		for (const bad of ['5 parsecs', '25:00:00', '1d)', 'P', 'PT', '', 90, '10675200d']) expect(() => kqlTimespan(bad)).toThrow(KqlValueError);
	});

	it('dynamic: JSON values and JSON text, built with the string rule', () => {
		expect(kqlDynamic('{"a": [1, "x\\"y", null, true]}')).toBe('dynamic({"a": [1, "x\\"y", null, true]})');
		expect(kqlDynamic({ k: 'v\n' })).toBe('dynamic({"k": "v\\n"})');
		expect(kqlDynamic('"text"')).toBe('dynamic("text")');
		expect(kqlDynamic(null)).toBe('dynamic(null)');
		expect(decode(kqlDynamic('{"__proto__": {"x": 1}}'))).toEqual(JSON.parse('{"__proto__": {"x": 1}}'));
		expect(() => kqlDynamic('{a: 1}')).toThrow('a dynamic value must be valid JSON');
		expect(() => kqlDynamic({ n: NaN })).toThrow(KqlValueError);
		let deep: unknown = 1;
		for (let i = 0; i < 40; i++) deep = [deep];
		expect(() => kqlDynamic(deep)).toThrow('nested deeper than 32 levels');
	});

	it('kqlLiteral dispatches by type and turns numbers into text for strings', () => {
		expect(kqlLiteral('string', 5)).toBe('"5"');
		expect(kqlLiteral('string', null)).toBe('""');
		expect(() => kqlLiteral('string', { a: 1 })).toThrow(KqlValueError);
		expect(() => kqlLiteral('nope' as never, 1)).toThrow("unknown parameter type 'nope'");
	});
});

describe('let statements and query options', () => {
	it('renders one let per parameter and validates names', () => {
		expect(renderLetStatements([{ name: 'a', type: 'string', value: 'x' }, { name: '_b2', type: 'long', value: 3 }])).toBe('let a = "x";\nlet _b2 = long(3);\n');
		expect(() => renderLetStatements([{ name: '2a', type: 'string', value: '' }])).toThrow(/^Parameter 1: a parameter name must start/);
		expect(() => renderLetStatements([{ name: 'Project', type: 'string', value: '' }])).toThrow("Parameter 1: 'Project' is a KQL keyword; choose another parameter name");
		expect(() => renderLetStatements([{ name: 'a', type: 'long', value: 'x' }])).toThrow("Parameter 'a' (long): a long must be a whole number such as 42 or -7");
	});

	it('finds leading set statements, ignoring semicolons in strings and comments', () => {
		const query = 'set a = "x;y"; // c;\nset query_now = datetime(2020-01-01);\nT | where s == ";"';
		expect(splitLeadingSetStatements(query)).toEqual({ sets: 'set a = "x;y"; // c;\nset query_now = datetime(2020-01-01);', rest: '\nT | where s == ";"' });
		expect(splitLeadingSetStatements('settings | take 1')).toEqual({ sets: '', rest: 'settings | take 1' });
		expect(setsQueryNow(query)).toBe(true);
		expect(setsQueryNow('T | where x == "set query_now = 1"')).toBe(false);
	});

	it('places parameters after the options and keeps the rest of the query as it was', () => {
		const query = 'set query_now = datetime(2020-01-01);\nT | where a == p';
		const withLets = withParameters(query, [{ name: 'p', type: 'string', value: 'v' }]);
		expect(withLets).toBe('set query_now = datetime(2020-01-01);\nlet p = "v";\nT | where a == p');
		expect(stripSpans(parseKql(withLets).statements.slice(2))).toEqual(stripSpans(parseKql(query).statements.slice(1)));
		expect(withParameters('T', [])).toBe('T');
	});

	it('pins the query time unless the query does', () => {
		expect(pinQueryTime('T | take 1', new Date('2024-05-01T08:30:00Z'))).toBe('set query_now = datetime(2024-05-01T08:30:00.0000000Z);\nT | take 1');
		expect(pinQueryTime('set query_now = datetime(2020-01-01);\nT', new Date())).toBe('set query_now = datetime(2020-01-01);\nT');
	});
});

describe('randomised round trip through the KQL grammar', () => {
	const alphabet = ['"', "'", '\\', '\n', '\r', '\t', '|', ';', '/', '*', '`', '@', 'h', '(', ')', '[', ']', '{', '}', '$', '=', '~', ' ', '\u0000', '\u001f', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\u200b', '\u202e', '\ufeff', 'é', '你', '🙂', 'a', 'Z', '0', '9', '.', '-', '+', ':', ','];
	const rng = new SeededRandom(20240501);

	it('1,000 random strings decode to themselves', () => {
		for (let i = 0; i < 1000; i++) {
			const length = rng.int(0, 40);
			const value = Array.from({ length }, () => rng.pick(alphabet)).join('');
			expect(decode(kqlString(value))).toBe(value);
		}
	});

	it('300 random JSON values decode to themselves as dynamic', () => {
		const randomValue = (depth: number): unknown => {
			const kind = rng.int(0, depth > 3 ? 3 : 5);
			if (kind === 0) return null;
			if (kind === 1) return rng.chance(0.5);
			if (kind === 2) return (rng.next() - 0.5) * 10 ** rng.int(-5, 12);
			if (kind === 3) return Array.from({ length: rng.int(0, 12) }, () => rng.pick(alphabet)).join('');
			if (kind === 4) return Array.from({ length: rng.int(0, 4) }, () => randomValue(depth + 1));
			return Object.fromEntries(Array.from({ length: rng.int(0, 4) }, () => [Array.from({ length: rng.int(0, 6) }, () => rng.pick(alphabet)).join(''), randomValue(depth + 1)]));
		};
		for (let i = 0; i < 300; i++) {
			// As JSON text (what a user types) and as the value itself (what an expression hands over); a bare string
			// value is JSON text by definition, so only the text form applies to it.
			const value = randomValue(0);
			const expected = JSON.stringify(value);
			expect(JSON.stringify(decode(kqlDynamic(expected)))).toBe(expected);
			if (typeof value !== 'string') expect(JSON.stringify(decode(kqlDynamic(value)))).toBe(expected);
		}
	});

	it('random datetimes and timespans keep their ticks', () => {
		for (let i = 0; i < 300; i++) {
			const ms = rng.int(-30_000_000, 30_000_000) * 100_000;
			const sub = String(rng.int(0, 9999)).padStart(4, '0');
			const iso = `${new Date(ms).toISOString().slice(0, -1)}${sub}Z`;
			expect(formatDatetime(decode(kqlDatetime(iso)) as bigint)).toBe(iso);
			const span = `${rng.int(0, 400)}.${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}.${String(rng.int(1, 9_999_999)).padStart(7, '0')}`;
			const formatted = formatTimespan(decode(kqlTimespan(span)) as bigint);
			expect(formatted.replace(/^0\./, '')).toBe(span.replace(/^0\./, ''));
		}
	});
});
