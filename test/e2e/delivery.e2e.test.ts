/**
 * The delivery promise, Sentinel → SIGNL4, in a real n8n 2.41 running reference workflow 1 as a user imports it:
 * every matching incident pages at least once and raises exactly one Signl, and is tagged and commented once,
 * across n8n killed with SIGKILL mid-storm, SIGNL4 down, and faults on a share of every service's requests.
 *
 * The workflow is the reference file with two test settings in its trigger: redelivery after 1 minute with a
 * steady 1-minute wait (instead of 10 doubling to 30), so a run fits in minutes. Sizes are printed.
 */
import { startEmulator, type Incident } from '../emulator';
import { emulatorAzureCredential, type RunningEmulator } from './fixtures/sentinel';
import { referenceWorkflow, REFERENCE_WORKFLOWS } from './fixtures/referenceWorkflows';
import { emulatorSignl4Credential } from './fixtures/signl4';
import { N8nInstance, e2eTest, eventually } from './harness';

jest.setTimeout(40 * 60_000);

const WF1 = REFERENCE_WORKFLOWS.sentinelToSignl4.id;
const KILLS = 10;
const KILL_STORM = 500;
const FAULT_STORM = 300;
const OUTAGE_STORM = 40;

/** A reproducible sequence of numbers in [0, 1) (mulberry32), so a failing run can be repeated. */
function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Workflow 1 as imported, with the test's redelivery pace and per-poll cap. */
function workflowOne(emu: RunningEmulator, maxPerPoll: number) {
	const credentials = [emulatorAzureCredential(emu), emulatorSignl4Credential(emu)];
	const workflow = referenceWorkflow('sentinelToSignl4', { credentials, workspaceArmId: emu.workspace.armId });
	const trigger = workflow.nodes.find((node) => node.type.endsWith('.microsoftSentinelTrigger'))!;
	Object.assign(trigger.parameters, { redeliverAfterMinutes: 1, maxWaitMinutes: 1 });
	trigger.parameters.options = { ...(trigger.parameters.options as object), maxIncidentsPerPoll: maxPerPoll };
	return { credentials, workflow };
}

/** A storm of New incidents; every tenth carries an analytics rule whose query the enrichment runs. */
function storm(emu: RunningEmulator, size: number): Incident[] {
	return Array.from({ length: size }, (_, i) =>
		emu.sentinel.createIncident({
			title: `Storm incident ${i + 1}`,
			severity: (['High', 'Medium', 'Low', 'Informational'] as const)[i % 4],
			alerts: [i % 10 === 0 ? { scheduledRule: 'signin-bruteforce' } : { productName: 'Microsoft Defender for Endpoint' }],
		}),
	);
}

interface Outcome {
	size: number;
	pagedOnce: number;
	lost: number;
	duplicateSignls: number;
	taggedOnce: number;
	commentedOnce: number;
}

function outcomeOf(emu: RunningEmulator, incidents: Incident[]): Outcome {
	const externalId = (incident: Incident) =>
		`sentinel:${emu.workspace.subscriptionId}:${emu.workspace.resourceGroup}:${emu.workspace.name}:${incident.name}`.toLowerCase();
	const signlsByExternalId = new Map<string, number>();
	for (const signl of emu.signl4.alerts()) signlsByExternalId.set(signl.externalId ?? '', (signlsByExternalId.get(signl.externalId ?? '') ?? 0) + 1);
	const outcome: Outcome = { size: incidents.length, pagedOnce: 0, lost: 0, duplicateSignls: 0, taggedOnce: 0, commentedOnce: 0 };
	for (const incident of incidents) {
		const signls = signlsByExternalId.get(externalId(incident)) ?? 0;
		if (signls === 0) outcome.lost++;
		if (signls === 1) outcome.pagedOnce++;
		if (signls > 1) outcome.duplicateSignls += signls - 1;
		const current = emu.sentinel.getIncident(incident.name)!;
		if (current.properties.labels.filter((label) => label.labelName.toLowerCase() === 'signl4').length === 1) outcome.taggedOnce++;
		if (emu.sentinel.comments(incident.name).filter((comment) => comment.properties.message.includes('alerted in SIGNL4')).length === 1) outcome.commentedOnce++;
	}
	return outcome;
}

const delivered = (outcome: Outcome) => outcome.pagedOnce === outcome.size && outcome.taggedOnce === outcome.size && outcome.commentedOnce === outcome.size;

function expectDeliveredOnce(outcome: Outcome): void {
	expect(outcome).toEqual({ size: outcome.size, pagedOnce: outcome.size, lost: 0, duplicateSignls: 0, taggedOnce: outcome.size, commentedOnce: outcome.size });
}

