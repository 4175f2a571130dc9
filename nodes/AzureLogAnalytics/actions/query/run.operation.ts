import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { toNodeError } from '../../../shared/azure/errors';
import { LogAnalyticsConnection } from '../../../shared/logAnalytics/connection';
import { toLogsNodeError } from '../../../shared/logAnalytics/errors';
import type { LogsQueryOutcome, LogsTimespan } from '../../../shared/logAnalytics/transport';
import { logAnalyticsWorkspace } from '../../descriptions/workspace';
import { KQL_PARAMETER_TYPES, KqlValueError, withParameters, type KqlParameter, type KqlParameterType } from '../../helpers/kql';
import { settle } from '../../../shared/concurrency';
import { clampInteger } from '../../helpers/numbers';
import { primaryTable, shapeTable } from '../../helpers/results';
import { readWorkspace } from '../../helpers/workspace';

const MAX_ROWS = 500_000;

const properties: INodeProperties[] = [
	logAnalyticsWorkspace({ default: { mode: 'list', value: '' } }),
	{
		displayName: 'Query',
		name: 'query',
		type: 'string',
		typeOptions: { rows: 8 },
		default: '',
		required: true,
		placeholder: 'SigninLogs\n| where ResultType != "0" and UserPrincipalName =~ account\n| project TimeGenerated, IPAddress, AppDisplayName',
		description:
			'KQL. Put values from the input (an account, an IP address…) into Parameters and use them by name: never write them into the query text, where they could change what the query does.',
	},
	{
		displayName: 'Parameters',
		name: 'parameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		default: {},
		description: 'Values the query uses by name; each becomes a correctly escaped let statement (let name = value;) placed before the query',
		options: [
			{
				displayName: 'Parameter',
				name: 'parameter',
				values: [
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'account',
						description: 'Letters, digits and _, starting with a letter or _',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						options: [
							{ name: 'Bool', value: 'bool', description: 'True or false' },
							{ name: 'Datetime', value: 'datetime', description: 'ISO 8601, e.g. 2024-05-01T08:30:00Z' },
							{ name: 'Dynamic', value: 'dynamic', description: 'JSON: an array, object or value' },
							{ name: 'Long', value: 'long', description: 'Whole number' },
							{ name: 'Real', value: 'real', description: 'Number' },
							{ name: 'String', value: 'string', description: 'Text' },
							{ name: 'Timespan', value: 'timespan', description: '30m, 1.5h, 2d, 01:30:00 or PT30M' },
						],
						default: 'string',
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						placeholder: '={{ $json.entities.accounts[0].upn }}',
					},
				],
			},
		],
	},
	{
		displayName: 'Time Range',
		name: 'timeRange',
		type: 'options',
		options: [
			{ name: 'Last…', value: 'last', description: 'A period ending now' },
			{ name: 'Between', value: 'between', description: 'From a start to an end time' },
			{ name: 'Set in the Query', value: 'query', description: "Only the query's own time filters" },
		],
		default: 'last',
		description: "Applied in addition to the query's own time filters",
	},
	{
		displayName: 'Last',
		name: 'lastAmount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 24,
		displayOptions: { show: { timeRange: ['last'] } },
	},
	{
		displayName: 'Unit',
		name: 'lastUnit',
		type: 'options',
		options: [
			{ name: 'Minutes', value: 'minutes' },
			{ name: 'Hours', value: 'hours' },
			{ name: 'Days', value: 'days' },
		],
		default: 'hours',
		displayOptions: { show: { timeRange: ['last'] } },
	},
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { timeRange: ['between'] } },
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '',
		required: true,
		displayOptions: { show: { timeRange: ['between'] } },
	},
	{
		displayName: 'Max Rows',
		name: 'maxRows',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_ROWS },
		default: 1000,
		description: 'Rows to output at most, per table; when a result has more, the output says so',
	},
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{ name: 'One Item per Row', value: 'rows', description: "The main result's rows as items" },
			{ name: 'One Item with All Tables', value: 'tables', description: 'Every result table with its columns, rows, row count and any warnings' },
		],
		default: 'rows',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Query Timeout (Seconds)',
				name: 'queryTimeout',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 600 },
				default: 180,
				description: 'Log Analytics stops the query after this long (Prefer: wait); the output then reports a timeout',
			},
		],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['query'], operation: ['run'] } }, properties);

function readTimespan(context: IExecuteFunctions, itemIndex: number): LogsTimespan {
	const range = context.getNodeParameter('timeRange', itemIndex, 'last') as string;
	if (range === 'query') return undefined;
	if (range === 'between') {
		const start = new Date(String(context.getNodeParameter('start', itemIndex, '')));
		const end = new Date(String(context.getNodeParameter('end', itemIndex, '')));
		if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || start >= end) {
			throw new NodeOperationError(context.getNode(), 'The time range needs a start before its end', { itemIndex });
		}
		return { start, end };
	}
	const amount = clampInteger(context.getNodeParameter('lastAmount', itemIndex, 24), 24, 1, 1_000_000);
	const unit = context.getNodeParameter('lastUnit', itemIndex, 'hours') as string;
	return { duration: unit === 'minutes' ? `PT${amount}M` : unit === 'days' ? `P${amount}D` : `PT${amount}H` };
}

