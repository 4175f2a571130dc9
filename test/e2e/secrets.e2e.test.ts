/**
 * Where do the secrets go? The four reference workflows run a small loop in a real n8n against the emulator —
 * incidents paged, one acknowledged and closed from the emulated SIGNL4 console, the Sentinel triggers failing for a
 * minute so pipeline health alerts operations — with every kind of secret in use: an Azure client secret (workflow 2)
 * and a certificate's private key (workflows 1 and 3), the SOC's and the operations team's SIGNL4 secrets and API key,
 * the callback Basic Auth password, and the bearer tokens the emulator issued. Afterwards none of them may appear in
 * n8n's database outside its encrypted credentials, in n8n's log, or in the emulator's request log.
 *
 * Then `npm start`'s user folder: owner-only, the plaintext credentials file gone, nothing printed that is secret.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { startEmulator, type Incident } from '../emulator';
import { httpsRequest } from '../helpers/https';
import { demoInstructions, startDemo, type Demo } from './fixtures/demo';
import { REFERENCE_WORKFLOWS, referenceWorkflow, signl4CallbackUrl, type ReferenceWorkflowName } from './fixtures/referenceWorkflows';
import { AZURE_CREDENTIAL_TYPE, emulatorAzureCredential, type RunningEmulator } from './fixtures/sentinel';
import { emulatorSignl4Credential, signl4BasicAuthCredential } from './fixtures/signl4';
import { e2eTest, eventually, executionError, fixtureId, N8nInstance, type N8nExecution, type WorkflowFixture } from './harness';

jest.setTimeout(20 * 60_000);

const CALLBACK_USER = 'signl4';
const WF = Object.fromEntries(Object.entries(REFERENCE_WORKFLOWS).map(([name, { id }]) => [name, id])) as Record<ReferenceWorkflowName, string>;

interface Place {
	name: string;
	text: string;
}

/** Every form a secret could be written in: as is, URL-encoded, JSON-escaped, base64 (a Basic header). */
function variants(secret: string): string[] {
	const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), Buffer.from(secret).toString('base64')]);
	return [...forms].filter((form) => form.length >= 8);
}

/** The base64 lines of a PEM private key: a leak of the key shows up as any of them, however the newlines were escaped. */
function privateKeyLines(pem: string): string[] {
	const block = /-----BEGIN [A-Z ]*PRIVATE KEY-----([\s\S]+?)-----END [A-Z ]*PRIVATE KEY-----/.exec(pem);
	if (!block) throw new Error('no private key in the PEM');
	return block[1]
		.split(/\s+/)
		.filter((line) => line.length >= 40);
}

function count(haystack: string, needle: string): number {
	let found = 0;
	for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found++;
	return found;
}

/**
 * Every table of n8n's SQLite database as text, `credentials_entity` left out (its `data` column is n8n's encrypted
 * credential store, where the secrets belong). Read with node:sqlite in n8n's own Node 24 while n8n runs.
 */
