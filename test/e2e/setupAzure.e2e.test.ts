/**
 * scripts/setup-azure.sh run by the real Azure CLI (Debian's azure-cli, scripts/ensure-az.sh) against the emulator,
 * registered as a custom cloud (fixtures/azureCli.ts): create, rerun (no change), dry run (no change, every change
 * listed), and the credential file it writes imported into a real n8n, where reference workflow 1 runs with the
 * script's custom role and — after a rerun that grants less — fails with a message naming the missing action.
 * Then --remove leaves the tenant as it was.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmulator, type Incident } from '../emulator';
import { emulatorTls } from '../emulator/core/tls';
import { GRAPH_SECURITY_APP_ROLES } from '../emulator/graph/graph-directory';
import { run, startAzureCli, type AzureCli, type CommandResult } from './fixtures/azureCli';
import { REFERENCE_WORKFLOWS, referenceWorkflow } from './fixtures/referenceWorkflows';
import { type RunningEmulator } from './fixtures/sentinel';
import { emulatorSignl4Credential } from './fixtures/signl4';
import { N8nInstance, e2eTest, executionError, type CredentialFixture } from './harness';

jest.setTimeout(15 * 60_000);

const SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'setup-azure.sh');
const WF1 = REFERENCE_WORKFLOWS.sentinelToSignl4.id;
const APP = 'n8n-sentinel-signl4 (e2e)';
const ROLE = `n8n Sentinel SIGNL4 (${APP})`;
/** What --grant poll,writeback,enrich must put into the custom role: the calls workflow 1's nodes make. */
const ALL_ACTIONS = [
	'Microsoft.OperationalInsights/workspaces/query/read',
	'Microsoft.OperationalInsights/workspaces/read',
	'Microsoft.SecurityInsights/incidents/alerts/read',
	'Microsoft.SecurityInsights/incidents/comments/read',
	'Microsoft.SecurityInsights/incidents/comments/write',
	'Microsoft.SecurityInsights/incidents/entities/read',
	'Microsoft.SecurityInsights/incidents/read',
	'Microsoft.SecurityInsights/incidents/write',
];

