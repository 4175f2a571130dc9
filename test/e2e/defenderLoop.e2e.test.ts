/**
 * Microsoft Defender XDR both ways, as a user meets it: reference workflows 6 (Defender XDR → SIGNL4) and 7 (resolved in
 * Defender XDR → Signl resolved) beside workflows 1 and 2, imported into a real n8n 2.41 with credentials for the
 * emulator (whose Graph security API serves the Defender incidents), activated and driven through the loop:
 * Defender incidents become Signls with their evidence and are tagged and commented; the engineer's acknowledge,
 * note, escalation and close in the SIGNL4 console come back through workflow 2 onto the Defender incidents (status,
 * owner, classification, determination, comments); an incident resolved in Defender resolves its Signl; and an
 * incident that exists in Sentinel and in Defender XDR (a workspace onboarded to the Defender portal) pages once.
 */
import { startEmulator, type Incident } from '../emulator';
import type { DefenderIncident } from '../emulator/graph/security/security-model';
import { SERVICE_SOURCE_NAMES } from '../../nodes/Signl4OnCall/helpers/defenderMessage';
import { emulatorAzureCredential, signlExternalId, type RunningEmulator } from './fixtures/sentinel';
import { REFERENCE_WORKFLOWS, referenceWorkflow, signl4CallbackUrl, withDefenderTwinsSkipped } from './fixtures/referenceWorkflows';
import { emulatorSignl4Credential, signl4BasicAuthCredential } from './fixtures/signl4';
import { N8nInstance, e2eTest, eventually, executionError, fixtureId, type N8nExecution, type WorkflowFixture } from './harness';

jest.setTimeout(20 * 60_000);

const CALLBACK_USER = 'signl4';
const CALLBACK_PASSWORD = 'n8n-callback-Passw0rd';
const WF1 = REFERENCE_WORKFLOWS.sentinelToSignl4.id;
const WF2 = REFERENCE_WORKFLOWS.signl4ToSentinel.id;
const WF6 = REFERENCE_WORKFLOWS.defenderToSignl4.id;
const WF7 = REFERENCE_WORKFLOWS.defenderResolvedToSignl4.id;
const WF6_ALERTS = fixtureId('defAlertsCopy');
/** Service sources one of which the alert-watching copy of workflow 6 watches: the first no other incident's alert has. */
const ALERT_SOURCES = ['azureAdIdentityProtection', 'microsoftDefenderForCloudApps', 'microsoftDefenderForIdentity', 'microsoftDefenderForOffice365', 'microsoftDefenderForEndpoint'];

/** Workflow 6 as a user switches it to single alerts: Watch Alerts of one service, confirmed by the pickup comment. */
function watchingAlerts(workflow: WorkflowFixture, serviceSource: string): WorkflowFixture {
	const trigger = workflow.nodes.find((node) => node.type.endsWith('.microsoftDefenderXdrTrigger'))!;
	trigger.parameters = { ...trigger.parameters, watch: 'alerts', alertStatuses: ['new'], serviceSources: [serviceSource], confirmationComment: 'alerted the on-call engineer' };
	return { ...workflow, id: WF6_ALERTS, name: 'Defender XDR alerts → SIGNL4' };
}

function expectSucceeded(executions: N8nExecution[]): void {
	for (const execution of executions) expect({ id: execution.id, status: execution.status, error: executionError(execution) }).toMatchObject({ status: 'success' });
}

