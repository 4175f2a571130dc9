/** The emulator's SIGNL4 module: inbound webhook, throttling, alert lifecycle, REST API, outbound callbacks, control API and console. */
import { startEmulator, type Emulator } from '../../emulator';
import { call, postJson, startReceiver } from './support';

let emu: Emulator;
const hook = () => `/signl4/webhook/${emu.signl4.team.secret}`;
const api = (path: string) => `/signl4/api${path}`;
const key = () => ({ 'X-S4-Api-Key': emu.signl4.apiKey });

beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(async () => emu.stop());
beforeEach(() => {
	emu.signl4.reset();
	emu.faults.clear();
});

describe('inbound webhook', () => {
	test('JSON: 201 {eventId} with rate-limit headers; title, text, parameters, control values', async () => {
		const reply = await postJson(emu, hook(), {
			Title: 'Disk full',
			Message: '95 % on /var',
			Server: { Name: 'web-01' },
			'X-S4-ExternalID': 'inc-42',
			'X-S4-Service': 'Security',
			'X-S4-AlertingScenario': 'multi_ack',
			'X-S4-Location': '52.52,13.40',
		});
		expect(reply.status).toBe(201);
		expect((reply.json as { eventId: string }).eventId).toMatch(/^\d{19}_[0-9a-f-]{36}$/);
		expect(reply.headers['x-ratelimit-limit']).toBe('150');
		expect(Number(reply.headers['x-ratelimit-remaining'])).toBe(149);
		expect(Number(reply.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
		const [alert] = emu.signl4.alerts();
		expect(alert).toMatchObject({ title: 'Disk full', text: '95 % on /var', externalId: 'inc-42', category: 'Security', scenario: 'multi_ack', location: '52.52,13.40', status: 1 });
		expect(alert.parameters.map((p) => p.name)).toEqual(['Server.Name', 'X-S4-ExternalID', 'X-S4-Service', 'X-S4-AlertingScenario', 'X-S4-Location']);
	});

	test('JSON without Content-Type is sniffed; integration secret works too', async () => {
		const reply = await call(emu, 'POST', `/signl4/webhook/${emu.signl4.integrationSecret}`, { body: '{"Subject":"From XSOAR","Body":"text"}' });
		expect(reply.status).toBe(201);
		expect(emu.signl4.alerts()[0]).toMatchObject({ title: 'From XSOAR', text: 'text' });
	});

	test('form, plain text, XML', async () => {
		expect((await call(emu, 'POST', hook(), { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Title=Form&Message=hello&X-S4-ExternalID=f-1' })).status).toBe(201);
		expect((await call(emu, 'POST', hook(), { headers: { 'content-type': 'text/plain' }, body: 'Printer on fire\nX-S4-ExternalID: t-1\nSecond floor' })).status).toBe(201);
		expect((await call(emu, 'POST', hook(), { headers: { 'content-type': 'application/xml' }, body: '<?xml version="1.0"?><Event><Title>XML</Title><Detail><Host>h1</Host></Detail></Event>' })).status).toBe(201);
		const alerts = emu.signl4.alerts().sort((a, b) => a.created.localeCompare(b.created));
		expect(alerts.map((a) => [a.title, a.externalId])).toEqual([
			['Form', 'f-1'],
			['Printer on fire', 't-1'],
			['XML', null],
		]);
		expect(alerts[1].text).toContain('Second floor');
		// No text key: SIGNL4 takes the first string parameter (the flattened Detail.Host) as the text.
		expect(alerts[2]).toMatchObject({ text: 'h1', parameters: [] });
	});

	test('multipart with attachments; over 4 MB and unsupported types are refused with 400', async () => {
		const part = (name: string, value: string) => `--b0\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
		const file = (name: string, type: string, data: Buffer) =>
			Buffer.concat([Buffer.from(`--b0\r\nContent-Disposition: form-data; name="f"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`), data, Buffer.from('\r\n')]);
		const body = (files: Buffer[]) => Buffer.concat([Buffer.from(part('Title', 'With picture')), ...files, Buffer.from('--b0--\r\n')]);
		const headers = { 'content-type': 'multipart/form-data; boundary=b0' };
		expect((await call(emu, 'POST', hook(), { headers, body: body([file('a.png', 'image/png', Buffer.alloc(1000, 1))]) })).status).toBe(201);
		expect(emu.signl4.alerts()[0].attachments).toEqual([expect.objectContaining({ name: 'a.png', contentType: 'image/png', size: 1000 })]);
		const big = await call(emu, 'POST', hook(), { headers, body: body([file('b.png', 'image/png', Buffer.alloc(4 * 1024 * 1024 + 1))]) });
		expect(big.status).toBe(400);
		expect((big.json as { details: string }).details).toContain('exceeds 4 MB');
		expect((await call(emu, 'POST', hook(), { headers, body: body([file('c.exe', 'application/x-msdownload', Buffer.alloc(10))]) })).status).toBe(400);
		expect(emu.signl4.alerts()).toHaveLength(1);
	});

	test('unknown secret: 404 with code 3004', async () => {
		const reply = await postJson(emu, '/signl4/webhook/not-a-team', { Title: 'x' });
		expect(reply.status).toBe(404);
		expect(reply.json).toMatchObject({ code: 3004, message: 'Error raising event.', details: 'An event source with ID not-a-team was not found.' });
	});

	test('405 for other methods, 400 for bodies that do not parse as their type', async () => {
		expect((await call(emu, 'GET', hook())).status).toBe(405);
		expect((await call(emu, 'PUT', hook(), { body: '{}' })).status).toBe(405);
		expect((await call(emu, 'POST', hook(), { headers: { 'content-type': 'application/json' }, body: '{"Title": ' })).status).toBe(400);
		expect((await call(emu, 'POST', hook(), { headers: { 'content-type': 'application/xml' }, body: '<a><b></a>' })).status).toBe(400);
		expect((await call(emu, 'POST', hook(), { headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: 'garbage' })).status).toBe(400);
		expect((await call(emu, 'POST', hook(), { headers: { 'content-type': 'application/json' } })).status).toBe(400);
	});

	test('API-key events endpoint: key required, team-scoped key of another team refused', async () => {
		const path = `/signl4/api/v2/events/${emu.signl4.team.secret}`;
		expect((await postJson(emu, path, { Title: 'x' })).status).toBe(401);
		expect((await postJson(emu, path, { Title: 'x' }, { 'X-S4-Api-Key': 'wrong' })).status).toBe(401);
		expect((await postJson(emu, path, { Title: 'x' }, key())).status).toBe(201);
	});

	test('status events act on the alerts with that external ID; unknown statuses are discarded', async () => {
		await postJson(emu, hook(), { Title: 'One', 'X-S4-ExternalID': 'inc-1' });
		await postJson(emu, hook(), { Title: 'Two', 'X-S4-ExternalID': 'inc-1' });
		await postJson(emu, hook(), { Title: 'Other', 'X-S4-ExternalID': 'inc-2' });
		expect((await postJson(emu, hook(), { 'X-S4-ExternalID': 'inc-1', 'X-S4-Status': 'Acknowledged' })).status).toBe(201);
		expect(emu.signl4.alerts({ externalId: 'inc-1' }).map((a) => a.status)).toEqual([2, 2]);
		expect(emu.signl4.alerts({ externalId: 'inc-2' })[0].status).toBe(1);
		await postJson(emu, hook(), { 'X-S4-ExternalID': 'inc-1', 'X-S4-Status': 'resolved' });
		expect(emu.signl4.alerts({ externalId: 'inc-1' }).map((a) => a.status)).toEqual([4, 4]);
		const discarded = await postJson(emu, hook(), { 'X-S4-ExternalID': 'inc-2', 'X-S4-Status': 'done' });
		expect(discarded.status).toBe(201);
		expect(emu.signl4.events().at(-1)).toMatchObject({ status: 'discarded', requestedStatus: 'done', alertIds: [] });
		expect(emu.signl4.alerts({ externalId: 'inc-2' })[0].status).toBe(1);
	});

	test('query-string status mapping (ExtIDParam, ExtStatusParam, ResolvedStatus)', async () => {
		await postJson(emu, `${hook()}?ExtIDParam=ticket`, { Title: 'Ticket', ticket: 'T-9' });
		await postJson(emu, `${hook()}?ExtIdParam=ticket&ExtStatusParam=state&ResolvedStatus=done`, { ticket: 'T-9', state: 'done' });
		expect(emu.signl4.alerts({ externalId: 'T-9' })[0].status).toBe(4);
	});
});

describe('throttling', () => {
	test('429 at the plan limit with X-RateLimit-* and the reset; free plan: 10 per 15 s', async () => {
		emu.signl4.setPlan('free');
		for (let i = 0; i < 10; i++) expect((await postJson(emu, hook(), { Title: `n${i}` })).status).toBe(201);
		const refused = await postJson(emu, hook(), { Title: 'eleven' });
		expect(refused.status).toBe(429);
		expect(refused.headers['x-ratelimit-limit']).toBe('10');
		expect(refused.headers['x-ratelimit-remaining']).toBe('0');
		const reset = Number(refused.headers['x-ratelimit-reset']);
		expect(reset * 1000 - Date.now()).toBeGreaterThan(10_000);
		expect(reset * 1000 - Date.now()).toBeLessThanOrEqual(16_000);
		expect(emu.signl4.alerts()).toHaveLength(10);
	});

	test('exceeding a window blocks for its length; then events pass again', async () => {
		emu.signl4.setPlan({ events: [{ seconds: 1, limit: 2 }], api: [{ seconds: 1, limit: 100 }], erroneous: [{ seconds: 60, limit: 10 }] });
		expect((await postJson(emu, hook(), { Title: 'a' })).status).toBe(201);
		expect((await postJson(emu, hook(), { Title: 'b' })).status).toBe(201);
		expect((await postJson(emu, hook(), { Title: 'c' })).status).toBe(429);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		expect((await postJson(emu, hook(), { Title: 'd' })).status).toBe(201);
	});

	test('erroneous requests: 10 per minute, then 429 for further erroneous ones; valid requests still pass', async () => {
		for (let i = 0; i < 10; i++) expect((await postJson(emu, '/signl4/webhook/wrong', { Title: 'x' })).status).toBe(404);
		const eleventh = await postJson(emu, '/signl4/webhook/wrong', { Title: 'x' });
		expect(eleventh.status).toBe(429);
		expect(eleventh.headers['x-ratelimit-limit']).toBe('10');
		expect((await postJson(emu, hook(), { Title: 'valid' })).status).toBe(201);
	});

	test('a 429 fault answers like SIGNL4 (rate-limit headers, reset in the future)', async () => {
		emu.faults.add({ route: 'signl4.webhook', kind: 'status', status: 429, retryAfterSeconds: 3 });
		const reply = await postJson(emu, hook(), { Title: 'x' });
		expect(reply.status).toBe(429);
		expect(Number(reply.headers['x-ratelimit-reset']) * 1000 - Date.now()).toBeGreaterThan(1000);
	});
});

describe('REST API', () => {
	async function raise(externalId = 'inc-7') {
		await postJson(emu, hook(), { Title: 'Raised', Message: 'text', 'X-S4-ExternalID': externalId });
		return emu.signl4.alerts({ externalId })[0];
	}

	test('API key required', async () => {
		const alert = await raise();
		expect((await call(emu, 'GET', api(`/alerts/${alert.id}`))).status).toBe(401);
		expect((await call(emu, 'GET', api(`/alerts/${alert.id}`), { headers: { 'X-S4-Api-Key': 'nope' } })).status).toBe(401);
	});

	test('get: AlertInfo; 404 for unknown', async () => {
		const alert = await raise();
		const reply = await call(emu, 'GET', api(`/alerts/${alert.id}`), { headers: key() });
		expect(reply.status).toBe(200);
		expect(reply.json).toMatchObject({ id: alert.id, eventId: alert.eventId, externalId: 'inc-7', title: 'Raised', status: 1, history: { created: alert.created } });
		expect((await call(emu, 'GET', api('/alerts/0_nope'), { headers: key() })).status).toBe(404);
	});

	test('lifecycle with 409 for illegal transitions; annotate; annotations 204 when none', async () => {
		const alert = await raise();
		const path = (action: string) => api(`/alerts/${alert.id}/${action}`);
		expect((await call(emu, 'GET', path('annotations'), { headers: key() })).status).toBe(204);
		expect((await postJson(emu, path('acknowledge'), { description: 'mine' }, key())).json).toMatchObject({ status: 2 });
		expect((await postJson(emu, path('acknowledge'), {}, key())).status).toBe(409);
		expect((await postJson(emu, path('undoAcknowledge'), {}, key())).json).toMatchObject({ status: 1 });
		expect((await postJson(emu, path('close'), { userId: emu.signl4.users[1].id }, key())).json).toMatchObject({ status: 4, history: { closedBy: emu.signl4.users[1].id } });
		expect((await postJson(emu, path('close'), {}, key())).status).toBe(409);
		expect((await postJson(emu, path('acknowledge'), {}, key())).status).toBe(409);
		expect((await postJson(emu, path('undoClose'), {}, key())).json).toMatchObject({ status: 1 });
		const note = await postJson(emu, path('annotate'), { text: 'Checked the host' }, key());
		expect(note.json).toMatchObject({ text: 'Checked the host', userId: emu.signl4.users[0].id });
		expect((await call(emu, 'GET', path('annotations'), { headers: key() })).json).toEqual([expect.objectContaining({ text: 'Checked the host' })]);
		expect((await postJson(emu, path('annotate'), {}, key())).status).toBe(400);
	});

	test('paged search: text (external ID), window, status mask, continuation, 204 when nothing matches', async () => {
		for (let i = 0; i < 5; i++) await raise(`page-${i}`);
		const search = async (body: unknown, max = 2) => call(emu, 'POST', api(`/alerts/paged?maxResults=${max}`), { headers: { ...key(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
		const first = await search({ textToSearch: 'page-' });
		expect(first.status).toBe(200);
		const page = first.json as { results: Array<{ id: string }>; hasMore: boolean; continuationToken: unknown };
		expect(page.results).toHaveLength(2);
		expect(page.hasMore).toBe(true);
		const second = (await search({ textToSearch: 'page-', continuationToken: page.continuationToken })).json as { results: unknown[] };
		expect(second.results).toHaveLength(2);
		expect((await search({ textToSearch: 'page-3' })).json).toMatchObject({ results: [expect.objectContaining({ title: 'Raised' })], hasMore: false });
		expect((await search({ textToSearch: 'nothing-like-this' })).status).toBe(204);
		expect((await search({ minCreationDate: new Date(Date.now() + 60_000).toISOString() })).status).toBe(204);
		expect((await search({ statusCodes: 4 })).status).toBe(204);
		expect((await search({}, 101)).status).toBe(400);
	});

	test('users by id or e-mail; Me is refused with an API key', async () => {
		const [user] = emu.signl4.users;
		expect((await call(emu, 'GET', api(`/users/${encodeURIComponent(user.mail)}`), { headers: key() })).json).toMatchObject({ id: user.id, mail: user.mail });
		expect((await call(emu, 'GET', api('/users'), { headers: key() })).json).toHaveLength(3);
		expect((await call(emu, 'GET', api('/users/Me'), { headers: key() })).status).toBe(400);
		expect((await call(emu, 'GET', api('/users/nobody@x'), { headers: key() })).status).toBe(404);
	});

	test('outbound webhooks: 404 when none, create (loop guard), list, delete', async () => {
		expect((await call(emu, 'GET', api('/webhooks'), { headers: key() })).status).toBe(404);
		const loop = await postJson(emu, api('/webhooks'), { externalAddress: `https://connect.example${hook()}` }, key());
		expect(loop.status).toBe(400);
		const created = await postJson(emu, api('/webhooks'), { externalAddress: 'http://user:pw@127.0.0.1:9/x', name: 'n8n' }, key());
		expect(created.status).toBe(201);
		const id = created.json as string;
		expect((await call(emu, 'GET', api('/webhooks'), { headers: key() })).json).toEqual([expect.objectContaining({ id, name: 'n8n', externalAddress: 'http://user:pw@127.0.0.1:9/x' })]);
		expect((await call(emu, 'DELETE', api(`/webhooks/${id}`), { headers: key() })).status).toBe(200);
		expect((await call(emu, 'DELETE', api(`/webhooks/${id}`), { headers: key() })).status).toBe(404);
	});
});

describe('outbound callbacks', () => {
	test('every lifecycle step is posted with the documented shape, with basic auth from the URL or headers', async () => {
		const receiver = await startReceiver();
		const target = new URL(receiver.url);
		target.username = 'signl4';
		target.password = 'secret-password-123';
		const registered = await postJson(emu, api('/webhooks'), { externalAddress: target.toString() }, key());
		const extra = emu.signl4.outbound.addTarget(receiver.url, { headers: { 'X-Webhook-Secret': 'h-1' } });
		try {
			const alert = emu.signl4.raise({ title: 'Outbound', externalId: 'ob-1' });
			emu.signl4.acknowledge(alert.id, emu.signl4.users[1].mail);
			emu.signl4.annotate(alert.id, 'looking', emu.signl4.users[1].id);
			emu.signl4.close(alert.id, emu.signl4.users[1].name);
			emu.signl4.duty('punchedOut', emu.signl4.users[0].id);
			await emu.signl4.outbound.idle();
			const viaUrl = receiver.received.filter((r) => r.headers.authorization);
			const viaHeader = receiver.received.filter((r) => r.headers['x-webhook-secret'] === 'h-1');
			expect(viaUrl).toHaveLength(5);
			expect(viaHeader).toHaveLength(5);
			expect(viaUrl[0].headers.authorization).toBe(`Basic ${Buffer.from('signl4:secret-password-123').toString('base64')}`);
			const bodies = viaUrl.map((r) => r.body);
			expect(bodies.map((b) => b.eventType)).toEqual([200, 201, 203, 201, 303]);
			expect(bodies[1]).toMatchObject({
				eventType: 201,
				user: { username: emu.signl4.users[1].name, mailaddress: emu.signl4.users[1].mail, id: emu.signl4.users[1].id },
				alert: { statusCode: 2, externalEventId: 'ob-1', id: alert.id, eventId: alert.eventId, acknowledgedUserIds: [emu.signl4.users[1].id] },
				subscription: { id: emu.signl4.subscriptionId },
			});
			expect(bodies[1].eventRaisedUtc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
			expect(bodies[2]).toMatchObject({ eventType: 203, alert: { statusCode: 0 }, annotation: { message: 'looking' } });
			expect(bodies[3]).toMatchObject({ alert: { statusCode: 4 } });
			expect(bodies[4]).toMatchObject({ eventType: 303, team: { id: emu.signl4.team.id }, user: { id: emu.signl4.users[0].id } });
			expect(new Set(bodies.map((b) => b.id)).size).toBe(5);
		} finally {
			emu.signl4.outbound.removeTarget(extra.id);
			emu.signl4.outbound.removeTarget(registered.json as string);
			await receiver.close();
		}
	});

	test('duplicates on demand (same id), out-of-order flush, escalation, missing external ID, retries on failure', async () => {
		let failures = 1;
		const receiver = await startReceiver(() => (failures-- > 0 ? 503 : 200));
		const target = emu.signl4.outbound.addTarget(receiver.url);
		try {
			emu.signl4.outbound.configure({ duplicates: 1, retryDelayMs: 10 });
			const alert = emu.signl4.raise({ title: 'Dup' });
			await emu.signl4.outbound.idle();
			const created = receiver.received.map((r) => r.body);
			// First delivery failed (503) and was retried, then the duplicate: three arrivals, one id.
			expect(created.map((b) => b.id)).toEqual([created[0].id, created[0].id, created[0].id]);
			expect(emu.signl4.outbound.deliveries.map((d) => [d.status, d.attempt, d.copy])).toEqual([
				[503, 1, 0],
				[200, 2, 0],
				[200, 1, 1],
			]);
			expect((created[0].alert as Record<string, unknown>).externalEventId).toBeUndefined();

			receiver.received.length = 0;
			emu.signl4.outbound.configure({ duplicates: 0, hold: true });
			emu.signl4.escalate(alert.id);
			emu.signl4.acknowledge(alert.id);
			emu.signl4.close(alert.id);
			expect(emu.signl4.outbound.heldCount).toBe(3);
			expect(emu.signl4.outbound.flush('reverse')).toBe(3);
			await emu.signl4.outbound.idle();
			expect(receiver.received.map((r) => [r.body.eventType, (r.body.alert as { statusCode: number }).statusCode])).toEqual([
				[201, 4],
				[201, 2],
				[202, 1],
			]);
		} finally {
			emu.signl4.outbound.removeTarget(target.id);
			await receiver.close();
		}
	});

	test('multi-ack: one acknowledgement per user on duty, each a callback; illegal steps throw', () => {
		const alert = emu.signl4.raise({ title: 'Multi', scenario: 'multi_ack' });
		emu.signl4.acknowledge(alert.id, emu.signl4.users[0].id);
		emu.signl4.acknowledge(alert.id, emu.signl4.users[1].id);
		expect(alert.acknowledgedUserIds).toHaveLength(2);
		expect(() => emu.signl4.acknowledge(alert.id, emu.signl4.users[1].id)).toThrow('already acknowledged');
		expect(() => emu.signl4.escalate(alert.id)).toThrow();
		emu.signl4.close(alert.id);
		expect(() => emu.signl4.close(alert.id)).toThrow('already closed');
	});
});

describe('control API and console', () => {
	test('console page and JSON routes act like the app', async () => {
		const page = await call(emu, 'GET', '/_emulator/signl4/console');
		expect(page.status).toBe(200);
		expect(page.headers['content-type']).toContain('text/html');
		expect(page.text).toContain('SIGNL4 emulator');
		expect(emu.signl4.consoleUrl).toBe(`${emu.url}/_emulator/signl4/console`);

		const info = (await call(emu, 'GET', '/_emulator/signl4')).json as Record<string, unknown>;
		expect(info).toMatchObject({ baseUrl: `${emu.url}/signl4`, apiKey: emu.signl4.apiKey });

		const created = (await postJson(emu, '/_emulator/signl4/alerts', { title: 'From control', externalId: 'c-1', parameters: { Host: 'h' } })).json as { id: string };
		const acked = await postJson(emu, `/_emulator/signl4/alerts/${created.id}/acknowledge`, { user: emu.signl4.users[2].mail });
		expect(acked.json).toMatchObject({ statusName: 'acknowledged', acknowledgedBy: [emu.signl4.users[2].name] });
		expect((await postJson(emu, `/_emulator/signl4/alerts/${created.id}/acknowledge`, {})).status).toBe(409);
		expect((await postJson(emu, `/_emulator/signl4/alerts/${created.id}/annotate`, { text: 'note' })).status).toBe(201);
		expect((await postJson(emu, `/_emulator/signl4/alerts/${created.id}/close`, {})).json).toMatchObject({ statusName: 'closed' });
		const listed = (await call(emu, 'GET', '/_emulator/signl4/alerts?externalId=c-1')).json as { value: Array<{ annotations: Array<{ text: string }> }> };
		expect(listed.value[0].annotations[0].text).toBe('note');
		expect((await call(emu, 'PUT', '/_emulator/signl4/plan', { headers: { 'content-type': 'application/json' }, body: '{"plan":"free"}' })).json).toMatchObject({ events: [{ seconds: 15, limit: 10 }, {}, {}, {}] });
		expect((await call(emu, 'PUT', '/_emulator/signl4/outbound/behaviour', { headers: { 'content-type': 'application/json' }, body: '{"duplicates":2}' })).json).toMatchObject({ duplicates: 2 });
		const target = (await postJson(emu, '/_emulator/signl4/outbound/targets', { url: 'http://127.0.0.1:9/x', basicAuth: { user: 'u', password: 'p' } })).json as { id: string; basicAuth: { password: string } };
		expect(target.basicAuth.password).toBe('***');
		expect((await call(emu, 'DELETE', `/_emulator/signl4/outbound/targets/${target.id}`)).status).toBe(200);
		expect((await call(emu, 'GET', '/_emulator/signl4/events')).json).toMatchObject({ value: expect.any(Array) });
	});

	test('request log and route ids', async () => {
		emu.clearRequests();
		await postJson(emu, hook(), { Title: 'logged' });
		expect(emu.requestCount('signl4.webhook')).toBe(1);
		expect(emu.requests[0]).toMatchObject({ route: 'signl4.webhook', status: 201, body: { Title: 'logged' } });
	});
});
