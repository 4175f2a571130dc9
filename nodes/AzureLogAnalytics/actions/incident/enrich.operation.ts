import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { assertPathSegment } from '../../../shared/azure/armTransport';
import { describeAzureError, toNodeError } from '../../../shared/azure/errors';
import { parseWorkspaceId, type WorkspaceRef } from '../../../shared/azure/workspace';
import { LogAnalyticsConnection } from '../../../shared/logAnalytics/connection';
import { describeLogsError } from '../../../shared/logAnalytics/errors';
import { LogsQueryError } from '../../../shared/logAnalytics/transport';
import { SentinelConnection } from '../../../shared/sentinel/connection';
import { shapeAlert } from '../../../shared/sentinel/incidentShape';
import { listIncidentAlerts } from '../../../shared/sentinel/incidentsApi';
import { logAnalyticsWorkspace } from '../../descriptions/workspace';
import {
	alertDisplayName,
	alertSummary,
	alertWindow,
	incidentSummary,
	type AlertEnrichment,
	type AlertInput,
	type IncidentEnrichment,
} from '../../helpers/enrichment';
import { pinQueryTime } from '../../helpers/kql';
import { settle } from '../../../shared/concurrency';
import { clampInteger } from '../../helpers/numbers';
import { parseColumnList, primaryTable, shapeTable } from '../../helpers/results';
import { chooseAlertSource, TRUST_AS_TOOL_OPTION, TRUST_OPTION, type AlertSource } from '../../helpers/trust';
import { readWorkspace } from '../../helpers/workspace';

const properties: INodeProperties[] = [
	logAnalyticsWorkspace({
		// The incident item knows its workspace (the Microsoft Sentinel Trigger writes `workspace.armId`).
		default: { mode: 'id', value: '={{ $json.workspace ? $json.workspace.armId : "" }}' },
		description:
			"The Log Analytics workspace of the incident. By default the incident item's own workspace; or pick one, give its resource ID, a portal link, or its workspace ID (GUID).",
	}),
	{
		displayName: 'Incident ID',
		name: 'incidentId',
		type: 'string',
		default: '={{ $json.incidentName }}',
		description:
			"The incident (its name, a GUID). Its alerts, with their analytics rules' queries, are read from Microsoft Sentinel in the workspace above: the queries that run are the rules' own, never text from the input item.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Columns to Keep',
				name: 'columns',
				type: 'string',
				default: '',
				placeholder: 'UserPrincipalName, IPAddress, Computer',
				description: 'Comma-separated column names. Leave empty to keep every column of the result.',
			},
			{
				displayName: "Evaluate at the Alert's Time",
				name: 'pinQueryTime',
				type: 'boolean',
				default: true,
				description:
					"Whether to run each query as of the end of the alert's window (set query_now), so now() and ago() in the rule mean what they meant when the alert fired",
			},
			{
				displayName: 'Include Query Text',
				name: 'includeQuery',
				type: 'boolean',
				default: true,
				description: 'Whether to add the query that was run to each alert in the output',
			},
			{
				displayName: 'Query Timeout (Seconds)',
				name: 'queryTimeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: 60,
				description: 'Log Analytics stops a query after this long (Prefer: wait); the alert is then marked as timed out and the rest go on',
			},
			{
				displayName: 'Rows per Alert',
				name: 'rowsPerAlert',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1000 },
				default: 10,
				description: "How many of each query's rows to keep in the output (the total is always reported)",
			},
			{
				displayName: 'Summary Length Limit',
				name: 'summaryMaxLength',
				type: 'number',
				typeOptions: { minValue: 100, maxValue: 10000 },
				default: 1000,
				description: 'Maximum characters of the multi-line summary (what a SIGNL4 alert shows)',
			},
			{
				displayName: TRUST_OPTION,
				name: 'trustItemQueries',
				type: 'boolean',
				default: false,
				description:
					"Whether to run the queries listed in the input item's `alerts` instead of reading the alerts from Microsoft Sentinel (saves one Resource Manager call per incident). A query runs with the credential's rights over the whole workspace and its rows go into the output: turn this on only when every item comes from the Microsoft Sentinel Trigger or Microsoft Sentinel node, never from a webhook, a form or an AI agent.",
			},
			{
				displayName: TRUST_AS_TOOL_OPTION,
				name: 'trustItemQueriesAsTool',
				type: 'boolean',
				default: false,
				description:
					"Whether Trust Queries in the Input Item also applies when an AI agent uses this node as a tool. Off: the agent's input never decides which query runs, the alerts are always read from Microsoft Sentinel.",
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['incident'], operation: ['enrich'] } }, properties);

