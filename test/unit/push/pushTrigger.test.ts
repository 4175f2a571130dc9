/**
 * The Microsoft Sentinel Push Trigger in n8n-core's WebhookContext against the emulator: who may push (header or
 * Basic Auth; 401/403 and no execution otherwise), what a push may say (only the incident ID: the incident is read
 * from Resource Manager), the filters, and the item it emits (the Microsoft Sentinel Trigger's shape).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startEmulator, type Emulator } from '../../emulator';
import { incidentTriggerBody } from '../../emulator/arm/sentinel/automation/automation-rules';
import { WebhookHarness } from '../../helpers/webhookHarness';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { MicrosoftSentinelPushTrigger } from '../../../nodes/MicrosoftSentinelPushTrigger/MicrosoftSentinelPushTrigger.node';
import { parsePushBody } from '../../../nodes/MicrosoftSentinelPushTrigger/push';
import { sentinelPushAuthTest } from '../../../nodes/MicrosoftSentinelPushTrigger/credentialTest';

const HEADER = { name: 'X-Sentinel-Push-Secret', headerSecret: 'push-secret-0123456789abcdef' };
const BASIC = { user: 'sentinel', password: 'push-passw0rd-long-enough' };

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(async () => {
	await emu?.stop();
});

function trigger(parameters: INodeParameters = {}, auth: 'headerAuth' | 'basicAuth' = 'headerAuth'): WebhookHarness {
	return new WebhookHarness({
		nodeType: new MicrosoftSentinelPushTrigger(),
		typeName: 'n8n-nodes-sentinel-signl4.microsoftSentinelPushTrigger',
		parameters: {
			authentication: auth,
			workspace: { __rl: true, mode: 'id', value: emu.workspace.armId },
			statuses: ['New'],
			severities: ['High', 'Medium', 'Low', 'Informational'],
			maxAgeHours: 24,
			skipTags: 'SIGNL4, SIGNL4 paging',
			includeAlerts: true,
			includeEntities: true,
			...parameters,
		},
		credentials: {
			sentinelSignl4AzureApi: emulatorCredential(emu),
			...(auth === 'headerAuth' ? { signl4TriggerHeaderAuthApi: HEADER } : { signl4TriggerBasicAuthApi: BASIC }),
		} as never,
	});
}

/** The body the playbook forwards for an incident (the emulator's Sentinel incident trigger body). */
function bodyFor(name: string, eventType: 'Create' | 'Update' = 'Create'): IDataObject {
	const record = emu.sentinel.getIncident(name)!;
	return {
		objectEventType: eventType,
		object: { id: record.id, name: record.name, properties: { ...record.properties } },
		workspaceInfo: { SubscriptionId: emu.workspace.subscriptionId, ResourceGroupName: emu.workspace.resourceGroup, WorkspaceName: emu.workspace.name },
	};
}

const withSecret = (body: unknown) => ({ headers: { 'content-type': 'application/json', [HEADER.name]: HEADER.headerSecret }, body });

describe('authentication', () => {
	test('no secret header: 401, nothing read, nothing started', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Unauthenticated push', severity: 'High' });
		const before = emu.requests.length;
		const result = await trigger().receive({ headers: { 'content-type': 'application/json' }, body: bodyFor(incident.name) });
		expect(result).toMatchObject({ status: 401, started: false });
		expect(emu.requests.length).toBe(before);
	});

	test('a wrong secret: 403, nothing started; the message never echoes the secret', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Wrong secret', severity: 'High' });
		const result = await trigger().receive({ headers: { [HEADER.name]: 'guess' }, body: bodyFor(incident.name) });
		expect(result).toMatchObject({ status: 403, started: false });
		expect(JSON.stringify(result.body)).not.toContain(HEADER.headerSecret);
	});

	test('Basic Auth: wrong password 403, right one starts an execution', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Basic push', severity: 'Medium' });
		const basic = (password: string) => `Basic ${Buffer.from(`${BASIC.user}:${password}`).toString('base64')}`;
		const wrong = await trigger({}, 'basicAuth').receive({ headers: { authorization: basic('nope') }, body: bodyFor(incident.name) });
		expect(wrong).toMatchObject({ status: 403, started: false });
		const right = await trigger({}, 'basicAuth').receive({ headers: { authorization: basic(BASIC.password) }, body: bodyFor(incident.name) });
		expect(right.started).toBe(true);
		expect(right.items[0].json.incidentNumber).toBe(incident.properties.incidentNumber);
	});

	test('activation without the chosen credential fails', async () => {
		const harness = new WebhookHarness({
			nodeType: new MicrosoftSentinelPushTrigger(),
			typeName: 'n8n-nodes-sentinel-signl4.microsoftSentinelPushTrigger',
			parameters: { authentication: 'headerAuth', workspace: { __rl: true, mode: 'id', value: emu.workspace.armId } },
			credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) } as never,
		});
		await expect(harness.hook('checkExists')).rejects.toThrow(/no Header Auth credential/);
		await expect(trigger().hook('checkExists')).resolves.toBe(true);
	});
});

