/**
 * The emulator's KQL engine on its own: the operators, functions and literals the seeded rules, the node and the
 * tests use, with KQL's semantics (default sort order, has = whole terms, summarize column names, let/set).
 */
import { parseKql, runQuery, serializeCell, ticksFromDate, KqlSemanticError, KqlSyntaxError, describeStructure, type Table } from '../../emulator/loganalytics/kql';

const NOW = ticksFromDate(new Date('2024-05-01T12:00:00Z'));

const events: Table = {
	columns: [
		{ name: 'TimeGenerated', type: 'datetime' },
		{ name: 'User', type: 'string' },
		{ name: 'Code', type: 'int' },
		{ name: 'Score', type: 'real' },
		{ name: 'Bag', type: 'dynamic' },
	],
	rows: [
		{ TimeGenerated: ticksFromDate(new Date('2024-05-01T11:00:00Z')), User: 'Alice@Contoso.com', Code: 1, Score: 0.5, Bag: { app: 'Portal', tags: ['a', 'b'] } },
		{ TimeGenerated: ticksFromDate(new Date('2024-05-01T09:00:00Z')), User: 'bob@contoso.com', Code: 2, Score: 2.5, Bag: { app: 'Teams', tags: [] } },
		{ TimeGenerated: ticksFromDate(new Date('2024-04-30T12:00:00Z')), User: 'carol@fabrikam.com', Code: 2, Score: null, Bag: null },
		{ TimeGenerated: ticksFromDate(new Date('2024-05-01T11:30:00Z')), User: 'alice@contoso.com', Code: 3, Score: 7, Bag: { app: 'Portal' } },
	],
};

/** Runs KQL over the `Events` table and returns rows as the API would serialise them. */
function kql(text: string): Array<Record<string, unknown>> {
	const run = runQuery(parseKql(text), { now: NOW, table: (name) => (name === 'Events' ? events : undefined) });
	const table = run.tables[run.tables.length - 1];
	return table.rows.map((row) => Object.fromEntries(table.columns.map((c) => [c.name, serializeCell(row[c.name], c.type)])));
}

const users = (text: string) => kql(text).map((row) => row.User);

