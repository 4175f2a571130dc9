/**
 * The emulator's automation rules: fired on incident create/update by an analyst, by Sentinel itself (alert grouping)
 * or by an application, only when the rule's conditions hold; the playbook POSTs the Sentinel incident trigger's body
 * with the configured headers, honours a delay, a hold, dropped runs and the Logic App's retry policy.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startEmulator, type Emulator } from '../../emulator';
import { armRequest, request } from '../emulator/support/clients';

interface Received {
	headers: http.IncomingHttpHeaders;
	body: Record<string, any>;
}

let emu: Emulator;
let server: http.Server;
let url: string;
const received: Received[] = [];
/** Statuses the receiver answers, in order (then 200). */
const answers: number[] = [];

beforeAll(async () => {
	emu = await startEmulator();
	server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
			res.writeHead(answers.shift() ?? 200).end();
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/push`;
});

afterAll(async () => {
	await new Promise((resolve) => server?.close(resolve));
	await emu?.stop();
});

beforeEach(() => {
	emu.automation.clearRules();
	emu.automation.clearRuns();
	emu.automation.setBehaviour({ delayMs: 0, failIncidents: [], retryCount: 4, retryIntervalMs: 10 });
	received.length = 0;
	answers.length = 0;
});

const playbook = () => ({ url, headers: { 'X-Sentinel-Push-Secret': 's3cret' } });

test('a Created rule posts the Sentinel incident trigger body with the secret header', async () => {
	emu.automation.addRule({ triggersWhen: 'Created', playbook: playbook() });
	const incident = emu.sentinel.createIncident({ title: 'Pushed', severity: 'High', alerts: [{ scheduledRule: 'signin-bruteforce' }] });
	await emu.automation.idle();
	expect(received).toHaveLength(1);
	expect(received[0].headers['x-sentinel-push-secret']).toBe('s3cret');
	expect(received[0].body).toMatchObject({
		objectSchemaType: 'Incident',
		objectEventType: 'Create',
		workspaceId: emu.workspace.customerId,
		workspaceInfo: { SubscriptionId: emu.workspace.subscriptionId, ResourceGroupName: emu.workspace.resourceGroup, WorkspaceName: emu.workspace.name },
		object: { id: incident.id, name: incident.name, properties: { title: 'Pushed', severity: 'High', incidentNumber: incident.properties.incidentNumber } },
	});
	expect(received[0].body.object.properties.alerts).toHaveLength(1);
	expect(emu.automation.runs()).toMatchObject([{ incidentName: incident.name, status: 'succeeded', attempts: 1, lastStatus: 200 }]);
});

test('conditions: severity and status must hold; a disabled rule never fires', async () => {
	emu.automation.addRule({
		triggersWhen: 'Created',
		conditions: [
			{ propertyName: 'IncidentSeverity', operator: 'Equals', propertyValues: ['High', 'Medium'] },
			{ propertyName: 'IncidentStatus', operator: 'Equals', propertyValues: ['New'] },
		],
		playbook: playbook(),
	});
	emu.automation.addRule({ triggersWhen: 'Created', isEnabled: false, playbook: playbook() });
	const high = emu.sentinel.createIncident({ severity: 'High' });
	emu.sentinel.createIncident({ severity: 'Low' });
	emu.sentinel.createIncident({ severity: 'Medium', status: 'Active' });
	await emu.automation.idle();
	expect(received.map((r) => r.body.object.name)).toEqual([high.name]);
});

test("Updated rule excluding applications: an analyst's or Sentinel's update fires, the package's own write does not", async () => {
	emu.automation.addRule({
		triggersWhen: 'Updated',
		conditions: [{ propertyName: 'IncidentUpdatedBySource', operator: 'NotEquals', propertyValues: ['Application'] }],
		playbook: playbook(),
	});
	const incident = emu.sentinel.createIncident({ title: 'Updated' });
	emu.sentinel.updateIncident(incident.name, { severity: 'High' }, 'mei.tanaka@contoso.com');
	emu.sentinel.addAlert(incident.name, {});
	// The package's principal writes through Resource Manager (a tag): an Application update.
	const current = emu.sentinel.getIncident(incident.name)!;
	const put = await armRequest(emu, 'PUT', `${current.id}?api-version=2025-09-01`, {
		etag: current.etag,
		properties: { title: current.properties.title, severity: current.properties.severity, status: current.properties.status, labels: [{ labelName: 'SIGNL4', labelType: 'User' }] },
	});
	expect(put.status).toBe(200);
	await emu.automation.idle();
	expect(emu.automation.runs().map((run) => run.updatedBy)).toEqual(['User', 'AlertGrouping']);
	expect(received.every((r) => r.body.objectEventType === 'Update')).toBe(true);
	expect(emu.sentinel.history(incident.name).at(-1)).toMatchObject({ actor: emu.principal.clientId, via: 'put' });
});

test('the retry policy: 5xx and 429 answers are retried, 4xx are not; a dropped run never posts', async () => {
	emu.automation.addRule({ triggersWhen: 'Created', playbook: playbook() });
	answers.push(503, 429);
	const retried = emu.sentinel.createIncident({ title: 'Retried' });
	await emu.automation.idle();
	expect(emu.automation.runs()).toMatchObject([{ incidentName: retried.name, status: 'succeeded', attempts: 3 }]);

	emu.automation.clearRuns();
	answers.push(401);
	const refused = emu.sentinel.createIncident({ title: 'Refused' });
	await emu.automation.idle();
	expect(emu.automation.runs()).toMatchObject([{ incidentName: refused.name, status: 'failed', attempts: 1, lastStatus: 401 }]);

	emu.automation.clearRuns();
	received.length = 0;
	const next = emu.sentinel.listIncidents().length + 1;
	emu.automation.setBehaviour({ failIncidents: [next] });
	const dropped = emu.sentinel.createIncident({ title: 'Dropped' });
	expect(dropped.properties.incidentNumber).toBe(next);
	await emu.automation.idle();
	expect(received).toHaveLength(0);
	expect(emu.automation.runs()).toMatchObject([{ incidentName: dropped.name, status: 'dropped', attempts: 0 }]);
});

test('delay and hold: runs wait, and a release starts them all at once', async () => {
	emu.automation.addRule({ triggersWhen: 'Created', playbook: playbook() });
	emu.automation.setBehaviour({ delayMs: 300 });
	emu.sentinel.createIncident({ title: 'Delayed' });
	await new Promise((resolve) => setTimeout(resolve, 50));
	expect(received).toHaveLength(0);
	await emu.automation.idle();
	expect(received).toHaveLength(1);

	emu.automation.setBehaviour({ delayMs: 0 });
	emu.automation.hold();
	emu.sentinel.createIncident({ title: 'Held 1' });
	emu.sentinel.createIncident({ title: 'Held 2' });
	await emu.automation.idle();
	expect(received).toHaveLength(1);
	expect(emu.automation.runs().filter((run) => run.status === 'held')).toHaveLength(2);
	expect(emu.automation.release()).toBe(2);
	await emu.automation.idle();
	expect(received).toHaveLength(3);
});

test('the control API mirrors it: add a rule, set behaviour, list runs', async () => {
	const control = (method: string, path: string, body?: unknown) => request(emu, method, `/_emulator/automation${path}`, { body });
	expect((await control('POST', '/rules', { triggersWhen: 'Created', playbook: playbook() })).status).toBe(201);
	expect((await control('PATCH', '/behaviour', { delayMs: 5 })).json).toMatchObject({ delayMs: 5 });
	emu.sentinel.createIncident({ title: 'Via control API' });
	await emu.automation.idle();
	expect((await control('GET', '/runs')).json).toMatchObject({ value: [{ status: 'succeeded' }] });
});
