import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { forOperations, paginationProperties } from '../../descriptions/common';
import { incidentStatusOptions, severityOptions } from '../../../shared/descriptions/defenderOptions';
import { DefenderApi, MAX_PAGES, MAX_TOP, paths } from '../../helpers/api';
import { buildFilter, sortItems, type ListFilters, type SortOrder } from '../../helpers/listing';
import { defenderSession } from '../../helpers/target';

export const sortProperty: INodeProperties = {
	displayName: 'Sort By',
	name: 'sortBy',
	type: 'options',
	options: [
		{ name: 'Last Update, Newest First', value: 'lastUpdateDesc' },
		{ name: 'Created, Newest First', value: 'createdDesc' },
		{ name: 'Severity, Highest First', value: 'severityDesc' },
	],
	default: 'lastUpdateDesc',
	description:
		'Microsoft Graph cannot sort incidents or alerts ($orderby is refused), so the node reads every page that matches the filters (at most 100 pages), sorts them and then applies the limit. Narrow the filters (Updated After) for large tenants.',
};

export const description: INodeProperties[] = [
	...paginationProperties('incident'),
	...forOperations('incident', ['getMany'], [
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{ displayName: 'Assigned To', name: 'assignedTo', type: 'string', default: '', placeholder: 'e.g. analyst@contoso.com', description: 'Only incidents assigned to this user (UPN, exact)' },
				{ displayName: 'Created After', name: 'createdAfter', type: 'dateTime', default: '', description: 'Only incidents created at or after this time' },
				{ displayName: 'Severity', name: 'severities', type: 'multiOptions', options: severityOptions, default: [] },
				{ displayName: 'Status', name: 'statuses', type: 'multiOptions', options: incidentStatusOptions, default: [] },
				{ displayName: 'Updated After', name: 'updatedAfter', type: 'dateTime', default: '', description: 'Only incidents updated at or after this time' },
			],
		},
		sortProperty,
	]),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return listSorted(this, itemIndex, 'incident');
}

/** Get Many of either resource: the filtered listing, every page up to the cap, sorted, then limited. */
export async function listSorted(context: IExecuteFunctions, itemIndex: number, kind: 'incident' | 'alert'): Promise<IDataObject[]> {
	const returnAll = context.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? Infinity : (context.getNodeParameter('limit', itemIndex, 50) as number);
	const filters = context.getNodeParameter('filters', itemIndex, {}) as ListFilters;
	const sortBy = context.getNodeParameter('sortBy', itemIndex, 'lastUpdateDesc') as SortOrder;
	let filter: string | undefined;
	try {
		filter = buildFilter(filters);
	} catch (error) {
		throw new NodeOperationError(context.getNode(), `Invalid filter: ${(error as Error).message}`, { itemIndex });
	}
	const qs: Record<string, string | number> = { $top: MAX_TOP[kind] };
	if (filter) qs.$filter = filter;
	const api = new DefenderApi(context, await defenderSession(context, itemIndex), itemIndex);
	const items = await api.list(kind === 'incident' ? paths.incidents : paths.alerts, qs, MAX_PAGES, {
		action: `list Defender XDR ${kind}s`,
		permission: kind === 'incident' ? 'SecurityIncident.Read.All' : 'SecurityAlert.Read.All',
	});
	return sortItems(items, sortBy).slice(0, limit);
}
