import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { shapeIncident } from '../../../shared/sentinel/incidentShape';
import { fetchIncidentPage } from '../../../shared/sentinel/incidentsApi';
import { forOperations } from '../../descriptions/common';
import { odataString, resolveWorkspace } from '../../helpers/target';
import { INCIDENT_SEVERITY_OPTIONS, INCIDENT_STATUS_OPTIONS } from '../../../shared/descriptions/incidentOptions';

/** The API returns at most 1,000 incidents per page. */
const MAX_PAGE_SIZE = 1000;
const PAGE_SIZE_ALL = 200;
/** A ceiling for Return All: 200 pages of 200 = 40,000 incidents. */
const MAX_PAGES = 200;

export const description: INodeProperties[] = forOperations(
	['getMany'],
	[
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{
					displayName: 'Created After',
					name: 'createdAfter',
					type: 'dateTime',
					default: '',
					description: 'Only incidents created at or after this time',
				},
				{
					displayName: 'Created Before',
					name: 'createdBefore',
					type: 'dateTime',
					default: '',
					description: 'Only incidents created before this time',
				},
				{
					displayName: 'Modified After',
					name: 'modifiedAfter',
					type: 'dateTime',
					default: '',
					description: 'Only incidents last changed at or after this time',
				},
				{
					displayName: 'Modified Before',
					name: 'modifiedBefore',
					type: 'dateTime',
					default: '',
					description: 'Only incidents last changed before this time',
				},
				{
					displayName: 'OData Filter',
					name: 'odataFilter',
					type: 'string',
					default: '',
					placeholder: "e.g. properties/owner/email eq 'jane@contoso.com'",
					description: 'An additional OData $filter expression, combined with the other filters by "and"',
				},
				{
					displayName: 'Severities',
					name: 'severities',
					type: 'multiOptions',
					options: INCIDENT_SEVERITY_OPTIONS,
					default: [],
				},
				{
					displayName: 'Statuses',
					name: 'statuses',
					type: 'multiOptions',
					options: INCIDENT_STATUS_OPTIONS,
					default: [],
				},
				{
					displayName: 'Title Contains',
					name: 'titleContains',
					type: 'string',
					default: '',
					description: 'Only incidents whose title contains this text (case-insensitive)',
				},
			],
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Order By',
					name: 'orderBy',
					type: 'options',
					options: [
						{ name: 'Created (Newest First)', value: 'properties/createdTimeUtc desc' },
						{ name: 'Created (Oldest First)', value: 'properties/createdTimeUtc asc' },
						{ name: 'Modified (Newest First)', value: 'properties/lastModifiedTimeUtc desc' },
						{ name: 'Modified (Oldest First)', value: 'properties/lastModifiedTimeUtc asc' },
						{ name: 'Number (Highest First)', value: 'properties/incidentNumber desc' },
						{ name: 'Number (Lowest First)', value: 'properties/incidentNumber asc' },
					],
					default: 'properties/createdTimeUtc desc',
				},
			],
		},
	],
);

interface Filters {
	statuses?: string[];
	severities?: string[];
	createdAfter?: string;
	createdBefore?: string;
	modifiedAfter?: string;
	modifiedBefore?: string;
	titleContains?: string;
	odataFilter?: string;
}

const oneOf = (property: string, values: string[]) => `(${values.map((v) => `${property} eq ${odataString(v)}`).join(' or ')})`;

/** Builds the OData $filter; user text only enters as escaped string literals or validated timestamps. */
export function buildIncidentFilter(filters: Filters): { filter?: string; problem?: string } {
	const clauses: string[] = [];
	if (filters.statuses?.length) clauses.push(oneOf('properties/status', filters.statuses));
	if (filters.severities?.length) clauses.push(oneOf('properties/severity', filters.severities));
	const times: Array<[keyof Filters, string, string]> = [
		['createdAfter', 'properties/createdTimeUtc', 'ge'],
		['createdBefore', 'properties/createdTimeUtc', 'lt'],
		['modifiedAfter', 'properties/lastModifiedTimeUtc', 'ge'],
		['modifiedBefore', 'properties/lastModifiedTimeUtc', 'lt'],
	];
	for (const [key, property, op] of times) {
		const value = filters[key];
		if (typeof value !== 'string' || !value.trim()) continue;
		const at = new Date(value);
		if (Number.isNaN(at.getTime())) return { problem: `'${value.slice(0, 40)}' is not a date and time` };
		// Sentinel wants datetimes unquoted, in UTC.
		clauses.push(`${property} ${op} ${at.toISOString()}`);
	}
	if (filters.titleContains?.trim()) clauses.push(`contains(toLower(properties/title), ${odataString(filters.titleContains.trim().toLowerCase())})`);
	if (filters.odataFilter?.trim()) clauses.push(`(${filters.odataFilter.trim()})`);
	return { filter: clauses.length ? clauses.join(' and ') : undefined };
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : Math.max(1, Math.floor(this.getNodeParameter('limit', itemIndex, 50) as number));
	const filters = this.getNodeParameter('filters', itemIndex, {}) as Filters;
	const options = this.getNodeParameter('options', itemIndex, {}) as { orderBy?: string };
	const { filter, problem } = buildIncidentFilter(filters);
	if (problem) throw new NodeOperationError(this.getNode(), problem, { itemIndex, description: 'Use an ISO 8601 time such as 2024-05-01T08:00:00Z.' });

	const { connection, workspace } = await resolveWorkspace(this, itemIndex);
	const query = { filter, orderby: options.orderBy || 'properties/createdTimeUtc desc', top: returnAll ? PAGE_SIZE_ALL : Math.min(limit, MAX_PAGE_SIZE) };
	const out: IDataObject[] = [];
	let nextLink: string | undefined;
	let pages = 0;
	do {
		const link = nextLink;
		const page = await connection.call(`list incidents in workspace '${workspace.workspaceName}'`, (client) =>
			fetchIncidentPage(client, workspace, query, connection.armEndpoint, link),
		);
		for (const incident of page.incidents) {
			if (out.length >= limit) break;
			out.push(shapeIncident(incident, workspace));
		}
		nextLink = page.nextLink;
		pages++;
		// `while (nextLink)`: an absent, empty or null link ends paging; never `!== undefined`.
	} while (nextLink && out.length < limit && pages < MAX_PAGES);
	return out;
}
