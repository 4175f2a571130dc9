/** The `/_emulator/` control API over HTTPS mirrors the in-process API. */
import { readFileSync } from 'node:fs';
import { startEmulator, type Emulator, type Incident } from '../../emulator';
import { armRequest, request, sentinelPath } from './support/clients';

jest.setTimeout(30_000);

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(() => emu.stop());

const control = (method: string, path: string, body?: unknown) => request(emu, method, `/_emulator${path}`, { body });

describe('control API', () => {
	it('GET /info describes principal, workspace and CA; the CA file exists', async () => {
		const response = await control('GET', '/info');
		expect(response.status).toBe(200);
		const info = response.json as { url: string; caPath: string; caPem: string; principal: Emulator['principal']; workspace: Emulator['workspace']; routeIds: string[] };
		expect(info.url).toBe(emu.url);
		expect(info.principal).toEqual(emu.principal);
		expect(info.workspace).toEqual(emu.workspace);
		expect(readFileSync(info.caPath, 'utf8')).toBe(emu.caPem);
		expect(info.routeIds).toContain('incidents.list');
	});

	it('seeds, creates, gets, updates and lists incidents; adds alerts and entities', async () => {
		const seeded = await control('POST', '/incidents/seed', { count: 3, options: { alertsPerIncident: [2, 2] } });
		expect(seeded.status).toBe(201);
		expect((seeded.json as { value: Incident[] }).value.map((incident) => incident.properties.additionalData.alertsCount)).toEqual([2, 2, 2]);

		const created = await control('POST', '/incidents', { title: 'From control API', severity: 'High' });
		const incident = created.json as Incident;
		expect(incident.properties).toMatchObject({ title: 'From control API', severity: 'High', incidentNumber: 4 });

		const updated = await control('PATCH', `/incidents/${incident.name}`, { change: { status: 'Active', ownerObjectId: emu.sentinel.users[0].objectId }, actor: 'amara.okafor@contoso.com' });
		expect((updated.json as Incident).properties.owner.email).toBe(emu.sentinel.users[0].email);
		expect((updated.json as Incident).systemData.lastModifiedBy).toBe('amara.okafor@contoso.com');

		const alert = await control('POST', `/incidents/${incident.name}/alerts`, { scheduledRule: 'inbox-forwarding-rule' });
		expect(alert.status).toBe(201);
		const entity = await control('POST', `/incidents/${incident.name}/entities`, { kind: 'Ip', properties: { address: '203.0.113.5' } });
		expect(entity.json).toMatchObject({ kind: 'Ip', properties: { address: '203.0.113.5', friendlyName: '203.0.113.5' } });

		const fetched = await control('GET', `/incidents/${incident.name}`);
		expect((fetched.json as Incident).properties.additionalData.alertsCount).toBe(2);
		const list = await control('GET', '/incidents');
		expect((list.json as { value: Incident[] }).value).toHaveLength(4);
		const history = await control('GET', `/incidents/${incident.name}/history`);
		expect((history.json as { value: Array<{ via: string }> }).value.map((entry) => entry.via)).toEqual(['create', 'analyst', 'alert']);
		expect((await control('GET', '/incidents/nope')).status).toBe(404);
	});

	it('adds and clears faults (times: "Infinity"), counts and clears requests, controls tokens', async () => {
		emu.clearRequests();
		const added = await control('POST', '/faults', { route: 'incidents.list', kind: 'status', status: 503, times: 'Infinity' });
		expect(added.status).toBe(201);
		expect((await armRequest(emu, 'GET', sentinelPath(emu, '/incidents?api-version=2025-09-01'))).status).toBe(503);
		expect((await control('GET', '/requests/count?route=incidents.list')).json).toEqual({ count: 1 });
		const logged = await control('GET', '/requests?route=incidents.list');
		expect((logged.json as { value: Array<{ status: number; fault: string; headers: Record<string, string> }> }).value[0]).toMatchObject({ status: 503, fault: 'status' });
		expect((logged.json as { value: Array<{ headers: Record<string, string> }> }).value[0].headers.authorization).toBe('Bearer [redacted]');
		await control('DELETE', '/faults');
		expect((await armRequest(emu, 'GET', sentinelPath(emu, '/incidents?api-version=2025-09-01'))).status).toBe(200);
		await control('DELETE', '/requests');
		expect(emu.requests).toHaveLength(0);

		expect((await control('POST', '/identity/token-lifetime', { seconds: 600 })).json).toEqual({ tokenLifetimeSeconds: 600 });
		expect((await control('POST', '/identity/expire-all')).status).toBe(200);
		await control('POST', '/identity/token-lifetime', { seconds: 3599 });
	});

	it('answers bad input with 400 and unknown endpoints with 404; control calls are not logged', async () => {
		emu.clearRequests();
		expect((await control('POST', '/faults', { route: 'nope', kind: 'drop' })).status).toBe(400);
		expect((await control('POST', '/faults', '{not json')).status).toBe(400);
		expect((await control('GET', '/nothing')).status).toBe(404);
		expect(emu.requests).toHaveLength(0);
	});
});
