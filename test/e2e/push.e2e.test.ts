/**
 * Push in a real n8n 2.41: reference workflow 1 with its *Pushed Sentinel incidents* trigger enabled next to the
 * poll, and the emulator's automation rules running the playbook of deploy/push (incident created → POST to n8n with
 * the header secret; updated → the same, except updates by applications). Shows: incidents page within seconds
 * through push; a push and a poll that bring the same incidents at the same moment raise one Signl each (workflow 1's
 * etag-guarded claim); pushes that never came are paged by the next poll; a lying body changes nothing; a push
 * without the secret starts nothing; the package's own write-backs do not push again.
 */
import { type Incident } from '../emulator';
import { emulatorAzureCredential, signlExternalId, type RunningEmulator } from './fixtures/sentinel';
import { startEmulator } from '../emulator';
import { REFERENCE_WORKFLOWS, referenceWorkflow, sentinelPushUrl, withPushEnabled } from './fixtures/referenceWorkflows';
import { emulatorSignl4Credential } from './fixtures/signl4';
import { N8nInstance, e2eTest, eventually, executionError, fixtureId, nodeOutputJson, type CredentialFixture, type N8nExecution } from './harness';

jest.setTimeout(10 * 60_000);

const WF1 = REFERENCE_WORKFLOWS.sentinelToSignl4.id;
const SECRET_HEADER = 'X-Sentinel-Push-Secret';
const SECRET = 'push-secret-5b1e0c7d9a2f4e68';
const PUSH_NODE = 'Pushed Sentinel incidents';
const POLL_NODE = 'New Sentinel incidents';
const POLL_ONLY = fixtureId('refWf1PollOnly');

const pushSecretCredential: CredentialFixture = {
	id: fixtureId('sentinelPush'),
	name: 'Sentinel push secret',
	type: 'signl4TriggerHeaderAuthApi',
	data: { name: SECRET_HEADER, headerSecret: SECRET },
};

const median = (values: number[]) => {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor((sorted.length - 1) / 2)];
};

