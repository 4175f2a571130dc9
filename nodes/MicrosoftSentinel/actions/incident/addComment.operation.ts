import { createHash, randomUUID } from 'crypto';
import type { SecurityInsights } from '@azure/arm-securityinsight';
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { shapeComment, shapeWorkspace } from '../../../shared/sentinel/incidentShape';
import { findIncidentComment, getIncident, putIncidentComment } from '../../../shared/sentinel/incidentsApi';
import type { RawComment } from '../../../shared/sentinel/types';
import { forOperations } from '../../descriptions/common';
import { MAX_COMMENT_LENGTH, MAX_COMMENTS_PER_INCIDENT, formatComment, splitComment, truncateComment, type CommentFormat, type TooLongPolicy } from '../../helpers/comments';
import { knownIncident, knownIncidentProperty } from '../../helpers/knownIncident';
import { listAllComments } from '../../helpers/listComments';
import { resolveIncident } from '../../helpers/target';
import { settle } from '../../../shared/concurrency';
import { RetryBudget, retryProperty, retryTransient, transientFailure, transientReason } from '../../helpers/transientRetry';

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
			description: `The comment text. Longer than ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters (the Microsoft Sentinel limit), it is split into several comments or truncated (Options → If Too Long).`,
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
				{
					displayName: 'If Too Long',
					name: 'ifTooLong',
					type: 'options',
					options: [
						{
							name: 'Split Into Several Comments',
							value: 'split',
							description: 'Post it as several comments, each marked "(part i of n)"',
						},
						{
							name: 'Truncate',
							value: 'truncate',
							description: 'Post one comment: the beginning, ending with "(truncated, N characters omitted)"',
						},
					],
					default: 'split',
					description: `What to do with a message longer than ${MAX_COMMENT_LENGTH.toLocaleString('en-US')} characters. An incident holds at most ${MAX_COMMENTS_PER_INCIDENT} comments, so for text from outside (such as a SIGNL4 annotation) Truncate keeps one event to one comment.`,
				},
				knownIncidentProperty(
					"Optional: the incident as read earlier in the workflow (the Microsoft Sentinel Trigger's raw.incident). The node takes the incident's number from it instead of reading the incident first, and with a Deduplication Key writes the comment under its key without listing the comments first (a repeat rewrites the same comment): up to two Resource Manager calls less.",
				),
				retryProperty(
					'How long to keep trying when Azure is throttling, answers with a server error or cannot be reached (0 = only the few quick retries every request gets). A comment whose answer was lost is looked up before it is written again.',
				),
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
	const options = this.getNodeParameter('options', itemIndex, {}) as { deduplicationKey?: string; ifTooLong?: TooLongPolicy; retryForSeconds?: number };
	if (typeof message !== 'string' || !message.trim()) {
		throw new NodeOperationError(this.getNode(), 'The comment is empty', { itemIndex, description: 'Write the comment text, or map it from the input.' });
	}
	const ifTooLong = options.ifTooLong ?? 'split';
	if (ifTooLong !== 'split' && ifTooLong !== 'truncate') {
		throw new NodeOperationError(this.getNode(), `'${String(ifTooLong).slice(0, 40)}' is not a choice for If Too Long`, { itemIndex, description: 'Use split or truncate.' });
	}
	const parts = ifTooLong === 'truncate' ? [truncateComment(message, format)] : splitComment(message, format);
	const budget = new RetryBudget(Number(options.retryForSeconds ?? 0) || 0);
	const node = this.getNode();
	/** A request that is safe to repeat (reads), sent within the retry budget. */
	const reading =
		<T>(action: string, request: (client: SecurityInsights) => Promise<T>) =>
		(client: SecurityInsights) =>
			retryTransient(budget, () => request(client), (error) =>
				transientFailure(node, error, budget, action, itemIndex, 'Nothing was posted by this attempt.'),
			);

	const target = await resolveIncident(this, itemIndex);
	const { connection, workspace, incidentName } = target;
	const known = knownIncident(this, itemIndex, incidentName, workspace.armId, 'options.knownIncident');
	const readAction = `read incident ${incidentName}`;
	const incident = known ?? (await connection.call(readAction, reading(readAction, (client) => getIncident(client, workspace, incidentName))));
	const number = incident.properties.incidentNumber;

	const key = options.deduplicationKey?.trim();
	const ids = parts.map((_, index) => (key ? commentIdFrom(`${incidentName.toLowerCase()}\n${key}\n${index + 1}/${parts.length}`) : randomUUID()));
	let existingCount = incident.properties.additionalData?.commentsCount ?? 0;
	let already = new Set<string>();
	// With a known incident the comments are not listed: the key's comment ID makes the write itself idempotent.
	if (key && !known) {
		const existing = await listAllComments(target, reading);
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
					'Nothing was posted. Shorten the message (or set If Too Long to Truncate), delete old comments in the portal, or record the information elsewhere (for example in the incident description or a linked ticket).',
			},
		);
	}

	const posted: RawComment[] = [];
	for (const part of toPost) {
		const label = parts.length > 1 ? `part ${part.index + 1} of ${parts.length} of a comment` : 'a comment';
		const action = `add ${label} to incident ${number}`;
		const done = () => (posted.length ? ` Parts 1–${posted.length} of ${parts.length} were posted.` : ' Nothing was posted.');
		const result = await connection.call(action, (client) => postOnce(client, part.id, part.text)).then(
			(comment) => ({ ok: true as const, comment }),
			(error: unknown) => ({ ok: false as const, error }),
		);
		if (!result.ok) {
			const error = result.error as NodeApiError;
			const limitHit = error.httpCode === '400' && /comments/i.test(error.message) && /100|more than|limit/i.test(error.message);
			throw new NodeApiError(
				this.getNode(),
				{ message: error.message, httpCode: error.httpCode ?? '' },
				{
					itemIndex,
					httpCode: error.httpCode ?? undefined,
					message: limitHit ? `Incident ${number} already has ${MAX_COMMENTS_PER_INCIDENT} comments, the most Microsoft Sentinel allows` : error.message,
					description: `${limitHit ? 'The comment was not added.' : (error.description ?? '')}${done()}`.trim(),
				},
			);
		}
		posted.push(result.comment);

		/**
		 * Writes one comment, riding out transient failures within the budget. The SDK may already have re-sent the PUT
		 * to the same comment ID (which rewrites that comment, never adds one); after a failure whose outcome is unknown
		 * the comment is looked up before it is written again.
		 */
		async function postOnce(client: SecurityInsights, id: string, text: string): Promise<RawComment> {
			for (;;) {
				const written = await settle(() => putIncidentComment(client, workspace, incidentName, id, text));
				if (written.ok) return written.value;
				if (!transientReason(written.error)) throw written.error;
				const lookup = `look up ${label} on incident ${number}`;
				const pausesBefore = budget.retries;
				const landed = await reading(lookup, (c) => findIncidentComment(c, workspace, incidentName, id))(client);
				if (landed) return landed;
				// A lookup that itself had to wait for Azure to recover has paused enough: write again at once.
				if (budget.retries > pausesBefore) continue;
				if (!(await budget.pause(written.error))) {
					throw transientFailure(node, written.error, budget, action, itemIndex, `The comment was not posted.${done()}`);
				}
			}
		}
	}

	return [
		{
			incidentName,
			incidentNumber: number,
			workspace: shapeWorkspace(workspace),
			parts: parts.length,
			posted: posted.length,
			alreadyPosted: parts.length - toPost.length,
			truncated: ifTooLong === 'truncate' && formattedLength(message, format) > MAX_COMMENT_LENGTH,
			comments: posted.map(shapeComment),
		},
	];
}

function formattedLength(message: string, format: CommentFormat): number {
	return formatComment(message, format).length;
}