describe('Defender XDR ⇄ SIGNL4 through the reference workflows, in a real n8n', () => {
	let emu: RunningEmulator;
	let n8n: N8nInstance;
	let high: DefenderIncident;
	let medium: DefenderIncident;
	let twin: DefenderIncident;
	let sentinelOnly: Incident;
	let sentinelTwin: Incident;
	let withAlert: DefenderIncident;
	let alertSource: string;

	const defenderExternalId = (incident: DefenderIncident) => `defender:${emu.principal.tenantId.toLowerCase()}:incident:${incident.id}`;
	const signlOf = (incident: DefenderIncident) => {
		const signls = emu.signl4.alerts({ externalId: defenderExternalId(incident) });
		expect(signls).toHaveLength(1);
		return signls[0];
	};
	const alertSignlOf = (alertId: string) => {
		const signls = emu.signl4.alerts({ externalId: `defender:${emu.principal.tenantId.toLowerCase()}:alert:${alertId}` });
		expect(signls).toHaveLength(1);
		return signls[0];
	};
	const current = (incident: DefenderIncident) => emu.defender.incident(incident.id)!;
	const commentsOf = (incident: DefenderIncident) => (current(incident).comments ?? []).map((comment) => comment.comment);

	beforeAll(async () => {
		emu = await startEmulator();
		high = emu.defender.createIncident({ status: 'active', severity: 'high', displayName: 'Credential theft on WS-042' });
		medium = emu.defender.createIncident({ status: 'active', severity: 'medium', displayName: 'Phishing e-mail delivered to 3 mailboxes' });
		// Not for the engineer: resolved before anyone looked.
		emu.defender.createIncident({ status: 'resolved', severity: 'high', displayName: 'Resolved by automated investigation' });
		sentinelOnly = emu.sentinel.createIncident({ title: 'Impossible travel for a VIP', severity: 'High' });
		// A Sentinel incident of a workspace onboarded to the Defender portal: Defender XDR has it too.
		sentinelTwin = emu.sentinel.createIncident({ title: 'Ransomware behaviour on FS01', severity: 'High' });
		twin = emu.defender.seedTwinOf(sentinelTwin.name);
		// One incident whose single alert comes from a service no other alert here comes from: the copy of workflow 6
		// that watches alerts pages that alert alone (and workflow 6 its incident).
		const used = new Set(emu.defender.alerts().map((alert) => alert.serviceSource));
		alertSource = ALERT_SOURCES.find((source) => !used.has(source as never))!;
		withAlert = emu.defender.createIncident({ status: 'active', severity: 'low', alerts: [{ serviceSource: alertSource as never, severity: 'low' }] });

		const credentials = [emulatorAzureCredential(emu), emulatorSignl4Credential(emu), signl4BasicAuthCredential(CALLBACK_USER, CALLBACK_PASSWORD)];
		const choices = { credentials, workspaceArmId: emu.workspace.armId };
		n8n = await N8nInstance.start({
			label: 'defender-loop',
			credentials,
			workflows: [
				// The README's advice for both sources on: workflow 1 leaves Defender XDR's incidents to workflow 6.
				withDefenderTwinsSkipped(referenceWorkflow('sentinelToSignl4', choices)),
				referenceWorkflow('signl4ToSentinel', choices),
				referenceWorkflow('defenderToSignl4', choices),
				referenceWorkflow('defenderResolvedToSignl4', choices),
				watchingAlerts(referenceWorkflow('defenderToSignl4', choices), alertSource),
			],
		});
		emu.signl4.outbound.addTarget(signl4CallbackUrl(n8n.baseUrl), { basicAuth: { user: CALLBACK_USER, password: CALLBACK_PASSWORD } });
		await n8n.activateWorkflow(WF2);
		await n8n.activateWorkflow(WF7);
		await n8n.activateWorkflow(WF6);
		await n8n.activateWorkflow(WF6_ALERTS);
		await n8n.activateWorkflow(WF1);
	});

	afterAll(async () => {
		await n8n?.stop();
		await emu?.stop();
	});

	e2eTest('Defender incidents become Signls with their evidence, are tagged and commented; the incident in both sources pages once', async () => {
		const [run6] = await n8n.waitForExecutions(WF6, 1, 120_000);
		const [run1] = await n8n.waitForExecutions(WF1, 1, 120_000);
		expectSucceeded([run6, run1]);
		for (const incident of [high, medium, twin]) {
			const signl = signlOf(incident);
			const severity = incident.severity.charAt(0).toUpperCase() + incident.severity.slice(1);
			expect(signl.title).toBe(`[${severity}] Defender XDR #${incident.id}: ${incident.displayName}`);
			expect(signl.text).toContain(`Defender XDR incident #${incident.id}`);
			expect(signl.text).toMatch(/^(Accounts|Devices|IPs|Files|Processes|Mailboxes|URLs): /m);
			expect(signl.text).toContain(`Open in Microsoft Defender: ${incident.incidentWebUrl}`);
			expect(signl.parameters.find((parameter) => parameter.name === 'Tenant')?.value).toBe(emu.principal.tenantId);
			expect(signl.scenario).toBe(incident.severity === 'high' ? 'multi_ack' : 'single_ack');
			expect(current(incident).customTags).toContain('SIGNL4');
			expect(commentsOf(incident)).toEqual([`Alerted the on-call engineer in SIGNL4 (event ${signl.eventId}).`]);
		}
		// Sentinel's own incident through workflow 1; its twin only through workflow 6, not again through workflow 1.
		expect(emu.signl4.alerts({ externalId: signlExternalId(emu, sentinelOnly) })).toHaveLength(1);
		expect(emu.signl4.alerts({ externalId: signlExternalId(emu, sentinelTwin) })).toHaveLength(0);
		// The incident with the single alert through workflow 6, and that alert through the copy watching alerts.
		signlOf(withAlert);
		const [alert] = emu.defender.alerts(withAlert.id);
		await n8n.waitForExecutions(WF6_ALERTS, 1, 120_000);
		const alertSignl = alertSignlOf(alert.id);
		expect(alertSignl.title).toBe(`[Low] ${SERVICE_SOURCE_NAMES[alertSource]}: ${alert.title}`);
		expect(alertSignl.text).toContain('Defender XDR alert');
		expect(alertSignl.text).toContain(`Incident: #${withAlert.id}`);
		expect(alertSignl.text).toContain(`Open in Microsoft Defender: ${alert.alertWebUrl}`);
		await eventually('the pickup comment on the alert', () => (emu.defender.alert(alert.id)?.comments ?? []).some((comment) => comment.comment.startsWith('Alerted the on-call engineer in SIGNL4')));
		expect(emu.signl4.alerts()).toHaveLength(6);
		console.log(`Defender loop: ${emu.signl4.alerts().length} Signls (4 Defender XDR incidents, 1 alert, 1 Sentinel incident), twin ${sentinelTwin.properties.incidentNumber} ⇄ Defender #${twin.id} paged once`);
	});

	e2eTest("the engineer's acknowledge, note, escalation and close land on the Defender incidents", async () => {
		const [john, amara] = emu.signl4.users;
		let callbacks = 0;
		const handled = async () => {
			await emu.signl4.outbound.idle();
			expectSucceeded(await n8n.waitForExecutions(WF2, ++callbacks));
		};

		emu.signl4.acknowledge(signlOf(high).id, john.mail);
		await handled();
		expect(current(high)).toMatchObject({ status: 'inProgress', assignedTo: john.mail });
		expect(commentsOf(high)).toContain(`Acknowledged in SIGNL4 by ${john.name}.`);

		emu.signl4.annotate(signlOf(medium).id, 'Purged the message from all three mailboxes', amara.mail);
		await handled();
		expect(commentsOf(medium)).toContain(`${amara.name} in SIGNL4: Purged the message from all three mailboxes`);

		const mediumBefore = current(medium);
		emu.signl4.escalate(signlOf(medium).id);
		await handled();
		expect(commentsOf(medium)).toContain('SIGNL4 escalated the alert: nobody acknowledged it in time.');
		expect(current(medium)).toMatchObject({ status: mediumBefore.status, assignedTo: mediumBefore.assignedTo });

		emu.signl4.close(signlOf(medium).id, john.mail);
		await handled();
		expect(current(medium)).toMatchObject({ status: 'resolved', classification: 'truePositive', determination: 'other', assignedTo: john.mail });
		expect(commentsOf(medium)).toContain(`Closed in SIGNL4 by ${john.name}.`);
		// Each callback wrote its comment once.
		expect(commentsOf(medium).filter((comment) => comment.startsWith(`Closed in SIGNL4 by ${john.name}.`))).toHaveLength(1);
	});

	e2eTest('an incident resolved in Defender XDR resolves its Signl, and keeps the analyst\'s classification', async () => {
		emu.defender.updateIncident(high.id, { status: 'resolved', classification: 'falsePositive', determination: 'notMalicious' }, 'mei.tanaka@contoso.com');
		// Workflow 7 polls every minute.
		await eventually('the Signl to be resolved', () => emu.signl4.alert(signlOf(high).id)?.status === 4);
		await emu.signl4.outbound.idle();
		// SIGNL4 reports the close back; workflow 2 finds the incident resolved and only comments.
		await eventually('the comment about the resolved incident', () => commentsOf(high).some((comment) => comment.includes('already resolved in Defender XDR')), { timeoutMs: 60_000 });
		expect(current(high)).toMatchObject({ status: 'resolved', classification: 'falsePositive', determination: 'notMalicious' });
	});

	e2eTest("an alert's Signl: acknowledge and close land on the alert", async () => {
		const [john] = emu.signl4.users;
		const [alert] = emu.defender.alerts(withAlert.id);
		const alertComments = () => (emu.defender.alert(alert.id)?.comments ?? []).map((comment) => comment.comment);
		emu.signl4.acknowledge(alertSignlOf(alert.id).id, john.mail);
		await emu.signl4.outbound.idle();
		await eventually('the alert in progress', () => emu.defender.alert(alert.id)?.status === 'inProgress' && alertComments().includes(`Acknowledged in SIGNL4 by ${john.name}.`));
		expect(emu.defender.alert(alert.id)).toMatchObject({ assignedTo: john.mail });
		emu.signl4.close(alertSignlOf(alert.id).id, john.mail);
		await emu.signl4.outbound.idle();
		await eventually('the alert resolved', () => emu.defender.alert(alert.id)?.status === 'resolved' && alertComments().includes(`Closed in SIGNL4 by ${john.name}.`));
		expect(emu.defender.alert(alert.id)).toMatchObject({ classification: 'truePositive', determination: 'other' });
	});

	e2eTest('nothing was paged twice and every run succeeded', async () => {
		await new Promise((resolve) => setTimeout(resolve, 65_000));
		expect(emu.signl4.alerts()).toHaveLength(6);
		for (const incident of [high, medium, twin, withAlert]) signlOf(incident);
		expectSucceeded(await n8n.listExecutions(WF6_ALERTS));
		expectSucceeded(await n8n.listExecutions(WF6));
		expectSucceeded(await n8n.listExecutions(WF7));
		expectSucceeded(await n8n.listExecutions(WF2));
		const wf6 = await n8n.listExecutions(WF6);
		const wf7 = await n8n.listExecutions(WF7);
		console.log(`Defender loop: workflow 6 ran ${wf6.length}×, workflow 7 ${wf7.length}×, workflow 2 ${(await n8n.listExecutions(WF2)).length}×`);
	});
});
