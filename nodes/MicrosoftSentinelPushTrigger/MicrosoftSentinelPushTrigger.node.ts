import {
	NodeConnectionTypes,
	NodeOperationError,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { searchWorkspaces } from '../shared/methods/searchWorkspaces';
import { testAzureCredential } from '../shared/methods/testAzureCredential';
import { sentinelPushAuthTest } from './credentialTest';
import { pushTriggerProperties } from './description';
import { handlePush } from './webhook';

const AUTH_CREDENTIAL: Record<string, { type: string; label: string }> = {
	headerAuth: { type: 'signl4TriggerHeaderAuthApi', label: 'Header Auth' },
	basicAuth: { type: 'signl4TriggerBasicAuthApi', label: 'Basic Auth' },
};

/**
 * Starts workflow 1 within seconds of an incident: Sentinel's automation rule runs a playbook that POSTs the incident
 * reference here. The incident is read from Resource Manager (never taken from the body) and emitted exactly as the
 * Microsoft Sentinel Trigger emits it, so the same nodes follow; that trigger keeps polling as the safety net.
 */
export class MicrosoftSentinelPushTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft Sentinel Push Trigger',
		name: 'microsoftSentinelPushTrigger',
		icon: { light: 'file:../shared/icons/sentinel.svg', dark: 'file:../shared/icons/sentinel.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Pushed incidents',
		description: 'Starts the workflow within seconds when a Microsoft Sentinel automation rule pushes an incident (Logic App playbook)',
		defaults: { name: 'Microsoft Sentinel Push Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'sentinelSignl4AzureApi', required: true, testedBy: 'sentinelSignl4AzureApiTest' },
			{ name: 'signl4TriggerHeaderAuthApi', required: true, testedBy: 'sentinelPushAuthTest', displayOptions: { show: { authentication: ['headerAuth'] } } },
			{ name: 'signl4TriggerBasicAuthApi', required: true, testedBy: 'sentinelPushAuthTest', displayOptions: { show: { authentication: ['basicAuth'] } } },
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// Answered on receipt: the Logic App only needs to know the push arrived; a failed run is the poll's to repeat.
				responseMode: 'onReceived',
				responseData: 'noData',
				path: 'sentinel-incident',
			},
		],
		properties: pushTriggerProperties,
	};

	methods = {
		listSearch: { searchWorkspaces },
		credentialTest: { sentinelSignl4AzureApiTest: testAzureCredential, sentinelPushAuthTest },
	};

	webhookMethods = {
		default: {
			/** Activation fails when the chosen authentication has no usable credential: the URL never accepts anyone. */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const mode = String(this.getNodeParameter('authentication', 'headerAuth'));
				const needed = AUTH_CREDENTIAL[mode] ?? AUTH_CREDENTIAL.headerAuth;
				const refuse = (message: string) =>
					new NodeOperationError(this.getNode(), message, {
						description: `Choose a ${needed.label} credential in the push trigger: the playbook must send its secret.`,
					});
				if (!this.getNode().credentials?.[needed.type]) throw refuse(`The push trigger '${this.getNode().name}' has no ${needed.label} credential`);
				try {
					await this.getCredentials(needed.type);
				} catch {
					throw refuse(`The ${needed.label} credential of the push trigger '${this.getNode().name}' cannot be used`);
				}
				// Nothing to register remotely: the ARM template points the playbook at this URL.
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handlePush.call(this);
	}
}
