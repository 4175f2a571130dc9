/**
 * `npm run bench:storm`: a 1,000-incident storm through a real n8n, twice — reference workflow 1 (this package) and
 * the baseline wired from n8n's built-in nodes (test/bench/baseline/) — each on a fresh emulator with the services'
 * limits enforced and a fresh n8n. Prints one table, both columns side by side: time from the first poll that sees
 * the storm to the first High paged, to all paged, to all written back; the floor each can reach under the
 * documented limits for the calls made (and how it is computed); calls per incident by service; 429s; duplicate and
 * missing Signls; n8n CPU and peak memory. It asserts nothing (tests assert behaviour, never wall-clock times).
 *
 * Environment (for trying it out; the figures in the README come from the defaults):
 *   BENCH_STORM_SIZE=1000         incidents in the storm
 *   BENCH_STORM_CAP_MINUTES=20    give up on a run this long after the first poll that saw the storm
 *   BENCH_STORM_ONLY=workflow1|baseline   run one side only
 *   BENCH_STORM_HEAP_MB=N         cap n8n's V8 heap (--max-old-space-size=N): peak RSS on a machine with memory to spare
 *                                 is what V8 took because it could; a capped run shows what the storm needs
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';

import { SCHEDULED_RULES, startEmulator, type Emulator, type Incident, type IncidentSeverity, type RecordedRequest, type StartOptions } from '../emulator';
import { seededRandom } from '../emulator/core/faults';
import { ROUTE_GROUPS, type RouteId } from '../emulator/core/route-ids';
import { emulatorTls } from '../emulator/core/tls';
import { referenceWorkflow, REFERENCE_WORKFLOWS } from '../e2e/fixtures/referenceWorkflows';
import { emulatorAzureCredential } from '../e2e/fixtures/sentinel';
import { emulatorSignl4Credential } from '../e2e/fixtures/signl4';
import { ensureN8nInstalled, N8nInstance, type CredentialFixture, type WorkflowFixture } from '../e2e/harness';
import { startSignl4Proxy } from './baseline/signl4Proxy';
import { BASELINE_WORKFLOW_ID, baselineCredentials, baselineWorkflow } from './baseline/workflow';
import { milestoneFloor, type CallCounts, type FloorPart } from './floors';
import { groupCpuSeconds, PeakRss } from './procStats';

const SIZE = Number(process.env.BENCH_STORM_SIZE ?? 1000);
const CAP_MS = Number(process.env.BENCH_STORM_CAP_MINUTES ?? 20) * 60_000;
const HEAP_MB = process.env.BENCH_STORM_HEAP_MB ? Number(process.env.BENCH_STORM_HEAP_MB) : undefined;
if (HEAP_MB !== undefined && !(Number.isInteger(HEAP_MB) && HEAP_MB > 0)) throw new Error('BENCH_STORM_HEAP_MB must be a whole number of megabytes');
/** The first poll after the storm is at most a minute away (both workflows poll every minute); allow for a slow start. */
const FIRST_POLL_WAIT_MS = 3 * 60_000;
const SEVERITIES: IncidentSeverity[] = ['High', 'Medium', 'Low', 'Informational'];
const TAG = 'signl4';

type Side = 'workflow1' | 'baseline';
const SIDES: Record<Side, { title: string; writtenBack: string }> = {
	workflow1: { title: 'workflow 1 (this package)', writtenBack: 'tag + comment' },
	baseline: { title: "baseline (n8n's built-in nodes)", writtenBack: 'tag' },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`[bench:storm] ${line}\n`);

// ------------------------------------------------------------------------------------------------------------ storm

interface StormMix {
	severities: Record<IncidentSeverity, number>;
	alerts: number;
	scheduledAlerts: number;
}

/**
 * 1,000 New incidents created at once, in a shuffled mix of severities (10 % High, 25 % Medium, 35 % Low, 30 %
 * Informational), each with 1–3 alerts; one alert in five comes from a scheduled analytics rule, whose query the
 * enrichment re-runs in Log Analytics. Seeded: both runs get the same storm.
 */
