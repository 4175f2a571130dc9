import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { testAzureGraphCredential } from '../shared/methods/testAzureCredential';
import { triggerProperties } from './description';
import { pollDefender } from './poll';

export class MicrosoftDefenderXdrTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Defender XDR Trigger',
		name: 'microsoftDefenderXdrTrigger',
		icon: { light: 'file:../shared/icons/defenderXdr.svg', dark: 'file:../shared/icons/defenderXdr.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ ($parameter["event"] === "createdOrUpdated" ? "New and updated " : "New ") + $parameter["watch"] }}',
		description: 'Starts the workflow when Microsoft Defender XDR has new (or updated) incidents or alerts, read through Microsoft Graph',
		defaults: { name: 'Microsoft Defender XDR Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		// The Graph test: it names a missing Graph application permission and admin consent before a poll fails on it.
		credentials: [{ name: 'sentinelSignl4AzureApi', required: true, testedBy: 'sentinelSignl4AzureGraphTest' }],
		properties: triggerProperties,
	};

	methods = {
		credentialTest: { sentinelSignl4AzureGraphTest: testAzureGraphCredential },
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return pollDefender.call(this);
	}
}
