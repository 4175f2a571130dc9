/**
 * One error shape for every action node: under "On Error: Continue (using error output)" a failed item leaves on
 * the error output (so a workflow never treats it as done: workflow 1 tags only incidents whose Signl was raised),
 * the others go on; under "Continue" the failed item stays on the main output with its fields to branch on.
 */
import type { IDataObject } from 'n8n-workflow';

import { AzureLogAnalytics } from '../../../nodes/AzureLogAnalytics/AzureLogAnalytics.node';
import { MicrosoftSentinel } from '../../../nodes/MicrosoftSentinel/MicrosoftSentinel.node';
import { startEmulator, type Emulator } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { runNode } from '../../helpers/n8nHarness';

let emu: Emulator;
beforeAll(async () => {
	emu = await startEmulator();
});
afterAll(() => emu.stop());

const credentials = () => ({ sentinelSignl4AzureApi: emulatorCredential(emu) });
const item = (incidentName: string): IDataObject => ({ incidentName, workspace: { armId: emu.workspace.armId } });
const MISSING = '00000000-0000-4000-8000-00000000dead';

describe.each([
	{
		node: 'Microsoft Sentinel (Update)',
		nodeType: new MicrosoftSentinel(),
		typeName: 'n8n-nodes-sentinel-signl4.microsoftSentinel',
		parameters: { resource: 'incident', operation: 'update', tagAction: 'add', tags: 'SIGNL4', updateFields: {} },
	},
	{
		node: 'Azure Log Analytics (Enrich Incident)',
		nodeType: new AzureLogAnalytics(),
		typeName: 'n8n-nodes-sentinel-signl4.azureLogAnalytics',
		parameters: { resource: 'incident', operation: 'enrich', options: {} },
	},
])('$node', ({ nodeType, typeName, parameters }) => {
	const input = () => {
		const [a, b] = [emu.sentinel.createIncident(), emu.sentinel.createIncident()];
		return { names: [a.name, b.name], items: [item(a.name), item(MISSING), item(b.name)] };
	};

	it('with the error output: the missing incident leaves there, the other two go on', async () => {
		const { items } = input();
		const { outputs, error } = await runNode({ nodeType, typeName, parameters, credentials: credentials(), input: items, errorOutput: true });
		expect(error).toBeUndefined();
		expect(outputs[0].map((output) => output.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(outputs[1].map((output) => output.pairedItem)).toEqual([{ item: 1 }]);
		// In a workflow n8n merges the input item's fields into it (here the node has no previous node to merge from).
		expect(outputs[1][0].json).toEqual({ error: expect.stringMatching(/not found|no incident/i) });
	});

	it('with "Continue": the failed item stays on the main output with its error fields', async () => {
		const { items } = input();
		const { outputs } = await runNode({ nodeType, typeName, parameters, credentials: credentials(), input: items, continueOnFail: true });
		expect(outputs).toHaveLength(1);
		expect(outputs[0]).toHaveLength(3);
		expect(outputs[0][1].json).toMatchObject({ error: expect.stringMatching(/not found|no incident/i) });
		expect(Object.keys(outputs[0][1].json).length).toBeGreaterThan(1);
	});
});
