import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { searchWorkspaces } from '../shared/methods/searchWorkspaces';
import { testAzureCredential } from '../shared/methods/testAzureCredential';
import * as incident from './actions/incident';
import { router } from './actions/router';
import { getClassificationReasons } from './methods/loadOptions';

export class MicrosoftSentinel implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Sentinel',
		name: 'microsoftSentinel',
		icon: { light: 'file:../shared/icons/sentinel.svg', dark: 'file:../shared/icons/sentinel.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Update Microsoft Sentinel incidents safely (status, classification, owner, tags, comments) and read incidents, alerts, entities and comments',
		defaults: { name: 'Microsoft Sentinel' },
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
				options: [{ name: 'Incident', value: 'incident' }],
				default: 'incident',
			},
			...incident.description,
		],
	};

	methods = {
		listSearch: { searchWorkspaces },
		loadOptions: { getClassificationReasons },
		credentialTest: { sentinelSignl4AzureApiTest: testAzureCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
