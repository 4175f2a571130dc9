/**
 * The incident's whole life, both ways, with the reference workflows 1-3 in a real n8n: after an incident paged,
 * what analysts do in Sentinel reaches the Signl (comments in order, a new owner, a raised severity as a new Signl,
 * a lowered one as a note, a close, a reopen as a new Signl) and an undone acknowledgement in SIGNL4 reaches the
 * incident; each once, and nothing this package writes comes back as another change.
 *
 * Workflow 3 polls four times a minute here (four minute-granular cron times, as a user may set them), so the
 * case waits seconds instead of minutes for each change; workflows 1 and 2 are as shipped.
 */
import { startEmulator, type Incident } from '../emulator';
import { emulatorAzureCredential, signlExternalId, type RunningEmulator } from './fixtures/sentinel';
import { REFERENCE_WORKFLOWS, referenceWorkflow, signl4CallbackUrl } from './fixtures/referenceWorkflows';
import { emulatorSignl4Credential, signl4BasicAuthCredential } from './fixtures/signl4';
import { N8nInstance, e2eTest, eventually, executionError, type N8nExecution } from './harness';

jest.setTimeout(15 * 60_000);

const CALLBACK_USER = 'signl4';
const CALLBACK_PASSWORD = 'n8n-callback-Passw0rd';
const WF1 = REFERENCE_WORKFLOWS.sentinelToSignl4.id;
const WF2 = REFERENCE_WORKFLOWS.signl4ToSentinel.id;
const WF3 = REFERENCE_WORKFLOWS.closedResolvesSignl4.id;
const COMMENTS = 20;

function expectSucceeded(executions: N8nExecution[]): void {
	for (const execution of executions) expect({ id: execution.id, status: execution.status, error: executionError(execution) }).toMatchObject({ status: 'success' });
}

