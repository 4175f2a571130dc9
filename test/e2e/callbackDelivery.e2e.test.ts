/**
 * Every action an engineer takes in SIGNL4 reaches the Sentinel incident at least once and is written once, across
 * failures: workflow 2 as a user imports it, in a real n8n 2.41, fed by the emulated SIGNL4's outbound webhooks.
 *
 * (d) a callback whose execution failed is processed again when SIGNL4 delivers it again;
 * (c) the same callback delivered three times writes once;
 * (b) "closed" and then, immediately, an earlier "acknowledged": the incident stays Closed;
 * (a) an ARM outage (503 on every incident and comment call for about two minutes) while 20 callbacks arrive: after
 *     recovery every one has landed, each once, with the right status, owner and classification.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startEmulator, type Incident } from '../emulator';
import { emulatorAzureCredential, signlExternalId, type RunningEmulator } from './fixtures/sentinel';
import { REFERENCE_WORKFLOWS, referenceWorkflow, signl4CallbackUrl } from './fixtures/referenceWorkflows';
import { signl4BasicAuthCredential } from './fixtures/signl4';
import { N8nInstance, e2eTest, eventually } from './harness';

jest.setTimeout(10 * 60_000);

const CALLBACK_USER = 'signl4';
const CALLBACK_PASSWORD = 'n8n-callback-Passw0rd';
const WF2 = REFERENCE_WORKFLOWS.signl4ToSentinel.id;
/** Sizes, printed at the end. */
const OUTAGE_MS = 120_000;
const OUTAGE_INCIDENTS = 7;
const LONG_NOTE_LENGTH = 99_000;

