/**
 * What SIGNL4 write-backs need from Update and Add Comment: a closed incident is never reopened (whatever the timing),
 * transient Azure failures are ridden out within a time budget without blind repeats, and one message gives at most
 * one comment when asked to truncate.
 */
import type { IDataObject } from 'n8n-workflow';

import { MAX_COMMENT_LENGTH, truncateComment } from '../../../nodes/MicrosoftSentinel/helpers/comments';
import type { Emulator, Incident } from '../../emulator';
import { json, puts, resetEmulator, run, startNodeEmulator, triggerItem } from './support';

jest.setTimeout(120_000);

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

const commentPuts = () => emu.requests.filter((r) => r.route === 'comments.put');
const analyst = () => emu.sentinel.users[1].email;
const closedSeed = { status: 'Closed', classification: 'TruePositive', classificationReason: 'SuspiciousActivity', classificationComment: 'Closed in SIGNL4' } as const;
const acknowledge = (extra: IDataObject = {}) => ({ status: 'Active', ownerAction: 'email', owner: analyst(), ...extra });
const update = (incident: Incident, parameters: IDataObject) => run(emu, 'update', parameters as never, { input: [triggerItem(emu, incident)] });
const addComment = (incident: Incident, parameters: IDataObject) => run(emu, 'addComment', parameters as never, { input: [triggerItem(emu, incident)] });

/** Secrets and tokens that must never appear in an error. */
function expectNoSecrets(text: string): void {
	expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);
	expect(text).not.toContain('client-secret');
	expect(text).not.toMatch(/Nothing was lost/);
}

describe('Update: Never Reopen a Closed Incident', () => {
	it('a late acknowledgement leaves a closed incident exactly as it is: no PUT, status and owner kept', async () => {
		const incident = emu.sentinel.createIncident(closedSeed);
		const before = emu.sentinel.getIncident(incident.name)!;
		const result = await update(incident, acknowledge({ neverReopen: true }));
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ status: 'Closed', changed: false, leftClosed: true });
		expect(puts(emu)).toHaveLength(0);
		expect(emu.sentinel.getIncident(incident.name)!.properties).toMatchObject({ status: 'Closed', owner: before.properties.owner, classification: 'TruePositive' });
	});

	it('without the option the same update reopens it (what the option prevents)', async () => {
		const incident = emu.sentinel.createIncident(closedSeed);
		await update(incident, acknowledge());
		expect(emu.sentinel.getIncident(incident.name)!.properties.status).toBe('Active');
	});

	it('closed between the read and the write: the conflict re-read sees Closed and stops', async () => {
		const incident = emu.sentinel.createIncident({ status: 'New' });
		emu.sentinel.beforeNextPut(incident.name, { change: closedSeed });
		const result = await update(incident, acknowledge({ neverReopen: true }));
		expect(result.error).toBeUndefined();
		expect(puts(emu).map((p) => p.status)).toEqual([409]);
		expect(json(result)[0]).toMatchObject({ status: 'Closed', changed: false, leftClosed: true });
		expect(emu.sentinel.getIncident(incident.name)!.properties.status).toBe('Closed');
	});

	it('an open incident is updated as usual; applying it again changes nothing', async () => {
		const incident = emu.sentinel.createIncident({ status: 'New' });
		expect(json(await update(incident, acknowledge({ neverReopen: true })))[0]).toMatchObject({ status: 'Active', changed: true, leftClosed: false });
		emu.clearRequests();
		expect(json(await update(incident, acknowledge({ neverReopen: true })))[0]).toMatchObject({ changed: false });
		expect(puts(emu)).toHaveLength(0);
	});
});

