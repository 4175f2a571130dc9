import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { toNodeError } from '../../shared/azure/errors';
import { sessionFor } from '../../shared/azure/session';
import { mapWithConcurrency, settle } from '../../shared/concurrency';
import * as incident from './incident';
import * as query from './query';
import * as record from './record';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

const operations: Record<string, Operation> = {
	'incident.enrich': incident.enrich.execute,
	'query.run': query.run.execute,
};

/**
 * Items are processed a few at a time. How many queries really run at once is decided per principal by the Log
 * Analytics limiter (5), shared with every other item, alert and execution in this n8n process.
 */
const ITEM_CONCURRENCY = 4;

function errorJson(error: NodeApiError | NodeOperationError): IDataObject {
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...(error instanceof NodeApiError && error.httpCode ? { httpCode: error.httpCode } : {}),
	};
}

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	// Records are sent together, not item by item: they share requests of up to 1 MB (each item's outcome is kept).
	if (resource === 'record' && operation === 'send') return [await record.send.executeAll.call(this)];
	const run = operations[`${resource}.${operation}`];
	if (!run) throw new NodeOperationError(this.getNode(), `The operation '${operation}' of '${resource}' is not supported`);

	// Items run side by side: sign in once first, so they share one credential session (one token, one workspace-ID
	// cache, one query limiter) instead of each starting its own.
	await settle(() => sessionFor(this, 0));
	const outcomes = await mapWithConcurrency(items, ITEM_CONCURRENCY, (_item, itemIndex) => settle(() => run.call(this, itemIndex)));
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < outcomes.length; itemIndex++) {
		const outcome = outcomes[itemIndex];
		if (outcome.ok) {
			output.push(...outcome.value);
			continue;
		}
		const error = toNodeError(this.getNode(), outcome.error, { action: `${operation} (item ${itemIndex + 1})`, itemIndex, api: 'logAnalytics' });
		if (!this.continueOnFail()) throw error;
		// "Continue (using error output)" routes an item to the error output by this field (n8n then keeps only the
		// message in `json`, merged with the input item); "Continue" keeps the fields below.
		const routed = this.getNode().onError === 'continueErrorOutput' ? { error } : {};
		if (resource === 'incident') {
			// The incident still goes on (to SIGNL4, say) with the reason its evidence is missing.
			const json = items[itemIndex].json;
			output.push({
				json: {
					...json,
					enrichment: {
						summary: `Log Analytics enrichment failed: ${error.message}`,
						alerts: [],
						warnings: [error.description ? `${error.message}. ${error.description}` : error.message],
						queriedAt: new Date().toISOString(),
					},
					...errorJson(error),
				},
				...routed,
				pairedItem: { item: itemIndex },
			});
		} else {
			output.push({ json: errorJson(error), ...routed, pairedItem: { item: itemIndex } });
		}
	}
	return [output];
}