describe('KQL engine', () => {
	it.each([
		['==', 'Events | where User == "bob@contoso.com"', ['bob@contoso.com']],
		['=~ (case-insensitive)', 'Events | where User =~ "ALICE@contoso.com"', ['Alice@Contoso.com', 'alice@contoso.com']],
		['!= and !~', 'Events | where User != "bob@contoso.com" and User !~ "alice@contoso.com"', ['carol@fabrikam.com']],
		['< <= > >=', 'Events | where Code >= 2 and Code < 3', ['bob@contoso.com', 'carol@fabrikam.com']],
		['or and not()', 'Events | where not(Code == 2) or User has "bob"', ['Alice@Contoso.com', 'bob@contoso.com', 'alice@contoso.com']],
		['between', 'Events | where Score between (0.5 .. 2.5)', ['Alice@Contoso.com', 'bob@contoso.com']],
		['!between', 'Events | where Score !between (0.5 .. 2.5)', ['alice@contoso.com']],
		['has (whole terms)', 'Events | where User has "contoso"', ['Alice@Contoso.com', 'bob@contoso.com', 'alice@contoso.com']],
		['has does not match inside a term', 'Events | where User has "onto"', []],
		['has_cs', 'Events | where User has_cs "Contoso"', ['Alice@Contoso.com']],
		['!has', 'Events | where User !has "contoso"', ['carol@fabrikam.com']],
		['contains / contains_cs / !contains', 'Events | where User contains "ONTO" and User !contains "bob" and User contains_cs "ali"', ['alice@contoso.com']],
		['startswith / endswith', 'Events | where User startswith "ALI" and User endswith ".com"', ['Alice@Contoso.com', 'alice@contoso.com']],
		['startswith_cs / !startswith', 'Events | where User startswith_cs "a" or User !startswith "a"', ['bob@contoso.com', 'carol@fabrikam.com', 'alice@contoso.com']],
		['in / !in', 'Events | where Code in (1, 3) and User !in ("nobody")', ['Alice@Contoso.com', 'alice@contoso.com']],
		['in~', 'Events | where User in~ ("BOB@CONTOSO.COM")', ['bob@contoso.com']],
		['in with a dynamic array', 'Events | where Code in (dynamic([2]))', ['bob@contoso.com', 'carol@fabrikam.com']],
		['has_any', 'Events | where User has_any ("bob", "fabrikam")', ['bob@contoso.com', 'carol@fabrikam.com']],
		['dynamic member access', 'Events | where Bag.app == "Portal"', ['Alice@Contoso.com', 'alice@contoso.com']],
		['ago() against now()', 'Events | where TimeGenerated > ago(2h)', ['Alice@Contoso.com', 'alice@contoso.com']],
		['datetime() literal', 'Events | where TimeGenerated < datetime(2024-05-01)', ['carol@fabrikam.com']],
		['isnull / isnotempty', 'Events | where isnull(Score) or isempty(User)', ['carol@fabrikam.com']],
	])('where: %s', (_label, text, expected) => {
		expect(users(text)).toEqual(expected);
	});

	it('project, extend, take/limit, project-away, project-rename', () => {
		expect(kql('Events | take 1 | project User, Twice = Code * 2, Later = TimeGenerated + 1h')).toEqual([
			{ User: 'Alice@Contoso.com', Twice: 2, Later: '2024-05-01T12:00:00.0000000Z' },
		]);
		expect(kql('Events | limit 2 | extend Code = Code + 10, Domain = tostring(split(User, "@")[1]) | project Code, Domain')).toEqual([
			{ Code: 11, Domain: 'Contoso.com' },
			{ Code: 12, Domain: 'contoso.com' },
		]);
		expect(Object.keys(kql('Events | take 1 | project-away Bag, Score')[0])).toEqual(['TimeGenerated', 'User', 'Code']);
		expect(Object.keys(kql('Events | take 1 | project-rename Who = User')[0])).toEqual(['TimeGenerated', 'Who', 'Code', 'Score', 'Bag']);
	});

	it('summarize count() by, with KQL default column names and aggregate functions', () => {
		expect(kql('Events | summarize count() by Code')).toEqual([
			{ Code: 1, count_: 1 },
			{ Code: 2, count_: 2 },
			{ Code: 3, count_: 1 },
		]);
		expect(kql('Events | summarize n = count(), c = countif(Code == 2), d = dcount(tolower(User)), s = make_set(Code), mx = max(TimeGenerated), avg(Score)')).toEqual([
			{ n: 4, c: 2, d: 3, s: '[1,2,3]', mx: '2024-05-01T11:30:00.0000000Z', avg_Score: 10 / 3 },
		]);
		expect(kql('Events | summarize Users = make_list(User, 2) by bin(TimeGenerated, 1d)')).toEqual([
			{ TimeGenerated: '2024-05-01T00:00:00.0000000Z', Users: '["Alice@Contoso.com","bob@contoso.com"]' },
			{ TimeGenerated: '2024-04-30T00:00:00.0000000Z', Users: '["carol@fabrikam.com"]' },
		]);
		expect(kql('Events | where Code > 100 | summarize count()')).toEqual([{ count_: 0 }]);
		expect(kql('Events | where Code > 100 | summarize count() by User')).toEqual([]);
	});

	it('order by / sort by: descending by default, nulls last when descending', () => {
		expect(kql('Events | order by Score | project Score')).toEqual([{ Score: 7 }, { Score: 2.5 }, { Score: 0.5 }, { Score: null }]);
		expect(kql('Events | sort by Score asc | project Score')).toEqual([{ Score: null }, { Score: 0.5 }, { Score: 2.5 }, { Score: 7 }]);
		expect(kql('Events | sort by Code asc, User desc | project User')).toEqual([{ User: 'Alice@Contoso.com' }, { User: 'carol@fabrikam.com' }, { User: 'bob@contoso.com' }, { User: 'alice@contoso.com' }]);
		expect(kql('Events | top 1 by TimeGenerated | project User')).toEqual([{ User: 'alice@contoso.com' }]);
	});

	it('count, distinct, print, and let statements with every literal type', () => {
		expect(kql('Events | count')).toEqual([{ Count: 4 }]);
		expect(kql('Events | distinct Code')).toEqual([{ Code: 1 }, { Code: 2 }, { Code: 3 }]);
		expect(
			kql(
				'let s = "a\\"b"; let l = long(-9); let r = real(1.5); let b = bool(true); let d = datetime(2024-01-02 03:04:05Z); let t = timespan(1.00:00:01); let y = dynamic({"k": [1]});\nprint s, l, r, b, d, t, y',
			),
		).toEqual([{ print_0: 'a"b', print_1: -9, print_2: 1.5, print_3: true, print_4: '2024-01-02T03:04:05.0000000Z', print_5: '1.00:00:01', print_6: '{"k":[1]}' }]);
		expect(kql('let threshold = 2; let Recent = Events | where Code >= threshold; Recent | count')).toEqual([{ Count: 3 }]);
	});

	it('set query_now moves now() and ago()', () => {
		expect(kql('set query_now = datetime(2024-04-30T13:00:00Z);\nEvents | where TimeGenerated between (ago(2h) .. now()) | project User')).toEqual([{ User: 'carol@fabrikam.com' }]);
		expect(kql('set query_now = datetime(2020-01-01);\nprint now()')).toEqual([{ print_0: '2020-01-01T00:00:00.0000000Z' }]);
	});

	it('reports unknown tables, columns and functions as semantic errors, bad text as syntax errors', () => {
		expect(() => kql('Nope | take 1')).toThrow(new KqlSemanticError("Failed to resolve table or column expression named 'Nope'"));
		expect(() => kql('Events | where Nope == 1')).toThrow("'where' operator: Failed to resolve scalar expression named 'Nope'");
		expect(() => kql('Events | extend x = nosuchfunction(1)')).toThrow(KqlSemanticError);
		expect(() => kql('Events | where Code')).toThrow("'where' operator: the predicate must be a boolean expression");
		expect(() => parseKql('Events | where (')).toThrow(KqlSyntaxError);
		expect(() => parseKql('Events | frobnicate')).toThrow("Query could not be parsed at 'frobnicate' on line [1,9]");
		expect(() => parseKql('print "unterminated')).toThrow('Unterminated string literal');
		expect(() => parseKql('print datetime(2024-13-01)')).toThrow(/Failed to parse datetime literal/);
	});

	it('describes a query as one line per statement', () => {
		expect(describeStructure(parseKql('set query_now = datetime(2024-01-01);\nlet a = "x";\nlet T = Events | where true;\nT | where User == a | summarize count() by Code | sort by Code'))).toEqual([
			'set query_now',
			'let a = <string literal>',
			'let T = Events | where',
			'T | where | summarize | sort',
		]);
	});
});