function createStorm(emu: Emulator, size: number): { incidents: Incident[]; mix: StormMix } {
	const random = seededRandom(11_2026);
	const mix: StormMix = { severities: { High: 0, Medium: 0, Low: 0, Informational: 0 }, alerts: 0, scheduledAlerts: 0 };
	const incidents = Array.from({ length: size }, (_, i) => {
		const roll = random();
		const severity: IncidentSeverity = roll < 0.1 ? 'High' : roll < 0.35 ? 'Medium' : roll < 0.7 ? 'Low' : 'Informational';
		const alertCount = 1 + Math.floor(random() * 3);
		const alerts = Array.from({ length: alertCount }, () => {
			if (random() < 0.2) {
				mix.scheduledAlerts++;
				return { scheduledRule: SCHEDULED_RULES[Math.floor(random() * SCHEDULED_RULES.length)].key };
			}
			return { productName: random() < 0.5 ? 'Microsoft Defender for Endpoint' : 'Microsoft Defender for Identity' };
		});
		mix.severities[severity]++;
		mix.alerts += alertCount;
		return emu.sentinel.createIncident({ title: `Storm incident ${i + 1}`, severity, alerts });
	});
	return { incidents, mix };
}

// ---------------------------------------------------------------------------------------------- the request log

type Service = 'Entra ID' | 'ARM' | 'Log Analytics' | 'SIGNL4' | 'unmatched';

function serviceOf(route: RequestLike['route']): Service {
	if (route === 'unmatched') return 'unmatched';
	const inGroup = (group: keyof typeof ROUTE_GROUPS) => (ROUTE_GROUPS[group] as readonly RouteId[]).includes(route);
	if (inGroup('entra')) return 'Entra ID';
	if (inGroup('arm')) return 'ARM';
	if (inGroup('loganalytics')) return 'Log Analytics';
	return 'SIGNL4';
}

type RequestLike = Pick<RecordedRequest, 'route' | 'method' | 'path' | 'status' | 'at' | 'body'>;

/** ARM's operation types as the emulator's token buckets count them: GET reads, DELETE deletes, everything else (PUT, POST actions) writes. */
function armKind(method: string): 'read' | 'write' | 'delete' {
	if (method === 'GET' || method === 'HEAD') return 'read';
	return method === 'DELETE' ? 'delete' : 'write';
}

const isSignl4Event = (route: RequestLike['route']) => route === 'signl4.webhook' || route === 'signl4.events';
/** A call that the service carried out (not refused with 429, not dropped). */
const served = (request: RequestLike) => request.status !== 429 && request.status !== 0;

function countCalls(requests: RequestLike[]): CallCounts {
	const counts: CallCounts = { armReads: 0, armWrites: 0, logAnalytics: 0, signl4Events: 0, signl4Api: 0 };
	for (const request of requests) {
		if (!served(request)) continue;
		const service = serviceOf(request.route);
		if (service === 'ARM') {
			const kind = armKind(request.method);
			if (kind === 'read') counts.armReads++;
			else if (kind === 'write') counts.armWrites++;
		} else if (service === 'Log Analytics') counts.logAnalytics++;
		else if (isSignl4Event(request.route)) counts.signl4Events++;
		else if (service === 'SIGNL4') counts.signl4Api++;
	}
	return counts;
}

/** `…/incidents/{name}` or `…/incidents/{name}/comments/{id}` → name (lower case). */
function incidentOfPath(path: string): string | undefined {
	return /\/incidents\/([^/]+)/.exec(path)?.[1]?.toLowerCase();
}

function hasTag(body: unknown): boolean {
	const labels = (body as { properties?: { labels?: Array<{ labelName?: unknown }> } } | undefined)?.properties?.labels;
	return Array.isArray(labels) && labels.some((label) => typeof label?.labelName === 'string' && label.labelName.toLowerCase() === TAG);
}

// ------------------------------------------------------------------------------------------------------ progress

interface Progress {
	/** Arrival of the first incident list request after the storm was created: the poll that sees it. */
	t0?: number;
	pagedAt: Map<string, number>;
	signls: Map<string, number>;
	writtenBackAt: Map<string, number>;
	firstHighAt?: number;
	allPagedAt?: number;
	allWrittenBackAt?: number;
	/** Workflow 1 in a storm: Signls paged before their details, and when each got its evidence annotation. */
	evidencePending: number;
	evidenceAt: Map<string, number>;
	allEvidenceAt?: number;
	highsBeforeFirstLow: number;
	/** Requests from the storm's creation on. */
	requests: RequestLike[];
}

