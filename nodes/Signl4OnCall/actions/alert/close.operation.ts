import { updateDisplayOptions, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { actingUserOption, alertReferenceFields, apiKeyNotice, rateLimitWaitOption, searchWindowOption, timeoutOption } from '../../descriptions/common';
import { requireApiKey } from '../../helpers/context';
import { changeStatusViaApi } from '../../helpers/statusChange';

const properties: INodeProperties[] = [
	apiKeyNotice,
	...alertReferenceFields(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			actingUserOption,
			{ displayName: 'Note', name: 'note', type: 'string', default: '', description: 'Text recorded with the closure' },
			rateLimitWaitOption,
			searchWindowOption,
			timeoutOption,
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['close'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	await requireApiKey.call(this, itemIndex, 'Close');
	return await changeStatusViaApi.call(this, itemIndex, 'close');
}
