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
import { buildEvidenceAnnotation, isSentinelIncident } from '../../helpers/message';
import { requestPolicy, requireApiKey, resolveUserId } from '../../helpers/context';
import { targetAlerts } from '../../helpers/statusChange';

/** SIGNL4 annotations are short notes in the app's alert timeline; keep them phone-sized. */
const MAX_ANNOTATION_LENGTH = 4_000;

const properties: INodeProperties[] = [
	apiKeyNotice,
	...alertReferenceFields(),
	{
		displayName: 'Annotation',
		name: 'annotation',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Text', value: 'text', description: 'The text below' },
			{
				name: "The Incident's Evidence",
				value: 'incidentEvidence',
				description:
					"The input incident's entities, alerts and Log Analytics summary, as Send puts them in a Signl: for incidents paged before their details were read (Microsoft Sentinel Trigger: In a Storm → Page First, Details After)",
			},
		],
		default: 'text',
	},
	{
		displayName: 'Text',
		name: 'text',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		description: 'The annotation shown in the alert timeline in the app',
		displayOptions: { show: { annotation: ['text'] } },
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

/** The annotation to write: the text given, or the input incident's evidence. */
function annotationText(context: IExecuteFunctions, itemIndex: number): string {
	if (context.getNodeParameter('annotation', itemIndex, 'text') === 'incidentEvidence') {
		const item = context.getInputData()[itemIndex]?.json ?? {};
		if (!isSentinelIncident(item)) {
			throw new NodeOperationError(context.getNode(), 'The input item is not a Microsoft Sentinel incident', {
				itemIndex,
				description: "The Incident's Evidence reads the incident's entities, alerts and Log Analytics summary from the input item.",
			});
		}
		const evidence = buildEvidenceAnnotation(item, MAX_ANNOTATION_LENGTH);
		if (!evidence) {
			throw new NodeOperationError(context.getNode(), `Incident ${String(item.incidentNumber ?? '')} has no evidence to add`, {
				itemIndex,
				description: 'Read its alerts and entities first (Microsoft Sentinel → Get with Include Alerts and Include Entities).',
			});
		}
		return evidence;
	}
	const text = String(context.getNodeParameter('text', itemIndex, '') ?? '').trim();
	if (!text) throw new NodeOperationError(context.getNode(), 'The annotation text is empty', { itemIndex });
	return text;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	await requireApiKey.call(this, itemIndex, 'Annotate');
	const text = annotationText(this, itemIndex);
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
