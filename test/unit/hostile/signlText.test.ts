/**
 * Hostile text in the Signl built from an incident: cuts that would split a character (a lone UTF-16 surrogate) or a
 * grapheme cluster, lone surrogates, line breaks that forge lines, bidi overrides, KQL/Markdown/HTML metacharacters.
 */
import { MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, buildParameters, buildSignl, buildText, buildTitle, truncate } from '../../../nodes/Signl4OnCall/helpers/message';
import { incidentItem } from '../signl4/fixtures';
import { hostileSuite } from './support';
import { FLAG_DE, FLAG_FR, FORGED_LINE, GRINNING, HOSTILE_TITLES, LINE_FIELDS, TITLE_CLUSTERS, ZWJ_FAMILY } from './cases/signlText';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
type Segmenter = { segment(text: string): Iterable<{ segment: string }> };
const SegmenterClass = (Intl as unknown as { Segmenter: new (locale: string, options: { granularity: 'grapheme' }) => Segmenter }).Segmenter;
const segmenter = new SegmenterClass('en', { granularity: 'grapheme' });
const graphemes = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);

/** True when `prefix` ends on a grapheme boundary of `text` (the whole clusters of `text`, in order). */
function endsOnBoundary(text: string, prefix: string): boolean {
	let length = 0;
	for (const cluster of graphemes(text)) {
		if (length === prefix.length) return true;
		if (length > prefix.length) return false;
		length += cluster.length;
	}
	return length === prefix.length;
}

const suite = hostileSuite('signlText.test.ts');

describe('the title is cut on a character boundary', () => {
	// The head "[High] Sentinel #4711: " is 23 characters; pad so that the cluster straddles the 200-character cut
	// at every offset from well before to well after it.
	const head = '[High] Sentinel #4711: ';
	const table = TITLE_CLUSTERS.flatMap(([name, cluster]) => Array.from({ length: 14 }, (_, shift) => [name, cluster, shift] as const));
	test.each(table)('%s, shifted by %i', (_name, cluster, shift) => {
		suite.count();
		// The cut falls about 25 characters before 200 (room for the note): the clusters run across it.
		const pad = 'a'.repeat(MAX_TITLE_LENGTH - head.length - 40 + shift);
		const title = `${pad}${cluster.repeat(Math.ceil(60 / cluster.length))} tail`;
		const full = `${head}${title}`;
		const built = buildTitle(incidentItem({ title }));
		expect(built.length).toBeLessThanOrEqual(MAX_TITLE_LENGTH);
		expect(built).not.toMatch(LONE_SURROGATE);
		const note = / … \((\d+) more characters\)$/.exec(built);
		expect(note).not.toBeNull();
		const kept = built.slice(0, note!.index);
		expect(full.startsWith(kept)).toBe(true);
		expect(endsOnBoundary(full, kept)).toBe(true);
		// The note counts the characters (code points) left out.
		expect(Number(note![1])).toBe([...full.slice(kept.length)].length);
	});
});

describe('truncate never splits a cluster, whatever the limit', () => {
	const samples: Array<[string, string]> = [
		['emoji run', GRINNING.repeat(40)],
		['ZWJ families', ZWJ_FAMILY.repeat(10)],
		['flags', (FLAG_DE + FLAG_FR).repeat(10)],
		['mixed', `ab${ZWJ_FAMILY}c${FLAG_DE}d${GRINNING}e\u0301f`.repeat(6)],
	];
	test.each(samples)('%s', (_name, text) => {
		suite.count();
		for (let max = 30; max < text.length; max++) {
			const cut = truncate(text, max);
			expect(cut.length).toBeLessThanOrEqual(max);
			expect(cut).not.toMatch(LONE_SURROGATE);
			const kept = cut.replace(/ … \(\d+ more characters\)$/, '');
			expect(endsOnBoundary(text, kept)).toBe(true);
		}
	});

	test('text within the limit is returned as is, lone surrogates and all (truncate only cuts)', () => {
		suite.count();
		expect(truncate(`a\uD83D`, 10)).toBe(`a\uD83D`);
		expect(truncate(GRINNING, 2)).toBe(GRINNING);
	});
});

