/** Add Comment (plain text / Markdown, split above 30,000 characters, 100-comment limit, deduplication) and Get Comments. */
import type { IDataObject } from 'n8n-workflow';

import type { Emulator, Incident } from '../../emulator';
import { json, resetEmulator, run, startNodeEmulator, triggerItem } from './support';

jest.setTimeout(90_000);

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

const commentPuts = () => emu.requests.filter((r) => r.route === 'comments.put');
const addComment = (incident: Incident, parameters: IDataObject, options: { continueOnFail?: boolean } = {}) =>
	run(emu, 'addComment', parameters as never, { input: [triggerItem(emu, incident)], ...options });

/** A long text of numbered lines, so order and completeness can be checked. */
function numberedText(length: number): string {
	const lines: string[] = [];
	let total = 0;
	for (let i = 1; total < length; i++) {
		const line = `Line ${i}: ${'evidence '.repeat(8)}`.trimEnd();
		lines.push(line);
		total += line.length + 1;
	}
	return lines.join('\n').slice(0, length);
}

describe('Add Comment', () => {
	it('plain text is escaped so it shows as written; exact PUT body; the calling app is the author', async () => {
		const incident = emu.sentinel.createIncident();
		const result = await addComment(incident, { message: 'Acknowledged by Jane <on call> & escalated\nSecond line', format: 'plainText' });
		expect(result.error).toBeUndefined();
		const [put] = commentPuts();
		expect(put.body).toEqual({ properties: { message: 'Acknowledged by Jane &lt;on call&gt; &amp; escalated<br>\nSecond line' } });
		expect(put.path).toMatch(/\/comments\/[0-9a-f-]{36}$/);
		expect(json(result)[0]).toMatchObject({
			incidentName: incident.name,
			incidentNumber: incident.properties.incidentNumber,
			parts: 1,
			posted: 1,
			alreadyPosted: 0,
			workspace: { armId: emu.workspace.armId },
		});
		const [comment] = (json(result)[0].comments as IDataObject[]);
		expect(comment).toMatchObject({ message: 'Acknowledged by Jane &lt;on call&gt; &amp; escalated<br>\nSecond line', authorObjectId: emu.principal.objectId });
		expect(emu.sentinel.getIncident(incident.name)!.properties.additionalData.commentsCount).toBe(1);
	});

	it('Markdown is sent as written', async () => {
		const incident = emu.sentinel.createIncident();
		const markdown = '**Acknowledged** by _Jane_\n\n- host `FS01`\n- [runbook](https://example.com/rb)';
		await addComment(incident, { message: markdown, format: 'markdown' });
		expect(commentPuts()[0].body).toEqual({ properties: { message: markdown } });
	});

	it('splits a 40,000-character comment into two ordered comments within the limit, losing nothing', async () => {
		const incident = emu.sentinel.createIncident();
		const text = numberedText(40_000);
		expect(text).toHaveLength(40_000);
		const result = await addComment(incident, { message: text, format: 'markdown' });
		expect(result.error).toBeUndefined();
		expect(commentPuts().map((p) => p.status)).toEqual([201, 201]);
		const stored = emu.sentinel.comments(incident.name).map((c) => c.properties.message);
		expect(stored).toHaveLength(2);
		expect(stored.every((message) => message.length <= 30_000)).toBe(true);
		expect(stored[0].startsWith('*(part 1 of 2)*\n\n')).toBe(true);
		expect(stored[1].startsWith('*(part 2 of 2)*\n\n')).toBe(true);
		// The parts, headers removed, are the text again, cut at a line break.
		const bodies = stored.map((message) => message.replace(/^\*\(part \d of 2\)\*\n\n/, ''));
		expect(bodies.join('')).toBe(text);
		expect(bodies[0].endsWith('\n')).toBe(true);
		expect(json(result)[0]).toMatchObject({ parts: 2, posted: 2 });
	});

	it('splits plain text after escaping, never inside an entity or a <br>', async () => {
		const incident = emu.sentinel.createIncident();
		const text = '<&>'.repeat(12_000); // 36,000 characters, 156,000 once escaped, no spaces or line breaks
		await addComment(incident, { message: text, format: 'plainText' });
		const stored = emu.sentinel.comments(incident.name).map((c) => c.properties.message);
		expect(stored.length).toBe(6);
		const bodies = stored.map((message, i) => {
			expect(message.length).toBeLessThanOrEqual(30_000);
			expect(message.startsWith(`(part ${i + 1} of 6)<br>\n`)).toBe(true);
			return message.replace(/^\(part \d of 6\)<br>\n/, '');
		});
		for (const body of bodies) expect(body).toMatch(/^(&lt;|&amp;|&gt;)+$/);
		expect(bodies.join('')).toBe('&lt;&amp;&gt;'.repeat(12_000));
	});

	it('keeps Markdown code blocks intact across a split', async () => {
		const incident = emu.sentinel.createIncident();
		const code = Array.from({ length: 1500 }, (_, i) => `SigninLogs | where UserId == "${i}"`).join('\n');
		const text = `Query used:\n\n\`\`\`kql\n${code}\n\`\`\`\n\nDone.`;
		expect(text.length).toBeGreaterThan(30_000);
		await addComment(incident, { message: text, format: 'markdown' });
		const stored = emu.sentinel.comments(incident.name).map((c) => c.properties.message);
		expect(stored.length).toBe(2);
		for (const message of stored) {
			expect(message.length).toBeLessThanOrEqual(30_000);
			expect((message.match(/^```/gm) ?? []).length % 2).toBe(0);
		}
		expect(stored[1]).toMatch(/^\*\(part 2 of 2\)\*\n\n```kql\n/);
	});

	it('the 101st comment gives a clear error and posts nothing', async () => {
		const incident = emu.sentinel.createIncident();
		for (let i = 0; i < 100; i++) emu.sentinel.addComment(incident.name, `comment ${i}`);
		const result = await addComment(incident, { message: 'one too many' });
		expect(result.error?.message).toBe(`Incident ${incident.properties.incidentNumber} has 100 comments; Microsoft Sentinel allows 100 per incident`);
		expect(result.error?.description).toContain('Nothing was posted');
		expect(commentPuts()).toHaveLength(0);

		const continued = await addComment(incident, { message: 'one too many' }, { continueOnFail: true });
		expect(json(continued)[0]).toMatchObject({ itemIndex: 0, operation: 'addComment', error: expect.stringContaining('100 comments') });
	});

	it('a split message that does not fit in what is left is refused before any part is posted', async () => {
		const incident = emu.sentinel.createIncident();
		for (let i = 0; i < 99; i++) emu.sentinel.addComment(incident.name, `comment ${i}`);
		const result = await addComment(incident, { message: numberedText(40_000), format: 'markdown' });
		expect(result.error?.description).toContain('This message needs 2 comments');
		expect(result.error?.description).toContain('only 1 can still be added');
		expect(commentPuts()).toHaveLength(0);
		expect(emu.sentinel.comments(incident.name)).toHaveLength(99);
	});

	it('when Azure refuses a comment at the limit (someone else wrote the 100th meanwhile), the error says so', async () => {
		const incident = emu.sentinel.createIncident();
		for (let i = 0; i < 99; i++) emu.sentinel.addComment(incident.name, `comment ${i}`);
		// The comment PUT is held for 500 ms at the server; the 100th comment is written as soon as the node has counted 99.
		emu.faults.add({ route: 'comments.put', kind: 'latency', delayMs: 500 });
		const promise = addComment(incident, { message: 'racing' });
		while (!emu.requests.some((r) => r.route === 'incidents.get')) await new Promise((resolve) => setTimeout(resolve, 2));
		emu.sentinel.addComment(incident.name, 'the 100th, written meanwhile');
		const result = await promise;
		expect(commentPuts().map((p) => p.status)).toEqual([400]);
		expect(result.error?.message).toBe(`Incident ${incident.properties.incidentNumber} already has 100 comments, the most Microsoft Sentinel allows`);
		expect(result.error?.description).toBe('The comment was not added. Nothing was posted.');
		expect(emu.sentinel.comments(incident.name)).toHaveLength(100);
	});

	it('with a deduplication key, the same comment is posted once (a repeated callback posts nothing)', async () => {
		const incident = emu.sentinel.createIncident();
		const parameters = { message: 'Acknowledged by Jane', options: { deduplicationKey: 'signl4-event-42' } };
		const first = await addComment(incident, parameters);
		expect(json(first)[0]).toMatchObject({ posted: 1, alreadyPosted: 0 });
		emu.clearRequests();
		const second = await addComment(incident, parameters);
		expect(json(second)[0]).toMatchObject({ posted: 0, alreadyPosted: 1, comments: [] });
		expect(commentPuts()).toHaveLength(0);
		expect(emu.sentinel.comments(incident.name)).toHaveLength(1);
		// Another key is another comment.
		await addComment(incident, { ...parameters, options: { deduplicationKey: 'signl4-event-43' } });
		expect(emu.sentinel.comments(incident.name)).toHaveLength(2);
	});

	it('SDK retries of a comment PUT (after a lost answer, then a 503) rewrite the same comment instead of adding another', async () => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'comments.put', kind: 'lostResponse' });
		emu.faults.add({ route: 'comments.put', kind: 'status', status: 503, retryAfterSeconds: 0, skip: 0 });
		const result = await addComment(incident, { message: 'once' });
		expect(result.error).toBeUndefined();
		const paths = commentPuts().map((p) => p.path);
		expect(new Set(paths).size).toBe(1);
		expect(emu.sentinel.comments(incident.name)).toHaveLength(1);
	});

	it('refuses an empty comment before any request', async () => {
		const incident = emu.sentinel.createIncident();
		emu.clearRequests();
		const result = await addComment(incident, { message: '={{ "   " }}' });
		expect(result.error?.message).toBe('The comment is empty');
		expect(emu.requests).toHaveLength(0);
	});
});

describe('Get Comments', () => {
	it('returns every comment oldest first, analysts and the app alike, across pages', async () => {
		const incident = emu.sentinel.createIncident();
		for (let i = 1; i <= 60; i++) emu.sentinel.addComment(incident.name, `analyst comment ${i}`, 'mei.tanaka@contoso.com');
		await addComment(incident, { message: 'from n8n' });
		emu.clearRequests();
		const result = await run(emu, 'getComments', {}, { input: [triggerItem(emu, incident)] });
		const items = json(result);
		expect(items).toHaveLength(61);
		expect(items.map((i) => i.message)).toEqual([...Array.from({ length: 60 }, (_, i) => `analyst comment ${i + 1}`), 'from n8n']);
		expect(items[0]).toMatchObject({ incidentName: incident.name, authorEmail: 'mei.tanaka@contoso.com', author: 'Mei Tanaka', workspace: { armId: emu.workspace.armId } });
		expect(items[60]).toMatchObject({ authorObjectId: emu.principal.objectId });
		expect(emu.requests.filter((r) => r.route === 'comments.list').length).toBe(2);
	});
});
