/** Shared setup for the Microsoft Sentinel node tests: the node run through n8n-core against the emulator. */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { MicrosoftSentinel } from '../../../nodes/MicrosoftSentinel/MicrosoftSentinel.node';
import { clearAzureSessions } from '../../../nodes/shared/azure/credential';
import { startEmulator, type Emulator, type Incident, type RecordedRequest } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { runNode, type NodeRun } from '../../helpers/n8nHarness';

export const TYPE = 'n8n-nodes-sentinel-signl4.microsoftSentinel';

/** A fresh emulator for a test file; no Azure session (token) of an earlier file is reused. */
export async function startNodeEmulator(): Promise<Emulator> {
	clearAzureSessions();
	return startEmulator();
}

/** After each test: no pending between-GET-and-PUT actions, no faults, no recorded requests. */
export function resetEmulator(emu: Emulator): void {
	emu.sentinel.clearBeforePut();
	emu.faults.clear();
	emu.clearRequests();
}

/** What the Microsoft Sentinel Trigger (and the SIGNL4 Trigger) put on an item: the contract's two fields. */
export function triggerItem(emu: Emulator, incident: Incident): IDataObject {
	return { incidentName: incident.name, incidentNumber: incident.properties.incidentNumber, workspace: { armId: emu.workspace.armId, name: emu.workspace.name } };
}

export interface RunOptions {
	input?: IDataObject[];
	continueOnFail?: boolean;
	credential?: Record<string, string>;
}

/** Runs the node with the given operation; parameters not given keep the node's defaults (incident and workspace from the input item). */
export function run(emu: Emulator, operation: string, parameters: INodeParameters, options: RunOptions = {}): Promise<NodeRun> {
	return runNode({
		nodeType: new MicrosoftSentinel(),
		typeName: TYPE,
		nodeName: 'Microsoft Sentinel',
		parameters: { resource: 'incident', operation, ...parameters },
		credentials: { sentinelSignl4AzureApi: emulatorCredential(emu, options.credential) },
		input: options.input,
		continueOnFail: options.continueOnFail,
	});
}

export const json = (result: NodeRun) => result.items.map((item) => item.json);

export function puts(emu: Emulator): RecordedRequest[] {
	return emu.requests.filter((request) => request.route === 'incidents.put');
}

export function writes(emu: Emulator): RecordedRequest[] {
	return emu.requests.filter((request) => request.method !== 'GET' && request.route !== 'token' && !['incidents.alerts', 'incidents.entities'].includes(String(request.route)));
}

export const byNumber = (mode: 'number', value: number) => ({ __rl: true, mode, value: String(value) });