describe('scripts/setup-azure.sh with the real az CLI against the emulator', () => {
	let emu: RunningEmulator;
	let cli: AzureCli;
	let n8n: N8nInstance | undefined;
	let workDir: string;
	let credentialFile: string;

	const setup = async (...extra: string[]): Promise<CommandResult & { writes: string[]; ms: number }> => {
		const started = Date.now();
		const before = emu.requests.length;
		const args = [SCRIPT, '--workspace', emu.workspace.armId, '--app-name', APP, '--yes', '--credential-file', credentialFile, '--ca-file', emu.caPath];
		const result = await run('bash', [...args, ...extra], cli.env);
		const writes = emu.requests.slice(before).filter((request) => request.method !== 'GET' && request.route !== 'token').map((request) => `${request.method} ${request.route} ${request.status}`);
		const ms = Date.now() - started;
		process.stderr.write(`[setup-azure] ${extra.join(' ') || 'create'}: exit ${result.code}, ${writes.length} writes, ${emu.requests.length - before} requests, ${ms} ms\n`);
		return { ...result, writes, ms };
	};
	const app = () => [...emu.graph.applications.values()].find((candidate) => candidate.displayName === APP);
	const customRole = () => emu.rbac.definitions().find((role) => role.roleName === ROLE);
	const azureCredential = (): CredentialFixture => JSON.parse(readFileSync(credentialFile, 'utf8'))[0];

	beforeAll(async () => {
		try {
			execFileSync('az', ['version'], { stdio: 'ignore' });
		} catch {
			throw new Error("The Azure CLI (az) is not installed: run 'bash scripts/ensure-az.sh' (Debian's azure-cli, as root)");
		}
		emu = await startEmulator();
		cli = await startAzureCli(emu, (await emulatorTls()).ca.keyPem);
		await cli.login(emu.principal);
		workDir = mkdtempSync(path.join(tmpdir(), 'setup-azure-'));
		credentialFile = path.join(workDir, 'n8n-azure-credential.json');
	});

	afterAll(async () => {
		await n8n?.stop();
		await cli?.stop();
		await emu?.stop();
	});

	e2eTest('creates the app, its service principal and secret, the custom role with exactly the nodes\' actions at the workspace, the Graph permissions, and a mode-600 credential file', async () => {
		const result = await setup('--grant', 'poll,writeback,enrich,graph');
		expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });

		const created = app();
		expect(created).toBeDefined();
		expect(created!.passwordCredentials).toHaveLength(1);
		const sp = emu.graph.servicePrincipalOf(created!.appId)!;
		expect(sp).toBeDefined();

		const role = customRole()!;
		expect(role.permissions).toEqual([{ actions: [...ALL_ACTIONS], notActions: [], dataActions: [], notDataActions: [] }]);
		expect(role.assignableScopes).toEqual([`/subscriptions/${emu.workspace.subscriptionId}/resourceGroups/${emu.workspace.resourceGroup}`]);
		const assignments = emu.rbac.allAssignments().filter((assignment) => assignment.principalId === sp.id);
		expect(assignments.map((a) => ({ scope: a.scope, role: a.roleDefinitionId.split('/').pop() }))).toEqual([{ scope: emu.workspace.armId, role: role.name }]);

		const granted = [...emu.graph.appRoleAssignments.values()].filter((assignment) => assignment.principalId === sp.id).map((assignment) => assignment.appRoleId);
		const wanted = GRAPH_SECURITY_APP_ROLES.filter((r) => r.value.endsWith('.ReadWrite.All')).map((r) => r.id);
		expect(granted.sort()).toEqual([...wanted].sort());
		expect(created!.requiredResourceAccess.flatMap((entry) => entry.resourceAccess.map((access) => access.id)).sort()).toEqual([...wanted].sort());

		// The secret is in the credential file only (mode 600), never on the screen.
		expect(statSync(credentialFile).mode & 0o777).toBe(0o600);
		const credential = azureCredential();
		const secret = created!.passwordCredentials[0].secretText;
		expect(credential).toMatchObject({
			type: 'sentinelSignl4AzureApi',
			data: { tenantId: emu.principal.tenantId, clientId: created!.appId, authMethod: 'clientSecret', clientSecret: secret, cloud: 'Custom', authorityHost: emu.url, armEndpoint: emu.url, caCertificate: emu.caPem },
		});
		expect(result.stdout).not.toContain(secret);
		expect(result.stdout).toContain(`Client ID       ${created!.appId}`);
		expect(result.stdout).toContain('Microsoft Sentinel Responder + Log Analytics Reader');
		expect(result.writes).toEqual([
			'POST graph.applications.create 201',
			'POST graph.servicePrincipals.create 201',
			'POST graph.applications.addPassword 200',
			'PUT roleDefinitions.put 201',
			'PUT roleAssignments.put 201',
			'PATCH graph.applications.update 204',
			'POST graph.appRoleAssignments.create 201',
			'PATCH graph.applications.update 204',
			'POST graph.appRoleAssignments.create 201',
		]);
	});

	e2eTest('a rerun changes nothing and says so; a dry run of another app lists every change and makes none', async () => {
		const rerun = await setup('--grant', 'poll,writeback,enrich,graph');
		expect(rerun.code).toBe(0);
		expect(rerun.writes).toEqual([]);
		expect(rerun.stdout).toContain('No changes: everything was already in place.');

		const applicationsBefore = emu.graph.applications.size;
		const dry = await run('bash', [SCRIPT, '--workspace', emu.workspace.armId, '--app-name', 'another app', '--yes', '--dry-run', '--credential-file', path.join(workDir, 'other.json')], cli.env);
		expect(dry.code).toBe(0);
		for (const line of ["would create app registration 'another app'", 'would create its service principal', "would add client secret 'n8n (setup-azure.sh)'", 'would create it, assignable in', 'would assign it to the service principal at the workspace']) {
			expect(dry.stdout).toContain(line);
		}
		expect(dry.stdout).toContain('Dry run: 5 change(s) listed, none made.');
		expect(emu.graph.applications.size).toBe(applicationsBefore);
	});

	e2eTest('reference workflow 1 runs with the script\'s role; after a rerun without writeback it fails naming the missing action', async () => {
		const first: Incident[] = [
			emu.sentinel.createIncident({ title: 'Brute force against Entra ID', severity: 'High', alerts: [{ scheduledRule: 'signin-bruteforce' }] }),
			emu.sentinel.createIncident({ title: 'Mass download from SharePoint', severity: 'Low', alerts: [{ scheduledRule: 'sharepoint-mass-download' }] }),
		];
		const credentials = [azureCredential(), emulatorSignl4Credential(emu)];
		n8n = await N8nInstance.start({ label: 'setup-azure', credentials, workflows: [referenceWorkflow('sentinelToSignl4', { credentials, workspaceArmId: emu.workspace.armId })] });
		await n8n.activateWorkflow(WF1);
		const [ok] = await n8n.waitForExecutions(WF1, 1, 180_000);
		expect({ status: ok.status, error: executionError(ok) }).toEqual({ status: 'success', error: undefined });
		for (const incident of first) {
			expect(emu.sentinel.getIncident(incident.name)!.properties.labels.map((label) => label.labelName)).toContain('SIGNL4');
		}
		const sp = emu.graph.servicePrincipalOf(app()!.appId)!;
		const byApp = () => emu.requests.filter((request) => request.status === 403 && JSON.stringify(request).includes(sp.id));
		expect(byApp()).toEqual([]);

		// The same principal with a role that no longer has the write-back actions.
		const narrowed = await setup('--grant', 'poll,enrich,graph');
		expect(narrowed.code).toBe(0);
		expect(narrowed.writes).toEqual(['PUT roleDefinitions.put 201']);
		expect(customRole()!.permissions[0].actions).not.toContain('Microsoft.SecurityInsights/incidents/comments/write');

		const late = emu.sentinel.createIncident({ title: 'Encoded PowerShell on FS01', severity: 'Medium', alerts: [{ scheduledRule: 'encoded-powershell' }] });
		await n8n.deactivateWorkflow(WF1);
		await n8n.activateWorkflow(WF1);
		const runs = await n8n.waitForExecutions(WF1, 2, 180_000);
		const failed = runs.find((execution) => execution.status !== 'success');
		expect(failed).toBeDefined();
		const text = JSON.stringify(failed!.data);
		expect(text).toMatch(/The service principal may not (add comments to incidents|update incidents \(status, owner, classification, tags\)): its roles on the workspace lack Microsoft\.SecurityInsights\/incidents\/(comments\/)?write/);
		expect(text).toContain("--grant including 'writeback'");
		const refused = emu.requests.filter((request) => request.status === 403 && (request.route === 'comments.put' || request.route === 'incidents.put'));
		expect(refused.length).toBeGreaterThan(0);
		expect(emu.sentinel.getIncident(late.name)!.properties.labels.map((label) => label.labelName)).not.toContain('SIGNL4');
		process.stderr.write(`[setup-azure] workflow 1: ${first.length} incidents delivered with the script's role; without writeback ${refused.length} write(s) refused with 403 AuthorizationFailed\n`);
	});

	e2eTest('with --cert-file it uploads the certificate (Graph keeps its thumbprint) instead of a secret and puts the PEM into the credential file', async () => {
		const pem = path.join(workDir, 'app.pem');
		writeFileSync(pem, emu.principal.certificatePem, { mode: 0o600 });
		const file = path.join(workDir, 'cert-credential.json');
		const base = [SCRIPT, '--workspace', emu.workspace.armId, '--app-name', 'cert app', '--grant', 'poll', '--yes', '--cert-file', pem, '--credential-file', file];
		const created = await run('bash', base, cli.env);
		expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
		const certApp = [...emu.graph.applications.values()].find((candidate) => candidate.displayName === 'cert app')!;
		expect(certApp.passwordCredentials).toEqual([]);
		expect(certApp.keyCredentials.map((key) => key.customKeyIdentifier)).toEqual([new X509Certificate(emu.principal.certificatePem).fingerprint.replace(/:/g, '')]);
		expect(JSON.parse(readFileSync(file, 'utf8'))[0].data).toMatchObject({ clientId: certApp.appId, authMethod: 'certificate', certificate: emu.principal.certificatePem });
		expect(created.stdout).not.toContain('PRIVATE KEY');
		const removed = await run('bash', [...base, '--remove'], cli.env);
		expect(removed.code).toBe(0);
		expect(emu.graph.findApplication(certApp.id)).toBeUndefined();
	});

	e2eTest('--remove deletes the assignment, the custom role, the app (with its service principal and Graph grants) and the credential file; a second --remove has nothing to do', async () => {
		await n8n?.stop();
		n8n = undefined;
		const appId = app()!.appId;
		const removed = await setup('--remove');
		expect(removed.code).toBe(0);
		expect(removed.writes).toEqual(['DELETE roleAssignments.delete 200', 'DELETE roleDefinitions.delete 200', 'DELETE graph.applications.delete 204']);
		expect(app()).toBeUndefined();
		expect(emu.graph.servicePrincipalOf(appId)).toBeUndefined();
		expect(customRole()).toBeUndefined();
		expect(emu.rbac.allAssignments()).toEqual([]);
		expect(() => statSync(credentialFile)).toThrow();

		const again = await setup('--remove');
		expect(again.code).toBe(0);
		expect(again.writes).toEqual([]);
		expect(again.stdout).toContain('Nothing to remove');
	});
});
