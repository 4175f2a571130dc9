/**
 * deploy/push/azuredeploy.json: valid JSON with every resource push needs (API connection with a managed identity,
 * the Logic App with the Sentinel incident trigger and an HTTP POST with the secret and a retry policy, the automation
 * rules on created and updated incidents excluding applications, the Automation Contributor role for Sentinel), every
 * expression naming a parameter or variable that exists, and its rules the ones the emulator runs in push.e2e.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { conditionHolds, type PropertyCondition } from '../../emulator/arm/sentinel/automation/automation-rules';

type Json = Record<string, any>;
const template: Json = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../deploy/push/azuredeploy.json'), 'utf8'));
const example: Json = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../deploy/push/azuredeploy.parameters.example.json'), 'utf8'));
const ofType = (type: string) => (template.resources as Json[]).filter((resource) => resource.type === type);

/** Evaluates the few template functions the rules' conditions use, with the parameters' defaults or `values`. */
function evaluate(expression: unknown, values: Json = {}): unknown {
	if (typeof expression !== 'string' || !expression.startsWith('[')) return expression;
	const call = (text: string): unknown => {
		const parameter = /^parameters\('([^']+)'\)$/.exec(text);
		if (parameter) return parameter[1] in values ? values[parameter[1]] : template.parameters[parameter[1]].defaultValue;
		const variable = /^variables\('([^']+)'\)$/.exec(text);
		if (variable) return JSON.parse(JSON.stringify(template.variables[variable[1]]), (_key, value) => (typeof value === 'string' && value.startsWith('[') ? evaluate(value, values) : value));
		const concat = /^concat\((.*)\)$/.exec(text);
		if (concat) return concat[1].split(/,\s*(?=(?:parameters|variables)\()/).flatMap((part) => call(part.trim()) as unknown[]);
		throw new Error(`unsupported expression ${text}`);
	};
	return call(expression.slice(1, -1));
}

test('parameters: workspace, n8n URL, secret (secure), the Sentinel principal; each documented', () => {
	expect(Object.keys(template.parameters)).toEqual(expect.arrayContaining(['workspaceName', 'n8nWebhookUrl', 'pushSecret', 'sentinelServicePrincipalObjectId', 'incidentConditions', 'excludeUpdatesBy']));
	expect(template.parameters.pushSecret.type).toBe('securestring');
	for (const [name, parameter] of Object.entries(template.parameters as Json)) {
		if (name !== 'location') expect({ name, description: typeof parameter.metadata?.description }).toEqual({ name, description: 'string' });
	}
	// The example names only parameters the template has, and every one without a default.
	const required = Object.entries(template.parameters as Json).filter(([, p]) => !('defaultValue' in p)).map(([name]) => name);
	expect(Object.keys(example.parameters)).toEqual(expect.arrayContaining(required));
	for (const name of Object.keys(example.parameters)) expect(template.parameters).toHaveProperty([name]);
});

