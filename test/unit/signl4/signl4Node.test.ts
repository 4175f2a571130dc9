/** The SIGNL4 On-Call node in n8n-core's WorkflowExecute against the emulator over HTTPS: every operation. */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator';
import { runNode, type NodeRun } from '../../helpers/n8nHarness';
import { formatExternalId } from '../../../nodes/shared/sentinel/externalId';
import { forgetSignl4Pacing } from '../../../nodes/shared/signl4/pacing';
import { CREDENTIAL, INCIDENT_NAME, NODE_TYPE, SUBSCRIPTION, enrichedItem, incidentItem, signl4Credential, signl4Node } from './fixtures';

let emu: Emulator;
const incidentExternalId = formatExternalId({ subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', workspaceName: 'law-sentinel-prod', incidentName: INCIDENT_NAME });

beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(async () => emu.stop());
beforeEach(() => {
	forgetSignl4Pacing();
	emu.signl4.reset();
	emu.faults.clear();
	emu.clearRequests();
});

interface RunOptions {
	input?: IDataObject[];
	inputItems?: INodeExecutionData[];
	credential?: IDataObject;
	continueOnFail?: boolean;
}

function run(operation: string, parameters: IDataObject, options: RunOptions = {}): Promise<NodeRun> {
	return runNode({
		nodeType: signl4Node,
		typeName: NODE_TYPE,
		parameters: { resource: 'alert', operation, ...parameters },
		credentials: { [CREDENTIAL]: (options.credential ?? signl4Credential(emu)) as never },
		input: options.input ?? [incidentItem()],
		inputItems: options.inputItems,
		continueOnFail: options.continueOnFail,
	});
}

const webhookBodies = () => emu.requests.filter((r) => r.route === 'signl4.webhook').map((r) => r.body as Record<string, unknown>);

describe('Send', () => {
	test('from a Sentinel trigger item: readable Signl, workspace-qualified external ID, event ID returned', async () => {
		const { items, error } = await run('send', { options: {} });
		expect(error).toBeUndefined();
		const [alert] = emu.signl4.alerts();
		expect(alert).toMatchObject({ externalId: incidentExternalId, title: '[High] Sentinel #4711: Impossible travel to an atypical location', sourceSystem: 'n8n' });
		expect(alert.text).toContain('Owner: Amira Haddad (amira.haddad@contoso.example)');
		expect(alert.text).toContain('Open in Sentinel: https://portal.azure.com/');
		expect(alert.parameters.find((p) => p.name === 'Workspace')?.value).toBe('rg-sentinel-prod/law-sentinel-prod');
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			eventId: alert.eventId,
			status: 'sent',
			externalId: incidentExternalId,
			incidentName: INCIDENT_NAME,
			workspace: { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-sentinel-prod', name: 'law-sentinel-prod' },
			rateLimit: { limit: 150, remaining: 149 },
			rateLimitRetries: 0,
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		// JSON, not multipart, when nothing is attached.
		expect(emu.requests[0].headers['content-type']).toContain('application/json');
	});

	test('from an enriched item: the enrichment summary is in the text', async () => {
		await run('send', { options: {} }, { input: [enrichedItem()] });
		expect(emu.signl4.alerts()[0].text).toContain('Evidence (Log Analytics):\nAtypical travel: 3 rows');
	});

	test('every field overridable: title, message, custom external ID, service, location, filtering, source, parameters, scenario', async () => {
		const { items } = await run('send', {
			title: 'Custom title',
			message: 'Custom message',
			externalIdSource: 'custom',
			externalId: 'INC-0815',
			alertingScenario: 'emergency',
			options: {
				service: 'Security',
				location: '52.52, 13.405',
				filtering: true,
				sourceSystem: 'Sentinel-n8n',
				incidentParameters: false,
				customParameters: { parameter: [{ name: 'Runbook', value: 'https://wiki/rb-7' }] },
			},
		});
		const [alert] = emu.signl4.alerts();
		expect(alert).toMatchObject({ title: 'Custom title', text: 'Custom message', externalId: 'INC-0815', scenario: 'emergency', category: 'Emergency', location: '52.52,13.405', sourceSystem: 'Sentinel-n8n' });
		expect(alert.parameters.map((p) => p.name)).toEqual(['Runbook', 'X-S4-Status', 'X-S4-SourceSystem', 'X-S4-ExternalID', 'X-S4-AlertingScenario', 'X-S4-Service', 'X-S4-Location', 'X-S4-Filtering']);
		expect(webhookBodies()[0]['X-S4-Filtering']).toBe(true);
		expect(items[0].json).toMatchObject({ externalId: 'INC-0815', incidentName: null, workspace: null, alertingScenario: 'emergency' });
	});

	test.each([
		['High', 'multi_ack'],
		['Medium', 'single_ack'],
		['Informational', 'emergency'],
	])('alerting scenario mapped from severity %s → %s', async (severity, scenario) => {
		await run('send', { alertingScenario: 'bySeverity', scenarioHigh: 'multi_ack', scenarioMedium: 'single_ack', scenarioLow: 'single_ack', scenarioInformational: 'emergency', options: {} }, { input: [incidentItem({ severity })] });
		expect(webhookBodies()[0]['X-S4-AlertingScenario']).toBe(scenario);
	});

	test('team default sends no scenario; no external ID on request', async () => {
		await run('send', { externalIdSource: 'none', options: {} });
		expect(webhookBodies()[0]).not.toHaveProperty('X-S4-AlertingScenario');
		expect(webhookBodies()[0]).not.toHaveProperty('X-S4-ExternalID');
		expect(emu.signl4.alerts()[0].externalId).toBeNull();
	});

	test('a non-incident item needs title and message, and a custom external ID', async () => {
		const missing = await run('send', { options: {} }, { input: [{ hello: 'world' }] });
		expect(missing.error?.message).toContain('Title and Message are needed');
		const noIncident = await run('send', { title: 'T', message: 'M', options: {} }, { input: [{ hello: 'world' }] });
		expect(noIncident.error?.message).toContain('neither a Microsoft Sentinel incident nor a Defender XDR incident or alert');
		const ok = await run('send', { title: 'T', message: 'M', externalIdSource: 'custom', externalId: 'x-1', options: {} }, { input: [{ hello: 'world' }] });
		expect(ok.error).toBeUndefined();
		expect(emu.signl4.alerts()).toHaveLength(1);
	});

	test('custom parameters cannot override control fields; bad location refused; nothing sent', async () => {
		const reserved = await run('send', { options: { customParameters: { parameter: [{ name: 'X-S4-Status', value: 'resolved' }] } } });
		expect(reserved.error?.message).toContain("would override a SIGNL4 control field");
		const location = await run('send', { options: { location: 'Berlin' } });
		expect(location.error?.message).toContain('latitude,longitude');
		expect(emu.requestCount('signl4.webhook')).toBe(0);
	});

	describe('attachments', () => {
		const png = (size: number, fileName = 'graph.png', mimeType = 'image/png'): INodeExecutionData => ({
			json: incidentItem(),
			binary: { shot: { data: Buffer.alloc(size, 7).toString('base64'), mimeType, fileName } },
		});

		test('sent as multipart with SIGNL4 types', async () => {
			const { items, error } = await run('send', { options: { attachments: 'shot' } }, { inputItems: [png(2048)] });
			expect(error).toBeUndefined();
			expect(emu.requests[0].headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
			const [alert] = emu.signl4.alerts();
			expect(alert.attachments).toEqual([expect.objectContaining({ name: 'graph.png', contentType: 'image/png', size: 2048 })]);
			expect(alert.externalId).toBe(incidentExternalId);
			expect(alert.title).toContain('Sentinel #4711');
			expect(items[0].json.attachments).toEqual([{ fileName: 'graph.png', contentType: 'image/png', size: 2048 }]);
			expect(items[0].json.eventId).toBe(alert.eventId);
		});

		test('over 4 MB: the item fails and nothing is sent', async () => {
			const { error } = await run('send', { options: { attachments: 'shot' } }, { inputItems: [png(4 * 1024 * 1024 + 1)] });
			expect(error?.message).toContain('SIGNL4 accepts at most 4 MB per attachment');
			expect(emu.requestCount('signl4.webhook')).toBe(0);
		});

		test('unsupported type skipped on request, listed in the output', async () => {
			const { items } = await run('send', { options: { attachments: 'shot', skipUnsupportedAttachments: true } }, { inputItems: [png(100, 'tool.exe', 'application/x-msdownload')] });
			expect(items[0].json.skippedAttachments).toEqual([{ property: 'shot', reason: expect.stringContaining('SIGNL4 accepts PNG') }]);
			expect(emu.signl4.alerts()[0].attachments).toEqual([]);
			expect(emu.requests[0].headers['content-type']).toContain('application/json');
		});

		test('a missing binary property fails the item', async () => {
			const { error } = await run('send', { options: { attachments: 'nothere' } });
			expect(error?.message).toMatch(/nothere/);
		});
	});

	describe('rate limits', () => {
		test('a 429 waits for the announced reset and sends again (the refused request created nothing)', async () => {
			// A 429 that no earlier reply announced (another process spent the window): waited out, then sent again.
			emu.faults.add({ route: 'signl4.webhook', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
			const started = Date.now();
			const { items, error } = await run('send', { options: {} });
			expect(error).toBeUndefined();
			expect(items.map((i) => i.json.rateLimitRetries)).toEqual([1]);
			expect(Date.now() - started).toBeGreaterThanOrEqual(900);
			expect(emu.requests.filter((r) => r.route === 'signl4.webhook').map((r) => r.status)).toEqual([429, 201]);
			expect(emu.signl4.alerts()).toHaveLength(1);
		});

		test('a reply that spends the window holds the next send until its reset: no 429, which would block for a whole window', async () => {
			emu.signl4.setPlan({ events: [{ seconds: 1, limit: 2 }], api: [{ seconds: 1, limit: 100 }], erroneous: [{ seconds: 60, limit: 10 }] });
			const input = [0, 1, 2, 3, 4].map((n) => incidentItem({ incidentNumber: 4711 + n, incidentName: `8d2b0f63-4c5e-4a7b-9f3c-1e0d9c8b7a6${n}` }));
			const started = Date.now();
			const { items, error } = await run('send', { options: {} }, { input });
			const elapsed = Date.now() - started;
			expect(error).toBeUndefined();
			expect(items.map((i) => i.json.rateLimitRetries)).toEqual([0, 0, 0, 0, 0]);
			expect(emu.requests.filter((r) => r.route === 'signl4.webhook').map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
			// Two windows waited for (after the 2nd and the 4th send).
			expect(elapsed).toBeGreaterThanOrEqual(1500);
			expect(emu.signl4.alerts()).toHaveLength(5);
		});

		test('a reset later than the maximum wait fails at once with when it resets', async () => {
			emu.signl4.setPlan('free');
			for (let i = 0; i < 10; i++) emu.signl4.raise({ title: `fill ${i}` });
			// raise() bypasses throttling; fill the window through the webhook instead.
			emu.signl4.reset();
			emu.signl4.setPlan({ events: [{ seconds: 15, limit: 1 }], api: [{ seconds: 15, limit: 100 }], erroneous: [{ seconds: 60, limit: 10 }] });
			await run('send', { options: {} });
			const started = Date.now();
			const { error } = await run('send', { options: { maxRateLimitWaitSeconds: 2 } }, { continueOnFail: false });
			expect(Date.now() - started).toBeLessThan(1500);
			expect(error?.message).toContain('SIGNL4 is throttling requests (429)');
			expect((error as { description?: string }).description).toMatch(/resets at .* later than the configured maximum wait of 2 s/);
			expect(emu.signl4.alerts()).toHaveLength(1);
		});

		test('under "Continue" a throttled item is an error item with statusCode 429', async () => {
			emu.faults.add({ route: 'signl4.webhook', kind: 'status', status: 429, retryAfterSeconds: 120 });
			const { items } = await run('send', { options: {} }, { continueOnFail: true });
			expect(items[0].json).toMatchObject({ error: expect.stringContaining('throttling'), statusCode: 429, deliveryUncertain: false });
		});
	});

	describe('no answer: never sent twice', () => {
		test('answer lost after SIGNL4 raised the alert, API key: the node finds it by external ID instead of resending', async () => {
			emu.faults.add({ route: 'signl4.webhook', kind: 'lostResponse' });
			const { items, error } = await run('send', { options: {} });
			expect(error).toBeUndefined();
			const [alert] = emu.signl4.alerts();
			expect(items[0].json).toMatchObject({ status: 'sent', deliveryConfirmedBy: 'lookup', alertId: alert.id, eventId: alert.eventId });
			expect(emu.requestCount('signl4.webhook')).toBe(1);
			expect(emu.requestCount('signl4.alerts.paged')).toBe(1);
			expect(emu.signl4.alerts()).toHaveLength(1);
		});

		test('timeout (SIGNL4 answers too late): looked up, not resent', async () => {
			emu.signl4.settings.replyDelayMs = 2500;
			const { items } = await run('send', { options: { timeoutSeconds: 1 } });
			expect(items[0].json).toMatchObject({ deliveryConfirmedBy: 'lookup' });
			// The request log records the webhook call once SIGNL4 has answered; the event log at once.
			expect(emu.signl4.events()).toHaveLength(1);
			expect(emu.signl4.alerts()).toHaveLength(1);
			await new Promise((resolve) => setTimeout(resolve, 1700));
			expect(emu.requestCount('signl4.webhook')).toBe(1);
		});

		test('connection dropped before SIGNL4 processed it: the lookup finds nothing; uncertain error, not resent', async () => {
			emu.faults.add({ route: 'signl4.webhook', kind: 'drop' });
			const { items } = await run('send', { options: {} }, { continueOnFail: true });
			expect(items[0].json).toMatchObject({ deliveryUncertain: true, error: expect.stringContaining('SIGNL4 did not confirm the request to send the alert') });
			expect(items[0].json.description).toContain('No alert with this external ID was found');
			expect(items[0].json.description).toContain('It was not sent again');
			expect(emu.requestCount('signl4.webhook')).toBe(1);
			expect(emu.signl4.alerts()).toHaveLength(0);
		});

		test('without an API key: uncertain error that says how to enable the check', async () => {
			emu.faults.add({ route: 'signl4.webhook', kind: 'lostResponse' });
			const { items } = await run('send', { options: {} }, { continueOnFail: true, credential: signl4Credential(emu, { apiKey: '' }) });
			expect(items[0].json).toMatchObject({ deliveryUncertain: true });
			expect(items[0].json.description).toContain('Add an API key');
			expect(emu.requestCount('signl4.webhook')).toBe(1);
			expect(emu.requestCount('signl4.alerts.paged')).toBe(0);
		});

		test('a 5xx after sending is uncertain too and not resent', async () => {
			emu.faults.add({ route: 'signl4.webhook', kind: 'status', status: 503 });
			const { items } = await run('send', { options: { checkAfterTimeout: false } }, { continueOnFail: true });
			expect(items[0].json).toMatchObject({ statusCode: 503, deliveryUncertain: true });
			expect(emu.requestCount('signl4.webhook')).toBe(1);
		});
	});

	test('wrong team secret: clear message that never contains the secret', async () => {
		const secret = 'wr0ng-team-secret-value';
		const { error } = await run('send', { options: {} }, { credential: signl4Credential(emu, { teamSecret: secret }) });
		expect(error?.message).toContain('SIGNL4 does not know the team or integration secret in the credential');
		expect(JSON.stringify(error)).not.toContain(secret);
	});

	test('the extra CA is what makes the emulator trusted; without it: a certificate error naming the fix', async () => {
		const { error } = await run('send', { options: {} }, { credential: signl4Credential(emu, { caCertificate: '' }) });
		expect(error?.message).toContain('TLS certificate of the SIGNL4 base URL is not trusted');
		expect((error as { description?: string }).description).toContain('Extra CA Certificate');
	});
});

describe('Acknowledge and Resolve by external ID (webhook)', () => {
	test('acknowledge then resolve the incident\'s alerts; other incidents untouched', async () => {
		emu.signl4.raise({ title: 'a', externalId: incidentExternalId });
		emu.signl4.raise({ title: 'b', externalId: incidentExternalId });
		const other = emu.signl4.raise({ title: 'other workspace, same incident GUID', externalId: incidentExternalId.replace('law-sentinel-prod', 'law-sentinel-dev') });
		const ack = await run('acknowledge', { via: 'webhook', options: {} }, { credential: signl4Credential(emu, { apiKey: '' }) });
		expect(ack.items[0].json).toMatchObject({ status: 'acknowledged', externalId: incidentExternalId, channel: 'webhook', incidentName: INCIDENT_NAME, eventId: expect.stringMatching(/^\d{19}_/) });
		expect(emu.signl4.alerts({ externalId: incidentExternalId }).map((a) => a.status)).toEqual([2, 2]);
		const resolve = await run('resolve', { options: {} }, { credential: signl4Credential(emu, { apiKey: '' }) });
		expect(resolve.items[0].json).toMatchObject({ status: 'resolved' });
		expect(emu.signl4.alerts({ externalId: incidentExternalId }).map((a) => a.status)).toEqual([4, 4]);
		expect(emu.signl4.alert(other.id)?.status).toBe(1);
		expect(webhookBodies()).toEqual([
			{ 'X-S4-ExternalID': incidentExternalId, 'X-S4-Status': 'acknowledged', 'X-S4-SourceSystem': 'n8n' },
			{ 'X-S4-ExternalID': incidentExternalId, 'X-S4-Status': 'resolved', 'X-S4-SourceSystem': 'n8n' },
		]);
	});

	test('custom external ID', async () => {
		emu.signl4.raise({ title: 'c', externalId: 'INC-1' });
		await run('resolve', { externalIdSource: 'custom', externalId: 'INC-1', options: {} }, { input: [{}] });
		expect(emu.signl4.alerts({ externalId: 'INC-1' })[0].status).toBe(4);
	});
});

describe('API operations (API key)', () => {
	test('acknowledge by alert ID with acting user (by e-mail) and note', async () => {
		const alert = emu.signl4.raise({ title: 'x', externalId: incidentExternalId });
		const user = emu.signl4.users[1];
		const { items } = await run('acknowledge', { via: 'api', lookupBy: 'alertId', alertId: alert.id, options: { user: user.mail, note: 'on it' } });
		expect(items[0].json).toMatchObject({ alertId: alert.id, status: 'acknowledged', changed: true, channel: 'api', externalId: incidentExternalId, incidentName: INCIDENT_NAME });
		expect(emu.signl4.alert(alert.id)?.acknowledgedUserIds).toEqual([user.id]);
		expect(emu.requests.find((r) => r.route === 'signl4.alerts.acknowledge')?.body).toEqual({ userId: user.id, description: 'on it' });
	});

	test('acknowledge by external ID: every alert; already acknowledged ones are reported unchanged, not sent (no 409)', async () => {
		const first = emu.signl4.raise({ title: 'first', externalId: incidentExternalId });
		const second = emu.signl4.raise({ title: 'second', externalId: incidentExternalId });
		emu.signl4.acknowledge(first.id);
		emu.signl4.raise({ title: 'unrelated', externalId: 'INC-2' });
		const { items, error } = await run('acknowledge', { via: 'api', lookupBy: 'externalId', options: {} });
		expect(error).toBeUndefined();
		const byId = Object.fromEntries(items.map((i) => [i.json.alertId, i.json.changed]));
		expect(byId).toEqual({ [first.id]: false, [second.id]: true });
		expect(emu.requestCount('signl4.alerts.acknowledge')).toBe(1);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	test('close by external ID; a second close reports unchanged', async () => {
		const alert = emu.signl4.raise({ title: 'x', externalId: incidentExternalId });
		const closed = await run('close', { lookupBy: 'externalId', options: { note: 'closed from Sentinel' } });
		expect(closed.items[0].json).toMatchObject({ alertId: alert.id, status: 'closed', changed: true });
		const again = await run('close', { lookupBy: 'externalId', options: {} });
		expect(again.items[0].json).toMatchObject({ status: 'closed', changed: false });
		expect(emu.requestCount('signl4.alerts.close')).toBe(1);
	});

	test('annotate by alert ID and by external ID', async () => {
		const alert = emu.signl4.raise({ title: 'x', externalId: incidentExternalId });
		const byId = await run('annotate', { lookupBy: 'alertId', alertId: alert.id, text: 'Host isolated', options: {} });
		expect(byId.items[0].json).toMatchObject({ alertId: alert.id, annotation: { text: 'Host isolated', userId: emu.signl4.users[0].id } });
		await run('annotate', { lookupBy: 'externalId', text: 'Password reset', options: { user: emu.signl4.users[2].id } });
		expect(emu.signl4.alert(alert.id)?.annotations.map((a) => [a.text, a.userId])).toEqual([
			['Host isolated', emu.signl4.users[0].id],
			['Password reset', emu.signl4.users[2].id],
		]);
	});

	test("annotate with the incident's evidence: a storm's Signl paged before its details gets them afterwards", async () => {
		const withEvidence = enrichedItem();
		const listed = { ...incidentItem(), detailsDeferred: true } as IDataObject;
		delete listed.alerts;
		delete listed.entities;
		// Paged from what the incident list says: the Signl says the evidence follows.
		await run('send', { options: {} }, { input: [listed] });
		const [alert] = emu.signl4.alerts();
		expect(alert.text).toContain('the evidence follows as an annotation');
		const { items } = await run('annotate', { lookupBy: 'externalId', annotation: 'incidentEvidence', options: {} }, { input: [withEvidence] });
		const [note] = emu.signl4.alert(alert.id)?.annotations ?? [];
		expect(items[0].json).toMatchObject({ alertId: alert.id, annotation: { text: note.text } });
		expect(note.text).toMatch(/^Evidence for Sentinel #4711:/);
		expect(note.text).toContain('Accounts: ');
		expect(note.text).toContain('Alerts (');
		expect(note.text).toContain('Log Analytics:\nAtypical travel: 3 rows');
		expect(note.text.length).toBeLessThanOrEqual(4_000);

		// An item without evidence, or not an incident at all, is refused before anything is sent.
		const before = emu.requests.length;
		const bare = await run('annotate', { lookupBy: 'externalId', annotation: 'incidentEvidence', options: {} }, { input: [listed] });
		expect(bare.error?.message).toBe('Incident 4711 has no evidence to add');
		const other = await run('annotate', { lookupBy: 'externalId', annotation: 'incidentEvidence', options: {} }, { input: [{ hello: 'world' }] });
		expect(other.error?.message).toBe('The input item is not a Microsoft Sentinel incident');
		expect(emu.requests.slice(before).filter((request) => request.route === 'signl4.alerts.annotate')).toEqual([]);
	});

	test('get by alert ID and by external ID, with the incident reference', async () => {
		const alert = emu.signl4.raise({ title: 'x', text: 'y', externalId: incidentExternalId, parameters: { Host: 'web-01' } });
		const byId = await run('get', { lookupBy: 'alertId', alertId: alert.id, options: {} });
		expect(byId.items[0].json).toMatchObject({
			alertId: alert.id,
			eventId: alert.eventId,
			title: 'x',
			text: 'y',
			status: 'new',
			statusCode: 1,
			externalId: incidentExternalId,
			incidentName: INCIDENT_NAME,
			workspace: { name: 'law-sentinel-prod' },
			parameters: { Host: 'web-01', 'X-S4-ExternalID': incidentExternalId },
		});
		const byExternal = await run('get', { lookupBy: 'externalId', options: {} });
		expect(byExternal.items.map((i) => i.json.alertId)).toEqual([alert.id]);
	});

	test('nothing found: clear errors', async () => {
		const missing = await run('get', { lookupBy: 'externalId', options: { searchWindowHours: 1 } });
		expect(missing.error?.message).toContain('No SIGNL4 alert with this external ID');
		const unknown = await run('get', { lookupBy: 'alertId', alertId: '2518_unknown', options: {} });
		expect(unknown.error?.message).toContain('found nothing to get the alert');
		const badId = await run('get', { lookupBy: 'alertId', alertId: '../webhooks', options: {} });
		expect(badId.error?.message).toContain('cannot be part of a SIGNL4 alert ID');
	});

	test('without an API key the API operations say what is missing; a wrong key is named', async () => {
		const alert = emu.signl4.raise({ title: 'x' });
		for (const operation of ['close', 'annotate', 'get']) {
			const { error } = await run(operation, { lookupBy: 'alertId', alertId: alert.id, text: 't', options: {} }, { credential: signl4Credential(emu, { apiKey: '' }) });
			expect(error?.message).toContain('needs an API key in the SIGNL4 credential');
		}
		const ack = await run('acknowledge', { via: 'api', lookupBy: 'alertId', alertId: alert.id, options: {} }, { credential: signl4Credential(emu, { apiKey: '' }) });
		expect(ack.error?.message).toContain('Acknowledge via API needs an API key');
		const wrong = await run('get', { lookupBy: 'alertId', alertId: alert.id, options: {} }, { credential: signl4Credential(emu, { apiKey: 'not-the-key' }) });
		expect(wrong.error?.message).toContain('SIGNL4 rejected the API key');
		expect(JSON.stringify(wrong.error)).not.toContain('not-the-key');
	});

	test('the API key never reaches the webhook, the team secret never reaches a REST path', async () => {
		const alert = emu.signl4.raise({ title: 'x', externalId: incidentExternalId });
		await run('send', { options: {} });
		await run('get', { lookupBy: 'alertId', alertId: alert.id, options: {} });
		const hook = emu.requests.find((r) => r.route === 'signl4.webhook');
		const rest = emu.requests.find((r) => r.route === 'signl4.alerts.get');
		expect(hook?.headers['x-s4-api-key']).toBeUndefined();
		// Sent (the emulator accepted it), and redacted in the request log.
		expect(rest?.status).toBe(200);
		expect(rest?.headers['x-s4-api-key']).toBe('[redacted]');
		expect(rest?.path).not.toContain(emu.signl4.team.secret);
	});
});

describe('User → Get Many (API key)', () => {
	function users(parameters: IDataObject, credential?: IDataObject): Promise<NodeRun> {
		return runNode({
			nodeType: signl4Node,
			typeName: NODE_TYPE,
			parameters: { resource: 'user', operation: 'getMany', ...parameters },
			credentials: { [CREDENTIAL]: (credential ?? signl4Credential(emu)) as never },
			input: [incidentItem()],
		});
	}

	test('returns who is on duty now, following punch in and out', async () => {
		const [first, second, third] = emu.signl4.users;
		emu.signl4.duty('punchedOut', second.id);
		emu.signl4.duty('punchedIn', third.id);
		const { items } = await users({ onDutyOnly: true, options: {} });
		expect(items.map((item) => item.json.email).sort()).toEqual([first.mail, third.mail].sort());
		expect(items[0].json).toEqual({ userId: expect.any(String), name: expect.any(String), email: expect.any(String), onDuty: true, onManagerDuty: false, lastDutyChange: null });
		const all = await users({ onDutyOnly: false, options: {} });
		expect(all.items.map((item) => [item.json.email, item.json.onDuty])).toEqual(emu.signl4.users.map((user) => [user.mail, user.onDuty]));
		expect(emu.requests.filter((request) => request.route === 'signl4.users.list')).toHaveLength(2);
		emu.signl4.duty('punchedIn', second.id);
	});

	test('without an API key it says what is missing', async () => {
		const { error } = await users({ options: {} }, signl4Credential(emu, { apiKey: '' }));
		expect(error?.message).toContain('Get Many Users needs an API key in the SIGNL4 credential');
	});
});
