import {
	NodeApiError,
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type JsonObject,
} from 'n8n-workflow';

import { forgetAzureSession } from '../../../shared/azure/credential';
import { describeAzureError, toNodeError } from '../../../shared/azure/errors';
import { sendRecords, type IngestionFailure, type IngestionRecord, type IngestionTarget } from '../../../shared/azure/logsIngestion';
import { sessionFor } from '../../../shared/azure/session';
import { settle } from '../../../shared/concurrency';
import { clampInteger } from '../../helpers/numbers';
import { findTargetProblem, parseColumnList, RecordMappingError, toRecord, type ColumnSelection } from '../../helpers/records';

const properties: INodeProperties[] = [
	{
		displayName: 'Data Collection Endpoint',
		name: 'endpoint',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://my-dce-a1b2.westeurope-1.ingest.monitor.azure.com',
		description: "The Logs Ingestion URL of the data collection endpoint (or of the rule itself), from its Overview page. Not the retired HTTP Data Collector API's workspace URL.",
	},
	{
		displayName: 'Rule Immutable ID',
		name: 'ruleId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'dcr-00000000000000000000000000000000',
		description: "The data collection rule's immutable ID (the rule's JSON View, or the template's output). The credential's service principal needs the Monitoring Metrics Publisher role on this rule.",
	},
	{
		displayName: 'Stream',
		name: 'stream',
		type: 'string',
		default: 'Custom-SIGNL4_CL',
		required: true,
		description: 'The stream the rule declares for these records; for a custom table SIGNL4_CL it is usually Custom-SIGNL4_CL',
	},
	{
		displayName: 'Columns',
		name: 'columns',
		type: 'options',
		options: [
			{ name: 'All Fields', value: 'all', description: "Every top-level field of the item; fields the stream does not declare are dropped by Azure" },
			{ name: 'Selected Fields', value: 'selected', description: 'Only the fields named below' },
		],
		default: 'all',
	},
	{
		displayName: 'Fields to Send',
		name: 'fields',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'TimeGenerated, EventType, SignlId, Severity',
		description: 'Item fields to send as columns of the same name (comma-separated, case-sensitive as in the stream)',
		displayOptions: { show: { columns: ['selected'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Fill TimeGenerated',
				name: 'fillTimeGenerated',
				type: 'boolean',
				default: true,
				description: 'Whether to set TimeGenerated to the time of sending when an item has none (every Log Analytics table needs it)',
			},
			{
				displayName: 'Parallel Requests',
				name: 'maxConcurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 10 },
				default: 2,
				description: 'Requests of up to 1 MB each sent at once when the items need more than one',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['record'], operation: ['send'] } }, properties);

/** What a SOC engineer can do about a refused request. */
export function describeIngestionFailure(failure: IngestionFailure, target: IngestionTarget): { message: string; description: string; httpCode?: string } {
	const code = failure.code ? ` (${failure.code})` : '';
	const httpCode = failure.statusCode ? String(failure.statusCode) : undefined;
	switch (failure.statusCode) {
		case 400:
			return {
				message: `Azure Monitor rejected the records${code}: ${trim(failure.message)}`,
				description: `Check that the rule declares the stream '${target.stream}' and that the fields match its columns and types.`,
				httpCode,
			};
		case 401:
			return { message: `Azure Monitor did not accept the service principal's token${code}`, description: "Check the credential's tenant and cloud; the token's audience is Azure Monitor (monitor.azure.com).", httpCode };
		case 403:
			return {
				message: `The service principal may not send records to the data collection rule ${target.ruleId}${code}`,
				description:
					'Give the credential\'s service principal the Monitoring Metrics Publisher role on the data collection rule (deploy/signl4-history does it); a new role assignment can take up to 30 minutes to apply.',
				httpCode,
			};
		case 404:
			return {
				message: `Azure Monitor does not know the data collection rule ${target.ruleId} at this endpoint${code}`,
				description: "Copy the rule's immutable ID (dcr-…) from its JSON View, and use a data collection endpoint in the rule's region.",
				httpCode,
			};
		case 413:
			return { message: `A record is too large for the Logs Ingestion API${code}`, description: trim(failure.message), httpCode };
		case 429:
			return {
				message: `Azure Monitor kept throttling the records (429)${failure.retryAfterSeconds ? `, asking to wait ${Math.ceil(failure.retryAfterSeconds)} s` : ''}`,
				description: 'The waits Azure asked for ran out; nothing of these records was written. Send them again later.',
				httpCode,
			};
		default: {
			if (failure.statusCode === undefined) {
				const described = describeAzureError(failure.cause, { action: 'send records to Azure Monitor' });
				return { message: described.message, description: `${described.description ?? ''} The records may or may not have been written; they were not sent again.`.trim() };
			}
			return {
				message: `Azure Monitor answered HTTP ${failure.statusCode}${code} to the records`,
				description: 'A temporary Azure fault. The records may or may not have been written, so they were not sent again (that could write them twice).',
				httpCode,
			};
		}
	}
}

function trim(message: string): string {
	const scrubbed = message.replace(/[A-Za-z0-9_-]{80,}(\.[A-Za-z0-9_-]+)*/g, '[redacted]');
	return scrubbed.length > 300 ? `${scrubbed.slice(0, 300)}…` : scrubbed;
}

function readTarget(context: IExecuteFunctions, itemIndex: number): IngestionTarget {
	const target = {
		endpoint: String(context.getNodeParameter('endpoint', itemIndex, '') ?? '').trim().replace(/\/+$/, ''),
		ruleId: String(context.getNodeParameter('ruleId', itemIndex, '') ?? '').trim(),
		stream: String(context.getNodeParameter('stream', itemIndex, '') ?? '').trim(),
	};
	const problem = findTargetProblem(target);
	if (problem) throw new NodeOperationError(context.getNode(), problem, { itemIndex });
	return target;
}

function readSelection(context: IExecuteFunctions, itemIndex: number): ColumnSelection {
	if (context.getNodeParameter('columns', itemIndex, 'all') !== 'selected') return { mode: 'all' };
	const columns = parseColumnList(String(context.getNodeParameter('fields', itemIndex, '') ?? ''));
	if (columns.length === 0) throw new RecordMappingError('Name at least one field to send');
	return { mode: 'selected', columns };
}

type ItemResult = { ok: true; target: IngestionTarget } | { ok: false; error: NodeApiError | NodeOperationError };

/**
 * All items in one go (not item by item): records for the same rule and stream share requests of up to 1 MB. Each
 * item's own outcome is kept, so a refused request fails only the items it carried.
 */
export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const now = new Date();
	const results: ItemResult[] = [];
	const groups = new Map<string, { target: IngestionTarget; indexes: number[]; records: IngestionRecord[] }>();
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const target = readTarget(this, itemIndex);
			const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
			const record = toRecord(items[itemIndex].json, readSelection(this, itemIndex), { fillTimeGenerated: options.fillTimeGenerated !== false, now });
			const key = JSON.stringify([target.endpoint.toLowerCase(), target.ruleId.toLowerCase(), target.stream]);
			const group = groups.get(key) ?? { target, indexes: [], records: [] };
			group.indexes.push(itemIndex);
			group.records.push(record);
			groups.set(key, group);
			results[itemIndex] = { ok: true, target };
		} catch (error) {
			const nodeError =
				error instanceof RecordMappingError
					? new NodeOperationError(this.getNode(), error.message, { itemIndex, description: 'The item was not sent.' })
					: toNodeError(this.getNode(), error, { action: `prepare item ${itemIndex + 1}`, itemIndex });
			if (!this.continueOnFail()) throw nodeError;
			results[itemIndex] = { ok: false, error: nodeError };
		}
	}

	if (groups.size > 0) {
		let session = await sessionFor(this, 0);
		const maxConcurrency = clampInteger((this.getNodeParameter('options', 0, {}) as IDataObject).maxConcurrency, 2, 1, 10);
		for (const group of groups.values()) {
			const options = { maxConcurrency, abortSignal: this.getExecutionCancelSignal?.() };
			const sent = await settle(() => sendRecords(session, group.target, group.records, options));
			// Azure refused the cached token (401): nothing of those records was written, so they go once more with a
			// fresh sign-in.
			const refused = sent.ok ? sent.value.failures.flatMap((failure, position) => (failure?.statusCode === 401 ? [position] : [])) : [];
			if (sent.ok && refused.length > 0) {
				forgetAzureSession(session.fingerprint);
				session = await sessionFor(this, 0);
				const again = await settle(() => sendRecords(session, group.target, refused.map((position) => group.records[position]), options));
				refused.forEach((position, index) => {
					sent.value.failures[position] = again.ok ? again.value.failures[index] : { message: 'not sent', cause: again.error };
				});
			}
			group.indexes.forEach((itemIndex, position) => {
				let failure: IngestionFailure | undefined;
				if (!sent.ok) failure = { message: 'not sent', cause: sent.error };
				else failure = sent.value.failures[position];
				if (!failure) return;
				const error = sent.ok
					? ingestionError(this, failure, group.target, itemIndex)
					: toNodeError(this.getNode(), sent.error, { action: 'send records to Azure Monitor', itemIndex });
				results[itemIndex] = { ok: false, error };
			});
		}
	}

	const failed = results.filter((result) => !result.ok).length;
	if (failed > 0 && !this.continueOnFail()) {
		const first = results.find((result): result is { ok: false; error: NodeApiError | NodeOperationError } => !result.ok) as { ok: false; error: NodeApiError | NodeOperationError };
		const accepted = items.length - failed;
		first.error.description = `${first.error.description ?? ''} ${failed} of ${items.length} records were not written; ${accepted} were (they are not sent again when the node is re-run only for the failed ones).`.trim();
		throw first.error;
	}
	const routed = this.getNode().onError === 'continueErrorOutput';
	return items.map((item, itemIndex) => {
		const result = results[itemIndex];
		if (result.ok) {
			return { json: { ...item.json, logsIngestion: { status: 'accepted', stream: result.target.stream } }, pairedItem: { item: itemIndex } };
		}
		const error = result.error;
		return {
			json: {
				...item.json,
				logsIngestion: { status: 'failed' },
				error: error.message,
				...(error.description ? { description: error.description } : {}),
				...(error instanceof NodeApiError && error.httpCode ? { httpCode: error.httpCode } : {}),
			},
			...(routed ? { error } : {}),
			pairedItem: { item: itemIndex },
		};
	});
}

function ingestionError(context: IExecuteFunctions, failure: IngestionFailure, target: IngestionTarget, itemIndex: number): NodeApiError {
	const { message, description, httpCode } = describeIngestionFailure(failure, target);
	const response: JsonObject = { message };
	if (httpCode) response.httpCode = httpCode;
	return new NodeApiError(context.getNode(), response, { message, description, httpCode, itemIndex });
}
