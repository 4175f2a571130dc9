import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { asNodeError, signl4ErrorContext } from '../../shared/signl4/transport';
import * as alert from './alert';
import type { Signl4OnCallMap } from './node.type';
import * as user from './user';

type Operation = { execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> };

const operations: { [R in keyof Signl4OnCallMap]: Record<Signl4OnCallMap[R], Operation> } = {
	alert: {
		send: alert.send,
		acknowledge: alert.acknowledge,
		resolve: alert.resolve,
		close: alert.close,
		annotate: alert.annotate,
		get: alert.get,
	},
	user: {
		getMany: user.getMany,
	},
};

/**
 * Owns the item loop, pairing and "On Error: Continue": items are processed one after another (SIGNL4's rate
 * limits are per subscription; parallel sends would only meet them sooner). Under "Continue" a failed item becomes
 * `{ error, description, statusCode, deliveryUncertain }`, so a workflow can branch on a 429 or an uncertain send.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0) as keyof Signl4OnCallMap;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = (operations[resource] as Record<string, Operation> | undefined)?.[operation];
	if (!handler) throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const results = await handler.execute.call(this, itemIndex);
			for (const result of results) output.push({ ...result, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.continueOnFail()) {
				const flags = signl4ErrorContext(error) ?? {};
				output.push({
					json: {
						error: (error as Error).message,
						description: (error as { description?: string }).description ?? null,
						statusCode: (flags.statusCode as number | undefined) ?? null,
						deliveryUncertain: flags.deliveryUncertain === true,
					} as IDataObject,
					// "On Error: Continue (using error output)" routes an item to the error output by this field (n8n then
					// keeps only the message in `json`, merged with the input item); "Continue" keeps the fields above.
					...(this.getNode().onError === 'continueErrorOutput' ? { error: asNodeError(this, error, itemIndex) } : {}),
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			throw asNodeError(this, error, itemIndex);
		}
	}
	return [output];
}
