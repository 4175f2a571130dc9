/**
 * The Microsoft Sentinel Trigger in a real n8n-core PollContext, against the HTTPS emulator through
 * Microsoft's SDKs: filters, paging, out-of-order numbers, updates, throttling, token expiry, manual mode,
 * restarts with persisted static data, and sign-in failures that must not leak the secret.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import { MicrosoftSentinelTrigger } from '../../../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node';
import { startEmulator, type Emulator } from '../../emulator';
import { ALL_SEVERITIES, emulatorCredential, hoursAgo, triggerParameters } from '../../helpers/azureFixtures';
import { PollHarness, credentialTestContext } from '../../helpers/n8nHarness';

const TYPE = 'n8n-nodes-sentinel-signl4.microsoftSentinelTrigger';
let emu: Emulator;

beforeEach(async () => {
	clearAzureSessions();
	emu = await startEmulator();
});

afterEach(async () => {
	await emu.stop();
});

function trigger(parameters: INodeParameters = {}, options: { staticData?: IDataObject; credential?: Record<string, string> } = {}) {
	return new PollHarness({
		nodeType: new MicrosoftSentinelTrigger(),
		typeName: TYPE,
		parameters: triggerParameters(emu, parameters),
		credentials: { sentinelSignl4AzureApi: emulatorCredential(emu, options.credential) },
		staticData: options.staticData,
	});
}

const items = (result: INodeExecutionData[][] | null) => (result ? result[0].map((i) => i.json) : []);
const numbers = (result: INodeExecutionData[][] | null) => items(result).map((i) => i.incidentNumber as number);

describe('Microsoft Sentinel Trigger', () => {
	it('emits each matching incident once, with readable fields, alerts and entities', async () => {
		const [a, b] = [emu.sentinel.createIncident({ title: 'Impossible travel', severity: 'High' }), emu.sentinel.createIncident({ severity: 'Low' })];
		const node = trigger();
		const first = items(await node.poll());
		expect(first.map((i) => i.incidentName).sort()).toEqual([a.name, b.name].sort());
		const item = first.find((i) => i.incidentName === a.name)!;
		expect(item).toMatchObject({
			triggerEvent: 'created',
			incidentNumber: a.properties.incidentNumber,
			title: 'Impossible travel',
			severity: 'High',
			status: 'New',
			portalUrl: a.properties.incidentUrl,
			workspace: { name: emu.workspace.name, resourceGroup: emu.workspace.resourceGroup },
		});
		expect(item.alerts).toEqual(expect.any(Array));
		expect((item.alerts as IDataObject[]).length).toBe(emu.sentinel.getIncident(a.name)!.properties.additionalData.alertsCount);
		expect(item.entities).toMatchObject({ accounts: expect.any(Array), hosts: expect.any(Array), ips: expect.any(Array), products: expect.any(Array) });
		expect((item.raw as IDataObject).incident).toEqual(emu.sentinel.getIncident(a.name));
		// Nothing new: nothing emitted.
		expect(await node.poll()).toBeNull();
	});

	it('filters by status, severity, age, OData, title and product', async () => {
		emu.sentinel.createIncident({ title: 'old one', createdTimeUtc: hoursAgo(30), lastModifiedTimeUtc: hoursAgo(30) });
		const closed = emu.sentinel.createIncident({ title: 'closed', status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData' });
		const low = emu.sentinel.createIncident({ title: 'low', severity: 'Low' });
		const high = emu.sentinel.createIncident({ title: 'Ransomware on FS01', severity: 'High' });
		const drill = emu.sentinel.createIncident({ title: 'Red team DRILL', severity: 'High' });

		expect(numbers(await trigger().poll()).sort()).toEqual([low, high, drill].map((i) => i.properties.incidentNumber).sort());
		expect(numbers(await trigger({ severities: ['High'] }).poll()).sort()).toEqual([high, drill].map((i) => i.properties.incidentNumber).sort());
		expect(numbers(await trigger({ statuses: ['Closed'] }).poll())).toEqual([closed.properties.incidentNumber]);
		expect(items(await trigger({ maxAgeHours: 48, statuses: [] }).poll())).toHaveLength(5);
		expect(numbers(await trigger({ options: { additionalFilter: "contains(toLower(properties/title), 'ransomware')" } }).poll())).toEqual([high.properties.incidentNumber]);
		expect(numbers(await trigger({ severities: ['High'], options: { excludeTitles: 'drill, simulation' } }).poll())).toEqual([high.properties.incidentNumber]);

		// Excluding one product drops the incident whose alerts all come from it and keeps the one from another.
		const endpoint = emu.sentinel.createIncident({ title: 'EDR detection', severity: 'High', alerts: [{ productName: 'Microsoft Defender for Endpoint' }] });
		const mail = emu.sentinel.createIncident({ title: 'Phishing wave', severity: 'High', alerts: [{ productName: 'Office 365' }] });
		expect(items(await trigger({ severities: ['High'] }).poll()).map((i) => i.incidentName)).toEqual(expect.arrayContaining([endpoint.name, mail.name]));
		const afterExclusion = items(await trigger({ severities: ['High'], options: { excludeProducts: 'microsoft defender for endpoint' } }).poll()).map((i) => i.incidentName);
		expect(afterExclusion).toContain(mail.name);
		expect(afterExclusion).not.toContain(endpoint.name);
	});

	it('skips the incidents Defender XDR pages, only when asked', async () => {
		const native = emu.sentinel.createIncident({ title: 'Sentinel analytics rule' });
		const twin = emu.sentinel.createIncident({ title: 'Defender XDR incident', providerName: 'Microsoft XDR' });
		expect(items(await trigger().poll()).map((i) => i.incidentName).sort()).toEqual([native.name, twin.name].sort());
		expect(items(await trigger({ options: { skipDefenderXdrIncidents: true } }).poll()).map((i) => i.incidentName)).toEqual([native.name]);
	});

	it('leaves out alerts and entities when asked, and reads none', async () => {
		emu.sentinel.createIncident();
		const [item] = items(await trigger({ includeAlerts: false, includeEntities: false }).poll());
		expect(item.alerts).toBeUndefined();
		expect(item.entities).toBeUndefined();
		expect(emu.requestCount('incidents.alerts') + emu.requestCount('incidents.entities')).toBe(0);
	});

	it('reads 2,500 incidents across pages, following nextLink, each exactly once', async () => {
		emu.sentinel.seed(2500, { createdWithinMinutes: 600, alertsPerIncident: [1, 1] });
		const node = trigger({ includeAlerts: false, includeEntities: false, statuses: [], options: { maxIncidentsPerPoll: 0 } });
		const first = numbers(await node.poll());
		expect(first).toHaveLength(2500);
		expect(new Set(first).size).toBe(2500);
		expect(emu.requestCount('incidents.list')).toBeGreaterThan(10);
		const lists = emu.requests.filter((r) => r.route === 'incidents.list');
		expect(lists.every((r) => r.status === 200)).toBe(true);
		// The stable API on every page, nextLinks included (the SDK's default is 2022-09-01-preview).
		expect(new Set(lists.map((r) => r.query['api-version']))).toEqual(new Set(['2025-09-01']));
		expect(await node.poll()).toBeNull();
	});

	it('delivers a backlog in order over several polls when capped', async () => {
		const created = Array.from({ length: 7 }, () => emu.sentinel.createIncident());
		const node = trigger({ includeAlerts: false, includeEntities: false, options: { maxIncidentsPerPoll: 3 } });
		// Oldest modification first, three per poll, in that order (not merely the same set in the end).
		const byModification = [...created]
			.sort((x, y) => Date.parse(x.properties.lastModifiedTimeUtc) - Date.parse(y.properties.lastModifiedTimeUtc) || x.properties.incidentNumber - y.properties.incidentNumber)
			.map((i) => i.properties.incidentNumber);
		expect(numbers(await node.poll())).toEqual(byModification.slice(0, 3));
		expect(numbers(await node.poll())).toEqual(byModification.slice(3, 6));
		expect(numbers(await node.poll())).toEqual(byModification.slice(6));
		expect(await node.poll()).toBeNull();
	});

	it('in a storm emits the most severe first, a cap keeping the most severe, every incident once over the polls', async () => {
		const severities = ['Low', 'Informational', 'Medium', 'Low', 'High', 'Low', 'Medium', 'High', 'Informational', 'Low'] as const;
		const created = severities.map((severity) => emu.sentinel.createIncident({ severity }));
		const severityOf = new Map(created.map((i) => [i.properties.incidentNumber, i.properties.severity]));
		const uncapped = trigger({ includeAlerts: false, includeEntities: false });
		const all = items(await uncapped.poll());
		expect(all.map((i) => i.severity)).toEqual(['High', 'High', 'Medium', 'Medium', 'Low', 'Low', 'Low', 'Low', 'Informational', 'Informational']);
		// Oldest first within a severity.
		expect(all.filter((i) => i.severity === 'Low').map((i) => i.incidentNumber)).toEqual(
			created.filter((i) => i.properties.severity === 'Low').map((i) => i.properties.incidentNumber),
		);

		const capped = trigger({ includeAlerts: false, includeEntities: false, options: { maxIncidentsPerPoll: 4 } });
		const polls: number[][] = [];
		for (let poll = 0; poll < 4; poll++) polls.push(numbers(await capped.poll()));
		expect(polls.map((batch) => batch.map((n) => severityOf.get(n)))).toEqual([
			['High', 'High', 'Medium', 'Medium'],
			['Low', 'Low', 'Low', 'Low'],
			['Informational', 'Informational'],
			[],
		]);
		expect(polls.flat().sort((x, y) => x - y)).toEqual(created.map((i) => i.properties.incidentNumber));
	});

	it('never misses an incident whose number is out of creation order', async () => {
		const node = trigger({ includeAlerts: false, includeEntities: false });
		const first = emu.sentinel.createIncident();
		expect(numbers(await node.poll())).toEqual([first.properties.incidentNumber]);
		// A higher number with an earlier creation time than the last emitted incident.
		const late = emu.sentinel.createIncident({ createdTimeUtc: hoursAgo(2) });
		const next = emu.sentinel.createIncident();
		expect(late.properties.incidentNumber).toBeGreaterThan(first.properties.incidentNumber);
		expect(numbers(await node.poll()).sort()).toEqual([late, next].map((i) => i.properties.incidentNumber).sort());
	});

	it('emits updates once in new-and-updated mode, and an incident raised into the filter as new', async () => {
		const watched = emu.sentinel.createIncident({ severity: 'High' });
		const quiet = emu.sentinel.createIncident({ severity: 'Low' });
		const node = trigger({ event: 'createdOrUpdated', severities: ['High'], includeAlerts: false, includeEntities: false });
		expect(numbers(await node.poll())).toEqual([watched.properties.incidentNumber]);

		emu.sentinel.updateIncident(watched.name, { ownerObjectId: emu.sentinel.users[0].objectId }, 'analyst@contoso.com');
		emu.sentinel.updateIncident(quiet.name, { severity: 'High' }, 'analyst@contoso.com');
		const second = items(await node.poll());
		expect(second.map((i) => [i.incidentNumber, i.triggerEvent]).sort()).toEqual(
			[
				[watched.properties.incidentNumber, 'updated'],
				[quiet.properties.incidentNumber, 'created'],
			].sort(),
		);
		expect(second.find((i) => i.triggerEvent === 'updated')!.ownerEmail).toBe(emu.sentinel.users[0].email);
		expect(await node.poll()).toBeNull();

		// New-only mode ignores the same kind of change.
		const newOnly = trigger({ severities: ['High'], includeAlerts: false, includeEntities: false });
		await newOnly.poll();
		emu.sentinel.updateIncident(watched.name, { status: 'Active' }, 'analyst@contoso.com');
		expect(await trigger({ severities: ['High'], statuses: ['New', 'Active'], includeAlerts: false, includeEntities: false }, { staticData: newOnly.staticData }).poll()).toBeNull();
	});

	it('an idle poll costs one ARM call and no token request', async () => {
		emu.sentinel.createIncident();
		const node = trigger();
		await node.poll();
		const before = { token: emu.requestCount('token'), total: emu.requests.length };
		expect(await node.poll()).toBeNull();
		expect(emu.requestCount('token')).toBe(before.token);
		expect(emu.requests.length - before.total).toBe(1);
	});

	it('honours Retry-After on 429 and 503, then succeeds', async () => {
		emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.list', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
		emu.faults.add({ route: 'incidents.alerts', kind: 'status', status: 503, retryAfterSeconds: 1, times: 1 });
		expect(items(await trigger().poll())).toHaveLength(1);
		expect(emu.requests.filter((r) => r.route === 'incidents.list').map((r) => r.status)).toEqual([429, 200]);
		expect(emu.requests.filter((r) => r.route === 'incidents.alerts').map((r) => r.status)).toEqual([503, 200]);
	});

	it('a poll that gives up under throttling fails loudly and loses nothing', async () => {
		const created = [emu.sentinel.createIncident(), emu.sentinel.createIncident()];
		const node = trigger({ includeAlerts: false, includeEntities: false });
		emu.faults.add({ route: 'incidents.list', kind: 'status', status: 429, retryAfterSeconds: 0, times: Infinity });
		await expect(node.poll()).rejects.toMatchObject({ name: 'NodeApiError', httpCode: '429', message: expect.stringContaining('throttling') });
		expect(node.staticData['node:Microsoft Sentinel Trigger']).toEqual({});
		emu.faults.clear();
		expect(numbers(await node.poll()).sort()).toEqual(created.map((i) => i.properties.incidentNumber).sort());
	});

	it('survives a token that expires in the middle of a poll', async () => {
		emu.sentinel.seed(900, { createdWithinMinutes: 300, alertsPerIncident: [1, 1] });
		const node = trigger({ includeAlerts: false, includeEntities: false, statuses: [], options: { maxIncidentsPerPoll: 0 } });
		emu.faults.add({ route: 'incidents.list', kind: 'expiredToken', skip: 2, times: 1 });
		const tokensBefore = emu.requestCount('token');
		expect(numbers(await node.poll())).toHaveLength(900);
		// Pages one and two went through, the third was refused as expired, signed in afresh and read again.
		expect(emu.requests.filter((r) => r.route === 'incidents.list').map((r) => r.status).slice(0, 4)).toEqual([200, 200, 401, 200]);
		expect(emu.requestCount('token')).toBeGreaterThan(tokensBefore);
	});

	it('manual mode returns the newest matching incident and leaves the cursor alone', async () => {
		emu.sentinel.createIncident({ title: 'older', createdTimeUtc: hoursAgo(3) });
		const newest = emu.sentinel.createIncident({ title: 'newest', createdTimeUtc: hoursAgo(1) });
		emu.sentinel.createIncident({ title: 'closed', status: 'Closed', classification: 'TruePositive', classificationReason: 'SuspiciousActivity' });
		const node = trigger();
		const sample = items(await node.poll('manual', 'manual'));
		expect(sample.map((i) => i.incidentName)).toEqual([newest.name]);
		expect(node.staticData).toEqual({});
		// The real poll still delivers everything.
		expect(items(await node.poll())).toHaveLength(2);

		await expect(trigger({ severities: ['Informational'], statuses: ['Active'] }).poll('manual', 'manual')).rejects.toThrow('No incident in the workspace matches');
	});

	it('picks up after a restart from the persisted static data', async () => {
		const before = emu.sentinel.createIncident();
		const node = trigger({ includeAlerts: false, includeEntities: false });
		expect(numbers(await node.poll())).toEqual([before.properties.incidentNumber]);
		const persisted = node.staticData;
		expect(persisted['node:Microsoft Sentinel Trigger']).toBeDefined();

		// n8n restarts: a new process (no cached sessions), the workflow reloaded with its static data.
		clearAzureSessions();
		const during = emu.sentinel.createIncident();
		const restarted = trigger({ includeAlerts: false, includeEntities: false }, { staticData: persisted });
		expect(numbers(await restarted.poll('trigger', 'init'))).toEqual([during.properties.incidentNumber]);
	});

	it('signs in with a certificate as well as a secret', async () => {
		emu.sentinel.createIncident();
		const node = trigger({}, { credential: { authMethod: 'certificate', certificate: emu.principal.certificatePem, clientSecret: '' } });
		expect(items(await node.poll())).toHaveLength(1);
		expect(emu.requests.find((r) => r.route === 'token')?.body).toMatch(/client_assertion=/);
	});

	it('lists the workspaces the principal can see, and filters them', async () => {
		const ctx = trigger().loadOptionsContext();
		const node = new MicrosoftSentinelTrigger();
		const all = await node.methods.listSearch.searchWorkspaces.call(ctx);
		expect(all.results.map((r) => r.value)).toContain(emu.workspace.armId);
		expect(all.results.length).toBeGreaterThan(1);
		const filtered = await node.methods.listSearch.searchWorkspaces.call(ctx, emu.workspace.name);
		expect(filtered.results.map((r) => r.value)).toEqual([emu.workspace.armId]);
	});
});

describe('sign-in failures', () => {
	const secret = 'Sup3r~Secret.Value_that-must-not-leak';

	async function credentialTest(overrides: Record<string, string>) {
		const node = new MicrosoftSentinelTrigger();
		return node.methods.credentialTest.sentinelSignl4AzureApiTest.call(credentialTestContext(), {
			id: 'c1',
			name: 'Azure',
			type: 'sentinelSignl4AzureApi',
			data: emulatorCredential(emu, overrides),
		});
	}

	it('the credential test passes with a good principal', async () => {
		await expect(credentialTest({})).resolves.toMatchObject({ status: 'OK' });
	});

	it.each([
		['a wrong secret', { clientSecret: secret }, /AADSTS7000215/, /client secret/i],
		// MSAL reports an unknown tenant only as endpoints_resolution_error (Entra refuses its discovery document).
		['an unknown tenant', { tenantId: '11111111-2222-3333-4444-555555555555', clientSecret: secret }, /Could not sign in/, /no sign-in endpoints for this tenant/],
		['an unknown client', { clientId: '99999999-2222-3333-4444-555555555555', clientSecret: secret }, /AADSTS700016/, /client id/i],
	])('the credential test explains %s without echoing the secret', async (_label, overrides, code, hint) => {
		const result = await credentialTest(overrides);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(code);
		expect(result.message).toMatch(hint);
		expect(result.message).not.toContain(secret);
		expect(result.message).not.toMatch(/Trace ID|Correlation ID|Timestamp:/);
	});

	it('a poll with a wrong secret fails with an actionable NodeApiError and no secret anywhere', async () => {
		const node = trigger({}, { credential: { clientSecret: secret } });
		const error = await node.poll().then(
			() => undefined,
			(e: Error) => e,
		);
		expect(error).toMatchObject({ name: 'NodeApiError', message: expect.stringContaining('AADSTS7000215') });
		const everything = JSON.stringify({ error, message: error?.message, description: (error as { description?: string }).description, stack: error?.stack });
		expect(everything).not.toContain(secret);
		expect(everything).not.toMatch(/Trace ID|Correlation ID/);
		expect((node.staticData['node:Microsoft Sentinel Trigger'] as IDataObject | undefined)?.cursor).toBeUndefined();
	});

	it('refuses a credential with missing fields before any request', async () => {
		const node = trigger({}, { credential: { clientSecret: '' } });
		await expect(node.poll()).rejects.toMatchObject({ name: 'NodeOperationError', message: 'The credential has no Client Secret' });
		expect(emu.requests).toHaveLength(0);
	});

	it('refuses a workspace it cannot parse before any request', async () => {
		const node = trigger({ workspace: { __rl: true, mode: 'url', value: 'https://portal.azure.com/#home' } });
		await expect(node.poll()).rejects.toThrow('Choose the Microsoft Sentinel workspace to watch');
		expect(emu.requests).toHaveLength(0);
	});
});

export { ALL_SEVERITIES };
