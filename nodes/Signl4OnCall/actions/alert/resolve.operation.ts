import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { externalIdFields, rateLimitWaitOption, timeoutOption } from '../../descriptions/common';
import { sendWebhookStatus } from '../../helpers/statusChange';

const properties: INodeProperties[] = [
	...externalIdFields('to resolve'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [rateLimitWaitOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['resolve'] } }, properties);

/** Webhook `X-S4-Status: resolved`: closes every open alert raised with the external ID (team secret only). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	return await sendWebhookStatus.call(this, itemIndex, 'resolved');
}
