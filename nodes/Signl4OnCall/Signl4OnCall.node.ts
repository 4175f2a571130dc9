import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import * as alert from './actions/alert';
import { router } from './actions/router';
import * as user from './actions/user';

/**
 * SIGNL4 On-Call: mobile alerting for Microsoft Sentinel incidents. Unlike n8n's built-in SIGNL4 node (send and
 * resolve only, fixed base URL), it builds the Signl from an incident, correlates it with a workspace-qualified
 * external ID, acknowledges, annotates, closes and reads alerts through the API, honours SIGNL4's rate limits and
 * never sends an alert twice after a timeout.
 */
export class Signl4OnCall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'SIGNL4 On-Call',
		name: 'signl4OnCall',
		icon: { light: 'file:../shared/icons/signl4OnCall.svg', dark: 'file:../shared/icons/signl4OnCall.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Page the on-call engineer in SIGNL4 about Microsoft Sentinel incidents, and acknowledge, resolve, annotate, close or get Signls, and see who is on duty (team secret or API key)',
		defaults: { name: 'SIGNL4 On-Call' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'signl4OnCallApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Alert', value: 'alert' },
					{ name: 'User', value: 'user' },
				],
				default: 'alert',
			},
			...alert.description,
			...user.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
