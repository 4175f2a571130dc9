/** The n8n-core harness itself: expressions, pairing and continueOnFail behave as n8n's engine makes them. */
import { NodeConnectionTypes, NodeOperationError, type IExecuteFunctions, type INodeExecutionData, type INodeType, type INodeTypeDescription } from 'n8n-workflow';

import { runNode } from '../helpers/n8nHarness';

class EchoNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Echo',
		name: 'echo',
		group: ['transform'],
		version: 1,
		description: 'test node',
		defaults: { name: 'Echo' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Value', name: 'value', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			const value = this.getNodeParameter('value', i) as string;
			try {
				if (value === 'bad') throw new NodeOperationError(this.getNode(), 'bad value', { itemIndex: i });
				out.push({ json: { value }, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

const base = { nodeType: new EchoNode(), typeName: 'test.echo', credentials: {} };

describe('runNode harness', () => {
	it('evaluates expressions per item and keeps pairing', async () => {
		const { items } = await runNode({ ...base, parameters: { value: '={{ $json.name }}!' }, input: [{ name: 'a' }, { name: 'b' }] });
		expect(items.map((i) => [i.json.value, i.pairedItem])).toEqual([
			['a!', { item: 0 }],
			['b!', { item: 1 }],
		]);
	});

	it('records the error when the node fails, and continues when told to', async () => {
		const failed = await runNode({ ...base, parameters: { value: '={{ $json.v }}' }, input: [{ v: 'ok' }, { v: 'bad' }] });
		expect(failed.error?.message).toBe('bad value');
		const continued = await runNode({ ...base, parameters: { value: '={{ $json.v }}' }, input: [{ v: 'ok' }, { v: 'bad' }], continueOnFail: true });
		expect(continued.items.map((i) => i.json)).toEqual([{ value: 'ok' }, { error: 'bad value' }]);
	});
});
