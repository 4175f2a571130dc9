/**
 * Hostile parameter values cannot change a query's structure. Each value travels from an input item through an
 * n8n expression into a Run Query parameter; the query text the emulator received is parsed with the emulator's
 * KQL engine and must be exactly the parameter's `let` statement followed by the user's query, unchanged
 * (syntax trees compared without positions), and the literal must decode to exactly the value that went in —
 * which the query then echoes back into the node's output.
 */
import { formatDatetime, formatTimespan, parseKql, stripSpans, type Statement } from '../../emulator/loganalytics/kql';
import { startEmulator, type Emulator } from '../../emulator';
import { run, runQueryParameters } from './support';

jest.setTimeout(120_000);

const USER_QUERY = 'SigninLogs\n| where UserPrincipalName == tostring(p) or ResultType == "never"\n| summarize matches = count()\n| extend echoed = p';

interface Case {
	label: string;
	type: 'string' | 'long' | 'real' | 'bool' | 'datetime' | 'timespan' | 'dynamic';
	value: unknown;
	/** What the literal must decode to, in the form the checks below compare (defaults to `value`). */
	decoded?: unknown;
	/** What the node outputs as `echoed` (defaults to `decoded`); `skip` when JS numbers cannot hold it exactly. */
	echoed?: unknown;
}

const longText = Array.from({ length: 600 }, (_, i) => `"${i}'\\\n| take ${i}; // `).join('');

const HOSTILE: Case[] = [
	{ label: 'double quote', type: 'string', value: '"' },
	{ label: 'single quote', type: 'string', value: "'" },
	{ label: 'backslash', type: 'string', value: '\\' },
	{ label: 'escaped quote sequence', type: 'string', value: '\\"' },
	{ label: 'trailing backslash before quote', type: 'string', value: 'abc\\' },
	{ label: 'close string, always-true filter, comment', type: 'string', value: '" or 1==1 //' },
	{ label: 'statement break into another table', type: 'string', value: '"; SecurityEvent | take 100; print "' },
	{ label: 'single-quote break-out', type: 'string', value: "') | project secret //" },
	{ label: 'newline then pipe', type: 'string', value: 'x\n| take 1000000' },
	{ label: 'CRLF then where', type: 'string', value: 'x\r\n| where true' },
	{ label: 'bare CR', type: 'string', value: 'a\rb' },
	{ label: 'pipe operator', type: 'string', value: '| summarize count() by UserPrincipalName' },
	{ label: 'semicolon', type: 'string', value: ';' },
	{ label: 'line comment', type: 'string', value: '// everything after is a comment' },
	{ label: 'block-comment-like text', type: 'string', value: '/* not a comment in KQL */' },
	{ label: 'multi-line string fence', type: 'string', value: '```\n| take 1\n```' },
	{ label: 'verbatim string syntax', type: 'string', value: '@"C:\\temp\\"' },
	{ label: 'obfuscated string syntax', type: 'string', value: 'h"secret"' },
	{ label: 'escape-like text', type: 'string', value: '\\u0022\\n\\x41\\t' },
	{ label: 'tab, NUL and bell', type: 'string', value: 'a\tb\u0000c\u0007d' },
	{ label: 'Unicode letters and emoji', type: 'string', value: 'Grüße 你好 🙂 Ωmega' },
	{ label: 'combining characters', type: 'string', value: 'e\u0301 a\u0308' },
	{ label: 'right-to-left override', type: 'string', value: '\u202e"; take 1 //' },
	{ label: 'line and paragraph separators', type: 'string', value: 'a\u2028| take 1\u2029b' },
	{ label: 'zero-width space and BOM', type: 'string', value: '\u200b\ufeff"' },
	{ label: 'NEL (U+0085)', type: 'string', value: 'x\u0085| take 1' },
	{ label: 'a let statement', type: 'string', value: 'let p = 1;' },
	{ label: 'typed-literal text with parentheses', type: 'string', value: 'datetime(2020-01-01) ) | take 1' },
	{ label: 'brackets and braces', type: 'string', value: "['p'] }{ ][" },
	{ label: 'SQL-style injection', type: 'string', value: "'; drop table x; --" },
	{ label: 'n8n expression text', type: 'string', value: '{{ $json.secret }} ={{ 1 }}' },
	{ label: 'URL-encoded quotes', type: 'string', value: '%22%27%0A' },
	{ label: 'HTML', type: 'string', value: '<script>alert("x")</script>' },
	{ label: 'empty string', type: 'string', value: '' },
	{ label: 'astral format character', type: 'string', value: 'tag\u{E0041}\u{E007F}' },
	{ label: 'very long, quotes, newlines and pipes (20k+ characters)', type: 'string', value: longText },
	{ label: 'long: int64 max', type: 'long', value: '9223372036854775807', decoded: 9223372036854775807n, echoed: 'skip' },
	{ label: 'long: int64 min', type: 'long', value: '-9223372036854775808', decoded: -9223372036854775808n, echoed: 'skip' },
	{ label: 'long: with spaces around', type: 'long', value: ' 42 ', decoded: 42n, echoed: 42 },
	{ label: 'real: huge', type: 'real', value: '1e308', decoded: 1e308 },
	{ label: 'real: negative zero', type: 'real', value: '-0', decoded: -0, echoed: 0 },
	{ label: 'real: NaN', type: 'real', value: 'NaN', decoded: NaN, echoed: 'NaN' },
	{ label: 'real: -infinity', type: 'real', value: '-inf', decoded: -Infinity, echoed: '-Infinity' },
	{ label: 'bool: TRUE (case)', type: 'bool', value: 'TRUE', decoded: true },
	{ label: 'datetime: leap second-ish end of day, 7 digits', type: 'datetime', value: '2024-02-29T23:59:59.9999999Z', decoded: '2024-02-29T23:59:59.9999999Z' },
	{ label: 'datetime: offset', type: 'datetime', value: '2024-01-01T00:00:00+05:30', decoded: '2023-12-31T18:30:00.0000000Z' },
	{ label: 'datetime: Sentinel spaced form', type: 'datetime', value: '2020-03-28 18:45:59Z', decoded: '2020-03-28T18:45:59.0000000Z' },
	{ label: 'timespan: 1.5h', type: 'timespan', value: '1.5h', decoded: '01:30:00' },
	{ label: 'timespan: negative clock', type: 'timespan', value: '-00:30:00', decoded: '-00:30:00' },
	{ label: 'timespan: ISO 8601', type: 'timespan', value: 'P1DT2H3M4.5S', decoded: '1.02:03:04.5000000' },
	{ label: 'dynamic: breakout attempts inside JSON', type: 'dynamic', value: '{"a":"\\"); SecurityEvent | take 1 //","b":[1,"\\n| take 5"],"c":{"d":null}}' },
	{ label: 'dynamic: array of hostile strings', type: 'dynamic', value: `["a\\"b", "'", "\\\\", "\\u2028", {"k;": "|"}]` },
	{ label: 'dynamic: __proto__ key', type: 'dynamic', value: '{"__proto__": {"polluted": true}, "x": 1}' },
	{ label: 'dynamic: bare string', type: 'dynamic', value: '"just \\"text\\""' },
	{ label: 'dynamic: object from the item (not text)', type: 'dynamic', value: { nested: { quote: '"', list: ['|', ';'] }, n: -1.5e-7 } },
];