describe('what a push may say', () => {
	test('the item is the incident as Resource Manager has it, in the Microsoft Sentinel Trigger shape', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Pushed incident', severity: 'High', alerts: [{ scheduledRule: 'signin-bruteforce' }] });
		const result = await trigger().receive(withSecret(bodyFor(incident.name)));
		expect(result.started).toBe(true);
		expect(result.items).toHaveLength(1);
		const item = result.items[0].json as IDataObject & { raw: IDataObject };
		expect(item).toMatchObject({
			triggerEvent: 'created',
			incidentNumber: incident.properties.incidentNumber,
			title: 'Pushed incident',
			severity: 'High',
			incidentName: incident.name,
			workspace: { armId: emu.workspace.armId },
			delivery: { attempt: 1 },
		});
		expect(item.raw.incident).toMatchObject({ name: incident.name, etag: emu.sentinel.getIncident(incident.name)!.etag });
		expect(item.raw.alerts).toHaveLength(1);
		expect(item.alerts).toHaveLength(1);
		expect(item.entities).toBeDefined();
	});

	test("a lying body (another incident's title, another severity) changes nothing: the incident is read", async () => {
		const incident = emu.sentinel.createIncident({ title: 'The real title', severity: 'Low' });
		const lie = bodyFor(incident.name);
		(lie.object as IDataObject).properties = { title: 'Forged title', severity: 'High', status: 'New' };
		const result = await trigger().receive(withSecret(lie));
		expect(result.items[0].json).toMatchObject({ title: 'The real title', severity: 'Low' });
	});

	test('a pushed severity inside the filter does not let an incident outside it through', async () => {
		const incident = emu.sentinel.createIncident({ title: 'Informational only', severity: 'Informational' });
		const lie = bodyFor(incident.name);
		(lie.object as IDataObject).properties = { severity: 'High' };
		const result = await trigger({ severities: ['High', 'Medium'] }).receive(withSecret(lie));
		expect(result).toMatchObject({ status: 200, started: false });
		expect(result.body).toMatchObject({ accepted: false });
	});

	test('filters: status, age, the tags that mean paged or claimed, another workspace, a deleted incident', async () => {
		const active = emu.sentinel.createIncident({ title: 'Already active', status: 'Active' });
		const old = new Date(Date.now() - 30 * 3_600_000).toISOString();
		const aged = emu.sentinel.createIncident({ title: 'Old', createdTimeUtc: old, lastModifiedTimeUtc: old });
		const paged = emu.sentinel.createIncident({ title: 'Paged', labels: ['SIGNL4'] });
		const claimed = emu.sentinel.createIncident({ title: 'Claimed', labels: ['SIGNL4 paging'] });
		for (const incident of [active, aged, paged, claimed]) {
			const result = await trigger().receive(withSecret(bodyFor(incident.name)));
			expect({ title: incident.properties.title, status: result.status, started: result.started }).toEqual({ title: incident.properties.title, status: 200, started: false });
		}
		const other = emu.workspaces[1];
		const elsewhere = bodyFor(active.name);
		(elsewhere.object as IDataObject).id = `${other.armId}/providers/Microsoft.SecurityInsights/incidents/${active.name}`;
		expect(await trigger().receive(withSecret(elsewhere))).toMatchObject({ status: 200, started: false });
		const gone = emu.sentinel.createIncident({ title: 'Deleted before the push' });
		const goneBody = bodyFor(gone.name);
		emu.sentinel.deleteIncident(gone.name);
		expect(await trigger().receive(withSecret(goneBody))).toMatchObject({ status: 200, started: false });
	});

	test('a body without an incident ID, or with something else as ID: 400, nothing started', async () => {
		expect(await trigger().receive(withSecret({ title: 'no id' }))).toMatchObject({ status: 400, started: false });
		expect(await trigger().receive(withSecret({ object: { id: '/subscriptions/x/resourceGroups/y' } }))).toMatchObject({ status: 400, started: false });
		expect(await trigger().receive(withSecret('not json'))).toMatchObject({ status: 400, started: false });
	});

	test('Resource Manager failing: 503 with Retry-After, so the playbook pushes again; nothing started', async () => {
		const incident = emu.sentinel.createIncident({ title: 'ARM down', severity: 'High' });
		const fault = emu.faults.add({ route: 'incidents.get', kind: 'status', status: 500, times: 20 });
		try {
			const result = await trigger().receive(withSecret(bodyFor(incident.name)));
			expect(result).toMatchObject({ status: 503, started: false });
			expect(result.headers['retry-after']).toBe('10');
		} finally {
			emu.faults.remove(fault);
		}
	});

	test('parsePushBody reads the Sentinel incident trigger body the emulator produces', () => {
		const incident = emu.sentinel.createIncident({ title: 'Trigger body' });
		const record = { incident: emu.sentinel.getIncident(incident.name)!, alerts: [], entities: [], entityKeys: new Set<string>(), comments: [], history: [] };
		const workspace = { ...emu.workspace, location: 'westeurope' } as never;
		const parsed = parsePushBody(incidentTriggerBody(record, workspace, 'Update'));
		expect(parsed).toMatchObject({ ok: true, reference: { incidentName: incident.name, event: 'updated', workspace: { armId: emu.workspace.armId } } });
	});
});

describe('credential test', () => {
	const check = (type: string, data: IDataObject) => sentinelPushAuthTest.call({} as never, { id: '1', name: 'c', type, data } as never);
	test('the header must be a valid name with a value of 16 characters or more; Basic Auth a user and a long password', async () => {
		expect(await check('signl4TriggerHeaderAuthApi', { name: 'X-Sentinel-Push-Secret', headerSecret: 'short' })).toMatchObject({ status: 'Error' });
		expect(await check('signl4TriggerHeaderAuthApi', { name: 'bad header', headerSecret: HEADER.headerSecret })).toMatchObject({ status: 'Error' });
		expect(await check('signl4TriggerHeaderAuthApi', HEADER)).toMatchObject({ status: 'OK' });
		expect(await check('signl4TriggerBasicAuthApi', { user: 'sentinel', password: 'short' })).toMatchObject({ status: 'Error' });
		expect(await check('signl4TriggerBasicAuthApi', BASIC)).toMatchObject({ status: 'OK' });
	});
});
