/**
 * The emulator's real responses, validated against the official Sentinel OpenAPI spec (Incidents.json and the
 * files it refers to). A drift between what the emulator serves and the spec fails here.
 */
import { randomUUID } from 'node:crypto';
import { startEmulator, type Emulator } from '../../emulator';
import { armRequest, sentinelPath } from './support/clients';
import { loadSentinelContract, type SentinelContract } from './support/spec-contract';

jest.setTimeout(30_000);

const V = 'api-version=2025-09-01';
let emu: Emulator;
let contract: SentinelContract;

beforeAll(async () => {
	[emu, contract] = await Promise.all([startEmulator({ seedIncidents: 40 }), loadSentinelContract()]);
	const first = emu.sentinel.listIncidents()[0];
	emu.sentinel.addAlert(first.name, { scheduledRule: 'encoded-powershell' });
	for (const kind of ['Mailbox', 'Url', 'FileHash', 'Process', 'File', 'Host'] as const) {
		emu.sentinel.addAlert(first.name, { productName: kind === 'Mailbox' ? 'Office 365' : 'Microsoft Defender for Endpoint' });
	}
});

afterAll(() => emu.stop());

function expectValid(operationId: string, status: number, body: unknown): void {
	expect(contract.errors(operationId, status, body)).toEqual([]);
}