function progressOf(emu: Emulator, side: Side, incidents: Incident[], stormAt: number): Progress {
	const names = new Map(incidents.map((incident) => [incident.name.toLowerCase(), incident]));
	const requests = emu.requests.filter((request) => Date.parse(request.at) >= stormAt);
	const t0 = requests.find((request) => request.route === 'incidents.list');
	const pagedAt = new Map<string, number>();
	const signls = new Map<string, number>();
	const evidenceAt = new Map<string, number>();
	let evidencePending = 0;
	for (const alert of emu.signl4.alerts()) {
		// Workflow 1: `sentinel:{sub}:{rg}:{ws}:{name}`; the baseline: the incident's ARM id. Both end in the name.
		const name = (alert.externalId ?? '').toLowerCase().split(/[:/]/).pop() ?? '';
		if (!names.has(name)) continue;
		signls.set(name, (signls.get(name) ?? 0) + 1);
		if ((alert.text ?? '').includes('the evidence follows as an annotation')) evidencePending++;
		const evidence = alert.annotations.find((note) => note.text.startsWith('Evidence for Sentinel #'));
		if (evidence) evidenceAt.set(name, Math.min(Date.parse(evidence.timestamp), evidenceAt.get(name) ?? Infinity));
		const at = Date.parse(alert.created);
		pagedAt.set(name, Math.min(at, pagedAt.get(name) ?? Infinity));
	}
	const taggedAt = new Map<string, number>();
	const commentedAt = new Map<string, number>();
	for (const request of requests) {
		if (request.status !== 200 && request.status !== 201) continue;
		const name = incidentOfPath(request.path);
		if (!name || !names.has(name)) continue;
		const at = Date.parse(request.at);
		if (request.route === 'incidents.put' && hasTag(request.body) && !taggedAt.has(name)) taggedAt.set(name, at);
		if (request.route === 'comments.put' && !commentedAt.has(name)) commentedAt.set(name, at);
	}
	const writtenBackAt = new Map<string, number>();
	for (const [name, tagged] of taggedAt) {
		if (side === 'baseline') writtenBackAt.set(name, tagged);
		else if (commentedAt.has(name)) writtenBackAt.set(name, Math.max(tagged, commentedAt.get(name)!));
	}
	const timesOf = (severity: IncidentSeverity) =>
		incidents.filter((incident) => incident.properties.severity === severity).map((incident) => pagedAt.get(incident.name.toLowerCase()));
	const highs = timesOf('High').filter((at): at is number => at !== undefined);
	const firstLow = Math.min(...timesOf('Low').filter((at): at is number => at !== undefined));
	return {
		t0: t0 ? Date.parse(t0.at) : undefined,
		pagedAt,
		signls,
		writtenBackAt,
		firstHighAt: highs.length ? Math.min(...highs) : undefined,
		allPagedAt: pagedAt.size === incidents.length ? Math.max(...pagedAt.values()) : undefined,
		allWrittenBackAt: writtenBackAt.size === incidents.length ? Math.max(...writtenBackAt.values()) : undefined,
		evidencePending,
		evidenceAt,
		allEvidenceAt: evidencePending > 0 && evidenceAt.size >= evidencePending ? Math.max(...evidenceAt.values()) : undefined,
		highsBeforeFirstLow: highs.filter((at) => at < firstLow).length,
		requests,
	};
}

// ----------------------------------------------------------------------------------------------------- one run

interface Milestone {
	/** Seconds after t0, or undefined when not reached within the cap. */
	seconds?: number;
	floor?: { seconds: number; parts: FloorPart[] };
}

interface RunResult {
	side: Side;
	mix: StormMix;
	stormToFirstPollSeconds?: number;
	firstHigh: Milestone;
	allPaged: Milestone;
	allWrittenBack: Milestone;
	/** Workflow 1 in a storm: every Signl paged before its details has its evidence annotation. */
	allEvidence: Milestone;
	evidencePending: number;
	evidenceAdded: number;
	paged: number;
	writtenBack: number;
	highs: number;
	highsBeforeFirstLow: number;
	duplicates: number;
	missing: number;
	/** Answered requests (not 429, not dropped) from the storm's creation until the end of the run, by row label. */
	calls: Map<string, number>;
	throttled: Map<Service, number>;
	cpuSeconds?: number;
	rss: { main: number; largestChild: number; children: number };
	executions: string;
	proxied: number;
	refused: number;
	loadBefore: number[];
	loadAfter: number[];
	endedBy: string;
}

