/**
 * How the Graph transport and the Defender XDR node fail: messages a SOC engineer can act on (the permission, the
 * id), Retry-After honoured for reads and PATCH, a comment never sent twice, Azure China refused before any request,
 * and no token anywhere in a message.
 */
import { getAzureSession, toServicePrincipal } from '../../../nodes/shared/azure/credential';
import { GraphResponseError, graphPathSegment, graphRequest, MAX_RETRY_AFTER_MS } from '../../../nodes/shared/graph/transport';
import type { Emulator } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { byId, graphRequests, json, resetEmulator, run, startDefenderEmulator } from './support';

let emu: Emulator;
beforeAll(async () => {
	emu = await startDefenderEmulator();
});
afterAll(() => emu.stop());
afterEach(() => resetEmulator(emu));

const description = (error: unknown) => String((error as { description?: string } | undefined)?.description ?? '');

/** A second app registration holding only `roles` of the Graph security permissions. */
function principalWith(roles: string[]): Record<string, string> {
	const principal = emu.identity.addPrincipal();
	emu.defender.setRoles(principal.objectId, roles);
	return { clientId: principal.clientId, clientSecret: principal.clientSecret };
}

test('403: the message names the missing application permission and says admin consent is needed', async () => {
	const incident = emu.defender.createIncident({});
	const readOnly = principalWith(['SecurityIncident.Read.All', 'SecurityAlert.Read.All']);
	const read = await run(emu, 'incident', 'get', { incident: byId(incident.id) }, { credential: readOnly });
	expect(read.error).toBeUndefined();
	const update = await run(emu, 'incident', 'update', { incident: byId(incident.id), updateFields: { status: 'inProgress' } }, { credential: readOnly });
	expect(update.error?.message).toMatch(/lacks the Microsoft Graph application permission SecurityIncident\.ReadWrite\.All/);
	expect(description(update.error)).toMatch(/administrator must grant admin consent/);
	const alert = emu.defender.alerts(incident.id)[0];
	const comment = await run(emu, 'alert', 'addComment', { alert: byId(alert.id), comment: 'x' }, { credential: readOnly });
	expect(comment.error?.message).toMatch(/SecurityAlert\.ReadWrite\.All/);
	expect(emu.defender.incident(incident.id)?.status).toBe('active');
});

test('404 names the incident or alert ID; under Continue the error item carries the status', async () => {
	const result = await run(emu, 'incident', 'get', { incident: byId('987654') });
	expect(result.error?.message).toBe("Defender XDR incident '987654' was not found (NotFound)");
	expect(description(result.error)).toMatch(/incident ID/);
	const alert = await run(emu, 'alert', 'get', { alert: byId('da000000000000000000_1') }, { continueOnFail: true });
	expect(json(alert)[0]).toMatchObject({ error: expect.stringMatching(/alert 'da000000000000000000_1' was not found/), statusCode: 404, resource: 'alert', operation: 'get' });
});