describe('push from Sentinel automation rules into workflow 1, with the poll as the safety net', () => {
	let emu: RunningEmulator;
	let n8n: N8nInstance;
	let pushUrl: string;

	const signlsOf = (incident: Incident) => emu.signl4.alerts({ externalId: signlExternalId(emu, incident) });
	const pagedOnce = (incidents: Incident[]) => incidents.every((incident) => signlsOf(incident).length === 1);
	const duplicates = () => {
		const counts = new Map<string, number>();
		for (const signl of emu.signl4.alerts()) counts.set(signl.externalId ?? '', (counts.get(signl.externalId ?? '') ?? 0) + 1);
		return [...counts.values()].filter((count) => count > 1).length;
	};
	const tagged = (incident: Incident) => emu.sentinel.getIncident(incident.name)!.properties.labels.some((label) => label.labelName === 'SIGNL4');
	const startedBy = (execution: N8nExecution) => (execution.data?.resultData.runData[PUSH_NODE] ? 'push' : execution.data?.resultData.runData[POLL_NODE] ? 'poll' : 'other');
	const post = (body: unknown, headers: Record<string, string> = { [SECRET_HEADER]: SECRET }) =>
		fetch(pushUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

	beforeAll(async () => {
		emu = await startEmulator();
		const credentials = [emulatorAzureCredential(emu), emulatorSignl4Credential(emu), pushSecretCredential];
		// Workflow 1 as a poll-only user runs it on the second workspace: push left disabled, claimTag emptied.
		const pollOnly = referenceWorkflow('sentinelToSignl4', { credentials, workspaceArmId: emu.workspaces[1].armId });
		const settings = pollOnly.nodes.find((node) => node.name === 'Settings')!;
		const assignments = (settings.parameters as { assignments: { assignments: Array<{ name: string; value: string }> } }).assignments.assignments;
		assignments.find((assignment) => assignment.name === 'settings.claimTag')!.value = '';
		Object.assign(pollOnly, { id: POLL_ONLY, name: 'Sentinel → SIGNL4 (poll only, no claim)' });
		pollOnly.nodes = pollOnly.nodes.filter((node) => node.name !== PUSH_NODE);
		delete (pollOnly.connections as Record<string, unknown>)[PUSH_NODE];
		n8n = await N8nInstance.start({
			label: 'push',
			credentials,
			workflows: [withPushEnabled(referenceWorkflow('sentinelToSignl4', { credentials, workspaceArmId: emu.workspace.armId })), pollOnly],
		});
		pushUrl = sentinelPushUrl(n8n.baseUrl);
		// What deploy/push creates: the playbook (incident trigger → POST with the secret, retry policy) and two rules.
		const playbook = { url: pushUrl, headers: { [SECRET_HEADER]: SECRET } };
		emu.automation.addRule({ displayName: 'SIGNL4 push: created', triggersWhen: 'Created', playbook });
		emu.automation.addRule({
			displayName: 'SIGNL4 push: updated',
			triggersWhen: 'Updated',
			conditions: [{ propertyName: 'IncidentUpdatedBySource', operator: 'NotEquals', propertyValues: ['Application'] }],
			playbook,
		});
		await n8n.activateWorkflow(WF1);
	});

	afterAll(async () => {
		await n8n?.stop();
		await emu?.stop();
	});

	e2eTest('50 incidents page within seconds through push; 5 whose push never came are paged by the next poll; none twice', async () => {
		const pushedCount = 50;
		const firstNumber = emu.sentinel.listIncidents().length + 1;
		const dropped = [3, 17, 29, 41, 53].map((offset) => firstNumber + offset - 1);
		emu.automation.setBehaviour({ failIncidents: dropped });
		// Incidents as analytics rules raise them, one every 400 ms (a burst of 20 at once is the race below).
		const incidents: Incident[] = [];
		for (let i = 0; i < pushedCount + dropped.length; i++) {
			incidents.push(
				emu.sentinel.createIncident({
					title: `Pushed incident ${i + 1}`,
					severity: (['High', 'Medium', 'Low', 'Informational'] as const)[i % 4],
					alerts: [i % 10 === 0 ? { scheduledRule: 'signin-bruteforce' } : { productName: 'Microsoft Defender for Endpoint' }],
				}),
			);
			await new Promise((resolve) => setTimeout(resolve, 400));
		}
		const isDropped = (incident: Incident) => dropped.includes(incident.properties.incidentNumber);
		const pushed = incidents.filter((incident) => !isDropped(incident));
		expect(pushed).toHaveLength(pushedCount);

		await eventually('every pushed incident paged', () => pagedOnce(pushed) || duplicates() > 0, { timeoutMs: 120_000 });
		const latencyOf = (incident: Incident) => Date.parse(signlsOf(incident)[0].created) - Date.parse(incident.properties.createdTimeUtc);
		const pushLatencies = pushed.map(latencyOf);
		await eventually('the dropped ones paged by the poll, everything tagged', () => (pagedOnce(incidents) && incidents.every(tagged)) || duplicates() > 0, {
			timeoutMs: 150_000,
		});
		const pollLatencies = incidents.filter(isDropped).map(latencyOf);
		// Where a push's time goes: the emulated rule and playbook until the POST, n8n until it answered (the trigger read
		// the incident then), the execution until the Signl.
		const runOf = (incident: Incident) => emu.automation.runs().find((run) => run.incidentName === incident.name && run.objectEventType === 'Create')!;
		const ms = (from?: string, to?: string) => Date.parse(to ?? '') - Date.parse(from ?? '');
		const pushItems = new Map<string, { receivedAt: string; readAt: string }>();
		for (const execution of await n8n.listExecutions(WF1, { includeData: true })) {
			if (startedBy(execution) !== 'push') continue;
			const [item] = nodeOutputJson(execution, PUSH_NODE);
			pushItems.set(String(item.incidentName), item.push as { receivedAt: string; readAt: string });
		}
		const stages = {
			toPost: median(pushed.map((incident) => ms(incident.properties.createdTimeUtc, runOf(incident).postedAt))),
			toTrigger: median(pushed.map((incident) => ms(runOf(incident).postedAt, pushItems.get(incident.name)?.receivedAt))),
			read: median(pushed.map((incident) => ms(pushItems.get(incident.name)?.receivedAt, pushItems.get(incident.name)?.readAt))),
			n8nAnswered: median(pushed.map((incident) => ms(pushItems.get(incident.name)?.readAt, runOf(incident).finishedAt))),
			toSignl: median(pushed.map((incident) => ms(runOf(incident).finishedAt, signlsOf(incident)[0].created))),
		};
		console.log(
			`push: ${pushedCount} incidents (one every 400 ms), Signl after creation median ${(median(pushLatencies) / 1000).toFixed(1)} s, worst ${(Math.max(...pushLatencies) / 1000).toFixed(1)} s; ` +
				`${dropped.length} pushes dropped, paged by the poll after median ${(median(pollLatencies) / 1000).toFixed(1)} s, worst ${(Math.max(...pollLatencies) / 1000).toFixed(1)} s; ` +
				`push stages (median ms): creation → POST ${stages.toPost}, POST → trigger called ${stages.toTrigger}, incident read ${stages.read}, ` +
				`read → n8n answered (execution registered) ${stages.n8nAnswered}, answered → Signl ${stages.toSignl}`,
		);
		expect(duplicates()).toBe(0);
		expect(emu.signl4.alerts()).toHaveLength(incidents.length);
		// Every dropped push was claimed (and paged) by a poll run, every other incident by a push run.
		const executions = await n8n.listExecutions(WF1, { includeData: true });
		const pagedBy = new Map<string, string>();
		for (const execution of executions) {
			const claims = execution.data?.resultData.runData['Claim the incident'] ? nodeOutputJson(execution, 'Claim the incident') : [];
			for (const claim of claims) if (claim.changed === true) pagedBy.set(String(claim.incidentName), startedBy(execution));
		}
		const failed = executions.filter((execution) => execution.status !== 'success').map((execution) => ({ id: execution.id, error: executionError(execution) }));
		expect(failed).toEqual([]);
		// A pushed incident may be paged by a poll only when that poll listed it between its creation and its push's end:
		// the two raced (one Signl, as the next case shows), and the poll's claim landed first.
		const listings = emu.requests.filter((request) => request.route === 'incidents.list').map((request) => Date.parse(request.at));
		const pollSawFirst = (incident: Incident) =>
			listings.some((at) => at >= Date.parse(incident.properties.createdTimeUtc) && at <= Date.parse(runOf(incident).finishedAt ?? ''));
		const racedByPoll = pushed.filter((incident) => pagedBy.get(incident.name) === 'poll');
		console.log(`push: ${pushed.length - racedByPoll.length} of ${pushed.length} pushed incidents paged by their push, ${racedByPoll.length} by a poll that listed them first`);
		for (const incident of incidents) {
			const expected = isDropped(incident) ? 'poll' : racedByPoll.includes(incident) && pollSawFirst(incident) ? 'poll' : 'push';
			expect({ incident: incident.properties.incidentNumber, by: pagedBy.get(incident.name) }).toEqual({ incident: incident.properties.incidentNumber, by: expected });
		}
		expect(racedByPoll.length).toBeLessThanOrEqual(5);
		expect(emu.automation.runs().filter((run) => run.status === 'dropped')).toHaveLength(dropped.length);
		emu.automation.setBehaviour({ failIncidents: [] });
	});

	e2eTest('push and poll bring the same incidents at the same moment: one Signl each', async () => {
		const size = 20;
		emu.automation.hold();
		const listsBefore = emu.requests.filter((request) => request.route === 'incidents.list').length;
		const incidents = Array.from({ length: size }, (_, i) => emu.sentinel.createIncident({ title: `Raced incident ${i + 1}`, severity: i % 2 ? 'High' : 'Medium' }));
		// The pushes wait until the next poll lists the incidents, then all go at once.
		await eventually('the next poll', () => emu.requests.filter((request) => request.route === 'incidents.list').length > listsBefore, { timeoutMs: 90_000, intervalMs: 20 });
		expect(emu.automation.release()).toBe(size);
		await eventually('all raced incidents paged and tagged', () => (pagedOnce(incidents) && incidents.every(tagged)) || duplicates() > 0, { timeoutMs: 120_000 });
		await emu.automation.idle();
		// Let every run that started finish before counting.
		await new Promise((resolve) => setTimeout(resolve, 5_000));
		expect(duplicates()).toBe(0);

		const names = new Set(incidents.map((incident) => incident.name));
		const executions = await n8n.listExecutions(WF1, { includeData: true });
		const seenBy = { push: new Set<string>(), poll: new Set<string>() };
		let claimsWon = 0;
		let claimsLost = 0;
		for (const execution of executions) {
			const by = startedBy(execution);
			if (by === 'other' || !execution.data?.resultData.runData['Claim the incident']) continue;
			for (const claim of nodeOutputJson(execution, 'Claim the incident')) {
				if (!names.has(String(claim.incidentName))) continue;
				seenBy[by].add(String(claim.incidentName));
				if (claim.changed === true) claimsWon++;
				else claimsLost++;
			}
		}
		const delivered = emu.automation.runs().filter((run) => names.has(run.incidentName) && run.status === 'succeeded').length;
		console.log(
			`race: ${size} incidents, ${delivered} pushes answered by n8n at the moment the poll listed them; ` +
				`claims in push runs ${seenBy.push.size}, in the poll run ${seenBy.poll.size}; claims won ${claimsWon}, lost ${claimsLost}; ` +
				`Signls ${incidents.reduce((sum, incident) => sum + signlsOf(incident).length, 0)}`,
		);
		// Both paths had every incident: each push was delivered, the poll carried each into the claim; one claim landed per incident.
		expect(delivered).toBe(size);
		expect(seenBy.poll.size).toBe(size);
		expect(claimsWon).toBe(size);
		expect(claimsLost).toBe(seenBy.push.size + seenBy.poll.size - size);
		for (const incident of incidents) expect(signlsOf(incident)).toHaveLength(1);
	});

	e2eTest('a lying body changes nothing, a push without the secret starts nothing, own write-backs push nothing', async () => {
		// Runs the push trigger started, by the incident in its item (the poll may page these incidents too meanwhile).
		const pushRuns = async () =>
			(await n8n.listExecutions(WF1, { includeData: true }))
				.filter((execution) => startedBy(execution) === 'push')
				.map((execution) => nodeOutputJson(execution, PUSH_NODE)[0]);
		const pushRunsBefore = (await pushRuns()).length;
		emu.automation.clearRules();
		const real = emu.sentinel.createIncident({ title: 'The real title', severity: 'Low' });
		const closed = emu.sentinel.createIncident({ title: 'Closed already', severity: 'Low', status: 'Closed', classification: 'BenignPositive', classificationReason: 'SuspiciousButExpected' });
		const bodyOf = (incident: Incident, properties: Record<string, unknown>) => ({
			objectSchemaType: 'Incident',
			objectEventType: 'Create',
			object: { id: incident.id, name: incident.name, properties: { ...incident.properties, ...properties } },
		});

		expect((await post(bodyOf(real, {}), {})).status).toBe(401);
		expect((await post(bodyOf(real, {}), { [SECRET_HEADER]: 'guessed' })).status).toBe(403);
		// The closed incident, pushed as a New High: read from Resource Manager, it is outside the filter.
		const outside = await post(bodyOf(closed, { status: 'New', severity: 'High' }));
		expect(outside.status).toBe(200);
		expect(await outside.json()).toMatchObject({ accepted: false });
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		expect(await pushRuns()).toHaveLength(pushRunsBefore);

		// Another incident's title and a higher severity: the run and the Signl show the incident as Sentinel has it.
		const postedAt = Date.now();
		expect((await post(bodyOf(real, { title: 'Raced incident 1', severity: 'High' }))).status).toBe(200);
		const answeredAt = Date.now();
		let runs: Array<Record<string, unknown>> = [];
		for (const deadline = Date.now() + 60_000; runs.length === 0 && Date.now() < deadline; ) {
			await new Promise((resolve) => setTimeout(resolve, 1_000));
			runs = (await pushRuns()).slice(pushRunsBefore);
		}
		const [pushed] = runs;
		expect(pushed).toMatchObject({ incidentName: real.name, title: 'The real title', severity: 'Low', status: 'New' });
		await eventually('the real incident paged and tagged', () => signlsOf(real).length === 1 && tagged(real), { timeoutMs: 90_000 });
		expect(signlsOf(real)[0].title).toBe(`[Low] Sentinel #${real.properties.incidentNumber}: The real title`);
		const stamps = pushed.push as { receivedAt: string; readAt: string };
		console.log(
			`one push on its own: POST → Signl ${((Date.parse(signlsOf(real)[0].created) - postedAt) / 1000).toFixed(2)} s ` +
				`(to the trigger ${Date.parse(stamps.receivedAt) - postedAt} ms, read ${Date.parse(stamps.readAt) - Date.parse(stamps.receivedAt)} ms, ` +
				`n8n answered after ${answeredAt - postedAt} ms)`,
		);

		// The claim and the tag were written by the package's principal: the updated rule (excluding applications) never fired for them.
		const appWrites = emu.sentinel.history(real.name).filter((entry) => entry.actor === emu.principal.clientId && entry.via === 'put');
		expect(appWrites.length).toBeGreaterThanOrEqual(2);
		emu.automation.addRule({
			triggersWhen: 'Updated',
			conditions: [{ propertyName: 'IncidentUpdatedBySource', operator: 'NotEquals', propertyValues: ['Application'] }],
			playbook: { url: pushUrl, headers: { [SECRET_HEADER]: SECRET } },
		});
		expect(emu.automation.runs().filter((run) => run.updatedBy === 'Application')).toEqual([]);
		// An analyst's update of a paged incident pushes (the rule fires) but starts nothing: it carries the tags.
		const runsBefore = emu.automation.runs().length;
		const pushRunsAfterPage = (await pushRuns()).length;
		emu.sentinel.updateIncident(real.name, { ownerObjectId: emu.sentinel.users[0].objectId }, emu.sentinel.users[0].email);
		await emu.automation.idle();
		expect(emu.automation.runs().slice(runsBefore)).toMatchObject([{ updatedBy: 'User', status: 'succeeded' }]);
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		expect(await pushRuns()).toHaveLength(pushRunsAfterPage);
		expect(signlsOf(real)).toHaveLength(1);
		expect(signlsOf(closed)).toHaveLength(0);
	});

	e2eTest('without push, an empty claimTag skips the claim: paged once, no claim tag, one Azure write less', async () => {
		const other = emu.workspaces[1];
		const seeded = emu.sentinel.seed(6, { workspace: other.name, createdWithinMinutes: 30 }).filter((incident) => incident.properties.status === 'New');
		expect(seeded.length).toBeGreaterThan(0);
		await n8n.activateWorkflow(POLL_ONLY);
		const externalId = (incident: Incident) => `sentinel:${other.subscriptionId}:${other.resourceGroup}:${other.name}:${incident.name}`.toLowerCase();
		// The in-process service keeps one store per workspace; its API reads the default one.
		const stores = emu.sentinel as unknown as { store(workspace: string): { find(name: string): { incident: Incident } | undefined } };
		const incidentIn = (incident: Incident): Incident => stores.store(other.name).find(incident.name)!.incident;
		await eventually('the second workspace paged and tagged', () =>
			seeded.every((incident) => emu.signl4.alerts({ externalId: externalId(incident) }).length === 1 && incidentIn(incident).properties.labels.some((label) => label.labelName === 'SIGNL4')),
		{ timeoutMs: 120_000 });
		for (const incident of seeded) {
			expect(emu.signl4.alerts({ externalId: externalId(incident) })).toHaveLength(1);
			expect(incidentIn(incident).properties.labels.map((label) => label.labelName)).toEqual(['SIGNL4']);
		}
		const [run] = await n8n.listExecutions(POLL_ONLY, { includeData: true });
		expect(run.status).toBe('success');
		expect(run.data?.resultData.runData['Claim the incident']).toBeUndefined();
		console.log(`poll only, claimTag empty: ${seeded.length} incidents paged once, no claim written`);
		await n8n.deactivateWorkflow(POLL_ONLY);
	});
});
