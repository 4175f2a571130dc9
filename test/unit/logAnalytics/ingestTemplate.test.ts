/**
 * deploy/signl4-history/azuredeploy.json: the custom table, the data collection endpoint and rule, and the role
 * assignment, checked for what a deployment needs and a reader can see — every parameter documented, the rule's
 * stream declaring exactly the table's columns (same names, stream types matching the table's), the data flow into the
 * workspace's SIGNL4_CL, Monitoring Metrics Publisher on the rule, and the outputs workflow 5's Settings take.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const template = JSON.parse(readFileSync(path.resolve(__dirname, '../../../deploy/signl4-history/azuredeploy.json'), 'utf8')) as {
	parameters: Record<string, { type: string; metadata?: { description?: string } }>;
	variables: Record<string, unknown>;
	resources: Array<{ type: string; name: string; scope?: string; dependsOn?: string[]; properties: Record<string, any> }>;
	outputs: Record<string, { type: string; value: string }>;
};
const resource = (type: string) => {
	const found = template.resources.filter((r) => r.type === type);
	expect(found).toHaveLength(1);
	return found[0];
};

// Table column types (Tables API) → the stream declaration types a data collection rule uses.
const STREAM_TYPE: Record<string, string> = { dateTime: 'datetime', string: 'string', int: 'int', long: 'long', real: 'real', boolean: 'boolean', dynamic: 'dynamic' };

describe('deploy/signl4-history/azuredeploy.json', () => {
	it('documents every parameter', () => {
		expect(Object.keys(template.parameters).sort()).toEqual(['dataCollectionEndpointName', 'dataCollectionRuleName', 'location', 'principalObjectId', 'retentionInDays', 'workspaceName']);
		const undocumented = Object.entries(template.parameters).filter(([, parameter]) => (parameter.metadata?.description ?? '').length < 20).map(([name]) => name);
		expect(undocumented).toEqual([]);
	});

	it('creates SIGNL4_CL with the columns the rule\'s stream declares, in the same order and types', () => {
		const table = resource('Microsoft.OperationalInsights/workspaces/tables');
		expect(table.name).toBe("[format('{0}/{1}', parameters('workspaceName'), variables('tableName'))]");
		expect(template.variables.tableName).toBe('SIGNL4_CL');
		const tableColumns = table.properties.schema.columns as Array<{ name: string; type: string; description: string }>;
		const streamColumns = template.variables.streamColumns as Array<{ name: string; type: string }>;
		expect(tableColumns.map((c) => ({ name: c.name, type: STREAM_TYPE[c.type] }))).toEqual(streamColumns);
		expect(tableColumns.map((c) => c.name)).toEqual(['TimeGenerated', 'EventType', 'SignlId', 'ExternalId', 'IncidentName', 'IncidentNumber', 'Workspace', 'Severity', 'User', 'Team', 'Text', 'CallbackId']);
		expect(tableColumns.every((c) => c.description.length > 0)).toBe(true);
	});

	it('declares stream Custom-SIGNL4_CL on a rule bound to the new endpoint, flowing into the workspace', () => {
		const rule = resource('Microsoft.Insights/dataCollectionRules');
		expect(rule.properties.dataCollectionEndpointId).toBe("[resourceId('Microsoft.Insights/dataCollectionEndpoints', parameters('dataCollectionEndpointName'))]");
		expect(Object.keys(rule.properties.streamDeclarations)).toEqual(['Custom-SIGNL4_CL']);
		expect(rule.properties.streamDeclarations['Custom-SIGNL4_CL'].columns).toBe("[variables('streamColumns')]");
		expect(rule.properties.destinations.logAnalytics).toEqual([{ workspaceResourceId: "[variables('workspaceId')]", name: 'sentinelWorkspace' }]);
		expect(rule.properties.dataFlows).toEqual([{ streams: ['Custom-SIGNL4_CL'], destinations: ['sentinelWorkspace'], transformKql: 'source', outputStream: "[variables('streamName')]" }]);
		expect(template.variables.streamName).toBe('Custom-SIGNL4_CL');
		// The table must exist before a rule can send to it.
		expect(rule.dependsOn).toEqual(expect.arrayContaining([expect.stringContaining('workspaces/tables')]));
	});

	it('gives the service principal Monitoring Metrics Publisher on the rule (and only there)', () => {
		const assignment = resource('Microsoft.Authorization/roleAssignments');
		expect(assignment.scope).toBe("[format('Microsoft.Insights/dataCollectionRules/{0}', parameters('dataCollectionRuleName'))]");
		expect(template.variables.monitoringMetricsPublisher).toBe("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')]");
		expect(assignment.properties).toMatchObject({ roleDefinitionId: "[variables('monitoringMetricsPublisher')]", principalId: "[parameters('principalObjectId')]", principalType: 'ServicePrincipal' });
	});

	it('outputs what workflow 5\'s Settings take', () => {
		expect(Object.keys(template.outputs).sort()).toEqual(['dataCollectionRuleImmutableId', 'logsIngestionEndpoint', 'streamName']);
		expect(template.outputs.logsIngestionEndpoint.value).toMatch(/logsIngestion\.endpoint\]$/);
		expect(template.outputs.dataCollectionRuleImmutableId.value).toMatch(/\.immutableId\]$/);
	});
});