test('429 on a read is waited out as Retry-After asks; a wait longer than the cap fails at once naming it', async () => {
	const incident = emu.defender.createIncident({});
	emu.faults.add({ route: 'graph.security.incidents.get', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
	const result = await run(emu, 'incident', 'get', { incident: byId(incident.id) });
	expect(result.error).toBeUndefined();
	expect(graphRequests(emu).map((request) => request.status)).toEqual([429, 200]);

	emu.clearRequests();
	const tooLong = (MAX_RETRY_AFTER_MS / 1000) * 4;
	emu.faults.add({ route: 'graph.security.incidents.get', kind: 'status', status: 429, retryAfterSeconds: tooLong, times: 1 });
	const throttled = await run(emu, 'incident', 'get', { incident: byId(incident.id) });
	expect(throttled.error?.message).toBe(`Microsoft Graph is throttling requests (429) and asked to wait ${tooLong} s, longer than this node waits`);
	expect(graphRequests(emu)).toHaveLength(1);
});

test('a read whose connection dropped is sent again', async () => {
	const incident = emu.defender.createIncident({});
	emu.faults.add({ route: 'graph.security.incidents.get', kind: 'drop', times: 1 });
	const result = await run(emu, 'incident', 'get', { incident: byId(incident.id) });
	expect(result.error).toBeUndefined();
	expect(graphRequests(emu).map((request) => request.status)).toEqual([0, 200]);
});

test('PATCH is repeated after a 503 (it sends the same values again)', async () => {
	const alert = emu.defender.alerts(emu.defender.createIncident({}).id)[0];
	emu.faults.add({ route: 'graph.security.alerts.update', kind: 'status', status: 503, retryAfterSeconds: 0, times: 1 });
	const result = await run(emu, 'alert', 'update', { alert: byId(alert.id), updateFields: { status: 'inProgress' } });
	expect(result.error).toBeUndefined();
	expect(graphRequests(emu).map((request) => `${request.method} ${request.status}`)).toEqual(['PATCH 503', 'PATCH 200']);
});

test('a comment is never sent twice: a 503 or a lost answer fails after one POST; a 429 (refused before it ran) is retried', async () => {
	const incident = emu.defender.createIncident({});
	emu.faults.add({ route: 'graph.security.incidents.comments', kind: 'status', status: 503, retryAfterSeconds: 0, times: 1 });
	const failed = await run(emu, 'incident', 'addComment', { incident: byId(incident.id), comment: 'first' });
	expect(failed.error?.message).toMatch(/Microsoft Graph returned HTTP 503/);
	expect(description(failed.error)).toMatch(/not sent twice automatically/);
	expect(graphRequests(emu)).toHaveLength(1);

	emu.clearRequests();
	emu.faults.add({ route: 'graph.security.incidents.comments', kind: 'lostResponse', times: 1 });
	const lost = await run(emu, 'incident', 'addComment', { incident: byId(incident.id), comment: 'second' });
	expect(lost.error?.message).toBe('Could not reach Microsoft Graph: the connection was dropped');
	expect(description(lost.error)).toMatch(/not sent again automatically: check the incident/);
	expect(graphRequests(emu)).toHaveLength(1);
	expect(emu.defender.incident(incident.id)?.comments.map((comment) => comment.comment)).toEqual(['second']);

	emu.clearRequests();
	emu.faults.add({ route: 'graph.security.incidents.comments', kind: 'status', status: 429, retryAfterSeconds: 0, times: 1 });
	const throttled = await run(emu, 'incident', 'addComment', { incident: byId(incident.id), comment: 'third' });
	expect(throttled.error).toBeUndefined();
	expect(graphRequests(emu).map((request) => request.status)).toEqual([429, 200]);
	expect(emu.defender.incident(incident.id)?.comments.map((comment) => comment.comment)).toEqual(['second', 'third']);
});

test('Azure China is refused with a clear NodeOperationError before any request (no token asked for)', async () => {
	const result = await run(emu, 'incident', 'get', { incident: byId('2000') }, { credential: { cloud: 'AzureChina' } });
	expect(result.error?.message).toMatch(/^Microsoft Graph security API is not available in Azure China \(21Vianet\)/);
	expect(result.error?.name).toBe('NodeOperationError');
	expect(emu.requests).toHaveLength(0);
});

test('401 names the credential; no token or secret appears in any message', async () => {
	const incident = emu.defender.createIncident({});
	emu.faults.add({ route: 'graph.security.incidents.get', kind: 'expiredToken', times: 4 });
	const result = await run(emu, 'incident', 'get', { incident: byId(incident.id) });
	const text = `${result.error?.message} ${description(result.error)}`;
	expect(result.error?.message).toMatch(/did not accept the token of the Azure Service Principal credential/);
	expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
	expect(text).not.toContain(emu.principal.clientSecret);
});

describe('transport', () => {
	test('a nextLink on another host is never followed (the token would go there)', async () => {
		const session = await getAzureSession(toServicePrincipal(emulatorCredential(emu)));
		await expect(graphRequest(session, { method: 'GET', url: 'https://evil.example.com/v1.0/security/incidents?$skip=50' })).rejects.toMatchObject({
			status: 502,
			code: 'UntrustedNextLink',
		});
		expect(emu.requests).toHaveLength(0);
	});

	test('ids that would change the path are refused; OData keys keep their $ on the wire', async () => {
		expect(() => graphPathSegment('../applications', 'incident ID')).toThrow(GraphResponseError);
		expect(() => graphPathSegment('12?x=1', 'incident ID')).toThrow(expect.objectContaining({ graphMessage: expect.stringMatching(/cannot be part of a Microsoft Graph path/) }));
		expect(graphPathSegment(' da637_-96 ', 'alert ID')).toBe('da637_-96');
		const session = await getAzureSession(toServicePrincipal(emulatorCredential(emu)));
		await graphRequest(session, { method: 'GET', path: '/security/incidents', qs: { $top: 1, $filter: "status eq 'active'" } });
		const request = graphRequests(emu)[0];
		expect(request.query).toEqual({ $top: '1', $filter: "status eq 'active'" });
	});
});
