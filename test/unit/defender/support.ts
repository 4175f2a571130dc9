/** Shared setup for the Microsoft Defender XDR node tests: the node run through n8n-core against the emulator's Graph security API. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MicrosoftDefenderXdr } from '../../../nodes/MicrosoftDefenderXdr/MicrosoftDefenderXdr.node';
import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import { startEmulator, type Emulator, type RecordedRequest } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { runNode, type NodeRun } from '../../helpers/n8nHarness';

export const TYPE = 'n8n-nodes-sentinel-signl4.microsoftDefenderXdr';

export async function startDefenderEmulator(): Promise<Emulator> {
	clearAzureSessions();
	return startEmulator();
}

export function resetEmulator(emu: Emulator): void {
	emu.faults.clear();
	emu.clearRequests();
}

export interface RunOptions {
	input?: IDataObject[];
	continueOnFail?: boolean;
	credential?: Record<string, string>;
}

export function run(emu: Emulator, resource: 'incident' | 'alert', operation: string, parameters: INodeParameters, options: RunOptions = {}): Promise<NodeRun> {
	return runNode({
		nodeType: new MicrosoftDefenderXdr(),
		typeName: TYPE,
		nodeName: 'Microsoft Defender XDR',
		parameters: { resource, operation, ...parameters },
		credentials: { sentinelSignl4AzureApi: emulatorCredential(emu, options.credential) },
		input: options.input,
		continueOnFail: options.continueOnFail,
	});
}

export const json = (result: NodeRun) => result.items.map((item) => item.json);

/** The Graph security requests the node sent (no token requests), in order. */
export function graphRequests(emu: Emulator): RecordedRequest[] {
	return emu.requests.filter((request) => String(request.route).startsWith('graph.security.'));
}

/** Method, path and query of each Graph security request: what the assertions compare. */
export function wire(emu: Emulator): Array<{ method: string; path: string; query: Record<string, string>; body?: unknown }> {
	return graphRequests(emu).map((request) => ({ method: request.method, path: request.path, query: request.query, ...(request.body !== undefined ? { body: request.body } : {}) }));
}

export const byId = (value: string) => ({ __rl: true, mode: 'id', value });
