import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { testAzureGraphCredential } from '../shared/methods/testAzureCredential';
import * as alert from './actions/alert';
import * as incident from './actions/incident';
import { router } from './actions/router';
import { searchAlerts, searchIncidents } from './methods/listSearch';

export class MicrosoftDefenderXdr implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Defender XDR',
		name: 'microsoftDefenderXdr',
		icon: { light: 'file:../shared/icons/defenderXdr.svg', dark: 'file:../shared/icons/defenderXdr.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Update Microsoft Defender XDR incidents and alerts through the Microsoft Graph security API (status, assignment, classification, tags, comments) and read them',
		defaults: { name: 'Microsoft Defender XDR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sentinelSignl4AzureApi', required: true, testedBy: 'sentinelSignl4AzureGraphTest' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Alert', value: 'alert' },
					{ name: 'Incident', value: 'incident' },
				],
				default: 'incident',
			},
			...incident.description,
			...alert.description,
		],
	};

	methods = {
		listSearch: { searchIncidents, searchAlerts },
		credentialTest: { sentinelSignl4AzureGraphTest: testAzureGraphCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return router.call(this);
	}
}
