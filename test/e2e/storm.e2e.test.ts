/**
 * An alert storm against the services' own limits, in a real n8n running reference workflow 1 exactly as shipped
 * (no per-poll limit, redelivery after 10 minutes): the emulator enforces Azure Resource Manager's token buckets,
 * Log Analytics' rate and concurrency limits and SIGNL4's plan windows. Every incident must be paged once, tagged and
 * commented once, every High before any Low, and every 429 waited out rather than turned into a failure.
 *
 * Behaviour only: how fast is `npm run bench:storm`'s business. Sizes and counts are printed.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { startEmulator, type Emulator } from '../emulator';
import { routeInGroup } from '../emulator/core/route-ids';
import { expectDeliveredOnce, waitUntilDelivered } from './fixtures/delivery';
import { REFERENCE_WORKFLOWS, referenceWorkflow } from './fixtures/referenceWorkflows';
import { emulatorAzureCredential, signlExternalId } from './fixtures/sentinel';
import { emulatorSignl4Credential } from './fixtures/signl4';
import { N8nInstance, e2eTest, eventually } from './harness';

jest.setTimeout(30 * 60_000);

const WF1 = REFERENCE_WORKFLOWS.sentinelToSignl4.id;
const STORM = 1000;
const SEVERITIES = ['High', 'Medium', 'Low', 'Informational'] as const;

/** Set when the test ends, so a spender still waiting stops. */
let stormOver = false;

/**
 * Another client spending this principal's ARM bucket of one kind: from the moment `from()` holds, the bucket is
 * emptied every 10 ms until one of the workflow's requests of that kind is refused with 429, then left to refill.
 * True when a request was refused.
 */
async function spendArmUntilRefused(emu: Emulator, kind: 'reads' | 'writes', from: () => boolean): Promise<boolean> {
	const deadline = Date.now() + 20 * 60_000;
	while (!from()) {
		if (Date.now() > deadline || stormOver) return false;
		await sleep(100);
	}
	let scanned = emu.requests.length;
	while (Date.now() < deadline && !stormOver) {
		emu.limits.drain({ service: 'arm', kinds: [kind] });
		for (; scanned < emu.requests.length; scanned++) {
			const request = emu.requests[scanned];
			if (request.status === 429 && request.route !== 'unmatched' && routeInGroup(request.route, 'arm') && (request.method === 'GET') === (kind === 'reads')) return true;
		}
		await sleep(10);
	}
	return false;
}