function callRows(requests: RequestLike[]): Map<string, number> {
	const rows = new Map<string, number>();
	const add = (label: string) => rows.set(label, (rows.get(label) ?? 0) + 1);
	for (const request of requests) {
		// Calls the service carried out; the 429s it refused are counted in their own rows.
		if (!served(request)) continue;
		const service = serviceOf(request.route);
		if (service === 'Entra ID') add(request.route === 'token' ? 'Entra ID token requests' : 'Entra ID metadata');
		else if (service === 'ARM') {
			add(`ARM ${armKind(request.method)}s${armKind(request.method) === 'write' ? ' (PUT, POST)' : ''}`);
			add(`  ${request.method} ${request.route}`);
		} else if (service === 'Log Analytics') add('Log Analytics queries');
		else if (service === 'SIGNL4') add(isSignl4Event(request.route) ? 'SIGNL4 events (sends)' : 'SIGNL4 REST API');
		else add('unmatched');
	}
	return rows;
}

async function run(side: Side, options: StartOptions): Promise<RunResult> {
	const emu = await startEmulator(options);
	emu.signl4.setPlan('commercial');
	const tls = await emulatorTls();
	if (tls.ca.certPem !== emu.caPem) throw new Error("the emulator does not use this process's CA; the SIGNL4 proxy could not sign for it");
	const proxy = await startSignl4Proxy({ url: emu.url, caPem: emu.caPem, caPath: emu.caPath, caKeyPem: tls.ca.keyPem });

	let credentials: CredentialFixture[];
	let workflow: WorkflowFixture;
	if (side === 'workflow1') {
		credentials = [emulatorAzureCredential(emu), emulatorSignl4Credential(emu)];
		workflow = referenceWorkflow('sentinelToSignl4', { credentials, workspaceArmId: emu.workspace.armId });
	} else {
		credentials = baselineCredentials(emu);
		workflow = baselineWorkflow(emu, credentials);
	}
	const workflowId = side === 'workflow1' ? REFERENCE_WORKFLOWS.sentinelToSignl4.id : BASELINE_WORKFLOW_ID;

	log(`${side}: starting n8n`);
	const heap: Record<string, string> = HEAP_MB ? { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } : {};
	const n8n = await N8nInstance.start({ label: `bench-${side}`, credentials, workflows: [workflow], env: { ...proxy.env, ...heap } });
	try {
		await n8n.activateWorkflow(workflowId);
		// Workflow 1's trigger polls once on activation (an empty workspace); let that settle.
		await sleep(5_000);
		const pgid = n8n.processGroupId!;
		const rss = new PeakRss(pgid);
		const cpuSamples: Array<{ at: number; seconds: number }> = [];
		const sampleCpu = () => cpuSamples.push({ at: Date.now(), seconds: groupCpuSeconds(pgid) });
		const loadBefore = os.loadavg();

		sampleCpu();
		const stormAt = Date.now();
		const { incidents, mix } = createStorm(emu, SIZE);
		log(`${side}: storm of ${SIZE} created at ${new Date(stormAt).toISOString()}; waiting for the next poll`);

		let progress = progressOf(emu, side, incidents, stormAt);
		let endedBy = 'everything paged and written back (and evidence added where paged first)';
		let lastReport = 0;
		for (;;) {
			await sleep(1_000);
			sampleCpu();
			rss.sample();
			progress = progressOf(emu, side, incidents, stormAt);
			const now = Date.now();
			const evidenceDone = progress.evidencePending === 0 || progress.allEvidenceAt !== undefined;
			if (progress.allPagedAt !== undefined && progress.allWrittenBackAt !== undefined && evidenceDone) break;
			if (progress.t0 === undefined && now - stormAt > FIRST_POLL_WAIT_MS) {
				endedBy = `no poll saw the storm within ${FIRST_POLL_WAIT_MS / 60_000} minutes`;
				break;
			}
			if (progress.t0 !== undefined && now - progress.t0 > CAP_MS) {
				endedBy = `cap of ${CAP_MS / 60_000} minutes after the first poll reached`;
				break;
			}
			if (now - lastReport >= 15_000) {
				lastReport = now;
				const since = progress.t0 === undefined ? 'no poll yet' : `${((now - progress.t0) / 1000).toFixed(0)} s after the first poll`;
				log(
					`${side}: ${since}: ${progress.pagedAt.size} paged, ${progress.writtenBackAt.size} written back, ${progress.evidenceAt.size} of ${progress.evidencePending} evidence annotations, ${emu.requests.length} requests`,
				);
			}
		}
		const endAt = Date.now();
		const loadAfter = os.loadavg();
		rss.sample();

		const t0 = progress.t0;
		const cpuAtT0 = t0 === undefined ? undefined : [...cpuSamples].reverse().find((sample) => sample.at <= t0);
		const cpuSeconds = cpuAtT0 ? cpuSamples[cpuSamples.length - 1].seconds - cpuAtT0.seconds : undefined;
		const milestone = (at: number | undefined): Milestone => {
			if (t0 === undefined || at === undefined) return {};
			const before = progress.requests.filter((request) => Date.parse(request.at) >= t0 && Date.parse(request.at) <= at);
			return { seconds: (at - t0) / 1000, floor: milestoneFloor(countCalls(before)) };
		};
		const throttled = new Map<Service, number>();
		for (const request of progress.requests) if (request.status === 429) throttled.set(serviceOf(request.route), (throttled.get(serviceOf(request.route)) ?? 0) + 1);
		// The baseline's last batch still waits its second and loops once more after its PUT: let runs finish first.
		await sleep(5_000);
		const statuses = new Map<string, number>();
		for (const execution of await n8n.listExecutions(workflowId)) statuses.set(execution.status, (statuses.get(execution.status) ?? 0) + 1);

		const highs = incidents.filter((incident) => incident.properties.severity === 'High').length;
		let duplicates = 0;
		for (const count of progress.signls.values()) duplicates += count - 1;
		return {
			side,
			mix,
			stormToFirstPollSeconds: t0 === undefined ? undefined : (t0 - stormAt) / 1000,
			firstHigh: milestone(progress.firstHighAt),
			allPaged: milestone(progress.allPagedAt),
			allWrittenBack: milestone(progress.allWrittenBackAt),
			allEvidence: milestone(progress.allEvidenceAt),
			evidencePending: progress.evidencePending,
			evidenceAdded: progress.evidenceAt.size,
			paged: progress.pagedAt.size,
			writtenBack: progress.writtenBackAt.size,
			highs,
			highsBeforeFirstLow: progress.highsBeforeFirstLow,
			duplicates,
			missing: SIZE - progress.pagedAt.size,
			calls: callRows(progress.requests.filter((request) => Date.parse(request.at) <= endAt)),
			throttled,
			cpuSeconds,
			rss: rss.result(),
			executions: [...statuses].map(([status, count]) => `${count} ${status}`).join(', ') || 'none',
			proxied: proxy.counts.forwarded,
			refused: proxy.counts.refused,
			loadBefore,
			loadAfter,
			endedBy,
		};
	} catch (error) {
		n8n.markFailed();
		throw n8n.withLogTail(error);
	} finally {
		await n8n.stop();
		await proxy.stop();
		await emu.stop();
	}
}

