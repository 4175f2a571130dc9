import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { forOperations, type DefenderResource } from '../../descriptions/common';
import { DefenderApi, commentBody, paths } from '../../helpers/api';
import { defenderSession, targetId } from '../../helpers/target';

/** The comment text property, for either resource. */
export function commentProperties(resource: DefenderResource): INodeProperties[] {
	return forOperations(resource, ['addComment'], [
		{
			displayName: 'Comment',
			name: 'comment',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			description:
				'Plain text. Sent once: if Microsoft Graph fails after it may have stored the comment (a server error or a dropped connection) the node reports the failure instead of sending it again, so it never appears twice.',
		},
	]);
}

export const description = commentProperties('incident');

/**
 * POSTs the comment; Graph answers with the whole comment list. Output: the target, the comment as stored (the
 * newest with this text) and how many comments the target now has.
 */
export async function addComment(context: IExecuteFunctions, itemIndex: number, kind: DefenderResource): Promise<IDataObject[]> {
	const id = targetId(context, itemIndex, kind);
	const comment = String(context.getNodeParameter('comment', itemIndex, '')).trim();
	if (!comment) throw new NodeOperationError(context.getNode(), 'The comment is empty', { itemIndex });
	const api = new DefenderApi(context, await defenderSession(context, itemIndex), itemIndex);
	const answer = await api.request<{ value?: IDataObject[] }>(
		{ method: 'POST', path: kind === 'incident' ? paths.incidentComments(id) : paths.alertComments(id), body: commentBody(comment) },
		{
			action: `add a comment to Defender XDR ${kind} ${id}`,
			permission: kind === 'incident' ? 'SecurityIncident.ReadWrite.All' : 'SecurityAlert.ReadWrite.All',
			target: { kind, id },
		},
	);
	const comments = answer.value ?? [];
	const stored = [...comments].reverse().find((entry) => String(entry.comment ?? '').trim() === comment) ?? null;
	return [{ [kind === 'incident' ? 'incidentId' : 'alertId']: id, comment: stored, commentsCount: comments.length }];
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	return addComment(this, itemIndex, 'incident');
}
