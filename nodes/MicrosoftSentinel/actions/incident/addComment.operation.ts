import { createHash, randomUUID } from 'crypto';
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { shapeComment, shapeWorkspace } from '../../../shared/sentinel/incidentShape';
import { getIncident, putIncidentComment } from '../../../shared/sentinel/incidentsApi';
import type { RawComment } from '../../../shared/sentinel/types';
import { forOperations } from '../../descriptions/common';
import { MAX_COMMENT_LENGTH, MAX_COMMENTS_PER_INCIDENT, splitComment, type CommentFormat } from '../../helpers/comments';
import { listAllComments } from '../../helpers/listComments';
import { resolveIncident } from '../../helpers/target';

export const description: INodeProperties[] = forOperations(
	['addComment'],
	[
		{
			displayName: 'Comment',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: true,
			description: `The comment text. Longer than ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters (the Microsoft Sentinel limit), it is split into several comments, posted in order, each marked "(part i of n)".`,
		},
		{
			displayName: 'Format',
			name: 'format',
			type: 'options',
			options: [
				{ name: 'Plain Text', value: 'plainText', description: 'Shown as written: line breaks kept, &lt;, &gt; and &amp; not interpreted as HTML' },
				{ name: 'Markdown', value: 'markdown', description: 'Sent as written; the portal renders Markdown and HTML' },
			],
			default: 'plainText',
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				{
					displayName: 'Deduplication Key',
					name: 'deduplicationKey',
					type: 'string',
					default: '',
					placeholder: 'e.g. the SIGNL4 event ID',
					description:
						'A stable key for this comment, such as the ID of the event it reports. The comment is posted once per incident and key: running the workflow again with the same key posts nothing.',
				},
			],
		},
	],
);

/** A GUID derived from a text (name-based, UUID version 5 layout over SHA-256): same text, same comment ID. */
export function commentIdFrom(text: string): string {
	const hex = createHash('sha256').update(text).digest('hex').slice(0, 32).split('');
	hex[12] = '5';
	hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	const h = hex.join('');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const message = this.getNodeParameter('message', itemIndex, '') as string;
	const format = this.getNodeParameter('format', itemIndex, 'plainText') as CommentFormat;
	const options = this.getNodeParameter('options', itemIndex, {}) as { deduplicationKey?: string };
	if (typeof message !== 'string' || !message.trim()) {
		throw new NodeOperationError(this.getNode(), 'The comment is empty', { itemIndex, description: 'Write the comment text, or map it from the input.' });
	}
	const parts = splitComment(message, format);

	const target = await resolveIncident(this, itemIndex);
	const { connection, workspace, incidentName } = target;
	const incident = await connection.call(`read incident ${incidentName}`, (client) => getIncident(client, workspace, incidentName));
	const number = incident.properties.incidentNumber;

	const key = options.deduplicationKey?.trim();
	const ids = parts.map((_, index) => (key ? commentIdFrom(`${incidentName.toLowerCase()}\n${key}\n${index + 1}/${parts.length}`) : randomUUID()));
	let existingCount = incident.properties.additionalData?.commentsCount ?? 0;
	let already = new Set<string>();
	if (key) {
		const existing = await listAllComments(target);
		existingCount = existing.length;
		already = new Set(existing.map((comment) => comment.name.toLowerCase()));
	}
	const toPost = parts.map((text, index) => ({ text, id: ids[index], index })).filter((part) => !already.has(part.id.toLowerCase()));

	if (existingCount + toPost.length > MAX_COMMENTS_PER_INCIDENT) {
		const free = Math.max(0, MAX_COMMENTS_PER_INCIDENT - existingCount);
		throw new NodeOperationError(
			this.getNode(),
			`Incident ${number} has ${existingCount} comments; Microsoft Sentinel allows ${MAX_COMMENTS_PER_INCIDENT} per incident`,
			{
				itemIndex,
				description:
					(toPost.length > 1
						? `This message needs ${toPost.length} comments (it is longer than ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters) and only ${free} can still be added. `
						: 'No more comments can be added to this incident. ') +
					'Nothing was posted. Shorten the message, delete old comments in the portal, or record the information elsewhere (for example in the incident description or a linked ticket).',
			},
		);
	}

	const posted: RawComment[] = [];
	for (const part of toPost) {
		const label = parts.length > 1 ? `part ${part.index + 1} of ${parts.length} of a comment` : 'a comment';
		const result = await connection
			.call(`add ${label} to incident ${number}`, (client) => putIncidentComment(client, workspace, incidentName, part.id, part.text))
			.then(
				(comment) => ({ ok: true as const, comment }),
				(error: unknown) => ({ ok: false as const, error }),
			);
		if (!result.ok) {
			const error = result.error as NodeApiError;
			const limitHit = error.httpCode === '400' && /comments/i.test(error.message) && /100|more than|limit/i.test(error.message);
			const done = posted.length ? ` Parts 1–${posted.length} of ${parts.length} were posted.` : ' Nothing was posted.';
			throw new NodeApiError(
				this.getNode(),
				{ message: error.message, httpCode: error.httpCode ?? '' },
				{
					itemIndex,
					httpCode: error.httpCode ?? undefined,
					message: limitHit ? `Incident ${number} already has ${MAX_COMMENTS_PER_INCIDENT} comments, the most Microsoft Sentinel allows` : error.message,
					description: `${limitHit ? 'The comment was not added.' : (error.description ?? '')}${done}`.trim(),
				},
			);
		}
		posted.push(result.comment);
	}

	return [
		{
			incidentName,
			incidentNumber: number,
			workspace: shapeWorkspace(workspace),
			parts: parts.length,
			posted: posted.length,
			alreadyPosted: parts.length - toPost.length,
			comments: posted.map(shapeComment),
		},
	];
}
