import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { alertReferenceFields, apiKeyNotice, rateLimitWaitOption, searchWindowOption, timeoutOption } from '../../descriptions/common';
import { shapeAlertInfo } from '../../helpers/alertInfo';
import { requestPolicy, requireApiKey } from '../../helpers/context';
import { targetAlerts } from '../../helpers/statusChange';

const properties: INodeProperties[] = [
	apiKeyNotice,
	...alertReferenceFields(),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [rateLimitWaitOption, searchWindowOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['get'] } }, properties);

/** One item per alert (an external ID can have several alerts). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	await requireApiKey.call(this, itemIndex, 'Get');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const policy = requestPolicy(options);
	const alerts = await targetAlerts.call(this, itemIndex, policy, options);
	return alerts.map((alert) => ({ json: shapeAlertInfo(alert) }));
}
