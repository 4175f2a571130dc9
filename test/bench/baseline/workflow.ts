/**
 * The benchmark baseline: `sentinel-to-signl4-builtin.json` (beside this file) — Sentinel → SIGNL4 wired from n8n's
 * built-in nodes only — with the emulator's ARM endpoint and workspace put where a user would put theirs, and the two
 * credentials a user would create: n8n's generic **OAuth2 API** credential (client-credentials grant against the
 * Entra ID token endpoint, scope https://management.azure.com/.default, client id and secret sent in the body) and
 * the built-in **SIGNL4 Webhook** credential (the team secret).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { RunningEmulator } from '../../e2e/fixtures/sentinel';
import { fixtureId, type CredentialFixture, type WorkflowFixture, type WorkflowNodeFixture } from '../../e2e/harness';

export const BASELINE_WORKFLOW_ID = fixtureId('benchBaseline');
export const BASELINE_FILE = path.join(__dirname, 'sentinel-to-signl4-builtin.json');

/** The ARM endpoint and workspace written in the JSON file, replaced by the emulator's. */
const PUBLIC_ARM = 'https://management.azure.com';
const PLACEHOLDER_WORKSPACE =
	'/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-resource-group/providers/Microsoft.OperationalInsights/workspaces/my-workspace';

export function baselineCredentials(emu: RunningEmulator): CredentialFixture[] {
	return [
		{
			id: fixtureId('benchArmOAuth2'),
			name: 'Azure ARM (OAuth2 client credentials)',
			type: 'oAuth2Api',
			data: {
				grantType: 'clientCredentials',
				accessTokenUrl: `${emu.url}/${emu.principal.tenantId}/oauth2/v2.0/token`,
				clientId: emu.principal.clientId,
				clientSecret: emu.principal.clientSecret,
				scope: 'https://management.azure.com/.default',
				authQueryParameters: '',
				authentication: 'body',
			},
		},
		{ id: fixtureId('benchSignl4Hook'), name: 'SIGNL4 Webhook', type: 'signl4Api', data: { teamSecret: emu.signl4.team.secret } },
	];
}

export function baselineWorkflow(emu: RunningEmulator, credentials: CredentialFixture[]): WorkflowFixture {
	const file = JSON.parse(fs.readFileSync(BASELINE_FILE, 'utf8')) as { name: string; nodes: WorkflowNodeFixture[]; connections: WorkflowFixture['connections']; settings: Record<string, unknown> };
	const retarget = (value: unknown): unknown => {
		if (typeof value === 'string') return value.split(PLACEHOLDER_WORKSPACE).join(emu.workspace.armId).split(PUBLIC_ARM).join(emu.url);
		if (Array.isArray(value)) return value.map(retarget);
		if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, retarget(inner)]));
		return value;
	};
	const nodes = file.nodes.map((node) => {
		if (node.type === 'n8n-nodes-base.stickyNote') return node;
		const filled: WorkflowNodeFixture = { ...node, parameters: retarget(node.parameters) as Record<string, unknown> };
		if (node.credentials) {
			filled.credentials = Object.fromEntries(
				Object.keys(node.credentials).map((type) => {
					const chosen = credentials.find((credential) => credential.type === type);
					if (!chosen) throw new Error(`the baseline workflow needs a ${type} credential`);
					return [type, { id: chosen.id, name: chosen.name }];
				}),
			);
		}
		return filled;
	});
	return { id: BASELINE_WORKFLOW_ID, name: file.name, nodes, connections: file.connections, settings: file.settings };
}
