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

/**
 * What Enrich Incident must produce for each alert of an emulator incident, worked out from the emulator's own state
 * and never from the node's output: the analytics rule's query as Sentinel stores it (`additionalData.Query`), its
 * recorded window (`Query Start/End Time UTC`), that query pinned to the window's end (`set query_now`), and the rows
 * the emulator's tables hold for it over that window.
 */
export interface ExpectedAlertEvidence {
	alertName: string;
	ruleQuery?: string;
	query?: string;
	timespan?: string;
	rows: Array<Record<string, unknown>>;
	error?: string;
}

export function expectedEvidence(emu: Emulator, incidentName: string): ExpectedAlertEvidence[] {
	return emu.sentinel.alerts(incidentName).map((alert) => {
		const data = (alert.properties.additionalData ?? {}) as Record<string, string>;
		const ruleQuery = data.Query;
		if (!ruleQuery) return { alertName: alert.name, rows: [] };
		const utc = (text: string) => new Date(`${text.trim().replace(' ', 'T').replace(/Z?$/, 'Z')}`).toISOString();
		const start = utc(data['Query Start Time UTC']);
		const end = utc(data['Query End Time UTC']);
		const timespan = `${start}/${end}`;
		// Sentinel records scheduled-rule queries already pinned (`set query_now = …;`), and those run as recorded;
		// others get the window's end as a KQL datetime literal (100-ns precision: the milliseconds and four zeros).
		const query = /^set query_now = /.test(ruleQuery) ? ruleQuery : `set query_now = datetime(${end.replace(/\.(\d{3})Z$/, '.$10000Z')});\n${ruleQuery}`;
		try {
			return { alertName: alert.name, ruleQuery, query, timespan, rows: expectedRows(emu, query, timespan) };
		} catch (error) {
			// A query the engine refuses (the test's deliberately broken rules): no rows, and why.
			return { alertName: alert.name, ruleQuery, query, timespan, rows: [], error: (error as Error).message };
		}
	});
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