describe('hostile titles: shown as written, on one line, well-formed', () => {
	test.each(HOSTILE_TITLES)('%s', (_label, title, shown) => {
		suite.count();
		const signl = buildSignl(incidentItem({ title }));
		expect(signl.title).toBe(`[High] Sentinel #4711: ${shown}`);
		expect(signl.title).not.toMatch(LONE_SURROGATE);
		expect(signl.title).not.toMatch(/[\n\r\u2028\u2029\u202A-\u202E\u2066-\u2069]/);
	});
});

describe('single-line fields cannot forge lines in the text (a fake portal link)', () => {
	test.each(LINE_FIELDS)('%s', (_label, overrides) => {
		suite.count();
		const item = incidentItem(overrides);
		const text = buildText(item);
		const linkLines = text.split('\n').filter((line) => line.startsWith('Open in Sentinel:'));
		expect(linkLines).toEqual([`Open in Sentinel: ${item.portalUrl as string}`]);
		expect(text).toContain(FORGED_LINE.replace('\n', ' '));
		for (const value of Object.values(buildParameters(item))) expect(value).not.toMatch(/[\n\r]/);
	});
});

describe('multi-line fields keep their lines but stay well-formed', () => {
	test.each([1_470, 1_471, 1_472, 1_473, 1_474, 1_475, 1_476])('a description with a lone surrogate and emoji across its 1,500-character cut (%i)', (at) => {
		suite.count();
		const description = `${'d'.repeat(at)}${GRINNING.repeat(10)}${'e'.repeat(100)} \uD83D end`;
		const text = buildText(incidentItem({ description }));
		expect(text).not.toMatch(LONE_SURROGATE);
		const shown = /\nDescription:\n(d+(?:\u{1F600})*) … \((\d+) more characters\)\n/u.exec(text);
		expect(shown).not.toBeNull();
		expect(shown![1].length).toBeLessThanOrEqual(1_500);
		expect(Number(shown![2])).toBe(Array.from(description.slice(shown![1].length)).length);
	});

	test('a description with lone surrogates inside the part shown', () => {
		suite.count();
		expect(buildText(incidentItem({ description: 'before \uD83D middle \uDE00 after' }))).toContain('Description:\nbefore \uFFFD middle \uFFFD after\n');
	});

	test('a description with forged lines stays inside its section, before the real link', () => {
		suite.count();
		const text = buildText(incidentItem({ description: `line 1${FORGED_LINE}\n\nline 3` }));
		expect(text).toContain(`Description:\nline 1${FORGED_LINE}\n\nline 3`);
		expect(text.endsWith(`Open in Sentinel: ${incidentItem().portalUrl as string}`)).toBe(true);
	});

	test('an enrichment summary with a lone surrogate and emoji at the 20,000-character cut', () => {
		suite.count();
		for (const shift of [0, 1, 2, 3]) {
			const summary = `${'r'.repeat(MAX_TEXT_LENGTH - 900 + shift)}${ZWJ_FAMILY.repeat(200)}\uDE00`;
			const text = buildText(incidentItem({ enrichment: { summary } }));
			expect(text.length).toBeLessThanOrEqual(MAX_TEXT_LENGTH);
			expect(text).not.toMatch(LONE_SURROGATE);
			expect(text.endsWith(incidentItem().portalUrl as string)).toBe(true);
		}
	});

	test('a parameter tile with a lone surrogate or an override', () => {
		suite.count();
		const parameters = buildParameters(incidentItem({ status: 'New\uD800', owner: 'Eve\u202Eevil', ownerEmail: null }));
		expect(parameters.Status).toBe('New\uFFFD');
		expect(parameters.Owner).toBe('Eveevil');
	});
});
