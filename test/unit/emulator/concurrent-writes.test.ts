/**
 * What the Microsoft Sentinel node's tests rely on: a change made between a client's GET and its PUT
 * (`beforeNextPut`, in process and over the control API), owners given by e-mail or UPN, comment history and
 * order, and the `lostResponse` fault (the write lands, the answer is lost).
 */
import { startEmulator, type Emulator, type Incident, type IncidentComment } from '../../emulator';
import { armRequest, request, sentinelPath } from './support/clients';

jest.setTimeout(30_000);

const V = 'api-version=2025-09-01';
let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(() => emu.stop());
afterEach(() => {
	emu.sentinel.clearBeforePut();
	emu.faults.clear();
	emu.clearRequests();
});

const put = (name: string, body: unknown) => armRequest(emu, 'PUT', sentinelPath(emu, `/incidents/${name}?${V}`), body);
const get = async (name: string) => (await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${name}?${V}`))).json as Incident;
const body = (incident: Incident, properties: Record<string, unknown> = {}) => ({
	etag: incident.etag,
	properties: { title: incident.properties.title, severity: incident.properties.severity, status: incident.properties.status, ...properties },
});
const control = (method: string, path: string, payload?: unknown) => request(emu, method, `/_emulator${path}`, { body: payload });

describe('beforeNextPut', () => {
	it('applies the change once, before the next PUT is checked: the PUT with the old etag gets 409, a re-read one succeeds', async () => {
		const created = emu.sentinel.createIncident({ labels: ['a'] });
		const read = await get(created.name);
		emu.sentinel.beforeNextPut(created.name, { addLabels: ['analyst'], comment: 'meanwhile', actor: 'mei.tanaka@contoso.com' });

		const conflict = await put(created.name, body(read, { status: 'Active' }));
		expect(conflict.status).toBe(409);
		expect(conflict.json).toEqual({ error: { code: 'Conflict', message: `Newer version of resource '${created.name}' exists. Data was not saved` } });
		const now = emu.sentinel.getIncident(created.name)!;
		expect(now.properties.labels).toEqual([
			{ labelName: 'a', labelType: 'User' },
			{ labelName: 'analyst', labelType: 'User' },
		]);
		expect(now.systemData.lastModifiedBy).toBe('mei.tanaka@contoso.com');
		expect(emu.sentinel.comments(created.name).map((c) => [c.properties.message, c.properties.author.email])).toEqual([['meanwhile', 'mei.tanaka@contoso.com']]);

		const reread = await get(created.name);
		expect((await put(created.name, body(reread, { status: 'Active', labels: [{ labelName: 'a' }, { labelName: 'analyst' }] }))).status).toBe(200);
		expect(emu.sentinel.history(created.name).map((h) => h.via)).toEqual(['create', 'analyst', 'comment', 'put']);
	});

	it('runs a function form, and `times` repeats it before each of the next PUTs', async () => {
		const created = emu.sentinel.createIncident();
		const seen: number[] = [];
		emu.sentinel.beforeNextPut(created.name, (sentinel, incident) => {
			seen.push(incident.properties.incidentNumber);
			sentinel.updateIncident(incident.name, { severity: 'Low' });
		}, 2);
		for (let i = 0; i < 3; i++) {
			const current = await get(created.name);
			const status = (await put(created.name, body(current, { title: `attempt ${i}` }))).status;
			expect(status).toBe(i < 2 ? 409 : 200);
		}
		expect(seen).toHaveLength(2);
		expect(emu.sentinel.clearBeforePut(created.name)).toBe(0);
	});

	it('works over the control API', async () => {
		const created = emu.sentinel.createIncident();
		const read = await get(created.name);
		const queued = await control('POST', `/incidents/${created.name}/before-next-put`, { change: { severity: 'High' }, addLabels: ['ctl'], times: 2 });
		expect(queued.status).toBe(201);
		expect((await put(created.name, body(read))).status).toBe(409);
		expect(emu.sentinel.getIncident(created.name)!.properties).toMatchObject({ severity: 'High', labels: [{ labelName: 'ctl' }] });
		expect((await control('DELETE', `/incidents/${created.name}/before-next-put`)).json).toEqual({ cleared: 1 });
		const reread = await get(created.name);
		expect((await put(created.name, body(reread))).status).toBe(200);
		expect((await control('POST', '/incidents/no-such/before-next-put', {})).status).toBe(400);
	});
});

describe('owner by e-mail or UPN', () => {
	const john = () => emu.sentinel.users[0];
	it.each([
		['email', () => ({ email: john().email })],
		['userPrincipalName', () => ({ userPrincipalName: john().userPrincipalName })],
		['email given the UPN text', () => ({ email: john().userPrincipalName.toUpperCase() })],
	])('resolves %s against the users', async (_label, owner) => {
		const created = emu.sentinel.createIncident();
		const response = await put(created.name, body(created, { owner: owner() }));
		expect(response.status).toBe(200);
		expect((response.json as Incident).properties.owner).toEqual({ objectId: john().objectId, email: john().email, userPrincipalName: john().userPrincipalName, assignedTo: john().name, ownerType: 'User' });
	});

	it('objectId wins when sent along; an unknown address is refused with 400; {} still unassigns', async () => {
		const created = emu.sentinel.createIncident();
		const amara = emu.sentinel.users[1];
		const both = await put(created.name, body(created, { owner: { objectId: amara.objectId, email: john().email } }));
		expect((both.json as Incident).properties.owner.email).toBe(amara.email);
		const unknown = await put(created.name, body(both.json as Incident, { owner: { email: 'nobody@contoso.com' } }));
		expect(unknown.status).toBe(400);
		expect(unknown.json).toEqual({ error: { code: 'BadRequest', message: "Could not find a user with email 'nobody@contoso.com' in the tenant." } });
		const cleared = await put(created.name, body(both.json as Incident, { owner: {} }));
		expect((cleared.json as Incident).properties.owner.objectId).toBeNull();
	});
});

describe('comments', () => {
	it('keeps API comments in write order (distinct timestamps) and records them in the history', async () => {
		const created = emu.sentinel.createIncident();
		for (let i = 0; i < 5; i++) {
			const path = sentinelPath(emu, `/incidents/${created.name}/comments/${['e', 'd', 'c', 'b', 'a'][i]}0000000-0000-4000-8000-000000000000?${V}`);
			expect((await armRequest(emu, 'PUT', path, { properties: { message: `m${i}` } })).status).toBe(201);
		}
		const listed = (await armRequest(emu, 'GET', sentinelPath(emu, `/incidents/${created.name}/comments?${V}`))).json as { value: IncidentComment[] };
		expect(listed.value.map((c) => c.properties.message)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
		expect(new Set(listed.value.map((c) => c.properties.createdTimeUtc)).size).toBe(5);
		const comments = emu.sentinel.history(created.name).filter((h) => h.via === 'comment');
		expect(comments).toHaveLength(5);
		expect(comments[0]).toMatchObject({ actor: emu.principal.clientId, change: { action: 'created', length: 2 } });
	});

	it('adds and lists analyst comments in process and over the control API', async () => {
		const created = emu.sentinel.createIncident();
		emu.sentinel.addComment(created.name, 'in process', 'amara.okafor@contoso.com');
		expect((await control('POST', `/incidents/${created.name}/comments`, { message: 'over control', author: 'mei.tanaka@contoso.com' })).status).toBe(201);
		const listed = (await control('GET', `/incidents/${created.name}/comments`)).json as { value: IncidentComment[] };
		expect(listed.value.map((c) => [c.properties.message, c.properties.author.email])).toEqual([
			['in process', 'amara.okafor@contoso.com'],
			['over control', 'mei.tanaka@contoso.com'],
		]);
		expect(emu.sentinel.getIncident(created.name)!.properties.additionalData.commentsCount).toBe(2);
		expect((await control('POST', `/incidents/${created.name}/comments`, {})).status).toBe(400);
	});
});

describe('lostResponse fault', () => {
	it('carries out the write, then drops the connection without an answer (logged with status 0)', async () => {
		const created = emu.sentinel.createIncident();
		emu.faults.add({ route: 'incidents.put', kind: 'lostResponse' });
		await expect(put(created.name, body(created, { status: 'Active' }))).rejects.toThrow();
		expect(emu.sentinel.getIncident(created.name)!.properties.status).toBe('Active');
		expect(emu.requests.filter((r) => r.route === 'incidents.put')).toEqual([expect.objectContaining({ status: 0, fault: 'lostResponse' })]);
		expect(emu.faults.list()).toHaveLength(0);
	});

	it('is accepted by the control API', async () => {
		expect((await control('POST', '/faults', { route: 'comments.put', kind: 'lostResponse', times: 2 })).status).toBe(201);
		expect(emu.faults.list()).toEqual([expect.objectContaining({ kind: 'lostResponse', remaining: 2 })]);
	});
});
