import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { actingUserOption, alertReferenceFields, externalIdFields, rateLimitWaitOption, searchWindowOption, timeoutOption } from '../../descriptions/common';
import { requireApiKey } from '../../helpers/context';
import { changeStatusViaApi, sendWebhookStatus } from '../../helpers/statusChange';

const properties: INodeProperties[] = [
	{
		displayName: 'Via',
		name: 'via',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Webhook (by External ID)',
				value: 'webhook',
				description: 'Team secret only: acknowledges every new alert raised with the external ID (X-S4-Status: acknowledged)',
			},
			{
				name: 'API (by Alert ID or External ID)',
				value: 'api',
				description: 'Needs an API key; can name the acting user and a note, and returns the alert',
			},
		],
		default: 'webhook',
	},
	...externalIdFields('to acknowledge').map((field) =>
		field.name === 'externalIdSource'
			? { ...field, displayOptions: { show: { via: ['webhook'] } } }
			: { ...field, displayOptions: { show: { via: ['webhook'], externalIdSource: ['custom'] } } },
	),
	...alertReferenceFields().map((field) => ({
		...field,
		displayOptions: { show: { ...(field.displayOptions?.show ?? {}), via: ['api'] } },
	})),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ ...actingUserOption, displayOptions: { show: { '/via': ['api'] } } },
			{
				displayName: 'Note',
				name: 'note',
				type: 'string',
				default: '',
				description: 'Text recorded with the acknowledgement',
				displayOptions: { show: { '/via': ['api'] } },
			},
			rateLimitWaitOption,
			{ ...searchWindowOption, displayOptions: { show: { '/via': ['api'] } } },
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['acknowledge'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const via = this.getNodeParameter('via', itemIndex, 'webhook') as string;
	if (via === 'webhook') return await sendWebhookStatus.call(this, itemIndex, 'acknowledged');
	await requireApiKey.call(this, itemIndex, 'Acknowledge via API');
	return await changeStatusViaApi.call(this, itemIndex, 'acknowledge');
}

