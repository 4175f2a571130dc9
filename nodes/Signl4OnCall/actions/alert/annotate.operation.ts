import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { pathSegment, signl4Request } from '../../../shared/signl4/transport';
import { actingUserOption, alertReferenceFields, apiKeyNotice, rateLimitWaitOption, searchWindowOption, timeoutOption } from '../../descriptions/common';
import { shapeAlertInfo } from '../../helpers/alertInfo';
import { requestPolicy, requireApiKey, resolveUserId } from '../../helpers/context';
import { targetAlerts } from '../../helpers/statusChange';

/** SIGNL4 annotations are short notes in the app's alert timeline; keep them phone-sized. */
const MAX_ANNOTATION_LENGTH = 4_000;

const properties: INodeProperties[] = [
	apiKeyNotice,
	...alertReferenceFields(),
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The annotation shown in the alert timeline in the app',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [actingUserOption, rateLimitWaitOption, searchWindowOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['alert'], operation: ['annotate'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	await requireApiKey.call(this, itemIndex, 'Annotate');
	const text = String(this.getNodeParameter('text', itemIndex, '') ?? '').trim();
	if (!text) throw new NodeOperationError(this.getNode(), 'The annotation text is empty', { itemIndex });
	if (text.length > MAX_ANNOTATION_LENGTH) {
		throw new NodeOperationError(this.getNode(), `The annotation is ${text.length} characters; at most ${MAX_ANNOTATION_LENGTH} are sent`, { itemIndex });
	}
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const policy = requestPolicy(options);
	const alerts = await targetAlerts.call(this, itemIndex, policy, options);
	const userId = await resolveUserId.call(this, itemIndex, String(options.user ?? ''), policy);
	const results: INodeExecutionData[] = [];
	for (const alert of alerts) {
		const response = await signl4Request<IDataObject>(this, {
			channel: 'api',
			method: 'POST',
			path: `/alerts/${pathSegment(String(alert.id), 'alert ID', this, itemIndex)}/annotate`,
			body: { text, ...(userId ? { userId } : {}) },
			action: 'annotate the alert',
			itemIndex,
			timeoutMs: policy.timeoutMs,
			rateLimit: policy.rateLimit,
		});
		const annotation = response.body ?? {};
		results.push({
			json: {
				...shapeAlertInfo(alert),
				annotation: { id: annotation.id ?? null, text: annotation.text ?? text, timestamp: annotation.timestamp ?? null, userId: annotation.userId ?? userId ?? null },
			},
		});
	}
	return results;
}