// ------------------------------------------------------------------------------------------- enforcement probe

function httpsJson(emu: Emulator, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
	return new Promise((resolve, reject) => {
		const request = https.request(`${emu.url}${path}`, { method, headers, ca: emu.caPem }, (response) => {
			let text = '';
			response.setEncoding('utf8');
			response.on('data', (chunk) => (text += chunk));
			response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
		});
		request.on('error', reject);
		request.end(body);
	});
}

/** Whether the emulator answers 429 once ARM's read bucket (250) is spent: 300 reads on a throwaway emulator. */
async function probeEnforcement(options: StartOptions): Promise<string> {
	const emu = await startEmulator(options);
	try {
		const form = new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: emu.principal.clientId,
			client_secret: emu.principal.clientSecret,
			scope: 'https://management.azure.com/.default',
		}).toString();
		const token = JSON.parse((await httpsJson(emu, 'POST', `/${emu.principal.tenantId}/oauth2/v2.0/token`, { 'content-type': 'application/x-www-form-urlencoded' }, form)).text).access_token as string;
		const path = `${emu.workspace.armId}/providers/Microsoft.SecurityInsights/incidents?api-version=2025-09-01&$top=1`;
		let throttled = 0;
		for (let batch = 0; batch < 10; batch++) {
			const answers = await Promise.all(Array.from({ length: 30 }, () => httpsJson(emu, 'GET', path, { authorization: `Bearer ${token}` })));
			throttled += answers.filter((answer) => answer.status === 429).length;
		}
		return throttled > 0 ? `enforced (probe: 300 quick ARM reads → ${throttled} × 429)` : 'NOT enforced (probe: 300 quick ARM reads → no 429): the figures below were taken without ARM limits';
	} finally {
		await emu.stop();
	}
}