describe('SIGNL4 callbacks reach Sentinel at least once and are written once (workflow 2, real n8n)', () => {
	let emu: RunningEmulator;
	let n8n: N8nInstance;
	const figures: Record<string, unknown> = {};

	const externalIdOf = (incident: Incident) => signlExternalId(emu, incident);
	const current = (incident: Incident) => emu.sentinel.getIncident(incident.name)!;
	const messages = (incident: Incident) => emu.sentinel.comments(incident.name).map((comment) => comment.properties.message);
	const countOf = (incident: Incident, text: string) => messages(incident).filter((message) => message === text).length;
	const incidentWithSignl = (title: string) => {
		const incident = emu.sentinel.createIncident({ title, status: 'New' });
		const signl = emu.signl4.raise({ title, externalId: externalIdOf(incident) });
		return { incident, signl };
	};
	const user = (index: number) => emu.signl4.users[index];

	beforeAll(async () => {
		emu = await startEmulator();
		const credentials = [emulatorAzureCredential(emu), signl4BasicAuthCredential(CALLBACK_USER, CALLBACK_PASSWORD)];
		n8n = await N8nInstance.start({
			label: 'callback-delivery',
			credentials,
			workflows: [referenceWorkflow('signl4ToSentinel', { credentials, workspaceArmId: emu.workspace.armId })],
		});
		emu.signl4.outbound.addTarget(signl4CallbackUrl(n8n.baseUrl), { basicAuth: { user: CALLBACK_USER, password: CALLBACK_PASSWORD } });
		await n8n.activateWorkflow(WF2);
	});

	afterAll(async () => {
		// eslint-disable-next-line no-console
		console.log(`callbackDelivery figures: ${JSON.stringify(figures)}`);
		await n8n?.stop();
		await emu?.stop();
	});

	e2eTest('(d) a callback whose execution failed is processed again when SIGNL4 delivers it again', async () => {
		const { incident, signl } = incidentWithSignl('Failed once, delivered again');
		// One refusal that no retry budget rides out (403: a role missing for a moment); SIGNL4 retries after 300 ms.
		emu.faults.add({ route: 'comments.put', kind: 'status', status: 403, times: 1 });
		const mark = emu.signl4.outbound.deliveries.length;
		emu.signl4.annotate(signl.id, 'Collected the memory image', user(1).mail);
		await emu.signl4.outbound.idle();
		// Raising the Signl sent a 'created' callback too (answered 200, ignored): only the annotation counts here.
		const attempts = emu.signl4.outbound.deliveries.slice(mark).filter((delivery) => delivery.eventType === 203);
		expect(new Set(attempts.map((delivery) => delivery.callbackId)).size).toBe(1);
		expect(attempts.map((delivery) => delivery.status)).toEqual([500, 200]);
		expect(countOf(incident, `${user(1).name} in SIGNL4: Collected the memory image`)).toBe(1);
		const statuses = (await n8n.waitForExecutions(WF2, 2)).map((execution) => execution.status);
		expect(statuses).toEqual(['error', 'success']);
	});

	e2eTest('(c) the same callback delivered three times writes once', async () => {
		const { incident, signl } = incidentWithSignl('Delivered three times');
		const before = (await n8n.listExecutions(WF2)).length;
		emu.signl4.outbound.configure({ duplicates: 2 });
		try {
			const mark = emu.signl4.outbound.deliveries.length;
			emu.signl4.acknowledge(signl.id, user(0).mail);
			emu.signl4.annotate(signl.id, 'Isolated the host', user(0).mail);
			await emu.signl4.outbound.idle();
			const attempts = emu.signl4.outbound.deliveries.slice(mark).filter((delivery) => delivery.eventType !== 200);
			const callbackIds = [...new Set(attempts.map((delivery) => delivery.callbackId))];
			expect(callbackIds).toHaveLength(2);
			for (const id of callbackIds) {
				const copies = attempts.filter((delivery) => delivery.callbackId === id);
				expect(copies.map((delivery) => delivery.copy)).toEqual([0, 1, 2]);
				expect(copies.every((delivery) => delivery.status === 200)).toBe(true);
			}
			figures.copiesPerCallback = 3;
		} finally {
			emu.signl4.outbound.configure({ duplicates: 0 });
		}
		expect(current(incident).properties).toMatchObject({ status: 'Active', owner: { email: user(0).mail } });
		expect(countOf(incident, `Acknowledged in SIGNL4 by ${user(0).name}.`)).toBe(1);
		expect(countOf(incident, `${user(0).name} in SIGNL4: Isolated the host`)).toBe(1);
		const puts = emu.requests.filter((request) => request.route === 'incidents.put' && request.path.includes(incident.name) && request.status === 200);
		expect(puts).toHaveLength(1);
		expect((await n8n.listExecutions(WF2)).length - before).toBe(2);
	});

	/** No successful write set the incident Active after one had closed it. */
	const neverReopened = (incident: Incident) => {
		const writes = emu.requests.filter((request) => request.route === 'incidents.put' && request.path.includes(incident.name) && request.status === 200);
		const statusOf = (request: (typeof writes)[number]) => (request.body as { properties?: { status?: string } } | undefined)?.properties?.status;
		const closedAt = writes.findIndex((request) => statusOf(request) === 'Closed');
		return closedAt >= 0 && writes.slice(closedAt + 1).every((request) => statusOf(request) === 'Closed');
	};

	const expectClosedBy = (incident: Incident, acker: number, closer: number) => {
		expect(current(incident).properties).toMatchObject({
			status: 'Closed',
			classification: 'TruePositive',
			classificationReason: 'SuspiciousActivity',
			owner: { email: user(closer).mail },
		});
		// The acknowledgement still reaches the incident, as a comment, without reopening it.
		expect(countOf(incident, `Acknowledged in SIGNL4 by ${user(acker).name}.`)).toBe(1);
		expect(countOf(incident, `Closed in SIGNL4 by ${user(closer).name}.`)).toBe(1);
		expect(neverReopened(incident)).toBe(true);
	};

	e2eTest('(b) closed, then immediately an acknowledgement raised earlier: the incident stays Closed', async () => {
		// One right after the other, as SIGNL4 sends them: "closed" first, then the "acknowledged" raised before it.
		const sequential = incidentWithSignl('Closed, then a late acknowledgement');
		emu.signl4.outbound.configure({ hold: true });
		try {
			emu.signl4.acknowledge(sequential.signl.id, user(0).mail);
			emu.signl4.close(sequential.signl.id, user(1).mail);
			expect(emu.signl4.outbound.flush('reverse')).toBe(2);
			await emu.signl4.outbound.idle();
		} finally {
			emu.signl4.outbound.configure({ hold: false });
		}
		expectClosedBy(sequential.incident, 0, 1);

		// The same at the very same moment: both callbacks are posted to n8n together, "closed" a hair earlier.
		const simultaneous = incidentWithSignl('Closed and acknowledged at the same moment');
		const payloads = await capturedCallbacks(() => {
			emu.signl4.acknowledge(simultaneous.signl.id, user(0).mail);
			emu.signl4.close(simultaneous.signl.id, user(1).mail);
		});
		const [acknowledged, closed] = payloads;
		const answers = await Promise.all([postCallback(closed), postCallback(acknowledged)]);
		expect(answers).toEqual([200, 200]);
		expectClosedBy(simultaneous.incident, 0, 1);
		figures.outOfOrderPairs = 2;
	});

	/** The callbacks `act` makes SIGNL4 send, caught by a local receiver instead of n8n. */
	async function capturedCallbacks(act: () => void): Promise<Array<Record<string, unknown>>> {
		const received: Array<Record<string, unknown>> = [];
		const server = http.createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
				res.writeHead(200).end();
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		const n8nTarget = emu.signl4.outbound.targets.find((target) => target.url.startsWith(n8n.baseUrl))!;
		emu.signl4.outbound.removeTarget(n8nTarget.id);
		const receiver = emu.signl4.outbound.addTarget(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
		try {
			act();
			await emu.signl4.outbound.idle();
		} finally {
			emu.signl4.outbound.removeTarget(receiver.id);
			emu.signl4.outbound.addTarget(signl4CallbackUrl(n8n.baseUrl), { basicAuth: { user: CALLBACK_USER, password: CALLBACK_PASSWORD } });
			await new Promise<void>((resolve) => server.close(() => resolve()));
		}
		return received;
	}

	async function postCallback(payload: Record<string, unknown>): Promise<number> {
		const response = await fetch(signl4CallbackUrl(n8n.baseUrl), {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${CALLBACK_USER}:${CALLBACK_PASSWORD}`).toString('base64')}` },
			body: JSON.stringify(payload),
		});
		await response.text();
		return response.status;
	}

	e2eTest(
		'(a) a two-minute ARM outage while 20 callbacks arrive: after recovery every write has landed, each once',
		async () => {
			const pairs = Array.from({ length: OUTAGE_INCIDENTS }, (_, index) => incidentWithSignl(`During the outage #${index + 1}`));
			const before = (await n8n.listExecutions(WF2)).length;
			const started = Date.now();
			emu.faults.add({ route: 'sentinel', kind: 'status', status: 503, forMs: OUTAGE_MS });
			// 7 acknowledgements, 7 annotations, 6 closes = 20 callbacks; acknowledging and closing users differ.
			// The first note is far longer than a comment may be: it must still give exactly one comment.
			const note = (index: number) => (index === 0 ? `Note 1: contained. ${'Timeline of the memory analysis. '.repeat(LONG_NOTE_LENGTH / 33)}` : `Note ${index + 1}: contained`);
			pairs.forEach(({ signl }, index) => {
				emu.signl4.acknowledge(signl.id, user(0).mail);
				emu.signl4.annotate(signl.id, note(index), user(2).mail);
				if (index < OUTAGE_INCIDENTS - 1) emu.signl4.close(signl.id, user(1).mail);
			});
			await emu.signl4.outbound.idle();
			const attempts = emu.signl4.outbound.deliveries.filter((delivery) => Date.parse(delivery.at) >= started && delivery.eventType !== 200);
			figures.outageSeconds = OUTAGE_MS / 1000;
			figures.outageIncidents = OUTAGE_INCIDENTS;
			figures.outageCallbacks = new Set(attempts.map((delivery) => delivery.callbackId)).size;
			figures.outageDeliveryAttempts = attempts.length;
			figures.outageDeliveryAnswers = attempts.reduce<Record<string, number>>((count, d) => ({ ...count, [String(d.status)]: (count[String(d.status)] ?? 0) + 1 }), {});
			figures.longNoteCharacters = note(0).length;
			expect(figures.outageCallbacks).toBe(20);

			const landed = () =>
				pairs.every(({ incident }, index) => {
					const closing = index < OUTAGE_INCIDENTS - 1;
					return messages(incident).length === (closing ? 3 : 2) && current(incident).properties.status === (closing ? 'Closed' : 'Active');
				});
			await eventually('every write of the 20 callbacks after recovery', landed, { timeoutMs: OUTAGE_MS + 150_000, intervalMs: 2_000 });
			figures.outageRecoveredAfterSeconds = Math.round((Date.now() - started) / 1000);

			for (const [index, { incident }] of pairs.entries()) {
				const closing = index < OUTAGE_INCIDENTS - 1;
				expect(countOf(incident, `Acknowledged in SIGNL4 by ${user(0).name}.`)).toBe(1);
				if (index === 0) {
					const annotations = messages(incident).filter((message) => message.startsWith(`${user(2).name} in SIGNL4: Note 1: contained.`));
					expect(annotations).toHaveLength(1);
					expect(annotations[0].length).toBeLessThanOrEqual(30_000);
					expect(annotations[0]).toMatch(/\(truncated, [\d,]+ characters omitted\)$/);
				} else {
					expect(countOf(incident, `${user(2).name} in SIGNL4: Note ${index + 1}: contained`)).toBe(1);
				}
				expect(countOf(incident, `Closed in SIGNL4 by ${user(1).name}.`)).toBe(closing ? 1 : 0);
				expect(messages(incident).some((message) => message.includes('already closed'))).toBe(false);
				expect(current(incident).properties).toMatchObject(
					closing
						? { status: 'Closed', classification: 'TruePositive', classificationReason: 'SuspiciousActivity', owner: { email: user(1).mail } }
						: { status: 'Active', owner: { email: user(0).mail } },
				);
				// Each status change written at most once: the acknowledgement (unless it came after the close) and the close.
				const writes = emu.requests.filter((request) => request.route === 'incidents.put' && request.path.includes(incident.name) && request.status === 200);
				expect(writes.length).toBeLessThanOrEqual(closing ? 2 : 1);
			}
			const executions = (await n8n.listExecutions(WF2)).slice(before);
			figures.outageExecutions = executions.length;
			figures.outageExecutionStatuses = executions.reduce<Record<string, number>>((count, execution) => ({ ...count, [execution.status]: (count[execution.status] ?? 0) + 1 }), {});
			expect(executions.every((execution) => execution.status === 'success')).toBe(true);
			figures.outageTestSeconds = Math.round((Date.now() - started) / 1000);
		},
		OUTAGE_MS + 240_000,
	);
});