function readParameters(context: IExecuteFunctions, itemIndex: number): KqlParameter[] {
	const entries = (context.getNodeParameter('parameters.parameter', itemIndex, []) as IDataObject[]) ?? [];
	return entries.map((entry) => {
		const type = String(entry.type ?? 'string') as KqlParameterType;
		if (!KQL_PARAMETER_TYPES.includes(type)) throw new KqlValueError(`Parameter '${String(entry.name)}': unknown type`);
		return { name: String(entry.name ?? ''), type, value: entry.value };
	});
}

function timespanText(timespan: LogsTimespan): string | undefined {
	if (!timespan) return undefined;
	return 'duration' in timespan ? timespan.duration : `${timespan.start.toISOString()}/${timespan.end.toISOString()}`;
}

function outcomeWarnings(outcome: LogsQueryOutcome, limit: number, primaryTotal: number): string[] {
	const warnings: string[] = [];
	if (outcome.status === 'timeout') {
		warnings.push(`The query ran longer than the ${outcome.serverTimeoutSeconds}-second server timeout and was cancelled; nothing was returned.`);
	}
	if (outcome.status === 'partial') {
		const reason = outcome.error.innermost?.message ?? outcome.error.message ?? 'no details given';
		warnings.push(
			`Partial result: Log Analytics reported ${outcome.error.codes.join(' / ') || 'an error'} (${reason.length > 200 ? `${reason.slice(0, 199)}…` : reason}); the rows below are all it returned, more may exist.`,
		);
	}
	if (outcome.status === 'noData') warnings.push('The workspace has no data at all (Log Analytics answered 204 No Content).');
	if (primaryTotal > limit) warnings.push(`The query returned ${primaryTotal.toLocaleString('en-US')} rows; the first ${limit.toLocaleString('en-US')} are output (Max Rows).`);
	return warnings;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const query = String(this.getNodeParameter('query', itemIndex, '') ?? '');
	if (!query.trim()) throw new NodeOperationError(this.getNode(), 'The query is empty', { itemIndex });
	let sent: string;
	try {
		sent = withParameters(query, readParameters(this, itemIndex));
	} catch (error) {
		if (error instanceof KqlValueError) {
			throw new NodeOperationError(this.getNode(), error.message, {
				description: 'The value cannot be written as that KQL type, so the query was not sent.',
				itemIndex,
			});
		}
		throw toNodeError(this.getNode(), error, { action: 'prepare the query', itemIndex });
	}
	const timespan = readTimespan(this, itemIndex);
	const limit = clampInteger(this.getNodeParameter('maxRows', itemIndex, 1000), 1000, 1, MAX_ROWS);
	const output = this.getNodeParameter('output', itemIndex, 'rows') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const workspace = readWorkspace(this, itemIndex);

	const connection = await LogAnalyticsConnection.open(this, itemIndex);
	const resolved = await settle(() => connection.workspaceId(workspace.target));
	if (!resolved.ok) {
		throw toNodeError(this.getNode(), resolved.error, { action: `look up the Log Analytics workspace ID of '${workspace.arm?.workspaceName ?? 'the workspace'}'`, itemIndex });
	}
	const settled = await settle(() =>
		connection.query({
			workspaceId: resolved.value,
			query: sent,
			timespan,
			serverTimeoutSeconds: clampInteger(options.queryTimeout, 180, 1, 600),
			abortSignal: this.getExecutionCancelSignal?.(),
		}),
	);
	if (!settled.ok) throw toLogsNodeError(this.getNode(), settled.error, 'run the query', itemIndex);
	const outcome = settled.value;

	const primary = primaryTable(outcome.tables);
	const warnings = outcomeWarnings(outcome, limit, primary?.rows.length ?? 0);
	const status = outcome.status === 'timeout' ? 'timeout' : outcome.status === 'partial' ? 'partial' : 'ok';
	if (warnings.length) {
		this.addExecutionHints?.({ message: `Item ${itemIndex + 1}: ${warnings.join(' ')}`, type: 'warning', location: 'outputPane' });
	}
	const pairedItem = { item: itemIndex };

	if (output === 'tables') {
		const tables = outcome.tables.map((table) => {
			const shaped = shapeTable(table, { limit });
			return { name: shaped.name, columns: shaped.columns, rows: shaped.rows, totalRows: shaped.totalRows };
		});
		return [
			{
				json: {
					status,
					rowCount: primary?.rows.length ?? 0,
					tables,
					warnings,
					query: sent,
					...(timespanText(timespan) ? { timespan: timespanText(timespan) } : {}),
				} as IDataObject,
				pairedItem,
			},
		];
	}

	const rows = primary ? shapeTable(primary, { limit }).rows : [];
	// Rows from a cut-short answer carry the reason, so a later node can tell them from a complete result.
	const incomplete = status !== 'ok';
	if (rows.length === 0) {
		return incomplete ? [{ json: { queryStatus: status, queryWarnings: warnings, rowCount: 0 }, pairedItem }] : [];
	}
	return rows.map((row) => ({ json: incomplete ? { ...row, queryStatus: status, queryWarnings: warnings } : row, pairedItem }));
}
