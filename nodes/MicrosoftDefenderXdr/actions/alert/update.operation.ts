import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { forOperations } from '../../descriptions/common';
import { alertStatusOptions, classificationOptions, determinationOptions } from '../../../shared/descriptions/defenderOptions';
import { DefenderApi, paths } from '../../helpers/api';
import { defenderSession, targetId } from '../../helpers/target';
import { plainChanges } from '../incident/update.operation';

export const description: INodeProperties[] = forOperations('alert', ['update'], [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{ displayName: 'Assigned To', name: 'assignedTo', type: 'string', default: '', placeholder: 'e.g. analyst@contoso.com', description: 'The owner (user principal name). Use Unassign to clear it.' },
			{ displayName: 'Classification', name: 'classification', type: 'options', options: classificationOptions, default: 'truePositive' },
			{ displayName: 'Determination', name: 'determination', type: 'options', options: determinationOptions, default: 'other', description: 'Why, within the classification' },
			{ displayName: 'Status', name: 'status', type: 'options', options: alertStatusOptions, default: 'inProgress' },
			{ displayName: 'Unassign', name: 'unassign', type: 'boolean', default: false, description: 'Whether to clear the owner' },
		],
	},
]);

/** Sends only the fields set here (Graph leaves the others as they are) and returns the alert Graph answers with. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const id = targetId(this, itemIndex, 'alert');
	const changes = plainChanges(this.getNodeParameter('updateFields', itemIndex, {}) as IDataObject);
	if (!Object.keys(changes).length) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', { description: 'Add at least one field under Update Fields.', itemIndex });
	}
	const api = new DefenderApi(this, await defenderSession(this, itemIndex), itemIndex);
	const alert = await api.request(
		{ method: 'PATCH', path: paths.alert(id), body: changes },
		{ action: `update Defender XDR alert ${id}`, permission: 'SecurityAlert.ReadWrite.All', target: { kind: 'alert', id } },
	);
	return [alert];
}
