/** The node's pure rules: classification matrix, tags, update planning, comment splitting, incident references, filters. */
import { buildIncidentFilter } from '../../../nodes/MicrosoftSentinel/actions/incident/getMany.operation';
import { commentIdFrom } from '../../../nodes/MicrosoftSentinel/actions/incident/addComment.operation';
import { CLASSIFICATION_REASONS, CLASSIFICATIONS, REASONS_BY_CLASSIFICATION, resolveClassification } from '../../../nodes/MicrosoftSentinel/helpers/classification';
import { formatComment, splitComment } from '../../../nodes/MicrosoftSentinel/helpers/comments';
import { parseIncidentReference } from '../../../nodes/MicrosoftSentinel/helpers/incidentReference';
import { applyTagChange, parseTagList } from '../../../nodes/MicrosoftSentinel/helpers/tags';
import { planUpdate, UpdateRefusal } from '../../../nodes/MicrosoftSentinel/helpers/updatePlan';
import type { RawIncident } from '../../../nodes/shared/sentinel/types';

describe('classification rules', () => {
	const table = CLASSIFICATIONS.flatMap((classification) => ['', ...CLASSIFICATION_REASONS].map((reason) => [classification, reason] as const));
	it.each(table)('%s + "%s"', (classification, reason) => {
		const allowed = REASONS_BY_CLASSIFICATION[classification];
		const result = resolveClassification(classification, reason);
		if (reason === '') {
			if (allowed.length === 2) expect(result).toMatchObject({ ok: false, message: expect.stringContaining('needs a classification reason') });
			else expect(result).toEqual({ ok: true, classification, reason: allowed[0] });
		} else if ((allowed as readonly string[]).includes(reason)) {
			expect(result).toEqual({ ok: true, classification, reason });
		} else {
			expect(result).toMatchObject({ ok: false, message: expect.stringContaining('does not fit') });
		}
	});
	it('names the fitting reasons in the refusal', () => {
		expect(resolveClassification('TruePositive', 'InaccurateData')).toMatchObject({
			ok: false,
			description: 'True Positive takes Suspicious Activity (SuspiciousActivity) (leave the reason empty to have it set for you). Nothing was changed.',
		});
		expect(resolveClassification('Undetermined', 'InaccurateData')).toMatchObject({ ok: false, description: expect.stringContaining('takes no reason') });
	});
});

describe('tags', () => {
	it('parses comma/newline lists and arrays, trimmed and de-duplicated case-insensitively', () => {
		expect(parseTagList(' a, b ,,A\nc ')).toEqual(['a', 'b', 'c']);
		expect(parseTagList(['x', ' y ', 'X', 3])).toEqual(['x', 'y', '3']);
		expect(parseTagList(undefined)).toEqual([]);
	});
	it('adds, removes and replaces', () => {
		expect(applyTagChange(['One', 'two'], 'add', ['one', 'three'])).toEqual(['One', 'two', 'three']);
		expect(applyTagChange(['One', 'two'], 'remove', ['ONE', 'nope'])).toEqual(['two']);
		expect(applyTagChange(['One', 'two'], 'replace', ['z', 'Z', 'y'])).toEqual(['z', 'y']);
	});
});

describe('update planning', () => {
	const incident = (properties: Partial<RawIncident['properties']> = {}): RawIncident => ({
		id: '/x/incidents/i1',
		name: 'i1',
		etag: '"e1"',
		properties: { title: 'T', severity: 'High', status: 'New', createdTimeUtc: '', lastModifiedTimeUtc: '', incidentNumber: 7, ...properties },
	});
	it('refuses to close without a classification (after reading, before writing)', () => {
		expect(() => planUpdate(incident(), { status: 'Closed' })).toThrow(UpdateRefusal);
	});
	it('keeps every writable field as read and sends the etag', () => {
		const plan = planUpdate(incident({ description: 'd', owner: { userPrincipalName: 'u@x' }, labels: [{ labelName: 'a', labelType: 'AutoAssigned' }] }), { severity: 'Low' });
		expect(plan).toEqual({
			changes: [{ field: 'severity', from: 'High', to: 'Low' }],
			write: { etag: '"e1"', title: 'T', severity: 'Low', status: 'New', description: 'd', owner: { userPrincipalName: 'u@x' }, labels: ['a'] },
		});
	});
});