describe('contract: responses match Incidents.json (2025-09-01)', () => {
	it('Incidents_List, including a page with nextLink and the last page without', async () => {
		const first = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}&$top=25`));
		expect(first.status).toBe(200);
		expectValid('Incidents_List', 200, first.json);
		const nextLink = (first.json as { nextLink?: string }).nextLink;
		expect(nextLink).toBeDefined();
		const last = await armRequest(emu, 'GET', nextLink as string);
		expectValid('Incidents_List', 200, last.json);
		expect((last.json as { nextLink?: string }).nextLink).toBeUndefined();
	});

	it('Incidents_Get for every seeded incident (owners, labels, closed ones)', async () => {
		for (const incident of emu.sentinel.listIncidents().slice(0, 15)) {
			const response = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${incident.name}?${V}`));
			expectValid('Incidents_Get', 200, response.json);
		}
	});

	it('Incidents_CreateOrUpdate 201 and 200', async () => {
		const name = randomUUID();
		const created = await armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${name}?${V}`), {
			properties: { title: 'Contract test', severity: 'Low', status: 'New', owner: { objectId: emu.sentinel.users[0].objectId }, labels: [{ labelName: 'x' }] },
		});
		expect(created.status).toBe(201);
		expectValid('Incidents_CreateOrUpdate', 201, created.json);
		const body = created.json as { etag: string; properties: Record<string, unknown> };
		const updated = await armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${name}?${V}`), {
			etag: body.etag,
			properties: { title: 'Contract test', severity: 'High', status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData', owner: {} },
		});
		expect(updated.status).toBe(200);
		expectValid('Incidents_CreateOrUpdate', 200, updated.json);
	});

	it('Incidents_ListAlerts (SecurityAlert via the Entity discriminator) and Incidents_ListEntities (every kind)', async () => {
		const name = emu.sentinel.listIncidents()[0].name;
		const alerts = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${name}/alerts?${V}`));
		expectValid('Incidents_ListAlerts', 200, alerts.json);
		const entities = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${name}/entities?${V}`));
		expectValid('Incidents_ListEntities', 200, entities.json);
		const kinds = new Set((entities.json as { entities: Array<{ kind: string }> }).entities.map((entity) => entity.kind));
		expect([...kinds].sort()).toEqual(['Account', 'File', 'FileHash', 'Host', 'Ip', 'Mailbox', 'Process', 'Url'].sort());
		const bookmarks = await armRequest(emu, 'POST', sentinelPath(emu, `/incidents/${name}/bookmarks?${V}`));
		expectValid('Incidents_ListBookmarks', 200, bookmarks.json);
	});

	it('IncidentComments_CreateOrUpdate, _Get and _List (paged)', async () => {
		const name = emu.sentinel.listIncidents()[1].name;
		for (let i = 0; i < 3; i++) {
			const put = await armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${name}/comments/${randomUUID()}?${V}`), { properties: { message: `note ${i}` } });
			expect(put.status).toBe(201);
			expectValid('IncidentComments_CreateOrUpdate', 201, put.json);
		}
		const list = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${name}/comments?${V}&$top=2`));
		expectValid('IncidentComments_List', 200, list.json);
		expect((list.json as { nextLink?: string }).nextLink).toBeDefined();
		const id = (list.json as { value: Array<{ name: string }> }).value[0].name;
		const get = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${name}/comments/${id}?${V}`));
		expectValid('IncidentComments_Get', 200, get.json);
	});

	it('errors are CloudError (404, 400, 409, 401)', async () => {
		const missing = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${randomUUID()}?${V}`));
		expect(missing.status).toBe(404);
		expectValid('Incidents_Get', 404, missing.json);
		const badFilter = await armRequest(emu, 'GET', sentinelPath(emu, `/incidents?${V}&$filter=${encodeURIComponent('properties/status eq')}`));
		expect(badFilter.status).toBe(400);
		expectValid('Incidents_List', 400, badFilter.json);
		const incident = emu.sentinel.listIncidents()[2];
		const conflict = await armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${incident.name}?${V}`), {
			etag: '"stale"',
			properties: { title: 't', severity: 'Low', status: 'New' },
		});
		expect(conflict.status).toBe(409);
		expectValid('Incidents_CreateOrUpdate', 409, conflict.json);
		expect(contract.definitionErrors('CloudError', { error: { code: 'AuthenticationFailed', message: 'x' } })).toEqual([]);
	});
});

describe('contract: the validator catches drift', () => {
	const incident = () => structuredClone(emu.sentinel.listIncidents()[0]);

	it('rejects a wrong enum value, a wrong type, an unknown property and a missing required field', () => {
		const badSeverity = incident();
		(badSeverity.properties as { severity: string }).severity = 'Critical';
		expect(contract.errors('Incidents_Get', 200, badSeverity).join('\n')).toMatch(/severity/);

		const badNumber = incident();
		(badNumber.properties as unknown as { incidentNumber: string }).incidentNumber = '17';
		expect(contract.errors('Incidents_Get', 200, badNumber).join('\n')).toMatch(/incidentNumber/);

		const typo = incident() as unknown as { properties: Record<string, unknown> };
		typo.properties.incidentNumbr = 17;
		expect(contract.errors('Incidents_Get', 200, typo).join('\n')).toMatch(/incidentNumbr/);

		const missingTitle = incident() as unknown as { properties: Record<string, unknown> };
		delete missingTitle.properties.title;
		expect(contract.errors('Incidents_Get', 200, missingTitle).join('\n')).toMatch(/title/);
	});

	it('dispatches on the entity kind (Account properties checked as Account)', () => {
		const account = { id: '/subscriptions/x/y', name: 'n', type: 'Microsoft.SecurityInsights/Entities', kind: 'Account', properties: { isDomainJoined: 'yes' } };
		expect(contract.definitionErrors('Entity', account).join('\n')).toMatch(/isDomainJoined/);
		expect(contract.definitionErrors('Entity', { ...account, properties: { isDomainJoined: true, friendlyName: 'a' } })).toEqual([]);
		expect(contract.definitionErrors('Entity', { ...account, kind: 'Spaceship' }).join('\n')).toMatch(/kind/);
	});

	it('rejects a list without value and a CloudError with a numeric code', () => {
		expect(contract.errors('Incidents_List', 200, { nextLink: 'x' })).not.toEqual([]);
		expect(contract.definitionErrors('CloudError', { error: { code: 404, message: 'x' } })).not.toEqual([]);
	});
});
