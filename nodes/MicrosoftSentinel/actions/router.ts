import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { toNodeError } from '../../shared/azure/errors';
import * as incident from './incident';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject[]>;

const operations: Record<string, Record<string, Operation>> = {
	incident: {
		addComment: incident.addComment.execute,
		get: incident.get.execute,
		getAlerts: incident.getAlerts.execute,
		getComments: incident.getComments.execute,
		getEntities: incident.getEntities.execute,
		getMany: incident.getMany.execute,
		update: incident.update.execute,
	},
};

/** The error as n8n shows it, tagged with the item it belongs to. */
function itemError(context: IExecuteFunctions, error: unknown, itemIndex: number, operation: string): NodeApiError | NodeOperationError {
	const nodeError =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: toNodeError(context.getNode(), error, { action: `run ${operation}`, itemIndex });
	if (nodeError.context.itemIndex === undefined) nodeError.context.itemIndex = itemIndex;
	return nodeError;
}

/** Under "Continue (using error output)": what a workflow can branch on — the item, the HTTP status, what to do. */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number, operation: string, input: IDataObject): IDataObject {
	const httpCode = error instanceof NodeApiError ? error.httpCode : undefined;
	const status = httpCode && /^\d{3}$/.test(httpCode) ? Number(httpCode) : null;
	return {
		error: error.message,
		description: error.description ?? null,
		statusCode: status,
		itemIndex,
		operation,
		incidentName: typeof input.incidentName === 'string' ? input.incidentName : null,
	};
}

/**
 * Runs the chosen operation for every input item, in order. Items are handled one after another on purpose: two
 * items updating the same incident must not race each other into conflicts.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const resource = this.getNodeParameter('resource', itemIndex) as string;
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		try {
			const run = operations[resource]?.[operation];
			if (!run) throw new NodeOperationError(this.getNode(), `The operation '${operation}' is not supported`, { itemIndex });
			const results = await run.call(this, itemIndex);
			out.push(...results.map((json) => ({ json, pairedItem: { item: itemIndex } })));
		} catch (error) {
			const nodeError = itemError(this, error, itemIndex, operation);
			if (!this.continueOnFail()) throw nodeError;
			out.push({
				json: errorItem(nodeError, itemIndex, operation, items[itemIndex].json),
				// "Continue (using error output)" routes an item to the error output by this field (n8n then keeps only the
				// message in `json`, merged with the input item); "Continue" keeps the fields above.
				...(this.getNode().onError === 'continueErrorOutput' ? { error: nodeError } : {}),
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [out];
}
