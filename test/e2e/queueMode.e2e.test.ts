/**
 * n8n's queue mode, as a SOC that outgrew one process runs it: PostgreSQL and Redis (Debian's, started on free
 * ports), one main, two workers and a webhook processor, this package installed on every process, the reference
 * workflows imported once. What holds in one process must hold here:
 *
 * - the reference loop with every SIGNL4 callback delivered twice, at the same moment, to two processes (the main
 *   and the webhook processor): each written to the incident once;
 * - a storm with a worker killed (SIGKILL) while it runs a batch and the main restarted once: every incident paged,
 *   tagged and commented once, none lost, no second Signl.
 *
 * Sizes and counts are printed.
 */
import { startEmulator, type Incident } from '../emulator';
import { expectDeliveredOnce, outcomeOf, storm, waitUntilDelivered, workflowOne } from './fixtures/delivery';
import { REFERENCE_WORKFLOWS, referenceWorkflow, signl4CallbackUrl } from './fixtures/referenceWorkflows';
import { emulatorAzureCredential, signlExternalId, type RunningEmulator } from './fixtures/sentinel';
import { emulatorSignl4Credential, onDutyNames, signl4BasicAuthCredential } from './fixtures/signl4';
import { N8nCluster, e2eTest, eventually, executionError, type N8nExecution } from './harness';

jest.setTimeout(30 * 60_000);

const WF1 = REFERENCE_WORKFLOWS.sentinelToSignl4.id;
const WF2 = REFERENCE_WORKFLOWS.signl4ToSentinel.id;
const WF3 = REFERENCE_WORKFLOWS.closedResolvesSignl4.id;
const CALLBACK_USER = 'signl4';
const CALLBACK_PASSWORD = 'n8n-callback-Passw0rd';
const STORM = 500;
const STORM_PER_POLL = 250;