describe('incident → Signl: at least once, exactly one Signl, in a real n8n', () => {
	e2eTest(`kill -9 ${KILLS} times during a ${KILL_STORM}-incident storm: every incident paged once, tagged once, commented once`, async () => {
		const emu = await startEmulator();
		const { credentials, workflow } = workflowOne(emu, 100);
		const n8n = await N8nInstance.start({ label: 'delivery-kill', credentials, workflows: [workflow] });
		try {
			const incidents = storm(emu, KILL_STORM);
			const random = seededRandom(20261202);
			await n8n.activateWorkflow(WF1);
			const moments: string[] = [];
			for (let kill = 1; kill <= KILLS; kill++) {
				// A random moment 4–30 s after n8n came up: inside the activation poll, a send, a tag or a comment.
				const waitMs = 4000 + Math.floor(random() * 26_000);
				await new Promise((resolve) => setTimeout(resolve, waitMs));
				const before = outcomeOf(emu, incidents);
				await n8n.kill9();
				moments.push(`${(waitMs / 1000).toFixed(1)} s (${before.pagedOnce + before.duplicateSignls} Signls, ${before.taggedOnce} tagged)`);
				await n8n.restart();
			}
			console.log(`kill -9 at: ${moments.join('; ')}`);
			const outcome = await eventually('every storm incident paged, tagged and commented', () => {
				const now = outcomeOf(emu, incidents);
				return delivered(now) || now.duplicateSignls > 0 ? now : undefined;
			}, { timeoutMs: 12 * 60_000, intervalMs: 2000 });
			console.log(`kill loop: ${KILLS} kills, ${KILL_STORM} incidents: ${JSON.stringify(outcome)}`);
			expectDeliveredOnce(outcome);
		} catch (error) {
			throw n8n.withLogTail(error);
		} finally {
			await n8n.stop();
			await emu.stop();
		}
	});

	e2eTest('SIGNL4 down for three polls, and 30 % faults on ARM, Log Analytics and SIGNL4: all paged after recovery, none twice', async () => {
		await Promise.all([signl4Outage(), thirtyPercentFaults()]);
	});
});

/** SIGNL4 answers 503 to every send during the first three polls, then comes back. */
async function signl4Outage(): Promise<void> {
	const emu = await startEmulator();
	const { credentials, workflow } = workflowOne(emu, 100);
	const n8n = await N8nInstance.start({ label: 'delivery-outage', credentials, workflows: [workflow] });
	try {
		const incidents = storm(emu, OUTAGE_STORM);
		const outage = emu.faults.add({ route: ['signl4.webhook', 'signl4.events'], kind: 'status', status: 503, times: Infinity });
		await n8n.activateWorkflow(WF1);
		// Three polls whose sends all failed (the activation poll and two redeliveries a minute apart).
		const failed = await n8n.waitForExecutions(WF1, 3, 5 * 60_000);
		expect(failed.map((execution) => execution.status)).toEqual(['error', 'error', 'error']);
		expect(emu.signl4.alerts()).toHaveLength(0);
		emu.faults.remove(outage);
		const outcome = await eventually('every incident paged after SIGNL4 came back', () => {
			const now = outcomeOf(emu, incidents);
			return delivered(now) || now.duplicateSignls > 0 ? now : undefined;
		}, { timeoutMs: 6 * 60_000, intervalMs: 2000 });
		console.log(`SIGNL4 down for 3 polls, ${OUTAGE_STORM} incidents: ${JSON.stringify(outcome)}`);
		expectDeliveredOnce(outcome);
	} catch (error) {
		throw n8n.withLogTail(error);
	} finally {
		await n8n.stop();
		await emu.stop();
	}
}

/** 429 with Retry-After, 503 and dropped connections (before and after the request was carried out) on 30 % of requests. */
async function thirtyPercentFaults(): Promise<void> {
	const emu = await startEmulator();
	const { credentials, workflow } = workflowOne(emu, 100);
	const n8n = await N8nInstance.start({ label: 'delivery-faults', credentials, workflows: [workflow] });
	try {
		const incidents = storm(emu, FAULT_STORM);
		const services = ['arm', 'loganalytics', 'signl4'] as const;
		const faults = [
			...services.map((route, i) => emu.faults.add({ route, kind: 'status', status: 429, retryAfterSeconds: 1, probability: 0.1, seed: 11 + i })),
			...services.map((route, i) => emu.faults.add({ route, kind: 'status', status: 503, probability: 0.1, seed: 21 + i })),
			...services.map((route, i) => emu.faults.add({ route, kind: 'drop', probability: 0.07, seed: 31 + i })),
			...services.map((route, i) => emu.faults.add({ route, kind: 'lostResponse', probability: 0.03, seed: 41 + i })),
		];
		await n8n.activateWorkflow(WF1);
		const outcome = await eventually('every incident paged, tagged and commented despite the faults', () => {
			const now = outcomeOf(emu, incidents);
			return delivered(now) || now.duplicateSignls > 0 ? now : undefined;
		}, { timeoutMs: 14 * 60_000, intervalMs: 2000 });
		const faulted = emu.requests.filter((request) => request.fault).length;
		console.log(
			`30 % faults, ${FAULT_STORM} incidents: ${faulted} of ${emu.requests.length} requests faulted (${faults.length} fault rules); ${JSON.stringify(outcome)}`,
		);
		expectDeliveredOnce(outcome);
	} catch (error) {
		throw n8n.withLogTail(error);
	} finally {
		await n8n.stop();
		await emu.stop();
	}
}