describe('Update and Add Comment: Retry Transient Failures For (Seconds)', () => {
	it('an ARM outage (503 on every incident and comment call for 8 s) is ridden out: one successful write, applied once', async () => {
		const incident = emu.sentinel.createIncident({ status: 'New' });
		emu.faults.add({ route: 'sentinel', kind: 'status', status: 503, forMs: 8_000 });
		const started = Date.now();
		const result = await update(incident, acknowledge({ retryForSeconds: 60 }));
		expect(result.error).toBeUndefined();
		expect(Date.now() - started).toBeGreaterThanOrEqual(7_000);
		expect(json(result)[0]).toMatchObject({ status: 'Active', changed: true });
		expect((json(result)[0].transientRetries as number) > 0).toBe(true);
		expect(puts(emu).filter((p) => p.status === 200)).toHaveLength(1);
		// Every failed write was followed by a read before the next write: never two writes in a row.
		const sequence = emu.requests.filter((r) => r.route === 'incidents.put' || r.route === 'incidents.get').map((r) => r.route);
		for (let i = 1; i < sequence.length; i++) expect(sequence[i - 1] === 'incidents.put' && sequence[i] === 'incidents.put').toBe(false);
		expect(emu.sentinel.getIncident(incident.name)!.properties).toMatchObject({ status: 'Active', owner: { email: analyst() } });
	});

	it('without a budget the same outage fails the item with an actionable message, no secrets and no false promise', async () => {
		const incident = emu.sentinel.createIncident({ status: 'New' });
		emu.faults.add({ route: 'sentinel', kind: 'status', status: 503, forMs: 30_000 });
		const result = await update(incident, acknowledge());
		expect(result.error).toBeDefined();
		const text = `${result.error!.message} ${result.error!.description ?? ''}`;
		expect(text).toMatch(/503/);
		expect(text).toContain('Retry Transient Failures For (Seconds)');
		expectNoSecrets(text);
		expect(emu.sentinel.getIncident(incident.name)!.properties.status).toBe('New');
	});

	it('a budget shorter than the outage gives up in time and says what it tried', async () => {
		const incident = emu.sentinel.createIncident({ status: 'New' });
		emu.faults.add({ route: 'sentinel', kind: 'status', status: 503, forMs: 60_000 });
		const started = Date.now();
		const result = await update(incident, acknowledge({ retryForSeconds: 5 }));
		expect(Date.now() - started).toBeLessThan(30_000);
		expect(result.error?.description).toMatch(/kept retrying for 5 s/);
		expectNoSecrets(`${result.error!.message} ${result.error!.description ?? ''}`);
	});

	it('Get (the read a close decision depends on) rides out the outage as well', async () => {
		const incident = emu.sentinel.createIncident({ status: 'New' });
		emu.faults.add({ route: 'sentinel', kind: 'status', status: 503, forMs: 6_000 });
		const result = await run(emu, 'get', { options: { retryForSeconds: 60 } } as never, { input: [triggerItem(emu, incident)] });
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ incidentName: incident.name, status: 'New' });
	});

	it('a write whose answer was lost is re-read, not repeated: one PUT', async () => {
		const incident = emu.sentinel.createIncident({ status: 'New' });
		emu.faults.add({ route: 'incidents.put', kind: 'lostResponse' });
		const result = await update(incident, acknowledge({ retryForSeconds: 30 }));
		expect(result.error).toBeUndefined();
		expect(puts(emu)).toHaveLength(1);
		expect(json(result)[0]).toMatchObject({ changed: true, status: 'Active' });
	});

	it('Add Comment rides out the outage and posts the comment once (same deduplication key twice → still one)', async () => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'sentinel', kind: 'status', status: 503, forMs: 8_000 });
		const parameters = { message: 'Acknowledged in SIGNL4 by Amara', options: { deduplicationKey: 'signl4-cb-1', retryForSeconds: 60 } };
		const first = await addComment(incident, parameters);
		expect(first.error).toBeUndefined();
		expect(json(first)[0]).toMatchObject({ posted: 1 });
		const second = await addComment(incident, parameters);
		expect(json(second)[0]).toMatchObject({ posted: 0, alreadyPosted: 1 });
		expect(emu.sentinel.comments(incident.name)).toHaveLength(1);
	});

	it('a comment whose answer was lost (then 503s) is looked up before it is written again', async () => {
		const incident = emu.sentinel.createIncident();
		emu.faults.add({ route: 'comments.put', kind: 'lostResponse' });
		emu.faults.add({ route: 'comments.put', kind: 'status', status: 503, times: 10 });
		const result = await addComment(incident, { message: 'once', options: { retryForSeconds: 30 } });
		expect(result.error).toBeUndefined();
		expect(emu.requests.some((r) => r.route === 'comments.get')).toBe(true);
		expect(emu.sentinel.comments(incident.name)).toHaveLength(1);
	});
});

describe('Add Comment: If Too Long', () => {
	const long = (length: number) => `${'Isolated the host and collected memory. '.repeat(Math.ceil(length / 40))}`.slice(0, length);

	it('Truncate: a 100,000-character annotation is one comment within the limit, ending with the omitted count', async () => {
		const incident = emu.sentinel.createIncident();
		const message = long(100_000);
		const result = await addComment(incident, { message, options: { ifTooLong: 'truncate', deduplicationKey: 'signl4-long' } });
		expect(result.error).toBeUndefined();
		expect(json(result)[0]).toMatchObject({ parts: 1, posted: 1, truncated: true });
		const comments = emu.sentinel.comments(incident.name);
		expect(comments).toHaveLength(1);
		const text = comments[0].properties.message;
		expect(text.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
		const omitted = Number(/\(truncated, ([\d,]+) characters omitted\)$/.exec(text)?.[1].replace(/,/g, ''));
		const kept = text.replace(/<br>\n<br>\n\(truncated, [\d,]+ characters omitted\)$/, '');
		expect(kept.length + omitted).toBe(message.length);
		expect(message.startsWith(kept)).toBe(true);
		expect(commentPuts()).toHaveLength(1);
	});

	it('Split (the default) still gives several numbered comments', async () => {
		const incident = emu.sentinel.createIncident();
		const result = await addComment(incident, { message: long(70_000) });
		expect(json(result)[0]).toMatchObject({ parts: 3, posted: 3 });
	});

	it('never cuts a surrogate pair, counts characters as a reader does, keeps Markdown code blocks closed', () => {
		const emoji = '\u{1F6A8}';
		for (const offset of [0, 1, 2, 3]) {
			const text = `${'x'.repeat(29_960 + offset)}${emoji.repeat(200)}`;
			const cut = truncateComment(text, 'plainText');
			expect(cut.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
			expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
			const kept = cut.replace(/<br>\n<br>\n\(truncated, [\d,]+ characters omitted\)$/, '');
			const omitted = Number(/([\d,]+) characters omitted/.exec(cut)![1].replace(/,/g, ''));
			expect(Array.from(kept).length + omitted).toBe(Array.from(text).length);
		}
		const markdown = truncateComment(`Intro\n\n\`\`\`\n${'line of log output\n'.repeat(3000)}\`\`\`\nafter`, 'markdown');
		expect(markdown.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
		expect(markdown).toMatch(/\n```\n\n\*\(truncated, [\d,]+ characters omitted\)\*$/);
		expect(truncateComment('short <b>', 'plainText')).toBe('short &lt;b&gt;');
	});
});
