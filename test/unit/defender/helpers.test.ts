/** The Defender XDR node's pure helpers: the tag merge, the `$filter` it builds, the client-side sort. */
import { buildFilter, sortItems } from '../../../nodes/MicrosoftDefenderXdr/helpers/listing';
import { mergeTags, parseTagList, tagsApplied } from '../../../nodes/MicrosoftDefenderXdr/helpers/tags';

describe('custom tags', () => {
	test('others are kept in their order and spelling; adding is case-insensitive idempotent; removing wins over adding', () => {
		expect(mergeTags(['VIP', 'triage'], ['vip', 'SIGNL4', 'signl4'], [])).toEqual(['VIP', 'triage', 'SIGNL4']);
		expect(mergeTags(['VIP', 'triage'], ['closed'], ['TRIAGE'])).toEqual(['VIP', 'closed']);
		expect(mergeTags(['a'], ['b'], ['b'])).toEqual(['a']);
		expect(tagsApplied(['VIP', 'SIGNL4'], ['signl4'], ['triage'])).toBe(true);
		expect(tagsApplied(['VIP'], ['signl4'], [])).toBe(false);
		expect(tagsApplied(['VIP', 'triage'], [], ['Triage'])).toBe(false);
	});

	test('a typed list or an array from an expression; blanks and repeats dropped', () => {
		expect(parseTagList(' SIGNL4, paged ,\nSIGNL4,, ')).toEqual(['SIGNL4', 'paged']);
		expect(parseTagList(['x', ' y '])).toEqual(['x', 'y']);
		expect(parseTagList(undefined)).toEqual([]);
	});
});

describe('$filter', () => {
	test('several values of one field are or-ed in parentheses; fields are and-ed; quotes doubled; datetimes unquoted UTC', () => {
		expect(
			buildFilter({ statuses: ['active'], severities: ['high', 'medium'], assignedTo: "o'brien@contoso.com", createdAfter: '2026-12-01T10:00:00+02:00' }),
		).toBe("status eq 'active' and (severity eq 'high' or severity eq 'medium') and assignedTo eq 'o''brien@contoso.com' and createdDateTime ge 2026-12-01T08:00:00.000Z");
		expect(buildFilter({})).toBeUndefined();
		expect(() => buildFilter({ updatedAfter: 'yesterday-ish' })).toThrow(/not a date and time/);
	});
});

test('sorting: by severity with the latest update breaking ties, then the ID numerically', () => {
	const items = [
		{ id: '10', severity: 'low', lastUpdateDateTime: '2026-12-02T10:00:00Z' },
		{ id: '9', severity: 'high', lastUpdateDateTime: '2026-12-02T09:00:00Z' },
		{ id: '11', severity: 'high', lastUpdateDateTime: '2026-12-02T11:00:00Z' },
		{ id: '2', severity: 'high', lastUpdateDateTime: '2026-12-02T09:00:00Z' },
	];
	expect(sortItems(items, 'severityDesc').map((item) => item.id)).toEqual(['11', '2', '9', '10']);
	expect(sortItems(items, 'lastUpdateDesc').map((item) => item.id)).toEqual(['11', '10', '2', '9']);
});
