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
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Skip If Already Posted Since',
					name: 'skipIfPostedSince',
					type: 'string',
					default: '',
					placeholder: 'e.g. {{ $json.time }}',
					description:
						"A date and time (ISO 8601). When the same comment text was posted at or after it, nothing is posted and the item says so. Graph comments have no ID to deduplicate by: for a workflow that runs again for the same event (a SIGNL4 callback delivered again after a failed run), give the event's time so a second run does not post the comment twice. One extra read.",
				},
			],
		},
	]);
}

/** Graph's comment list of the target (incidents and alerts carry `comments` when read). */
async function existingComments(api: DefenderApi, kind: DefenderResource, id: string): Promise<IDataObject[]> {
	const target = await api.request<IDataObject>(
		{ method: 'GET', path: kind === 'incident' ? paths.incident(id) : paths.alert(id) },
		{
			action: `read the comments of Defender XDR ${kind} ${id}`,
			permission: kind === 'incident' ? 'SecurityIncident.Read.All' : 'SecurityAlert.Read.All',
			target: { kind, id },
		},
	);
	return Array.isArray(target.comments) ? (target.comments as IDataObject[]) : [];
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
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const since = String(options.skipIfPostedSince ?? '').trim();
	const sinceMs = since ? Date.parse(since) : undefined;
	if (since && !Number.isFinite(sinceMs)) {
		throw new NodeOperationError(context.getNode(), `Skip If Already Posted Since is not a date and time: '${since.slice(0, 40)}'`, {
			itemIndex,
			description: 'Give an ISO 8601 date and time, e.g. 2026-12-02T08:15:00Z, or leave it empty.',
		});
	}
	const api = new DefenderApi(context, await defenderSession(context, itemIndex), itemIndex);
	if (sinceMs !== undefined) {
		const comments = await existingComments(api, kind, id);
		const earlier = comments.find(
			(entry) => String(entry.comment ?? '').trim() === comment && Date.parse(String(entry.createdDateTime ?? '')) >= (sinceMs as number),
		);
		if (earlier) {
			return [{ [kind === 'incident' ? 'incidentId' : 'alertId']: id, comment: earlier, commentsCount: comments.length, skipped: 'alreadyPosted' }];
		}
	}
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