test("every parameters('…') and variables('…') in the template exists", () => {
	const text = JSON.stringify(template);
	const definition = ofType('Microsoft.Logic/workflows')[0].properties.definition;
	const logicAppParameters = new Set(Object.keys(definition.parameters));
	for (const [, name] of text.matchAll(/parameters\('([^']+)'\)/g)) {
		expect({ name, declared: name in template.parameters || logicAppParameters.has(name) }).toEqual({ name, declared: true });
	}
	for (const [, name] of text.matchAll(/variables\('([^']+)'\)/g)) expect(template.variables).toHaveProperty([name]);
});

test('API connection to Microsoft Sentinel with the managed identity; the Logic App: incident trigger → HTTP POST with the secret and a retry policy', () => {
	const [connection] = ofType('Microsoft.Web/connections');
	expect(connection.properties.parameterValueType).toBe('Alternative');
	expect(template.variables.sentinelApiId).toContain("'azuresentinel'");
	const [logicApp] = ofType('Microsoft.Logic/workflows');
	expect(logicApp.identity.type).toBe('SystemAssigned');
	const { triggers, actions } = logicApp.properties.definition;
	expect(triggers.Microsoft_Sentinel_incident).toMatchObject({ type: 'ApiConnectionWebhook', inputs: { path: '/incident-creation' } });
	expect(logicApp.properties.parameters.$connections.value.azuresentinel.connectionProperties).toEqual({ authentication: { type: 'ManagedServiceIdentity' } });
	const push = actions.Push_the_incident_to_n8n;
	expect(push).toMatchObject({
		type: 'Http',
		inputs: { method: 'POST', uri: "@parameters('n8nWebhookUrl')", body: '@triggerBody()', headers: { 'X-Sentinel-Push-Secret': "@parameters('pushSecret')" } },
		runtimeConfiguration: { secureData: { properties: ['inputs'] } },
	});
	expect(push.inputs.retryPolicy.type).toBe('exponential');
	expect(push.inputs.retryPolicy.count).toBeGreaterThan(0);
	expect(logicApp.properties.definition.parameters.pushSecret.type).toBe('SecureString');
});

test('Microsoft Sentinel Automation Contributor for the Sentinel principal on the playbook resource group', () => {
	const assignments = ofType('Microsoft.Authorization/roleAssignments');
	const automation = assignments.find((assignment) => assignment.properties.roleDefinitionId.includes('automationContributorRoleId'));
	expect(template.variables.automationContributorRoleId).toBe('f4c81013-99ee-4d62-a7ee-b3f1f648599a');
	expect(automation).toBeDefined();
	expect(automation!.scope).toBeUndefined();
	expect(automation!.properties).toMatchObject({ principalId: "[parameters('sentinelServicePrincipalObjectId')]", principalType: 'ServicePrincipal' });
});

test('automation rules: created and updated incidents run the playbook; updates by applications (n8n\'s own writes) do not', () => {
	const rules = ofType('Microsoft.SecurityInsights/automationRules');
	expect(rules.map((rule) => rule.properties.triggeringLogic.triggersWhen).sort()).toEqual(['Created', 'Updated']);
	for (const rule of rules) {
		expect(rule.scope).toBe("[variables('workspaceScope')]");
		expect(rule.properties.triggeringLogic).toMatchObject({ isEnabled: true, triggersOn: 'Incidents' });
		expect(rule.properties.actions).toEqual([
			{ order: 1, actionType: 'RunPlaybook', actionConfiguration: { tenantId: '[subscription().tenantId]', logicAppResourceId: "[resourceId('Microsoft.Logic/workflows', parameters('playbookName'))]" } },
		]);
	}
	const conditionsOf = (when: string, values: Json = {}) =>
		(evaluate(rules.find((rule) => rule.properties.triggeringLogic.triggersWhen === when)!.properties.triggeringLogic.conditions, values) as Json[]).map(
			(condition) => condition.conditionProperties as PropertyCondition,
		);
	// With the defaults: these are the rules push.e2e gives the emulator.
	expect(conditionsOf('Created')).toEqual([]);
	expect(conditionsOf('Updated')).toEqual([{ propertyName: 'IncidentUpdatedBySource', operator: 'NotEquals', propertyValues: ['Application'] }]);
	// The user's conditions go into both rules, the exclusion only into the updated one.
	const severity = { conditionType: 'Property', conditionProperties: { propertyName: 'IncidentSeverity', operator: 'Equals', propertyValues: ['High'] } };
	expect(conditionsOf('Created', { incidentConditions: [severity] })).toEqual([severity.conditionProperties]);
	expect(conditionsOf('Updated', { incidentConditions: [severity] })).toHaveLength(2);
	// Evaluated as the emulator evaluates them: an application's update does not hold, an analyst's does.
	const [exclusion] = conditionsOf('Updated');
	const incident = { properties: { labels: [] } } as never;
	expect(conditionHolds(exclusion, incident, 'Application')).toBe(false);
	expect(conditionHolds(exclusion, incident, 'User')).toBe(true);
	expect(conditionHolds(exclusion, incident, 'AlertGrouping')).toBe(true);
});
