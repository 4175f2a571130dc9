/**
 * Update: GET → only the changed fields → PUT with the etag; re-read and re-apply on 409; no PUT when nothing changes.
 * Exact PUT bodies are asserted for the writes.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Emulator, Incident } from '../../emulator';
import { json, puts, resetEmulator, run, startNodeEmulator, triggerItem } from './support';

const JOHN = { objectId: '2046feea-040d-4a46-9e2b-91c2941bfa70', email: 'john.doe@contoso.com', upn: 'john@contoso.com' };
const AMARA = { objectId: '8b5f3c1e-6a2d-4f9b-b0e7-3c4d5e6f7a81', email: 'amara.okafor@contoso.com' };

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

const update = (incident: Incident, parameters: IDataObject, options: { continueOnFail?: boolean } = {}) =>
	run(emu, 'update', parameters as never, { input: [triggerItem(emu, incident)], ...options });

describe('Update: closing, owner, tags, with a concurrent change between GET and PUT', () => {
	it('closes as True Positive with owner, comment and a tag; a tag added concurrently survives; exact PUT bodies', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Impossible travel', severity: 'High', status: 'Active', labels: ['triage'] });
		emu.sentinel.beforeNextPut(incident.name, { addLabels: ['analyst-tag'], actor: 'mei.tanaka@contoso.com' });

		const result = await update(incident, {
			status: 'Closed',
			classification: 'TruePositive',
			classificationComment: 'Confirmed by the on-call engineer',
			ownerAction: 'email',
			owner: JOHN.email,
			tagAction: 'add',
			tags: 'SIGNL4',
		});
		expect(result.error).toBeUndefined();

		const [conflicted, saved] = puts(emu);
		expect(conflicted.status).toBe(409);
		expect(conflicted.body).toEqual({
			etag: incident.etag,
			properties: {
				classification: 'TruePositive',
				classificationComment: 'Confirmed by the on-call engineer',
				classificationReason: 'SuspiciousActivity',
				labels: [{ labelName: 'triage' }, { labelName: 'SIGNL4' }],
				owner: { email: JOHN.email },
				severity: 'High',
				status: 'Closed',
				title: 'Impossible travel',
			},
		});
		expect(saved.status).toBe(200);
		const afterAnalyst = emu.sentinel.history(incident.name).find((entry) => entry.via === 'analyst');
		expect(afterAnalyst).toBeDefined();
		expect(saved.body).toEqual({
			etag: expect.not.stringMatching(incident.etag.replace(/[\\"]/g, '')),
			properties: {
				classification: 'TruePositive',
				classificationComment: 'Confirmed by the on-call engineer',
				classificationReason: 'SuspiciousActivity',
				labels: [{ labelName: 'triage' }, { labelName: 'analyst-tag' }, { labelName: 'SIGNL4' }],
				owner: { email: JOHN.email },
				severity: 'High',
				status: 'Closed',
				title: 'Impossible travel',
			},
		});
		expect(puts(emu)).toHaveLength(2);

		const after = emu.sentinel.getIncident(incident.name)!;
		expect(after.properties).toMatchObject({
			status: 'Closed',
			classification: 'TruePositive',
			classificationReason: 'SuspiciousActivity',
			classificationComment: 'Confirmed by the on-call engineer',
			owner: { objectId: JOHN.objectId, email: JOHN.email },
		});
		expect(after.properties.labels.map((label) => label.labelName)).toEqual(['triage', 'analyst-tag', 'SIGNL4']);
		expect(emu.sentinel.history(incident.name).map((entry) => entry.via)).toEqual(['create', 'analyst', 'put']);

		const [item] = json(result);
		expect(item).toMatchObject({
			incidentName: incident.name,
			status: 'Closed',
			classification: 'TruePositive',
			ownerEmail: JOHN.email,
			tags: ['triage', 'analyst-tag', 'SIGNL4'],
			changed: true,
			conflictsResolved: 1,
			workspace: { armId: emu.workspace.armId },
		});
		expect((item.changes as IDataObject[]).map((change) => change.field)).toEqual(['status', 'classification', 'classificationReason', 'classificationComment', 'owner', 'tags']);
		expect(result.items[0].pairedItem).toEqual({ item: 0 });
	});

	it('a comment written by someone else between GET and PUT survives', async () => {
		const incident = emu.sentinel.createIncident();
		emu.sentinel.beforeNextPut(incident.name, { comment: 'Analyst note written meanwhile', actor: 'amara.okafor@contoso.com' });
		const result = await update(incident, { status: 'Active' });
		expect(result.error).toBeUndefined();
		expect(emu.sentinel.comments(incident.name).map((c) => c.properties.message)).toEqual(['Analyst note written meanwhile']);
		expect(emu.sentinel.getIncident(incident.name)!.properties.status).toBe('Active');
		expect(json(result)[0]).toMatchObject({ changed: true, commentCount: 1 });
	});

	it('removes a tag while another is added concurrently: the concurrent one stays, the removed one goes', async () => {
		const incident = emu.sentinel.createIncident({ labels: ['keep-me', 'SIGNL4', 'other'] });
		emu.sentinel.beforeNextPut(incident.name, { addLabels: ['added-meanwhile'] });
		const result = await update(incident, { tagAction: 'remove', tags: 'signl4, not-there' });
		expect(result.error).toBeUndefined();
		expect(puts(emu).map((p) => (p.body as { properties: { labels: unknown } }).properties.labels)).toEqual([
			[{ labelName: 'keep-me' }, { labelName: 'other' }],
			[{ labelName: 'keep-me' }, { labelName: 'other' }, { labelName: 'added-meanwhile' }],
		]);
		expect(emu.sentinel.getIncident(incident.name)!.properties.labels.map((l) => l.labelName)).toEqual(['keep-me', 'other', 'added-meanwhile']);
	});

	it('replaces tags exactly (a tag added concurrently is replaced too), while a concurrent owner change survives', async () => {
		const incident = emu.sentinel.createIncident({ labels: ['old-1', 'old-2'] });
		emu.sentinel.beforeNextPut(incident.name, { addLabels: ['meanwhile'], change: { ownerObjectId: AMARA.objectId } });
		const result = await update(incident, { tagAction: 'replace', tags: 'new-1,new-2, new-1' });
		expect(result.error).toBeUndefined();
		const last = puts(emu).at(-1)!;
		expect(last.body).toMatchObject({ properties: { labels: [{ labelName: 'new-1' }, { labelName: 'new-2' }], owner: { objectId: AMARA.objectId } } });
		const after = emu.sentinel.getIncident(incident.name)!.properties;
		expect(after.labels.map((l) => l.labelName)).toEqual(['new-1', 'new-2']);
		expect(after.owner.email).toBe(AMARA.email);
	});

	it('adding a tag that exists (any case) makes no PUT and says nothing changed', async () => {
		const incident = emu.sentinel.createIncident({ labels: ['SIGNL4'] });
		const result = await update(incident, { tagAction: 'add', tags: 'signl4' });
		expect(result.error).toBeUndefined();
		expect(puts(emu)).toHaveLength(0);
		expect(json(result)[0]).toMatchObject({ changed: false, changes: [], tags: ['SIGNL4'] });
	});

	it('replace with an empty list removes every tag', async () => {
		const incident = emu.sentinel.createIncident({ labels: ['a', 'b'] });
		await update(incident, { tagAction: 'replace', tags: '' });
		expect((puts(emu)[0].body as { properties: { labels: unknown } }).properties.labels).toEqual([]);
		expect(emu.sentinel.getIncident(incident.name)!.properties.labels).toEqual([]);
	});
});

describe('Update: owner', () => {
	it.each([
		['email', JOHN.email, { email: JOHN.email }],
		['upn', JOHN.upn, { userPrincipalName: JOHN.upn }],
		['objectId', JOHN.objectId, { objectId: JOHN.objectId }],
	])('assigns by %s', async (ownerAction, owner, sentOwner) => {
		const incident = emu.sentinel.createIncident({ ownerObjectId: AMARA.objectId });
		const result = await update(incident, { ownerAction, owner });
		expect(result.error).toBeUndefined();
		expect((puts(emu)[0].body as { properties: { owner: unknown } }).properties.owner).toEqual(sentOwner);
		expect(emu.sentinel.getIncident(incident.name)!.properties.owner).toMatchObject({ objectId: JOHN.objectId, email: JOHN.email, userPrincipalName: JOHN.upn, assignedTo: 'John Doe' });
		expect(json(result)[0]).toMatchObject({ changed: true, changes: [{ field: 'owner', from: AMARA.email, to: owner }], ownerObjectId: JOHN.objectId });
	});

	it('unassigns with owner: {}', async () => {
		const incident = emu.sentinel.createIncident({ ownerObjectId: JOHN.objectId });
		await update(incident, { ownerAction: 'unassign' });
		expect((puts(emu)[0].body as { properties: { owner: unknown } }).properties.owner).toEqual({});
		expect(emu.sentinel.getIncident(incident.name)!.properties.owner).toMatchObject({ objectId: null, ownerType: 'Unknown' });
	});

	it.each([
		['email', JOHN.email],
		['email', JOHN.email.toUpperCase()],
		['upn', JOHN.upn],
		['objectId', JOHN.objectId.toUpperCase()],
	])('assigning the current owner (%s %s) makes no PUT', async (ownerAction, owner) => {
		const incident = emu.sentinel.createIncident({ ownerObjectId: JOHN.objectId });
		const result = await update(incident, { ownerAction, owner });
		expect(result.error).toBeUndefined();
		expect(puts(emu)).toHaveLength(0);
		expect(json(result)[0]).toMatchObject({ changed: false });
	});

	it('unassigning an unassigned incident makes no PUT', async () => {
		const incident = emu.sentinel.createIncident();
		expect(json(await update(incident, { ownerAction: 'unassign' }))[0]).toMatchObject({ changed: false });
		expect(puts(emu)).toHaveLength(0);
	});

	it('keeps the owner on other updates by re-sending its object ID (a PUT replaces the incident)', async () => {
		const incident = emu.sentinel.createIncident({ ownerObjectId: JOHN.objectId, description: 'keep', labels: ['x'] });
		await update(incident, { updateFields: { severity: 'Low' } });
		expect(puts(emu)[0].body).toEqual({
			etag: incident.etag,
			properties: { title: incident.properties.title, severity: 'Low', status: 'New', description: 'keep', owner: { objectId: JOHN.objectId }, labels: [{ labelName: 'x' }] },
		});
	});

	it('refuses a malformed object ID or address before any request', async () => {
		const incident = emu.sentinel.createIncident();
		emu.clearRequests();
		for (const [ownerAction, owner] of [
			['objectId', 'john.doe@contoso.com'],
			['email', 'not an address'],
			['upn', '={{ "" }}'],
		]) {
			const result = await update(incident, { ownerAction, owner });
			expect(result.error?.message).toMatch(/owner/i);
		}
		expect(emu.requests).toHaveLength(0);
	});

	it('an address Azure cannot resolve fails with Azure\'s reason and changes nothing', async () => {
		const incident = emu.sentinel.createIncident();
		const result = await update(incident, { ownerAction: 'email', owner: 'nobody@contoso.com' });
		expect(result.error?.message).toContain("Could not find a user with email 'nobody@contoso.com'");
		expect((result.error as { httpCode?: string }).httpCode).toBe('400');
		expect(emu.sentinel.getIncident(incident.name)!.etag).toBe(incident.etag);
	});
});

describe('Update: classification rules', () => {
	const valid: Array<[string, string, string | undefined]> = [
		['TruePositive', '', 'SuspiciousActivity'],
		['TruePositive', 'SuspiciousActivity', 'SuspiciousActivity'],
		['BenignPositive', '', 'SuspiciousButExpected'],
		['BenignPositive', 'SuspiciousButExpected', 'SuspiciousButExpected'],
		['FalsePositive', 'IncorrectAlertLogic', 'IncorrectAlertLogic'],
		['FalsePositive', 'InaccurateData', 'InaccurateData'],
		['Undetermined', '', undefined],
		// From an expression (e.g. mapped from SIGNL4), display names and any case are accepted.
		['True Positive', 'suspicious activity', 'SuspiciousActivity'],
		['falsepositive', 'inaccurate_data', 'InaccurateData'],
	];
	it.each(valid)('closes as %s with reason "%s" → %s', async (classification, reason, expected) => {
		const incident = emu.sentinel.createIncident({ status: 'Active' });
		const result = await run(
			emu,
			'update',
			{ status: 'Closed', classification: '={{ $json.c }}', classificationReason: '={{ $json.r }}' },
			{ input: [{ ...triggerItem(emu, incident), c: classification, r: reason }] },
		);
		expect(result.error).toBeUndefined();
		const body = puts(emu)[0].body as { properties: Record<string, unknown> };
		expect(body.properties.status).toBe('Closed');
		expect(body.properties.classification).toBe(classification.replace(/\s/g, '').replace(/^./, (c) => c.toUpperCase()).replace('positive', 'Positive'));
		if (expected) expect(body.properties.classificationReason).toBe(expected);
		else expect(body.properties).not.toHaveProperty('classificationReason');
		expect(emu.sentinel.getIncident(incident.name)!.properties.classificationReason).toBe(expected);
	});

	const invalid: Array<[string, string, RegExp]> = [
		['TruePositive', 'SuspiciousButExpected', /does not fit/],
		['TruePositive', 'IncorrectAlertLogic', /does not fit/],
		['TruePositive', 'InaccurateData', /does not fit/],
		['BenignPositive', 'SuspiciousActivity', /does not fit/],
		['BenignPositive', 'IncorrectAlertLogic', /does not fit/],
		['BenignPositive', 'InaccurateData', /does not fit/],
		['FalsePositive', '', /False Positive needs a classification reason/],
		['FalsePositive', 'SuspiciousActivity', /does not fit/],
		['FalsePositive', 'SuspiciousButExpected', /does not fit/],
		['Undetermined', 'SuspiciousActivity', /does not fit/],
		['Undetermined', 'SuspiciousButExpected', /does not fit/],
		['Undetermined', 'IncorrectAlertLogic', /does not fit/],
		['Undetermined', 'InaccurateData', /does not fit/],
		['Maybe', '', /not a Microsoft Sentinel classification/],
		['TruePositive', 'Because', /not a Microsoft Sentinel classification reason/],
	];
	it.each(invalid)('refuses %s with reason "%s" before any request', async (classification, reason, message) => {
		const incident = emu.sentinel.createIncident({ status: 'Active' });
		emu.clearRequests();
		const result = await run(
			emu,
			'update',
			{ status: 'Closed', classification: '={{ $json.c }}', classificationReason: '={{ $json.r }}' },
			{ input: [{ ...triggerItem(emu, incident), c: classification, r: reason }] },
		);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(/Nothing was changed|Use one of/);
		expect(emu.requests).toHaveLength(0);
		expect(emu.sentinel.getIncident(incident.name)!.etag).toBe(incident.etag);
	});

	it('closing an incident already closed with the same classification makes no PUT (even with another comment)', async () => {
		const incident = emu.sentinel.createIncident({ status: 'Closed', classification: 'TruePositive', classificationReason: 'SuspiciousActivity', classificationComment: 'first close' });
		const result = await update(incident, { status: 'Closed', classification: 'TruePositive', classificationComment: 'second delivery of the same close' });
		expect(result.error).toBeUndefined();
		expect(puts(emu)).toHaveLength(0);
		expect(json(result)[0]).toMatchObject({ changed: false, classificationComment: 'first close' });
	});

	it('re-classifies a closed incident (False Positive → True Positive), keeping the old comment when none is given', async () => {
		const incident = emu.sentinel.createIncident({ status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData', classificationComment: 'looked benign' });
		const result = await update(incident, { status: 'Closed', classification: 'TruePositive' });
		expect(json(result)[0]).toMatchObject({ changed: true, classification: 'TruePositive', classificationReason: 'SuspiciousActivity', classificationComment: 'looked benign' });
		expect(puts(emu)[0].body).toMatchObject({ properties: { classification: 'TruePositive', classificationReason: 'SuspiciousActivity', classificationComment: 'looked benign' } });
	});

	it('closing as Undetermined drops a previous reason', async () => {
		const incident = emu.sentinel.createIncident({ status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData' });
		await update(incident, { status: 'Closed', classification: 'Undetermined' });
		expect((puts(emu)[0].body as { properties: object }).properties).not.toHaveProperty('classificationReason');
		expect(emu.sentinel.getIncident(incident.name)!.properties).toMatchObject({ classification: 'Undetermined' });
		expect(emu.sentinel.getIncident(incident.name)!.properties.classificationReason).toBeUndefined();
	});
});

describe('Update: fields', () => {
	it('sends only what changed on top of the incident as read (exact body)', async () => {
		const incident = emu.sentinel.createIncident({
			title: 'Old title',
			severity: 'Low',
			description: 'old',
			firstActivityTimeUtc: '2024-05-01T10:00:00.000Z',
			lastActivityTimeUtc: '2024-05-01T11:00:00.000Z',
		});
		const result = await update(incident, { status: 'Active', updateFields: { title: 'New title', severity: 'High', description: 'new' } });
		expect(puts(emu)[0].body).toEqual({
			etag: incident.etag,
			properties: {
				title: 'New title',
				severity: 'High',
				status: 'Active',
				description: 'new',
				labels: [],
				firstActivityTimeUtc: '2024-05-01T10:00:00.000Z',
				lastActivityTimeUtc: '2024-05-01T11:00:00.000Z',
			},
		});
		expect(json(result)[0].changes).toEqual([
			{ field: 'title', from: 'Old title', to: 'New title' },
			{ field: 'description', from: 'old', to: 'new' },
			{ field: 'severity', from: 'Low', to: 'High' },
			{ field: 'status', from: 'New', to: 'Active' },
		]);
	});

	it('setting the values the incident already has makes no PUT', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Same', severity: 'High' });
		const result = await update(incident, { status: 'New', updateFields: { title: 'Same', severity: 'High' } });
		expect(puts(emu)).toHaveLength(0);
		expect(json(result)[0]).toMatchObject({ changed: false });
	});

	it('refuses a description over 5,000 characters, an empty title and an empty update before any request', async () => {
		const incident = emu.sentinel.createIncident();
		emu.clearRequests();
		expect((await update(incident, { updateFields: { description: 'x'.repeat(5001) } })).error?.message).toContain('5,000');
		expect((await update(incident, { updateFields: { title: '  ' } })).error?.message).toBe('The title cannot be empty');
		expect((await update(incident, {})).error?.message).toBe('Nothing to update');
		expect(emu.requests).toHaveLength(0);
	});

	it('updates several items in order, each re-reading the incident (no self-inflicted conflicts)', async () => {
		const incident = emu.sentinel.createIncident();
		const result = await run(emu, 'update', { tagAction: 'add', tags: '={{ $json.tag }}' }, { input: ['one', 'two', 'three'].map((tag) => ({ ...triggerItem(emu, incident), tag })) });
		expect(result.items).toHaveLength(3);
		expect(puts(emu).map((p) => p.status)).toEqual([200, 200, 200]);
		expect(emu.sentinel.getIncident(incident.name)!.properties.labels.map((l) => l.labelName)).toEqual(['one', 'two', 'three']);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});
});