// ----------------------------------------------------------------------------------------------------- printing

const seconds = (value: number | undefined) => (value === undefined ? 'not reached' : `${value.toFixed(1)} s`);

function ratio(milestone: Milestone): string {
	if (milestone.seconds === undefined || !milestone.floor) return '—';
	if (milestone.floor.seconds < 0.5) return '—';
	return `${(milestone.seconds / milestone.floor.seconds).toFixed(2)}×`;
}

function floorText(milestone: Milestone): string {
	return milestone.floor ? `${milestone.floor.seconds.toFixed(1)} s` : '—';
}

function perIncident(count: number | undefined): string {
	return count ? (count / SIZE).toFixed(3).replace(/\.?0+$/, '') || '0' : '0';
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function table(results: RunResult[]): string {
	const header = ['', ...results.map((result) => SIDES[result.side].title)];
	const rows: string[][] = [];
	const row = (label: string, value: (result: RunResult) => string) => rows.push([label, ...results.map(value)]);
	row('first poll that saw the storm (after its creation)', (r) => seconds(r.stormToFirstPollSeconds));
	row('→ first High paged', (r) => seconds(r.firstHigh.seconds));
	row('  floor · ratio', (r) => `${floorText(r.firstHigh)} · ${ratio(r.firstHigh)}`);
	row(`→ all ${SIZE.toLocaleString('en')} paged`, (r) => (r.allPaged.seconds === undefined ? `not reached (${r.paged} paged)` : seconds(r.allPaged.seconds)));
	row('  floor · ratio', (r) => `${floorText(r.allPaged)} · ${ratio(r.allPaged)}`);
	row('→ all written back', (r) =>
		r.allWrittenBack.seconds === undefined ? `not reached (${r.writtenBack} written back)` : `${seconds(r.allWrittenBack.seconds)} (${SIDES[r.side].writtenBack})`,
	);
	row('  floor · ratio', (r) => `${floorText(r.allWrittenBack)} · ${ratio(r.allWrittenBack)}`);
	row('→ evidence added to every Signl paged before its details', (r) =>
		r.evidencePending === 0
			? r.side === 'baseline'
				? 'no evidence'
				: 'none paged before its details'
			: r.allEvidence.seconds === undefined
				? `not reached (${r.evidenceAdded} of ${r.evidencePending})`
				: `${seconds(r.allEvidence.seconds)} (${r.evidencePending} Signls)`,
	);
	row('  floor · ratio', (r) => `${floorText(r.allEvidence)} · ${ratio(r.allEvidence)}`);
	row('Highs paged before the first Low', (r) => `${r.highsBeforeFirstLow} of ${r.highs}`);
	const labels = [...new Set(results.flatMap((result) => [...result.calls.keys()]))].sort((a, b) => {
		const order = (label: string) => ['Entra', 'ARM r', '  GET', 'ARM w', '  P', 'ARM d', '  D', 'Log', 'SIGNL4 e', 'SIGNL4 R', 'unm'].findIndex((prefix) => label.startsWith(prefix));
		return order(a) - order(b) || a.localeCompare(b);
	});
	for (const label of labels) row(`answered calls per incident: ${label.trim() === label ? label : `· ${label.trim()}`}`, (r) => perIncident(r.calls.get(label)));
	row('answered calls per incident: all services', (r) => perIncident([...r.calls].filter(([label]) => !label.startsWith('  ')).reduce((sum, [, count]) => sum + count, 0)));
	for (const service of ['ARM', 'Log Analytics', 'SIGNL4', 'Entra ID'] as Service[]) row(`429s received: ${service}`, (r) => String(r.throttled.get(service) ?? 0));
	row('duplicate Signls · missing Signls', (r) => `${r.duplicates} · ${r.missing}`);
	row('n8n CPU per incident (first poll → end)', (r) => (r.cpuSeconds === undefined ? '—' : `${((r.cpuSeconds / SIZE) * 1000).toFixed(1)} ms (${r.cpuSeconds.toFixed(1)} s in all)`));
	row('n8n peak RSS (VmHWM): main · largest child', (r) => `${mb(r.rss.main)} · ${r.rss.children ? mb(r.rss.largestChild) : '—'}`);
	row('n8n executions', (r) => r.executions);
	row('run ended by', (r) => r.endedBy);
	const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
	return lines.join('\n');
}

function floorDetails(results: RunResult[]): string {
	const out: string[] = [
		'How each floor is computed: from the first poll that saw the storm, with every budget full, the earliest time the',
		'calls the run made before the milestone (429s not counted) can be served — the largest over the services:',
		'SIGNL4 events and SIGNL4 API calls (commercial plan windows), ARM reads (bucket 250, +25/s) and writes incl. POST (bucket 200, +10/s),',
		'Log Analytics (200 requests per 30 s; its limit of 5 concurrent bounds nothing without query durations).',
	];
	for (const result of results) {
		for (const [name, milestone] of [
			['first High', result.firstHigh],
			['all paged', result.allPaged],
			['all written back', result.allWrittenBack],
			['evidence on every Signl paged first', result.allEvidence],
		] as const) {
			if (!milestone.floor) continue;
			const parts = milestone.floor.parts.map((part) => `${part.service} ${part.how} = ${part.seconds.toFixed(1)} s`).join('; ');
			out.push(`  ${SIDES[result.side].title}, ${name}: max(${parts}) = ${milestone.floor.seconds.toFixed(1)} s`);
		}
	}
	return out.join('\n');
}

/** The commit measured, and whether the package's code differs from it (others may be editing the same clone). */
function gitFacts(): { commit: string; state: string } {
	try {
		const git = (...args: string[]) => execFileSync('git', args, { cwd: `${__dirname}/../..`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
		const dirty = git('status', '--porcelain', '--', 'nodes', 'credentials', 'workflows', 'package.json');
		const state = dirty ? `with uncommitted changes in ${dirty.split('\n').map((line) => line.trim()).join(', ')}` : '(nodes, credentials and workflows as committed)';
		return { commit: git('rev-parse', '--short', 'HEAD'), state };
	} catch {
		// Run from an export (`git archive HEAD | tar -x`), which has no .git: the caller names the commit.
		return { commit: process.env.BENCH_STORM_COMMIT ?? 'unknown', state: '(run from a clean export of it, git archive)' };
	}
}

async function main(): Promise<void> {
	const sides: Side[] = process.env.BENCH_STORM_ONLY ? [process.env.BENCH_STORM_ONLY as Side] : ['workflow1', 'baseline'];
	// `limits` is the emulator's switch for enforcing ARM's token buckets and Log Analytics' limits (tracker issue 11).
	const options: StartOptions & { limits?: 'enforced' | 'reported' } = { limits: 'enforced' };
	const { commit, state } = gitFacts();
	const cpu = /^model name\s*:\s*(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown CPU';
	const enforcement = await probeEnforcement(options);
	const started = new Date();
	log(`emulator limits: ${enforcement}`);

	const results: RunResult[] = [];
	for (const side of sides) results.push(await run(side, options));

	const out: string[] = [];
	out.push(`Storm benchmark, ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC: ${SIZE} New incidents created at once`);
	const mix = results[0].mix;
	out.push(
		`  mix: ${SEVERITIES.map((severity) => `${mix.severities[severity]} ${severity}`).join(', ')}; ${mix.alerts} alerts (${mix.scheduledAlerts} from scheduled rules, whose queries workflow 1 runs)`,
	);
	out.push(`  code: commit ${commit} ${state}`);
	out.push(`  machine: ${os.cpus().length} cores (${cpu}), ${mb(os.totalmem())} RAM; n8n ${ensureN8nInstalled().n8nVersion} on Node ${ensureN8nInstalled().nodeVersion}`);
	out.push(`  emulator limits: ${enforcement}; SIGNL4 commercial plan`);
	out.push(`  n8n's V8 heap: ${HEAP_MB ? `capped at ${HEAP_MB} MB (--max-old-space-size)` : "Node's default for this machine's memory"}`);
	for (const result of results) {
		out.push(
			`  ${SIDES[result.side].title}: load average ${result.loadBefore.map((v) => v.toFixed(2)).join(' ')} before, ${result.loadAfter.map((v) => v.toFixed(2)).join(' ')} after` +
				`; ${result.proxied} requests through the connect.signl4.com proxy, ${result.refused} to other hosts refused`,
		);
	}
	out.push('  Other work on the machine (a CI run, other sessions) shares the 2 cores and shows in the load average.');
	out.push('');
	out.push(table(results));
	out.push('');
	out.push(floorDetails(results));
	process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
