import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { forOperations, paginationProperties } from '../../descriptions/common';
import { alertStatusOptions, serviceSourceOptions, severityOptions } from '../../../shared/descriptions/defenderOptions';
import { listSorted, sortProperty } from '../incident/getMany.operation';

export const description: INodeProperties[] = [
	...paginationProperties('alert'),
	...forOperations('alert', ['getMany'], [
		{
			displayName: 'Filters',
			name: 'filters',
			type: 'collection',
			placeholder: 'Add Filter',
			default: {},
			options: [
				{ displayName: 'Assigned To', name: 'assignedTo', type: 'string', default: '', placeholder: 'e.g. analyst@contoso.com', description: 'Only alerts assigned to this user (UPN, exact)' },
				{ displayName: 'Created After', name: 'createdAfter', type: 'dateTime', default: '', description: 'Only alerts created at or after this time' },
				{ displayName: 'Service Source', name: 'serviceSources', type: 'multiOptions', options: serviceSourceOptions, default: [], description: 'Only alerts from these products' },
				{ displayName: 'Severity', name: 'severities', type: 'multiOptions', options: severityOptions, default: [] },
				{ displayName: 'Status', name: 'statuses', type: 'multiOptions', options: alertStatusOptions, default: [] },
				{ displayName: 'Updated After', name: 'updatedAfter', type: 'dateTime', default: '', description: 'Only alerts updated at or after this time' },
			],
		},
		sortProperty,
	]),
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return listSorted(this, itemIndex, 'alert');
}