function databaseTables(nodeBinary: string, databaseFile: string): Record<string, string> {
	const script = `
		const { DatabaseSync } = require('node:sqlite');
		const db = new DatabaseSync(process.argv[1], { readOnly: true });
		const out = {};
		for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()) {
			if (name === 'credentials_entity') continue;
			const rows = db.prepare('SELECT * FROM "' + name.replace(/"/g, '""') + '"').all();
			out[name] = JSON.stringify(rows, (key, value) => (value instanceof Uint8Array ? Buffer.from(value).toString('latin1') : typeof value === 'bigint' ? String(value) : value));
		}
		process.stdout.write(JSON.stringify(out));
	`;
	return JSON.parse(execFileSync(nodeBinary, ['--no-warnings', '-e', script, databaseFile], { maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' })) as Record<string, string>;
}

describe('secrets stay in n8n\'s encrypted credentials: the reference loop with a client secret and a certificate', () => {
	let emu: RunningEmulator;
	let n8n: N8nInstance;
	let incidents: Incident[];
	const callbackPassword = `cb-${randomBytes(12).toString('base64url')}`;

	const signlOf = (incident: Incident) => emu.signl4.alerts().find((alert) => alert.externalId?.endsWith(`:${incident.name}`.toLowerCase()));
	const succeeded = (executions: N8nExecution[]) => executions.map((e) => ({ id: e.id, status: e.status, error: executionError(e) }));

	beforeAll(async () => {
		emu = await startEmulator();
		incidents = [
			emu.sentinel.createIncident({ title: 'Brute force against Entra ID', severity: 'High', alerts: [{ scheduledRule: 'signin-bruteforce' }] }),
			emu.sentinel.createIncident({ title: 'Encoded PowerShell on FS01', severity: 'Medium' }),
			emu.sentinel.createIncident({ title: 'Mass download from SharePoint', severity: 'Low' }),
		];
		const azureSecret = emulatorAzureCredential(emu, { id: fixtureId('secretsAzureSec'), name: 'Azure (client secret)', authMethod: 'clientSecret' });
		const azureCertificate = emulatorAzureCredential(emu, { id: fixtureId('secretsAzureCert'), name: 'Azure (certificate)', authMethod: 'certificate' });
		const soc = emulatorSignl4Credential(emu, { id: fixtureId('secretsS4Soc'), name: 'SIGNL4 (SOC)' });
		const ops = emulatorSignl4Credential(emu, { id: fixtureId('secretsS4Ops'), name: 'SIGNL4 (operations)', teamSecret: emu.signl4.integrationSecret });
		const basicAuth = signl4BasicAuthCredential(CALLBACK_USER, callbackPassword);
		const choices = { credentials: [azureSecret, soc, basicAuth], opsCredentials: [ops], workspaceArmId: emu.workspace.armId };
		/** Workflows 1 and 3 sign in with the certificate, workflow 2 with the client secret; all report failures to 4. */
		const withAzure = (workflow: WorkflowFixture, credential: typeof azureSecret): WorkflowFixture => ({
			...workflow,
			settings: { ...workflow.settings, errorWorkflow: WF.pipelineHealth },
			nodes: workflow.nodes.map((node) =>
				node.credentials?.[AZURE_CREDENTIAL_TYPE] ? { ...node, credentials: { ...node.credentials, [AZURE_CREDENTIAL_TYPE]: { id: credential.id, name: credential.name } } } : node,
			),
		});
		n8n = await N8nInstance.start({
			label: 'secrets',
			credentials: [azureSecret, azureCertificate, soc, ops, basicAuth],
			workflows: [
				withAzure(referenceWorkflow('sentinelToSignl4', choices), azureCertificate),
				withAzure(referenceWorkflow('signl4ToSentinel', choices), azureSecret),
				withAzure(referenceWorkflow('closedResolvesSignl4', choices), azureCertificate),
				referenceWorkflow('pipelineHealth', choices),
			],
		});
		emu.signl4.outbound.addTarget(signl4CallbackUrl(n8n.baseUrl), { basicAuth: { user: CALLBACK_USER, password: callbackPassword } });
		for (const name of ['pipelineHealth', 'signl4ToSentinel', 'closedResolvesSignl4', 'sentinelToSignl4'] as const) await n8n.activateWorkflow(WF[name]);
	});

	afterAll(async () => {
		await n8n?.stop();
		await emu?.stop();
	});

	e2eTest('the loop runs: incidents paged, one acknowledged and closed from SIGNL4, a failing minute reported to operations', async () => {
		const [page] = await n8n.waitForExecutions(WF.sentinelToSignl4, 1, 120_000);
		expect(succeeded([page])).toMatchObject([{ status: 'success' }]);
		for (const incident of incidents) expect(signlOf(incident)).toBeDefined();

		const [first] = incidents;
		const engineer = emu.signl4.users[1];
		emu.signl4.acknowledge(signlOf(first)!.id, engineer.mail);
		await emu.signl4.outbound.idle();
		emu.signl4.close(signlOf(first)!.id, engineer.mail);
		await emu.signl4.outbound.idle();
		expect(succeeded(await n8n.waitForExecutions(WF.signl4ToSentinel, 2))).toMatchObject([{ status: 'success' }, { status: 'success' }]);
		expect(emu.sentinel.getIncident(first.name)?.properties).toMatchObject({ status: 'Closed', owner: { email: engineer.mail } });

		// For a minute Sentinel refuses to list incidents: the two triggers' polls fail and pipeline health pages operations.
		emu.faults.add({ route: 'incidents.list', kind: 'status', status: 403, forMs: 65_000 });
		await eventually('an operations alert', () => emu.signl4.alerts().some((alert) => alert.externalId?.startsWith('n8n-pipeline:')) || undefined, { timeoutMs: 150_000 });
		const health = await n8n.waitForExecutions(WF.pipelineHealth, 1);
		expect(health[0].status).toBe('success');
	});

	e2eTest('no secret in the database outside the credentials, in n8n\'s log or in the emulator\'s request log', async () => {
		const tokens = ((await httpsRequest(new URL('/_emulator/identity/issued-tokens', emu.url), { ca: emu.caPem, agent: false })).json as { value: string[] }).value;
		// Client secret (workflow 2) and certificate (1 and 3) each signed in for ARM and for Log Analytics.
		expect(tokens.length).toBeGreaterThanOrEqual(2);
		const secrets: Record<string, string[]> = {
			'Azure client secret': variants(emu.principal.clientSecret),
			'certificate private key (PEM body lines)': privateKeyLines(emu.principal.certificatePem),
			'SIGNL4 team secret (SOC)': variants(emu.signl4.team.secret),
			'SIGNL4 team secret (operations)': variants(emu.signl4.integrationSecret),
			'SIGNL4 API key': variants(emu.signl4.apiKey),
			'callback Basic Auth password': [...variants(callbackPassword), Buffer.from(`${CALLBACK_USER}:${callbackPassword}`).toString('base64')],
			'bearer tokens issued by the emulator': tokens.flatMap(variants),
		};

		const databaseFile = path.join(n8n.userFolder, '.n8n', 'database.sqlite');
		expect(fs.existsSync(databaseFile)).toBe(true);
		const tables = databaseTables(n8n.runtime.nodeBinary, databaseFile);
		const places: Place[] = [
			...Object.entries(tables).map(([table, text]) => ({ name: `database table ${table}`, text })),
			...['', '-wal', '-journal']
				.map((suffix) => databaseFile + suffix)
				.filter((file) => fs.existsSync(file))
				.map((file) => ({ name: `database file ${path.basename(file)} (raw bytes, credentials_entity included: its data is encrypted)`, text: fs.readFileSync(file).toString('latin1') })),
			{ name: 'n8n log', text: fs.readFileSync(path.join(n8n.userFolder, 'n8n.log'), 'utf8') },
			{ name: 'emulator request log', text: JSON.stringify(emu.requests) },
		];

		// The places hold what they should (so a search that finds nothing means something): the loop's executions,
		// the incidents' titles and the requests that carried the secrets.
		expect(Object.keys(tables)).toEqual(expect.arrayContaining(['execution_data', 'execution_entity', 'workflow_entity', 'processed_data']));
		expect(tables.execution_data).toContain(incidents[0].properties.title);
		expect(places.find((place) => place.name === 'n8n log')!.text).toContain('Editor is now accessible');
		const requestLog = places.find((place) => place.name === 'emulator request log')!.text;
		expect(requestLog).toContain('/signl4/webhook/REDACTED');
		expect(requestLog).toContain('client_secret=REDACTED');
		expect(requestLog).toContain('client_assertion=REDACTED');
		expect(requestLog).toContain('Bearer [redacted]');
		// And a positive control for the search itself: the incident's title is found where it was put.
		expect(count(tables.execution_data, incidents[0].properties.title)).toBeGreaterThan(0);

		const found: string[] = [];
		for (const place of places) {
			for (const [secret, forms] of Object.entries(secrets)) {
				const occurrences = forms.reduce((sum, form) => sum + count(place.text, form), 0);
				if (occurrences > 0) found.push(`${secret}: ${occurrences}× in ${place.name}`);
			}
		}
		const bytes = places.reduce((sum, place) => sum + place.text.length, 0);
		const forms = Object.values(secrets).reduce((sum, list) => sum + list.length, 0);
		process.stderr.write(
			`[e2e] secrets: searched ${places.length} places (${Object.keys(tables).length} database tables, ` +
				`${places.length - Object.keys(tables).length - 2} raw database files, n8n's log, the emulator's request log; ${Math.round(bytes / 1024)} KiB) ` +
				`for ${Object.keys(secrets).length} secrets in ${forms} forms (${tokens.length} bearer tokens): ${found.length} found\n`,
		);
		expect(found).toEqual([]);
	});
});

describe('npm start keeps its secrets to its owner', () => {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-signl4-demo-secrets-'));
	const userFolder = path.join(root, '.n8n-demo');
	const emulatorStateDir = path.join(root, '.emulator');
	let demo: Demo;

	beforeAll(async () => {
		// A folder left by an older version of npm start: world-readable, with the plaintext credentials file still in it.
		fs.mkdirSync(path.join(userFolder, 'fixtures'), { recursive: true, mode: 0o755 });
		fs.chmodSync(userFolder, 0o755);
		fs.writeFileSync(path.join(userFolder, 'fixtures', 'credentials.json'), '[{"data":{"clientSecret":"left-over"}}]', { mode: 0o644 });
		demo = await startDemo({ userFolder, emulatorStateDir, seedIncidents: 1, label: 'demo-secrets' });
	});

	afterAll(async () => {
		await demo?.stop();
		fs.rmSync(root, { recursive: true, force: true });
	});

	const mode = (file: string) => fs.statSync(file).mode & 0o777;

	e2eTest('the user folder is 0700, its secret files 0600, and no plaintext credentials file is left', async () => {
		expect(mode(userFolder).toString(8)).toBe('700');
		expect(mode(path.join(userFolder, '.n8n')).toString(8)).toBe('700');
		expect(mode(emulatorStateDir).toString(8)).toBe('700');
		for (const file of ['signl4-callback-auth.json', 'n8n.log', '.n8n/config', '.n8n/database.sqlite']) {
			expect({ file, mode: mode(path.join(userFolder, file)).toString(8) }).toEqual({ file, mode: '600' });
		}
		expect(mode(path.join(emulatorStateDir, 'client-certificate.pem')).toString(8)).toBe('600');
		expect(fs.existsSync(path.join(userFolder, 'fixtures', 'credentials.json'))).toBe(false);
		// n8n's encryption key is this folder's own, not the harness's fixed test key.
		const { encryptionKey } = JSON.parse(fs.readFileSync(path.join(userFolder, '.n8n', 'config'), 'utf8')) as { encryptionKey: string };
		expect(encryptionKey).not.toContain('sentinel-signl4-e2e');
		expect(encryptionKey.length).toBeGreaterThanOrEqual(24);

		// Outside the files meant for them (0600 above), the secrets are nowhere in the folder in plain text.
		const emulator = demo.emulator!;
		const secrets = [emulator.principal.clientSecret, emulator.signl4.team.secret, emulator.signl4.integrationSecret, emulator.signl4.apiKey, demo.callbackAuth.password];
		const meantFor = new Set([path.join(userFolder, 'signl4-callback-auth.json')]);
		const leaks: string[] = [];
		const walk = (folder: string) => {
			for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
				const full = path.join(folder, entry.name);
				if (entry.isDirectory()) {
					if (entry.name !== 'nodes') walk(full);
				} else if (entry.isFile() && !meantFor.has(full)) {
					const text = fs.readFileSync(full).toString('latin1');
					for (const secret of secrets) if (text.includes(secret)) leaks.push(`${path.relative(userFolder, full)} holds a secret`);
				}
			}
		};
		walk(userFolder);
		expect(leaks).toEqual([]);
	});

	e2eTest('what npm start prints holds no secret unless asked; workflow 4 is listed and active', async () => {
		const emulator = demo.emulator!;
		const secrets = [emulator.principal.clientSecret, emulator.signl4.team.secret, emulator.signl4.integrationSecret, emulator.signl4.apiKey, demo.callbackAuth.password];
		const printed = demoInstructions(demo).join('\n');
		expect(printed).toContain(`/workflow/${WF.pipelineHealth}`);
		for (const secret of secrets) expect(printed).not.toContain(secret);
		// With a real SIGNL4 the outbound-webhook URL is printed for the portal: the password only on request.
		const realSignl4: Demo = { ...demo, signl4: 'real' };
		const environment = { WEBHOOK_URL: 'https://n8n.example.com' };
		expect(demoInstructions(realSignl4, { environment }).join('\n')).not.toContain(demo.callbackAuth.password);
		expect(demoInstructions(realSignl4, { environment, showSecrets: true }).join('\n')).toContain(`${demo.callbackAuth.user}:${demo.callbackAuth.password}@`);
		expect((await demo.n8n.getWorkflow(WF.pipelineHealth)).active).toBe(true);
	});
});
