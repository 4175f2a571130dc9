import {
	NodeConnectionTypes,
	type ICredentialTestFunctions,
	type ICredentialsDecrypted,
	type IExecuteFunctions,
	type IHookFunctions,
	type INodeExecutionData,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { triggerProperties } from './description';
import { assertAuthenticationUsable } from './authSetting';
import { checkExists, create, remove } from './registration';
import { handleCallback, recordAccepted } from './webhook';

/**
 * Receives SIGNL4's outbound webhook callbacks (acknowledged, closed, annotated, escalated, …) and emits one item per
 * callback with the Sentinel incident reference parsed from the external ID, ready for the Microsoft Sentinel node.
 */
export class Signl4OnCallTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SIGNL4 On-Call Trigger',
		name: 'signl4OnCallTrigger',
		icon: { light: 'file:../shared/icons/signl4OnCall.svg', dark: 'file:../shared/icons/signl4OnCall.dark.svg' },
		group: ['trigger'],
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle: '={{ ($parameter["events"] || []).length + " event type(s)" }}',
		description:
			'Starts the workflow when a SIGNL4 alert is acknowledged, closed, annotated or escalated, with the Microsoft Sentinel incident it belongs to',
		defaults: { name: 'SIGNL4 On-Call Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'signl4OnCallApi', required: true, displayOptions: { show: { registration: ['automatic'] } } },
			{
				name: 'signl4TriggerBasicAuthApi',
				required: true,
				testedBy: 'signl4TriggerAuthTest',
				displayOptions: { show: { authentication: ['basicAuth'] } },
			},
			{
				name: 'signl4TriggerHeaderAuthApi',
				required: true,
				testedBy: 'signl4TriggerAuthTest',
				displayOptions: { show: { authentication: ['headerAuth'] } },
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// 'lastNode': n8n answers after the execution — 2xx on success, 500 "Error in workflow" on failure.
				responseMode: '={{ $parameter["respond"] === "afterWorkflow" ? "lastNode" : "onReceived" }}',
				// SIGNL4 reads only the status; the last node's output (the incident) stays in n8n.
				responseData: 'noData',
				path: 'signl4',
			},
		],
		properties: triggerProperties,
	};

	methods = {
		credentialTest: {
			/** Nothing remote to call for these credentials: check that they can be used as SIGNL4 will use them. */
			async signl4TriggerAuthTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const data = credential.data ?? {};
				if (credential.type === 'signl4TriggerHeaderAuthApi') {
					const name = String(data.name ?? '');
					if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return { status: 'Error', message: 'The header name is empty or not a valid HTTP header name' };
					if (!String(data.headerSecret ?? '')) return { status: 'Error', message: 'The header value is empty' };
					return { status: 'OK', message: 'Complete. Requests to the trigger must carry this header.' };
				}
				const urlSafe = /^[A-Za-z0-9._~-]+$/;
				if (!urlSafe.test(String(data.user ?? ''))) return { status: 'Error', message: 'The user is empty or has characters other than letters, digits and -._~' };
				if (!urlSafe.test(String(data.password ?? ''))) {
					return { status: 'Error', message: 'The password is empty or has characters other than letters, digits and -._~ (it must fit into the webhook URL)' };
				}
				if (String(data.password).length < 16) return { status: 'Error', message: 'Use a password of at least 16 characters' };
				return { status: 'OK', message: 'Complete. SIGNL4 must call https://user:password@… (automatic registration does this).' };
			},
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				// n8n calls this first on activation (and for the editor's test URL): a trigger that would accept anyone
				// without the user having chosen so refuses to activate here.
				await assertAuthenticationUsable.call(this);
				return await checkExists.call(this);
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return await create.call(this);
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return await remove.call(this);
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this);
	}

	/** Runs in the execution a callback started: records it for the duplicate guard (see `recordAccepted`). */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return recordAccepted.call(this);
	}
}