describe('an alert storm at the services’ own limits', () => {
	e2eTest(`${STORM} incidents with every limit enforced: all paged once, every High before any Low, 429s waited out`, async () => {
		const emu = await startEmulator({ limits: 'enforced' });
		const credentials = [emulatorAzureCredential(emu), emulatorSignl4Credential(emu)];
		const workflow = referenceWorkflow('sentinelToSignl4', { credentials, workspaceArmId: emu.workspace.armId });
		const n8n = await N8nInstance.start({ label: 'storm', credentials, workflows: [workflow] });
		try {
			// Severities shuffled across creation order (a Low first, Highs throughout); 1-3 alerts each, every seventh with
			// an analytics rule whose query the enrichment runs.
			const incidents = Array.from({ length: STORM }, (_, i) =>
				emu.sentinel.createIncident({
					title: `Storm incident ${i + 1}`,
					severity: SEVERITIES[(i * 7 + 2) % 4],
					alerts: Array.from({ length: 1 + (i % 3) }, (__, a) =>
						a === 0 && i % 7 === 0 ? { scheduledRule: 'signin-bruteforce' } : { productName: 'Microsoft Defender for Endpoint' },
					),
				}),
			);
			// The nodes pace themselves to the budgets the answers announce, so a storm alone may meet no 429 at all. Another
			// client of the same subscription and SIGNL4 team spends them too: it keeps ARM's reads bucket empty until the
			// first poll's first read is refused, and the writes bucket at the first write-back until a write is refused (the
			// real limits, enforced); three SIGNL4 sends are answered 429 with Retry-After. Each must be waited out.
			const spentReads = spendArmUntilRefused(emu, 'reads', () => true);
			const spentWrites = spendArmUntilRefused(emu, 'writes', () => emu.requests.some((request) => request.route === 'comments.put'));
			emu.faults.add({ route: ['signl4.webhook', 'signl4.events'], kind: 'status', status: 429, retryAfterSeconds: 2, skip: 300, times: 3 });
			const startedAt = Date.now();
			// n8n's activation includes the trigger's first poll, which here lists the whole storm and reads its details.
			await n8n.activateWorkflow(WF1, 15 * 60_000);
			const outcome = await waitUntilDelivered(emu, incidents, `all ${STORM} storm incidents paged, tagged and commented`, 20 * 60_000);
			const seconds = Math.round((Date.now() - startedAt) / 1000);

			// The order SIGNL4 received them in: no Low (or Informational) before the last High.
			const severityByExternalId = new Map(
				incidents.map((incident) => [signlExternalId(emu, incident), incident.properties.severity]),
			);
			// (The emulator lists Signls in the order it raised them.)
			const paged = emu.signl4.alerts().map((signl) => severityByExternalId.get(signl.externalId ?? ''));
			const lastHigh = paged.lastIndexOf('High');
			const firstLow = paged.findIndex((severity) => severity === 'Low' || severity === 'Informational');

			const spent = { reads: await spentReads, writes: await spentWrites };
			const throttled: Record<string, number> = {};
			for (const request of emu.requests) {
				const service = (['arm', 'loganalytics', 'signl4', 'entra'] as const).find((group) => request.route !== 'unmatched' && routeInGroup(request.route, group)) ?? String(request.route);
				if (request.status === 429) throttled[service] = (throttled[service] ?? 0) + 1;
			}
			// Paged before their details (In a Storm: Page First, Details After): every Signl says its evidence follows, and
			// the evidence comes as one annotation per Signl, most severe first, 20 at a time after the write-back.
			// The first 100 paged (Highs) are waited for; the rest are still being annotated when the test ends.
			const signls = emu.signl4.alerts();
			const sayEvidenceFollows = signls.filter((signl) => (signl.text ?? '').includes('the evidence follows as an annotation')).length;
			const firstPaged = signls.slice(0, 100);
			const evidenceOf = (id: string) => (emu.signl4.alert(id)?.annotations ?? []).filter((note) => note.text.startsWith('Evidence for Sentinel #'));
			await eventually('the first 100 Signls annotated with their evidence', () => firstPaged.every((signl) => evidenceOf(signl.id).length > 0) || undefined, {
				timeoutMs: 8 * 60_000,
				intervalMs: 2_000,
			});
			const annotated = signls.filter((signl) => evidenceOf(signl.id).length > 0);
			// Paged first: no incident's alerts or entities were read before the storm's last Signl was sent (the
			// enrichment before Send must let a deferred incident through, not read its alerts itself).
			const sends = emu.requests.filter((request) => (request.route === 'signl4.webhook' || request.route === 'signl4.events') && request.status < 300);
			const lastSendAt = sends.length > 0 ? sends[sends.length - 1].at : '';
			const detailReadsBeforeLastSend = emu.requests.filter(
				(request) => (request.route === 'incidents.alerts' || request.route === 'incidents.entities') && request.at < lastSendAt,
			).length;
			const executions = await n8n.listExecutions(WF1);
			const statuses = executions.map((execution) => execution.status);
			console.log(
				`storm: ${STORM} incidents, limits enforced, in ${seconds} s: ${JSON.stringify(outcome)}; 429s answered by service ${JSON.stringify(throttled)}; ` +
					`workflow-1 runs ${statuses.join(', ')}; last High paged as #${lastHigh + 1}, first Low as #${firstLow + 1}; ` +
					`${sayEvidenceFollows} Signls paged before their details, ${annotated.length} annotated with their evidence so far; ` +
					`${detailReadsBeforeLastSend} alerts/entities reads before the last send`,
			);
			expectDeliveredOnce(outcome);
			expect(lastHigh).toBeLessThan(firstLow);
			expect(sayEvidenceFollows).toBe(STORM);
			expect(sends.length).toBeGreaterThanOrEqual(STORM);
			expect(detailReadsBeforeLastSend).toBe(0);
			// One evidence annotation per Signl, never two (the loop must not go round a batch twice).
			expect(annotated.filter((signl) => evidenceOf(signl.id).length > 1)).toEqual([]);
			expect(evidenceOf(firstPaged[0].id)[0].text).toContain('Alerts (');
			// The limits were met (or this shows nothing), and waited out: no run failed.
			expect(spent).toEqual({ reads: true, writes: true });
			expect(throttled.arm ?? 0).toBeGreaterThanOrEqual(2);
			expect(throttled.signl4 ?? 0).toBeGreaterThanOrEqual(3);
			// (The storm's run may still be adding evidence to the last Signls: running is not a failure.)
			expect(statuses.filter((status) => status !== 'success' && status !== 'running')).toEqual([]);
		} catch (error) {
			throw n8n.withLogTail(error);
		} finally {
			stormOver = true;
			await n8n.stop();
			await emu.stop();
		}
	});
});
