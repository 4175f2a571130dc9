import { NodeConnectionTypes, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { searchWorkspaces } from '../shared/methods/searchWorkspaces';
import { testAzureCredential } from '../shared/methods/testAzureCredential';
import * as incident from './actions/incident';
import * as query from './actions/query';
import * as record from './actions/record';
import { router } from './actions/router';

export class AzureLogAnalytics implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Azure Log Analytics',
		name: 'azureLogAnalytics',
		icon: { light: 'file:../shared/icons/azureLogAnalytics.svg', dark: 'file:../shared/icons/azureLogAnalytics.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "enrich" ? "Enrich incident" : $parameter["operation"] === "send" ? "Send records" : "Run query" }}',
		description: "Enrich Microsoft Sentinel incidents with their alerts' query results, run KQL safely, and send records to custom tables",
		defaults: { name: 'Azure Log Analytics' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sentinelSignl4AzureApi', required: true, testedBy: 'sentinelSignl4AzureApiTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Incident', value: 'incident' },
					{ name: 'Query', value: 'query' },
					{ name: 'Record', value: 'record' },
				],
				default: 'incident',
			},
			...incident.description,
			...query.description,
			...record.description,
		],
	};

	methods = {
		listSearch: { searchWorkspaces },
		credentialTest: { sentinelSignl4AzureApiTest: testAzureCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