function expectSucceeded(executions: N8nExecution[]): void {
	for (const execution of executions) expect({ id: execution.id, status: execution.status, error: executionError(execution) }).toMatchObject({ status: 'success' });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `body` with the cluster's logs appended to its failure, and stops cluster and emulator either way. */
async function withCluster(emu: RunningEmulator, cluster: N8nCluster, body: () => Promise<void>): Promise<void> {
	try {
		await body();
	} catch (error) {
		cluster.markFailed();
		let failure = error instanceof Error ? error : new Error(String(error));
		for (const instance of cluster.processes) failure = instance.withLogTail(failure);
		throw failure;
	} finally {
		await cluster.stop();
		await emu.stop();
	}
}

describe('queue mode: PostgreSQL, Redis, a main, two workers and a webhook processor', () => {
	e2eTest('the reference loop, every callback delivered to the main and the webhook processor at the same moment: each written once', async () => {
		const emu = await startEmulator();
		const incidents = [
			emu.sentinel.createIncident({ title: 'Brute force against Entra ID', severity: 'High', alerts: [{ scheduledRule: 'signin-bruteforce' }] }),
			emu.sentinel.createIncident({ title: 'Encoded PowerShell on FS01', severity: 'Medium', alerts: [{ scheduledRule: 'encoded-powershell' }, {}] }),
			emu.sentinel.createIncident({ title: 'Mass download from SharePoint', severity: 'Low', alerts: [{ scheduledRule: 'sharepoint-mass-download' }] }),
		];
		const credentials = [emulatorAzureCredential(emu), emulatorSignl4Credential(emu), signl4BasicAuthCredential(CALLBACK_USER, CALLBACK_PASSWORD)];
		const choices = { credentials, workspaceArmId: emu.workspace.armId };
		const startedAt = Date.now();
		const cluster = await N8nCluster.start({
			label: 'queue-loop',
			credentials,
			workflows: [referenceWorkflow('sentinelToSignl4', choices), referenceWorkflow('signl4ToSentinel', choices), referenceWorkflow('closedResolvesSignl4', choices)],
		});
		console.log(`queue-mode cluster up in ${Math.round((Date.now() - startedAt) / 1000)} s: ${cluster.processes.map((p) => `${p.label} (${p.role})`).join(', ')}`);
		await withCluster(emu, cluster, async () => {
			const { main } = cluster;
			// Two outbound webhooks, one per receiving process, delivered at once: the same callback reaches the main and
			// the webhook processor at the same moment, as when SIGNL4 delivers twice behind a load balancer.
			for (const receiver of cluster.webhookReceivers) {
				emu.signl4.outbound.addTarget(signl4CallbackUrl(receiver.baseUrl), { basicAuth: { user: CALLBACK_USER, password: CALLBACK_PASSWORD } });
			}
			emu.signl4.outbound.configure({ parallelTargets: true });
			await main.activateWorkflow(WF2);
			await main.activateWorkflow(WF3);
			await main.activateWorkflow(WF1);

			const signlOf = (incident: Incident) => {
				const signls = emu.signl4.alerts({ externalId: signlExternalId(emu, incident) });
				expect(signls).toHaveLength(1);
				return signls[0];
			};
			const current = (incident: Incident) => emu.sentinel.getIncident(incident.name)!;
			const commentsOf = (incident: Incident) => emu.sentinel.comments(incident.name).map((c) => c.properties.message);
			const timesCommented = (incident: Incident, text: string) => commentsOf(incident).filter((message) => message.includes(text)).length;

			// Paged from the main's poll, run on a worker.
			const [run] = await main.waitForExecutions(WF1, 1, 120_000);
			expectSucceeded([run]);
			expect(emu.signl4.alerts()).toHaveLength(3);
			for (const incident of incidents) {
				const signl = signlOf(incident);
				expect(signl.text).toContain('Evidence (Log Analytics):');
				expect(commentsOf(incident)).toEqual([`The on-call team was alerted in SIGNL4 (event ${signl.eventId}). On duty: ${onDutyNames(emu)}.`]);
			}

			const [first, second, third] = incidents;
			const [john, amara] = emu.signl4.users;
			let callbacks = 0;
			const settle = async () => {
				callbacks++;
				await emu.signl4.outbound.idle();
				// Both copies of every callback ran (one per process), and each was answered 200 after its run.
				expectSucceeded(await main.waitForExecutions(WF2, callbacks * 2, 120_000));
			};

			emu.signl4.acknowledge(signlOf(first).id, john.mail);
			await settle();
			expect(current(first).properties).toMatchObject({ status: 'Active', owner: { email: john.mail } });
			expect(timesCommented(first, `Acknowledged in SIGNL4 by ${john.name}.`)).toBe(1);

			emu.signl4.annotate(signlOf(second).id, 'Isolated FS01 from the network', amara.mail);
			await settle();
			expect(timesCommented(second, `${amara.name} in SIGNL4: Isolated FS01 from the network`)).toBe(1);

			emu.signl4.escalate(signlOf(third).id);
			await settle();
			expect(timesCommented(third, 'SIGNL4 escalated the alert')).toBe(1);

			emu.signl4.close(signlOf(first).id, john.mail);
			await settle();
			expect(current(first).properties).toMatchObject({ status: 'Closed', classification: 'TruePositive', classificationComment: `Closed in SIGNL4 by ${john.name}.`, owner: { email: john.mail } });
			expect(timesCommented(first, `Closed in SIGNL4 by ${john.name}`)).toBeLessThanOrEqual(1);

			// Closed by an analyst in Sentinel: workflow 3 (polled on the main, run on a worker) resolves the Signl, and
			// SIGNL4's close callback, again delivered to both processes, comments once.
			emu.sentinel.updateIncident(third.name, { status: 'Closed', classification: 'FalsePositive', classificationReason: 'InaccurateData', classificationComment: 'Scheduled backup job' }, 'mei.tanaka@contoso.com');
			await eventually('the Signl of the incident closed in Sentinel to be resolved', () => emu.signl4.alert(signlOf(third).id)?.status === 4);
			await settle();
			await eventually('the comment about the resolved Signl', () => timesCommented(third, 'already closed in Sentinel') > 0, { timeoutMs: 30_000 });
			expect(timesCommented(third, 'already closed in Sentinel')).toBe(1);
			expect(current(third).properties).toMatchObject({ status: 'Closed', classification: 'FalsePositive', classificationComment: 'Scheduled backup job' });

			// Every callback reached both processes, and both answered 200 (after their runs). The three "alert created"
			// callbacks start no run (the trigger answers them at once); the others are the ones acted on above.
			const deliveries = emu.signl4.outbound.deliveries;
			const byCallback = new Map<string, { eventType: number; urls: Set<string> }>();
			for (const delivery of deliveries.filter((d) => d.status === 200)) {
				const entry = byCallback.get(delivery.callbackId) ?? { eventType: delivery.eventType, urls: new Set<string>() };
				byCallback.set(delivery.callbackId, entry);
				entry.urls.add(delivery.url);
			}
			expect([...byCallback.values()].filter((entry) => entry.eventType !== 200)).toHaveLength(callbacks);
			expect([...byCallback.values()].every((entry) => entry.urls.size === 2)).toBe(true);
			// Nothing else was written twice: one comment per callback, whatever number of processes ran it.
			for (const incident of incidents) {
				const messages = commentsOf(incident);
				expect(messages).toEqual([...new Set(messages)]);
			}
			expect(emu.signl4.alerts()).toHaveLength(3);
			const perWorker = cluster.executionsPerWorker();
			const wf2 = await main.listExecutions(WF2);
			const perReceiver = cluster.webhookReceivers
				.map((receiver) => `${receiver.label}: ${deliveries.filter((d) => d.url.startsWith(receiver.baseUrl)).length}`)
				.join(', ');
			console.log(
				`queue-mode loop: ${callbacks} callbacks, ${deliveries.length} deliveries (${deliveries.filter((d) => d.status === 200).length} answered 200; ${perReceiver}), ` +
					`${wf2.length} workflow-2 runs, comments per incident ${incidents.map((i) => commentsOf(i).length).join('/')}, ` +
					`executions per worker ${Object.entries(perWorker).map(([label, ids]) => `${label}: ${ids.length}`).join(', ')}`,
			);
		});
	});

	e2eTest(`a ${STORM}-incident storm with a worker killed mid-batch and the main restarted: every incident paged once, none lost`, async () => {
		const emu = await startEmulator();
		// Log Analytics as the service behaves past 5 concurrent queries per principal: it queues them (up to 3 min).
		emu.logAnalytics.settings.queueOverConcurrencyLimit = true;
		emu.logAnalytics.settings.tableLatencyMs = { '*': 200 };
		const { credentials, workflow } = workflowOne(emu, STORM_PER_POLL);
		const cluster = await N8nCluster.start({ label: 'queue-storm', credentials, workflows: [workflow] });
		await withCluster(emu, cluster, async () => {
			const { main } = cluster;
			const incidents = storm(emu, STORM);
			const startedAt = Date.now();
			await main.activateWorkflow(WF1);

			// Wait until a worker is in the middle of a batch (an execution started, not finished, Signls going out), then
			// kill it as an OOM killer would.
			const victim = await eventually(
				'a worker in the middle of a batch',
				() => {
					const sent = emu.signl4.alerts().length;
					return sent >= 20 && sent < STORM_PER_POLL - 20 ? cluster.workers.find((worker) => cluster.executionsInFlight(worker).length > 0) : undefined;
				},
				{ timeoutMs: 180_000, intervalMs: 100 },
			);
			const cutShort = cluster.executionsInFlight(victim);
			const atKill = outcomeOf(emu, incidents);
			await victim.kill9();
			console.log(`queue-mode storm: killed ${victim.label} with execution(s) ${cutShort.join(', ')} in flight, after ${atKill.pagedOnce} Signls`);

			// The main restarts (an upgrade, a crash loop): its poller comes back with the cursor from the database.
			await sleep(5_000);
			await main.restart();
			await victim.restart();

			const outcome = await waitUntilDelivered(emu, incidents, 'every storm incident paged, tagged and commented once', 12 * 60_000);
			const wallSeconds = Math.round((Date.now() - startedAt) / 1000);
			const executions = await main.listExecutions(WF1);
			const statuses = executions.reduce<Record<string, number>>((count, e) => ({ ...count, [e.status]: (count[e.status] ?? 0) + 1 }), {});
			const perWorker = Object.entries(cluster.executionsPerWorker()).map(([label, ids]) => `${label}: ${ids.length}`).join(', ');
			const la = emu.logAnalytics.concurrency;
			const laThrottled = emu.logAnalytics.queries.filter((query) => query.status === 429).length;
			console.log(
				`queue-mode storm: ${STORM} incidents, ${STORM_PER_POLL} per poll, in ${wallSeconds} s: ${JSON.stringify(outcome)}; ` +
					`workflow-1 runs ${JSON.stringify(statuses)}; executions per worker ${perWorker}; ` +
					`Log Analytics: ${emu.logAnalytics.queries.length} queries, at most ${la.max} running and ${la.maxQueued} queued at once, ${laThrottled} answered 429`,
			);
			expectDeliveredOnce(outcome);
			// The kill cut a run short (n8n marks it crashed; 2.x does not retry a stalled job): the trigger's redelivery,
			// not luck, paged its incidents.
			expect(statuses.crashed ?? 0).toBeGreaterThanOrEqual(1);
			expect(laThrottled).toBe(0);
		});
	});
});
