/**
 * deploy/azure-setup/azuredeploy.json is the same plan as scripts/setup-azure.sh: the same actions per part (poll,
 * write-back, enrich), every one an action the emulated ARM checks for a node's call (arm/rbac/actions.ts), the role
 * assignable in the resource group and assigned at the workspace. Valid JSON with every parameter documented.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROUTE_ACTIONS } from '../../emulator/arm/rbac/actions';

const root = path.join(__dirname, '..', '..', '..');
const template = JSON.parse(readFileSync(path.join(root, 'deploy/azure-setup/azuredeploy.json'), 'utf8'));
const script = readFileSync(path.join(root, 'scripts/setup-azure.sh'), 'utf8');

/** The actions the script adds for one --grant part (the `add_action` calls of its case branch). */
function scriptActions(part: string): string[] {
	const branch = new RegExp(`\\n\\t${part}\\)\\n([\\s\\S]*?);;`).exec(script);
	if (!branch) throw new Error(`no '${part})' branch in setup-azure.sh`);
	return [...new Set(branch[1].match(/Microsoft\.[A-Za-z]+\/[A-Za-z/]+/g) ?? [])].sort();
}

describe('the ARM template for the custom role', () => {
	it('grants per part exactly what the script grants', () => {
		const sorted = (list: string[]) => [...list].sort();
		expect(sorted(template.variables.pollActions)).toEqual(scriptActions('poll'));
		const writeBack = scriptActions('writeback').filter((action) => !template.variables.pollActions.includes(action));
		expect(sorted(template.variables.writeBackActions)).toEqual(writeBack);
		const enrich = scriptActions('enrich').filter((action) => !template.variables.pollActions.includes(action));
		expect(sorted(template.variables.enrichActions)).toEqual(enrich);
	});

	it('uses only actions that the calls of the nodes need (the emulator checks each of them)', () => {
		const checked = new Set(Object.values(ROUTE_ACTIONS));
		const all = [...template.variables.pollActions, ...template.variables.writeBackActions, ...template.variables.enrichActions];
		// The query API is Log Analytics', not ARM's: the emulator's ARM does not serve it.
		expect(all.filter((action: string) => !checked.has(action))).toEqual(['Microsoft.OperationalInsights/workspaces/query/read']);
	});

	it('defines the role assignable in the resource group and assigns it at the workspace; every parameter is documented', () => {
		const [role, assignment] = template.resources;
		expect(role).toMatchObject({ type: 'Microsoft.Authorization/roleDefinitions', properties: { type: 'CustomRole', assignableScopes: ['[resourceGroup().id]'] } });
		expect(assignment).toMatchObject({
			type: 'Microsoft.Authorization/roleAssignments',
			scope: "[format('Microsoft.OperationalInsights/workspaces/{0}', parameters('workspaceName'))]",
			properties: { principalType: 'ServicePrincipal', principalId: "[parameters('principalObjectId')]" },
		});
		for (const [name, parameter] of Object.entries(template.parameters as Record<string, { metadata?: { description?: string } }>)) {
			expect({ name, description: parameter.metadata?.description?.length ?? 0 }).toEqual({ name, description: expect.any(Number) });
			expect(parameter.metadata?.description?.length ?? 0).toBeGreaterThan(20);
		}
		const example = JSON.parse(readFileSync(path.join(root, 'deploy/azure-setup/azuredeploy.parameters.example.json'), 'utf8'));
		expect(Object.keys(example.parameters).every((name) => name in template.parameters)).toBe(true);
	});
});