describe('comment formatting and splitting', () => {
	it('escapes plain text', () => {
		expect(formatComment('a<b>&c\r\nd', 'plainText')).toBe('a&lt;b&gt;&amp;c<br>\nd');
	});
	it('keeps short comments whole and refuses empty ones', () => {
		expect(splitComment('hello', 'markdown')).toEqual(['hello']);
		expect(() => splitComment('   ', 'markdown')).toThrow('empty');
	});
	it('cuts at paragraph, then line, then word boundaries, never splitting a surrogate pair', () => {
		const words = Array.from({ length: 400 }, (_, i) => `w${i}`).join(' ');
		const parts = splitComment(words, 'markdown', 200);
		for (const part of parts) expect(part.length).toBeLessThanOrEqual(200);
		const bodies = parts.map((p) => p.replace(/^\*\(part \d+ of \d+\)\*\n\n/, ''));
		expect(bodies.join('')).toBe(words);
		expect(bodies.slice(0, -1).every((b) => b.endsWith(' '))).toBe(true);

		const emoji = '😀'.repeat(300); // 600 UTF-16 units, no boundaries at all
		const emojiParts = splitComment(emoji, 'markdown', 101).map((p) => p.replace(/^\*\(part \d+ of \d+\)\*\n\n/, ''));
		expect(emojiParts.join('')).toBe(emoji);
		for (const part of emojiParts) expect(part.length % 2).toBe(0);
	});
	it('numbers parts with the final count, even when it needs more digits', () => {
		const parts = splitComment('x'.repeat(3000), 'plainText', 100);
		expect(parts.length).toBeGreaterThan(30);
		expect(parts[0].startsWith(`(part 1 of ${parts.length})<br>\n`)).toBe(true);
		expect(parts.every((p) => p.length <= 100)).toBe(true);
	});
});

describe('incident references', () => {
	const armId = '/subscriptions/49d428fd-8eea-4fc6-8e53-32d81b7c58f1/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc';
	it('parses names, numbers, resource IDs and links', () => {
		expect(parseIncidentReference('id', ' 73e01a99-5cd7-4139-a149-9f2736ff2ab5 ')).toEqual({ ok: true, reference: { kind: 'name', name: '73e01a99-5cd7-4139-a149-9f2736ff2ab5' } });
		expect(parseIncidentReference('number', '#42')).toEqual({ ok: true, reference: { kind: 'number', number: 42 } });
		expect(parseIncidentReference('number', 42)).toEqual({ ok: true, reference: { kind: 'number', number: 42 } });
		const fromLink = parseIncidentReference('url', `https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident${armId}/providers/Microsoft.SecurityInsights/incidents/abc-1`);
		expect(fromLink).toMatchObject({ ok: true, reference: { kind: 'name', name: 'abc-1', workspace: { workspaceName: 'law-soc', resourceGroup: 'rg-soc' } } });
		expect(parseIncidentReference('url', 'https://security.microsoft.com/incidents/1234?tid=x')).toEqual({ ok: true, reference: { kind: 'providerId', providerIncidentId: '1234' } });
	});
	it('refuses what cannot be an incident, without echoing long input', () => {
		expect(parseIncidentReference('id', '')).toMatchObject({ ok: false, message: 'No incident given' });
		expect(parseIncidentReference('id', 'a?b')).toMatchObject({ ok: false });
		expect(parseIncidentReference('id', 'x/y')).toMatchObject({ ok: false });
		expect(parseIncidentReference('number', '0')).toMatchObject({ ok: false });
		expect(parseIncidentReference('url', 'https://example.com/')).toMatchObject({ ok: false });
	});
});

describe('Get Many filter', () => {
	it('combines the filters with "and", escaping text and normalising times to UTC', () => {
		expect(
			buildIncidentFilter({ statuses: ['New', 'Active'], createdAfter: '2024-05-01T10:00:00+02:00', titleContains: "It's", odataFilter: 'properties/incidentNumber gt 5' }),
		).toEqual({
			filter: "(properties/status eq 'New' or properties/status eq 'Active') and properties/createdTimeUtc ge 2024-05-01T08:00:00.000Z and contains(toLower(properties/title), 'it''s') and (properties/incidentNumber gt 5)",
		});
		expect(buildIncidentFilter({})).toEqual({ filter: undefined });
	});
});

it('derives stable comment IDs (GUID layout) from deduplication keys', () => {
	const id = commentIdFrom('incident\nkey\n1/1');
	expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
	expect(commentIdFrom('incident\nkey\n1/1')).toBe(id);
	expect(commentIdFrom('incident\nkey\n1/2')).not.toBe(id);
});
