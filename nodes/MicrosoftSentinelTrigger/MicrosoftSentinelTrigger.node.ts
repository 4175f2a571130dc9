import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { searchWorkspaces } from '../shared/methods/searchWorkspaces';
import { testAzureCredential } from '../shared/methods/testAzureCredential';
import { triggerProperties } from './description';
import { pollIncidents } from './poll';

export class MicrosoftSentinelTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Sentinel Trigger',
		name: 'microsoftSentinelTrigger',
		icon: { light: 'file:../shared/icons/sentinel.svg', dark: 'file:../shared/icons/sentinel.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["event"] === "createdOrUpdated" ? "New and updated incidents" : "New incidents" }}',
		description: 'Starts the workflow when Microsoft Sentinel has new (or updated) incidents, with their alerts and entities',
		defaults: { name: 'Microsoft Sentinel Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sentinelSignl4AzureApi', required: true, testedBy: 'sentinelSignl4AzureApiTest' }],
		properties: triggerProperties,
	};

	methods = {
		listSearch: { searchWorkspaces },
		credentialTest: { sentinelSignl4AzureApiTest: testAzureCredential },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return pollIncidents.call(this);
	}
}