/** Values that cannot be written as their type: the item fails and nothing is sent. */
const REJECTED: Array<{ label: string; type: Case['type']; value: unknown; message: RegExp }> = [
	{ label: 'long with a query tail', type: 'long', value: '5) | take 1000 //', message: /a long must be a whole number/ },
	{ label: 'long out of range', type: 'long', value: '9223372036854775808', message: /outside the range of a 64-bit long/ },
	{ label: 'long hex', type: 'long', value: '0x10', message: /a long must be a whole number/ },
	{ label: 'real with a query tail', type: 'real', value: '1.5) | take 1', message: /a real must be a number/ },
	{ label: 'bool with a condition', type: 'bool', value: 'false) or (true', message: /a bool must be true or false/ },
	{ label: 'datetime with a query tail', type: 'datetime', value: '2024-01-01) | take 1', message: /ISO 8601/ },
	{ label: 'datetime out of calendar', type: 'datetime', value: '2023-02-29T00:00:00Z', message: /out of range/ },
	{ label: 'timespan with a query tail', type: 'timespan', value: '1d) | take 1', message: /a timespan must be/ },
	{ label: 'dynamic that is not JSON', type: 'dynamic', value: '{a: 1}) | take 1', message: /valid JSON/ },
	{ label: 'string with an unpaired surrogate', type: 'string', value: 'bad \ud800 half', message: /unpaired UTF-16 surrogate/ },
	{ label: 'string longer than 32,768 characters', type: 'string', value: 'x'.repeat(32_769), message: /longer than 32,768 characters/ },
];

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});

afterAll(() => emu.stop());

function decodedForm(statement: Statement): unknown {
	if (statement.kind !== 'let' || statement.value.kind !== 'literal') throw new Error(`not a literal let: ${JSON.stringify(stripSpans(statement))}`);
	const { type, value } = statement.value;
	if (type === 'datetime') return formatDatetime(value as bigint);
	if (type === 'timespan') return formatTimespan(value as bigint);
	return value;
}

const expectedUserStatements = stripSpans(parseKql(USER_QUERY).statements);

