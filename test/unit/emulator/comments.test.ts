/** Incident comments: create/update/get/list (paged)/delete, author = caller, limits, commentsCount. */
import { randomUUID } from 'node:crypto';
import type { SecurityInsights } from '@azure/arm-securityinsight';
import { startEmulator, type Emulator, type Incident } from '../../emulator';
import { armRequest, sentinelClient, sentinelPath } from './support/clients';

jest.setTimeout(30_000);

const V = 'api-version=2025-09-01';
let emu: Emulator;
let client: SecurityInsights;

beforeAll(async () => {
	emu = await startEmulator();
	client = sentinelClient(emu);
});
afterAll(() => emu.stop());

const commentPath = (incident: string, comment = '') => sentinelPath(emu, `/incidents/${incident}/comments${comment ? `/${comment}` : ''}?${V}`);

describe('incident comments', () => {
	it('creates (201) with the calling principal as author, updates (200), gets, deletes; commentsCount follows', async () => {
		const incident = emu.sentinel.createIncident();
		const { resourceGroup: rg, name: ws } = emu.workspace;
		const id = randomUUID();
		const created = await client.incidentComments.createOrUpdate(rg, ws, incident.name, id, { message: 'Paged the on-call engineer via SIGNL4.' });
		expect(created).toMatchObject({ name: id, message: 'Paged the on-call engineer via SIGNL4.', author: { objectId: emu.principal.objectId, name: emu.principal.displayName } });
		expect(emu.requests.find((entry) => entry.route === 'comments.put')?.status).toBe(201);
		expect((emu.sentinel.getIncident(incident.name) as Incident).properties.additionalData.commentsCount).toBe(1);

		const updated = await armRequest(emu, 'PUT', commentPath(incident.name, id), { properties: { message: 'Edited' } });
		expect(updated.status).toBe(200);
		expect(updated.json).toMatchObject({ type: 'Microsoft.SecurityInsights/incidents/comments', properties: { message: 'Edited' } });

		const fetched = await client.incidentComments.get(rg, ws, incident.name, id);
		expect(fetched.message).toBe('Edited');

		await client.incidentComments.delete(rg, ws, incident.name, id);
		expect((emu.sentinel.getIncident(incident.name) as Incident).properties.additionalData.commentsCount).toBe(0);
		expect((await armRequest(emu, 'GET', commentPath(incident.name, id))).status).toBe(404);
		expect((await armRequest(emu, 'DELETE', commentPath(incident.name, id))).status).toBe(204);
	});

	it('lists comments in pages through nextLink (SDK)', async () => {
		const incident = emu.sentinel.createIncident();
		for (let i = 0; i < 7; i++) await armRequest(emu, 'PUT', commentPath(incident.name, randomUUID()), { properties: { message: `note ${i}` } });
		const first = await armRequest(emu, 'GET', `${commentPath(incident.name)}&$top=3`);
		expect((first.json as { value: unknown[]; nextLink: string }).value).toHaveLength(3);
		expect((first.json as { nextLink: string }).nextLink).toContain('$skipToken=');
		const messages: string[] = [];
		for await (const comment of client.incidentComments.list(emu.workspace.resourceGroup, emu.workspace.name, incident.name, { top: 3 })) messages.push(comment.message as string);
		expect(messages).toEqual(Array.from({ length: 7 }, (_, i) => `note ${i}`));
	});

	it('requires a message, allows 30,000 characters but not 30,001', async () => {
		const incident = emu.sentinel.createIncident();
		const missing = await armRequest(emu, 'PUT', commentPath(incident.name, randomUUID()), { properties: {} });
		expect(missing.status).toBe(400);
		expect(missing.json).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining('message') } });
		expect((await armRequest(emu, 'PUT', commentPath(incident.name, randomUUID()), { properties: { message: 'x'.repeat(30_000) } })).status).toBe(201);
		const tooLong = await armRequest(emu, 'PUT', commentPath(incident.name, randomUUID()), { properties: { message: 'x'.repeat(30_001) } });
		expect(tooLong.status).toBe(400);
		expect((tooLong.json as { error: { message: string } }).error.message).toContain('30000');
	});

	it('allows 100 comments per incident, rejects the 101st, still allows editing', async () => {
		const incident = emu.sentinel.createIncident();
		const ids = Array.from({ length: 100 }, () => randomUUID());
		for (const id of ids) expect((await armRequest(emu, 'PUT', commentPath(incident.name, id), { properties: { message: 'n' } })).status).toBe(201);
		const extra = await armRequest(emu, 'PUT', commentPath(incident.name, randomUUID()), { properties: { message: 'one too many' } });
		expect(extra.status).toBe(400);
		expect((extra.json as { error: { message: string } }).error.message).toContain('100 comments');
		expect((await armRequest(emu, 'PUT', commentPath(incident.name, ids[0]), { properties: { message: 'edited' } })).status).toBe(200);
		expect((emu.sentinel.getIncident(incident.name) as Incident).properties.additionalData.commentsCount).toBe(100);
	});

	it('comments on an unknown incident → 404', async () => {
		const response = await armRequest(emu, 'PUT', commentPath(randomUUID(), randomUUID()), { properties: { message: 'x' } });
		expect(response.status).toBe(404);
		expect(response.json).toMatchObject({ error: { code: 'NotFound' } });
	});
});
