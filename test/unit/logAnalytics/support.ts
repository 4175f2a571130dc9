// Shared set-up for the Azure Log Analytics node tests: the node run through n8n-core against the emulator, and
// incident items shaped exactly as the Microsoft Sentinel Trigger emits them.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AzureLogAnalytics } from '../../../nodes/AzureLogAnalytics/AzureLogAnalytics.node';
import { parseWorkspaceId } from '../../../nodes/shared/azure/workspace';
import { shapeIncident } from '../../../nodes/shared/sentinel/incidentShape';
import type { RawAlert, RawIncident } from '../../../nodes/shared/sentinel/types';
import type { Emulator, Incident, IncidentSeed } from '../../emulator';
import { emulatorCredential } from '../../helpers/azureFixtures';
import { runNode, type NodeRun } from '../../helpers/n8nHarness';

export const TYPE_NAME = 'n8n-nodes-sentinel-signl4.azureLogAnalytics';
export const nodeType = new AzureLogAnalytics();

export function credentials(emu: Emulator) {
	return { sentinelSignl4AzureApi: emulatorCredential(emu) };
}

/** The trigger's item for an emulator incident (flat fields, alerts with query and window, raw resources). */
export function incidentItem(emu: Emulator, incident: Incident): IDataObject {
	const workspace = parseWorkspaceId(emu.workspace.armId);
	if (!workspace) throw new Error('bad workspace id');
	const alerts = emu.sentinel.alerts(incident.name) as unknown as RawAlert[];
	return { triggerEvent: 'created', ...shapeIncident(incident as unknown as RawIncident, workspace, { alerts }) };
}

export function createIncidentItem(emu: Emulator, seed: Partial<IncidentSeed>): IDataObject {
	return incidentItem(emu, emu.sentinel.createIncident(seed));
}

export function enrichParameters(overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'incident',
		operation: 'enrich',
		workspace: { __rl: true, mode: 'id', value: '={{ $json.workspace ? $json.workspace.armId : "" }}' },
		incidentId: '={{ $json.incidentName }}',
		options: {},
		...overrides,
	};
}

export function runQueryParameters(emu: Emulator, overrides: INodeParameters = {}): INodeParameters {
	return {
		resource: 'query',
		operation: 'run',
		workspace: { __rl: true, mode: 'workspaceId', value: emu.workspace.customerId },
		query: 'SigninLogs | take 1',
		parameters: {},
		timeRange: 'query',
		maxRows: 1000,
		output: 'rows',
		options: {},
		...overrides,
	};
}

/** After each test: no faults, and the Log Analytics settings a test may have changed back at their defaults. */
export function resetLogAnalytics(emu: Emulator): void {
	emu.faults.clear();
	emu.logAnalytics.settings.tableLatencyMs = {};
	emu.logAnalytics.settings.maxResultRows = 500_000;
	emu.logAnalytics.settings.deniedWorkspaces = [];
}

export function run(emu: Emulator, parameters: INodeParameters, input: IDataObject[] = [{}], continueOnFail = false): Promise<NodeRun> {
	return runNode({ nodeType, typeName: TYPE_NAME, nodeName: 'Azure Log Analytics', parameters, credentials: credentials(emu), input, continueOnFail });
}

/** An alert whose scheduled-rule `Query` is replaced (e.g. by one that fails), keeping a realistic window. */
export function alertWithQuery(query: string, windowHours = 2): IncidentSeed['alerts'][number] {
	const end = new Date(Date.now() - 60_000);
	const start = new Date(end.getTime() - windowHours * 3_600_000);
	const spaced = (d: Date) => d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
	return {
		scheduledRule: 'encoded-powershell',
		additionalData: {
			Query: query,
			'Query Period': `0${windowHours}:00:00`,
			'Query Start Time UTC': spaced(start),
			'Query End Time UTC': spaced(end),
		},
	};
}

/** The in-process answer of the emulator for an alert's query over its window: what the tables hold. */
export function expectedRows(emu: Emulator, query: string, timespan: string): Array<Record<string, unknown>> {
	const body = emu.logAnalytics.query(query, { timespan });
	const table = body.tables[0];
	return table.rows.map((row) =>
		Object.fromEntries(
			table.columns.map((column, index) => {
				const cell = row[index];
				return [column.name, column.type === 'dynamic' && typeof cell === 'string' ? JSON.parse(cell) : cell];
			}),
		),
	);
}

export type Enrichment = {
	summary: string;
	alertsSource?: 'sentinel' | 'inputItem';
	warnings: string[];
	queriedAt: string;
	alerts: Array<{
		alertName: string | null;
		displayName: string;
		status: string;
		query?: string;
		timespan?: string;
		totalRows?: number;
		columns?: string[];
		rows?: Array<Record<string, unknown>>;
		summary: string;
		warning?: string;
		error?: string;
	}>;
};

export function enrichmentOf(json: IDataObject): Enrichment {
	return json.enrichment as unknown as Enrichment;
}
