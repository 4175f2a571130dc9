import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { forOperations } from '../../descriptions/common';
import { classificationOptions, determinationOptions, incidentStatusUpdateOptions } from '../../../shared/descriptions/defenderOptions';
import { DefenderApi, paths } from '../../helpers/api';
import { defenderSession, targetId } from '../../helpers/target';
import { mergeTags, parseTagList, tagsApplied } from '../../helpers/tags';

export const description: INodeProperties[] = forOperations('incident', ['update'], [
	{
		displayName:
			'Microsoft Graph has no etag for incidents: the node reads the tags, sends the merged list, reads the incident back and, if a concurrent edit replaced its tags, merges and sends once more. An analyst\'s own tag edit made in the same second can still be overwritten; status, assignment, classification and determination are sent only when set here, so other fields are never touched.',
		name: 'raceNotice',
		type: 'notice',
		default: '',
	},
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
			{ displayName: 'Status', name: 'status', type: 'options', options: incidentStatusUpdateOptions, default: 'inProgress' },
			{ displayName: 'Tags to Add', name: 'tagsToAdd', type: 'string', default: '', placeholder: 'e.g. SIGNL4, paged', description: 'Custom tags to add, separated by commas; tags already there are kept' },
			{ displayName: 'Tags to Remove', name: 'tagsToRemove', type: 'string', default: '', description: 'Custom tags to remove, separated by commas (case-insensitive); other tags are kept' },
			{ displayName: 'Unassign', name: 'unassign', type: 'boolean', default: false, description: 'Whether to clear the owner' },
		],
	},
]);

interface UpdateFields {
	assignedTo?: string;
	unassign?: boolean;
	classification?: string;
	determination?: string;
	status?: string;
	tagsToAdd?: string | string[];
	tagsToRemove?: string | string[];
}

/** The fields Graph takes as they are (everything but the tags), from what the user set. */
export function plainChanges(fields: UpdateFields): IDataObject {
	const changes: IDataObject = {};
	if (fields.status) changes.status = fields.status;
	if (fields.classification) changes.classification = fields.classification;
	if (fields.determination) changes.determination = fields.determination;
	// Graph's "no owner" is null (assignedTo is a nullable Edm.String).
	if (fields.unassign) changes.assignedTo = null;
	else if (fields.assignedTo?.trim()) changes.assignedTo = fields.assignedTo.trim();
	return changes;
}

/** Fields of `changes` the incident does not show (assignedTo compared without regard to case, as UPNs are). */
function notApplied(incident: IDataObject, changes: IDataObject): string[] {
	return Object.keys(changes).filter((field) => {
		const want = String(changes[field] ?? '');
		const have = String(incident[field] ?? '');
		return field === 'assignedTo' ? want.toLowerCase() !== have.toLowerCase() : want !== have;
	});
}

const tagsOf = (incident: IDataObject): string[] => (Array.isArray(incident.customTags) ? incident.customTags.map(String) : []);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const id = targetId(this, itemIndex, 'incident');
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as UpdateFields;
	const changes = plainChanges(fields);
	const add = parseTagList(fields.tagsToAdd);
	const remove = parseTagList(fields.tagsToRemove);
	const touchesTags = add.length > 0 || remove.length > 0;
	if (!Object.keys(changes).length && !touchesTags) {
		throw new NodeOperationError(this.getNode(), 'Nothing to update', { description: 'Add at least one field under Update Fields.', itemIndex });
	}
	const api = new DefenderApi(this, await defenderSession(this, itemIndex), itemIndex);
	const target = { kind: 'incident' as const, id };
	const read = () => api.request({ method: 'GET', path: paths.incident(id) }, { action: `read Defender XDR incident ${id}`, permission: 'SecurityIncident.Read.All', target });
	const patch = (body: IDataObject) =>
		api.request({ method: 'PATCH', path: paths.incident(id), body }, { action: `update Defender XDR incident ${id}`, permission: 'SecurityIncident.ReadWrite.All', target });

	let current = touchesTags ? await read() : undefined;
	let patches = 0;
	// Two rounds at most: the second only when the read-back shows our change was lost to a concurrent edit.
	for (let round = 1; ; round++) {
		const body: IDataObject = { ...changes };
		if (current && touchesTags) {
			const merged = mergeTags(tagsOf(current), add, remove);
			// Nothing to send for the tags when they are already as wanted (a rerun changes nothing).
			if (!tagsApplied(tagsOf(current), add, remove)) body.customTags = merged;
		}
		if (Object.keys(body).length) {
			await patch(body);
			patches++;
		}
		const after = await read();
		const missing = [...notApplied(after, changes), ...(touchesTags && !tagsApplied(tagsOf(after), add, remove) ? ['customTags'] : [])];
		if (!missing.length) return [{ ...after, updated: { fields: Object.keys(changes), tagsAdded: add, tagsRemoved: remove, patches } }];
		if (round >= 2) {
			throw new NodeApiError(
				this.getNode(),
				{ message: 'concurrent edit' },
				{
					message: `Defender XDR incident ${id} does not show this update after two attempts (${missing.join(', ')})`,
					description: 'Someone else is changing the incident at the same time (Graph has no etag to prevent that). Check the incident in the Defender portal and run the item again.',
					itemIndex,
				},
			);
		}
		current = after;
	}
}
