import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { toGraphNodeError } from '../../shared/graph/errors';
import * as alert from './alert';
import * as incident from './incident';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<IDataObject[]>;

const operations: Record<string, Record<string, Operation>> = {
	incident: {
		addComment: incident.addComment.execute,
		get: incident.get.execute,
		getAlerts: incident.getAlerts.execute,
		getMany: incident.getMany.execute,
		update: incident.update.execute,
	},
	alert: {
		addComment: alert.addComment.execute,
		get: alert.get.execute,
		getMany: alert.getMany.execute,
		update: alert.update.execute,
	},
};

/** The error as n8n shows it, tagged with the item it belongs to. */
function itemError(context: IExecuteFunctions, error: unknown, itemIndex: number, resource: string, operation: string): NodeApiError | NodeOperationError {
	const nodeError = toGraphNodeError(context.getNode(), error, {
		action: `run ${operation} on Defender XDR ${resource}s`,
		permission: resource === 'alert' ? 'SecurityAlert.ReadWrite.All' : 'SecurityIncident.ReadWrite.All',
		itemIndex,
	});
	if (nodeError.context.itemIndex === undefined) nodeError.context.itemIndex = itemIndex;
	return nodeError;
}

/** Under "Continue (using error output)": what a workflow can branch on — the item, the HTTP status, what to do. */
function errorItem(error: NodeApiError | NodeOperationError, itemIndex: number, resource: string, operation: string): IDataObject {
	const httpCode = error instanceof NodeApiError ? error.httpCode : undefined;
	const status = httpCode && /^\d{3}$/.test(httpCode) ? Number(httpCode) : null;
	return { error: error.message, description: error.description ?? null, statusCode: status, itemIndex, resource, operation };
}

/**
 * Runs the chosen operation for every input item, in order: two items updating the same incident's tags must not
 * race each other (Graph has no etag to catch it).
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
			const nodeError = itemError(this, error, itemIndex, resource, operation);
			if (!this.continueOnFail()) throw nodeError;
			out.push({
				json: errorItem(nodeError, itemIndex, resource, operation),
				...(this.getNode().onError === 'continueErrorOutput' ? { error: nodeError } : {}),
				pairedItem: { item: itemIndex },
			});
		}
	}
	return [out];
}