describe("the incident's whole life in step with its Signl, in a real n8n", () => {
	let emu: RunningEmulator;
	let n8n: N8nInstance;
	let a: Incident;
	let b: Incident;

	const signlsOf = (incident: Incident) => emu.signl4.alerts({ externalId: signlExternalId(emu, incident) });
	const firstSignl = (incident: Incident) => signlsOf(incident).sort((x, y) => x.created.localeCompare(y.created))[0];
	const notes = (incident: Incident) => firstSignl(incident).annotations.map((annotation) => annotation.text);
	const commentsOf = (incident: Incident) => emu.sentinel.comments(incident.name).map((c) => c.properties.message);
	const current = (incident: Incident) => emu.sentinel.getIncident(incident.name)!;

	beforeAll(async () => {
		emu = await startEmulator();
		a = emu.sentinel.createIncident({ title: 'Suspicious inbox rule', severity: 'Medium', alerts: [{}] });
		b = emu.sentinel.createIncident({ title: 'Password spray from 203.0.113.7', severity: 'Medium', alerts: [{}] });
		const credentials = [emulatorAzureCredential(emu), emulatorSignl4Credential(emu), signl4BasicAuthCredential(CALLBACK_USER, CALLBACK_PASSWORD)];
		const choices = { credentials, workspaceArmId: emu.workspace.armId };
		const changes = referenceWorkflow('closedResolvesSignl4', choices);
		const trigger = changes.nodes.find((node) => node.type.endsWith('.microsoftSentinelTrigger'))!;
		trigger.parameters.pollTimes = { item: [0, 15, 30, 45].map((second) => ({ mode: 'custom', cronExpression: `${second} * * * * *` })) };
		n8n = await N8nInstance.start({
			label: 'lifecycle',
			credentials,
			workflows: [referenceWorkflow('sentinelToSignl4', choices), referenceWorkflow('signl4ToSentinel', choices), changes],
		});
		emu.signl4.outbound.addTarget(signl4CallbackUrl(n8n.baseUrl), { basicAuth: { user: CALLBACK_USER, password: CALLBACK_PASSWORD } });
		await n8n.activateWorkflow(WF2);
		await n8n.activateWorkflow(WF3);
		await n8n.activateWorkflow(WF1);
		expectSucceeded(await n8n.waitForExecutions(WF1, 1, 120_000));
		await eventually('both incidents paged and tagged', () =>
			[a, b].every((incident) => signlsOf(incident).length === 1 && (current(incident).properties.labels ?? []).some((l) => l.labelName === 'SIGNL4')),
		);
	});

	afterAll(async () => {
		await n8n?.stop();
		await emu?.stop();
	});

	e2eTest("analysts' comments, a new owner and severity changes reach the Signl, once and in order", async () => {
		const [ann, bob] = [emu.sentinel.users[1], emu.sentinel.users[0]];
		for (let n = 1; n <= COMMENTS; n++) emu.sentinel.addComment(a.name, `Checked mailbox ${n} of ${COMMENTS}`, ann.email);
		emu.sentinel.updateIncident(a.name, { severity: 'Low' }, bob.email);
		emu.sentinel.updateIncident(b.name, { severity: 'High', ownerObjectId: bob.objectId }, bob.email);

		await eventually('the comments, the lower severity, the new owner and the re-alert', () =>
			notes(a).length >= COMMENTS + 1 && signlsOf(b).length === 2 && notes(b).some((text) => text.includes('now owns the incident')),
		{ timeoutMs: 120_000 });

		const commentNotes = notes(a).filter((text) => text.includes(' in Sentinel: '));
		expect(commentNotes).toEqual(Array.from({ length: COMMENTS }, (_, i) => `[Sentinel] ${ann.name} in Sentinel: Checked mailbox ${i + 1} of ${COMMENTS}`));
		expect(notes(a).filter((text) => text.startsWith('[Sentinel] Severity lowered'))).toEqual([`[Sentinel] Severity lowered in Sentinel from Medium to Low by ${bob.email}`]);
		const realert = signlsOf(b).find((signl) => signl.title.startsWith('Severity raised to High'));
		expect(realert?.title).toBe('Severity raised to High: Password spray from 203.0.113.7');
		expect(notes(b).filter((text) => text.includes('now owns the incident'))).toEqual([`[Sentinel] ${bob.email} now owns the incident in Sentinel (changed by ${bob.email})`]);
		console.log(`lifecycle: ${COMMENTS} comments → ${commentNotes.length} annotations in order; B re-alerted as '${realert?.title}'`);
	});

	e2eTest('an undone acknowledgement in SIGNL4 puts the incident back to New', async () => {
		const engineer = emu.signl4.users[0];
		const before = (await n8n.listExecutions(WF2)).length;
		emu.signl4.acknowledge(firstSignl(a).id, engineer.mail);
		await emu.signl4.outbound.idle();
		expectSucceeded(await n8n.waitForExecutions(WF2, before + 1));
		expect(current(a).properties.status).toBe('Active');
		emu.signl4.undoAcknowledge(firstSignl(a).id, engineer.mail);
		await emu.signl4.outbound.idle();
		expectSucceeded(await n8n.waitForExecutions(WF2, before + 2));
		expect(current(a).properties.status).toBe('New');
		expect(commentsOf(a)).toContain(`${engineer.name} undid the acknowledgement in SIGNL4.`);
	});

	e2eTest('closed in Sentinel resolves the Signl; reopened pages again', async () => {
		const mei = emu.sentinel.users[2];
		emu.sentinel.updateIncident(a.name, { status: 'Closed', classification: 'BenignPositive', classificationReason: 'SuspiciousButExpected' }, mei.email);
		await eventually('the Signl to be resolved', () => firstSignl(a).status === 4, { timeoutMs: 90_000 });
		await emu.signl4.outbound.idle();
		emu.sentinel.updateIncident(a.name, { status: 'Active' }, mei.email);
		await eventually('a new Signl for the reopened incident', () => signlsOf(a).length === 2, { timeoutMs: 90_000 });
		expect(signlsOf(a).map((signl) => signl.title)).toContain('Reopened in Sentinel: Suspicious inbox rule');
	});

	e2eTest('nothing came back as another change: no echo, no second page', async () => {
		// Let workflow 3 poll twice more and workflow 1 once more after the last change.
		await new Promise((resolve) => setTimeout(resolve, 65_000));
		expect(signlsOf(a)).toHaveLength(2);
		expect(signlsOf(b)).toHaveLength(2);
		// Annotations written from Sentinel are not copied back into Sentinel by workflow 2.
		for (const incident of [a, b]) expect(commentsOf(incident).filter((message) => message.includes('[Sentinel]'))).toEqual([]);
		// Every annotation once: the comments and the severity note on A's first Signl, nothing else from Sentinel.
		expect(notes(a).filter((text) => text.startsWith('[Sentinel]'))).toHaveLength(COMMENTS + 1);
		expect(notes(b).filter((text) => text.startsWith('[Sentinel]'))).toHaveLength(1);
		expect(await n8n.listExecutions(WF1)).toHaveLength(1);
		expectSucceeded(await n8n.listExecutions(WF2));
		const wf3 = await n8n.listExecutions(WF3);
		expectSucceeded(wf3);
		console.log(`lifecycle: workflow 3 ran ${wf3.length} times, workflow 2 ${(await n8n.listExecutions(WF2)).length} times`);
	});
});