interface EnrichOptions {
	rowsPerAlert: number;
	columns: string[];
	queryTimeout: number;
	pinQueryTime: boolean;
	includeQuery: boolean;
	abortSignal?: AbortSignal;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isSignInFailure(error: unknown): boolean {
	return !(error instanceof LogsQueryError) && /^Could not sign in/.test(describeAzureError(error, { action: 'query Log Analytics' }).message);
}

async function enrichAlert(connection: LogAnalyticsConnection, workspaceId: string, alert: AlertInput, options: EnrichOptions): Promise<AlertEnrichment> {
	const displayName = alertDisplayName(alert);
	const base = { alertName: text(alert.alertName) ?? null, displayName };
	const query = text(alert.query);
	if (!query) {
		return { ...base, status: 'noQuery', summary: alertSummary(displayName, { status: 'noQuery', productName: text(alert.productName) }) };
	}
	const window = alertWindow(alert);
	const timespan = `${window.start.toISOString()}/${window.end.toISOString()}`;
	let sent = query;
	if (options.pinQueryTime) {
		try {
			sent = pinQueryTime(query, window.end);
		} catch {
			// A window end outside KQL's datetime range: run the query unpinned rather than not at all.
			sent = query;
		}
	}
	const shown = { ...(options.includeQuery ? { query: sent } : {}), timespan };
	const warnings: string[] = window.note ? [window.note] : [];
	const settled = await settle(() =>
		connection.query({
			workspaceId,
			query: sent,
			timespan: { start: window.start, end: window.end },
			serverTimeoutSeconds: options.queryTimeout,
			abortSignal: options.abortSignal,
		}),
	);
	if (settled.ok) {
		const outcome = settled.value;
		if (outcome.status === 'timeout') {
			warnings.unshift(
				`The query ran longer than the ${outcome.serverTimeoutSeconds}-second server timeout and was cancelled; nothing was returned. Raise Query Timeout or narrow the rule's query.`,
			);
			return {
				...base,
				status: 'timeout',
				...shown,
				summary: alertSummary(displayName, { status: 'timeout', timeoutSeconds: outcome.serverTimeoutSeconds }),
				warning: warnings.join(' '),
			};
		}
		const table = primaryTable(outcome.tables);
		const shaped = table ? shapeTable(table, { limit: options.rowsPerAlert, columns: options.columns }) : undefined;
		const totalRows = shaped?.totalRows ?? 0;
		if (outcome.status === 'partial') {
			const reason = outcome.error.innermost?.message ?? outcome.error.message ?? 'no details given';
			warnings.unshift(
				`Partial result: Log Analytics reported ${outcome.error.codes.join(' / ') || 'an error'} (${reason.length > 200 ? `${reason.slice(0, 199)}…` : reason}). Only the ${totalRows.toLocaleString('en-US')} rows it returned are counted; more may exist.`,
			);
		}
		if (outcome.status === 'noData') warnings.unshift('The workspace has no data at all (Log Analytics answered 204 No Content).');
		if (shaped?.missingColumns.length) warnings.push(`Columns not in the result: ${shaped.missingColumns.join(', ')}.`);
		const firstRow = table ? shapeTable(table, { limit: 1, columns: options.columns }).rows[0] : undefined;
		return {
			...base,
			status: outcome.status === 'partial' ? 'partial' : 'ok',
			...shown,
			totalRows,
			columns: shaped?.columns.map((c) => c.name) ?? [],
			rows: shaped?.rows ?? [],
			summary: alertSummary(displayName, {
				status: outcome.status === 'partial' ? 'partial' : 'ok',
				totalRows,
				firstRow,
				noData: outcome.status === 'noData',
			}),
			...(warnings.length ? { warning: warnings.join(' ') } : {}),
		};
	}
	// A credential that cannot sign in fails the item; anything about this one query stays with this alert.
	const error = settled.error;
	if (isSignInFailure(error) || options.abortSignal?.aborted) throw error;
	const described = describeLogsError(error, `run the query of alert '${displayName}'`);
	return {
		...base,
		status: 'failed',
		...shown,
		summary: alertSummary(displayName, { status: 'failed', reason: described.code ?? described.httpCode ?? 'error' }),
		error: described.description ? `${described.message}. ${described.description}` : described.message,
		...(warnings.length ? { warning: warnings.join(' ') } : {}),
	};
}

async function readAlerts(context: IExecuteFunctions, itemIndex: number, json: IDataObject, arm: WorkspaceRef | undefined): Promise<AlertInput[]> {
	const incidentId = text(context.getNodeParameter('incidentId', itemIndex, '') as unknown);
	if (!incidentId) {
		throw new NodeOperationError(context.getNode(), 'The input item has no incident ID', {
			description: `Enrich Incident reads the alerts and their analytics rules' queries from Microsoft Sentinel by the incident's name: connect the Microsoft Sentinel Trigger or set Incident ID to the incident's name (GUID). Only for items from a trusted source, '${TRUST_OPTION}' runs the queries the item lists instead.`,
			itemIndex,
		});
	}
	const itemWorkspace = json.workspace as { armId?: unknown } | undefined;
	const workspace = arm ?? (typeof itemWorkspace?.armId === 'string' ? parseWorkspaceId(itemWorkspace.armId) : undefined);
	if (!workspace) {
		throw new NodeOperationError(context.getNode(), "Reading the incident's alerts needs the workspace's resource ID", {
			description: 'A workspace ID (GUID) is enough to query Log Analytics, but Microsoft Sentinel addresses incidents through the workspace resource: pick the workspace from the list or by resource ID.',
			itemIndex,
		});
	}
	// The ID becomes a path segment of an ARM URL: refuse what is not a name before any request (a dot segment would
	// address another resource, half a surrogate pair cannot be encoded at all).
	let pathSafe = !/^\.{1,2}$/.test(incidentId) && !LONE_SURROGATE.test(incidentId);
	try {
		assertPathSegment(incidentId, 'incident ID');
	} catch {
		pathSafe = false;
	}
	if (!pathSafe) {
		throw new NodeOperationError(context.getNode(), 'Not an incident name', {
			description: "The Incident ID (by default the input item's incidentName) must be the incident's name, a GUID such as 73e01a99-5cd7-4139-a149-9f2736ff2ab5.",
			itemIndex,
		});
	}
	const action = `read the alerts of incident '${incidentId}'`;
	const connection = await SentinelConnection.open(context, workspace, itemIndex);
	const alerts = await connection.call(action, (client) => listIncidentAlerts(client, workspace, incidentId));
	return alerts.map((alert) => shapeAlert(alert) as AlertInput);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const json = this.getInputData()[itemIndex].json;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const settings: EnrichOptions = {
		rowsPerAlert: clampInteger(options.rowsPerAlert, 10, 0, 1000),
		columns: parseColumnList(options.columns),
		queryTimeout: clampInteger(options.queryTimeout, 60, 1, 600),
		pinQueryTime: options.pinQueryTime !== false,
		includeQuery: options.includeQuery !== false,
		abortSignal: this.getExecutionCancelSignal?.(),
	};
	const summaryMaxLength = clampInteger(options.summaryMaxLength, 1000, 100, 10000);
	const queriedAt = new Date().toISOString();
	const workspace = readWorkspace(this, itemIndex);

	// The queries come from Microsoft Sentinel unless the user declared the items trusted (see helpers/trust.ts).
	const decision = chooseAlertSource({ nodeType: this.getNode().type, itemHasAlerts: Array.isArray(json.alerts), options });
	const alertsSource: AlertSource = decision.source;
	const alerts: AlertInput[] =
		alertsSource === 'inputItem'
			? (json.alerts as unknown[]).filter((alert): alert is AlertInput => !!alert && typeof alert === 'object')
			: await readAlerts(this, itemIndex, json, workspace.arm);
	const notes = decision.note ? [decision.note] : [];

	let enrichment: IncidentEnrichment;
	if (alerts.length === 0) {
		enrichment = { summary: incidentSummary([]), alerts: [], warnings: [...notes, 'The incident has no alerts; nothing was queried.'], queriedAt, alertsSource };
	} else {
		const connection = await LogAnalyticsConnection.open(this, itemIndex);
		let workspaceId: string;
		try {
			workspaceId = await connection.workspaceId(workspace.target);
		} catch (error) {
			const name = workspace.arm?.workspaceName ?? 'the workspace';
			throw toNodeError(this.getNode(), error, { action: `look up the Log Analytics workspace ID of '${name}'`, itemIndex });
		}
		let results: AlertEnrichment[];
		try {
			// All alerts at once: the connection's limiter keeps the principal at 5 running queries whatever comes in.
			results = await Promise.all(alerts.map((alert) => enrichAlert(connection, workspaceId, alert, settings)));
		} catch (error) {
			throw toNodeError(this.getNode(), error, { action: 'query Log Analytics', itemIndex, api: 'logAnalytics' });
		}
		const warnings = [
			...notes,
			...results.flatMap((alert) => [
				...(alert.error ? [`${alert.displayName}: ${alert.error}`] : []),
				...(alert.warning ? [`${alert.displayName}: ${alert.warning}`] : []),
			]),
		];
		enrichment = { summary: incidentSummary(results, summaryMaxLength), alerts: results, warnings, queriedAt, alertsSource };
	}
	return [{ json: { ...json, enrichment: enrichment as unknown as IDataObject }, pairedItem: { item: itemIndex } }];
}