describe('parameters cannot change the structure of a query', () => {
	it('has at least 30 hostile values', () => {
		expect(HOSTILE.length + REJECTED.length).toBeGreaterThanOrEqual(30);
	});

	it.each(HOSTILE.map((c) => [c.label, c] as const))('%s', async (_label, hostile) => {
		emu.logAnalytics.clearQueries();
		const result = await run(
			emu,
			runQueryParameters(emu, { query: USER_QUERY, parameters: { parameter: [{ name: 'p', type: hostile.type, value: '={{ $json.v }}' }] } }),
			[{ v: hostile.value as never }],
		);
		expect(result.error).toBeUndefined();
		const received = emu.logAnalytics.queries;
		expect(received).toHaveLength(1);
		const ast = parseKql(received[0].query);

		// Structure: exactly one `let p = <literal of the declared type>;` and then the user's query, unchanged.
		expect(ast.statements).toHaveLength(1 + expectedUserStatements.length);
		const [letStatement, ...rest] = ast.statements;
		expect(letStatement).toMatchObject({ kind: 'let', name: 'p', value: { kind: 'literal', type: hostile.type } });
		expect(stripSpans(rest)).toEqual(expectedUserStatements);

		// Value: the literal decodes to exactly what went in.
		const expected = hostile.decoded ?? (hostile.type === 'dynamic' && typeof hostile.value === 'string' ? JSON.parse(hostile.value) : hostile.value);
		const decoded = decodedForm(letStatement);
		if (typeof expected === 'number' && Number.isNaN(expected)) expect(Number.isNaN(decoded as number)).toBe(true);
		else if (hostile.type === 'dynamic') expect(JSON.stringify(decoded)).toBe(JSON.stringify(expected));
		else expect(decoded).toEqual(expected);

		// And the query echoes it back into the node's output unchanged.
		expect(result.items).toHaveLength(1);
		const echoed = hostile.echoed ?? expected;
		if (echoed !== 'skip') {
			if (typeof echoed === 'bigint') expect(result.items[0].json.echoed).toBe(Number(echoed));
			else if (hostile.type === 'dynamic') expect(JSON.stringify(result.items[0].json.echoed)).toBe(JSON.stringify(echoed));
			else if (hostile.type === 'datetime') expect(result.items[0].json.echoed).toBe(echoed);
			else expect(result.items[0].json.echoed).toEqual(echoed);
		}
		expect(result.items[0].json.matches).toBe(0);
	});

	it.each(REJECTED.map((c) => [c.label, c] as const))('rejects %s without sending a query', async (_label, rejected) => {
		emu.logAnalytics.clearQueries();
		const result = await run(
			emu,
			runQueryParameters(emu, { query: USER_QUERY, parameters: { parameter: [{ name: 'p', type: rejected.type, value: '={{ $json.v }}' }] } }),
			[{ v: rejected.value as never }],
		);
		expect(result.error?.message).toMatch(rejected.message);
		expect(result.error?.message).toMatch(/^Parameter 'p' \(\w+\): /);
		// The message names the problem, never the value.
		if (typeof rejected.value === 'string' && rejected.value.length > 3) expect(result.error?.message).not.toContain(rejected.value);
		expect(emu.logAnalytics.queries).toHaveLength(0);
	});

	it('keeps the structure with several parameters of every type at once', async () => {
		emu.logAnalytics.clearQueries();
		const parameters = [
			{ name: 'a', type: 'string', value: '"; print x //' },
			{ name: 'b', type: 'long', value: '-7' },
			{ name: 'c', type: 'real', value: '2.5e-3' },
			{ name: 'd', type: 'bool', value: 'false' },
			{ name: 'e', type: 'datetime', value: '2024-05-01T08:30:00.5Z' },
			{ name: 'f', type: 'timespan', value: '90m' },
			{ name: 'g', type: 'dynamic', value: '["|", ";", "//"]' },
		];
		const query = 'print a, b, c, d, e, f, g';
		const result = await run(emu, runQueryParameters(emu, { query, parameters: { parameter: parameters } }));
		const ast = parseKql(emu.logAnalytics.queries[0].query);
		expect(ast.statements.map((s) => (s.kind === 'let' ? `${s.name}:${s.value.kind === 'literal' ? s.value.type : s.value.kind}` : s.kind))).toEqual([
			'a:string', 'b:long', 'c:real', 'd:bool', 'e:datetime', 'f:timespan', 'g:dynamic', 'query',
		]);
		expect(result.items[0].json).toEqual({
			print_0: '"; print x //',
			print_1: -7,
			print_2: 0.0025,
			print_3: false,
			print_4: '2024-05-01T08:30:00.5000000Z',
			print_5: '01:30:00',
			print_6: ['|', ';', '//'],
		});
	});
});
