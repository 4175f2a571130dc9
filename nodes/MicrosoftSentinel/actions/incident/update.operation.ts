import { NodeApiError, NodeOperationError, sleep, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { shapeIncident } from '../../../shared/sentinel/incidentShape';
import { getIncident, putIncident } from '../../../shared/sentinel/incidentsApi';
import { knownIncident, knownIncidentProperty } from '../../helpers/knownIncident';
import type { RawIncident } from '../../../shared/sentinel/types';
import { UnconfirmedWriteError } from '../../../shared/sentinel/writeGuard';
import { forOperations } from '../../descriptions/common';
import { CLASSIFICATION_LABELS, CLASSIFICATIONS, resolveClassification } from '../../helpers/classification';
import { parseTagList, type TagAction } from '../../helpers/tags';
import { resolveIncident } from '../../helpers/target';
import { RetryBudget, retryProperty, retryTransient, transientFailure, transientReason } from '../../helpers/transientRetry';
import { MAX_DESCRIPTION_LENGTH, planUpdate, SEVERITIES, STATUSES, UpdateRefusal, type FieldChange, type UpdateIntent } from '../../helpers/updatePlan';

/** Attempts per item: each one reads the incident and writes it with that read's etag. */
export const MAX_UPDATE_ATTEMPTS = 5;
/** Pause before re-reading after a conflict: 100 ms, 200 ms, 400 ms, 800 ms (plus up to 100 ms jitter). */
const CONFLICT_BACKOFF_MS = 100;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_LIKE = /^[^\s@]+@[^\s@]+$/;

export const description: INodeProperties[] = forOperations(
	['update'],
	[
		{
			displayName: 'Status',
			name: 'status',
			type: 'options',
			options: [
				{ name: "Don't Change", value: 'keep' },
				{ name: 'New', value: 'New' },
				{ name: 'Active', value: 'Active' },
				{ name: 'Closed', value: 'Closed', description: 'Needs a classification' },
			],
			default: 'keep',
		},
		{
			displayName: 'Classification',
			name: 'classification',
			type: 'options',
			displayOptions: { show: { status: ['Closed'] } },
			options: CLASSIFICATIONS.map((value) => ({ name: CLASSIFICATION_LABELS[value], value })),
			default: 'Undetermined',
			description:
				'Why the incident is closed. Closing an incident that is already closed with the same classification and reason changes nothing.',
		},
		{
			displayName: 'Classification Reason Name or ID',
			name: 'classificationReason',
			type: 'options',
			displayOptions: { show: { status: ['Closed'], classification: ['TruePositive', 'BenignPositive', 'FalsePositive'] } },
			typeOptions: { loadOptionsMethod: 'getClassificationReasons', loadOptionsDependsOn: ['classification'] },
			default: '',
			description:
				'True Positive and Benign Positive have one reason each, set for you when this is left empty; False Positive needs Incorrect Alert Logic or Inaccurate Data. A reason that does not fit is refused before anything is sent. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Classification Comment',
			name: 'classificationComment',
			type: 'string',
			typeOptions: { rows: 2 },
			displayOptions: { show: { status: ['Closed'] } },
			default: '',
			description: 'Why the incident was classified this way (shown with the classification). Empty keeps the current comment.',
		},
		{
			displayName: 'Owner',
			name: 'ownerAction',
			type: 'options',
			options: [
				{ name: 'Assign by E-Mail', value: 'email', description: "The user's e-mail address" },
				{ name: 'Assign by Object ID', value: 'objectId', description: 'The Entra ID object ID of the user or group' },
				{ name: 'Assign by User Principal Name', value: 'upn', description: "The user's sign-in name (UPN)" },
				{ name: "Don't Change", value: 'keep' },
				{ name: 'Unassign', value: 'unassign' },
			],
			default: 'keep',
			description: 'Assigning the current owner again changes nothing',
		},
		{
			displayName: 'Owner E-Mail',
			name: 'owner',
			type: 'string',
			placeholder: 'name@example.com',
			displayOptions: { show: { ownerAction: ['email'] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Owner User Principal Name',
			name: 'owner',
			type: 'string',
			placeholder: 'jane@contoso.onmicrosoft.com',
			displayOptions: { show: { ownerAction: ['upn'] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Owner Object ID',
			name: 'owner',
			type: 'string',
			placeholder: 'e.g. 2046feea-040d-4a46-9e2b-91c2941bfa70',
			displayOptions: { show: { ownerAction: ['objectId'] } },
			default: '',
			required: true,
		},
		{
			displayName: 'Tags',
			name: 'tagAction',
			type: 'options',
			options: [
				{ name: "Don't Change", value: 'keep' },
				{ name: 'Add', value: 'add', description: 'Add these tags; tags already there (any case) stay as they are' },
				{ name: 'Remove', value: 'remove', description: 'Remove these tags (any case)' },
				{ name: 'Replace', value: 'replace', description: 'Set exactly these tags (an empty list removes all)' },
			],
			default: 'keep',
			description: 'Tags someone else adds while this node updates the incident are kept (except with Replace)',
		},
		{
			displayName: 'Tag Names',
			name: 'tags',
			type: 'string',
			displayOptions: { show: { tagAction: ['add', 'remove', 'replace'] } },
			default: '',
			placeholder: 'e.g. SIGNL4, escalated',
			description: 'Comma-separated, or a list from an expression',
		},
		{
			displayName: 'Update Fields',
			name: 'updateFields',
			type: 'collection',
			placeholder: 'Add Field',
			default: {},
			options: [
				{
					displayName: 'Description',
					name: 'description',
					type: 'string',
					typeOptions: { rows: 3 },
					default: '',
					description: `At most ${MAX_DESCRIPTION_LENGTH.toLocaleString('en-US')} characters`,
				},
				{
					displayName: 'Severity',
					name: 'severity',
					type: 'options',
					options: SEVERITIES.map((value) => ({ name: value, value })),
					default: 'Medium',
				},
				{
					displayName: 'Title',
					name: 'title',
					type: 'string',
					default: '',
				},
			],
		},
		{
			displayName: 'Never Reopen a Closed Incident',
			name: 'neverReopen',
			type: 'boolean',
			default: false,
			description:
				'Whether to leave an incident that is Closed when the node reads it exactly as it is, whatever this update asks (status, owner, tags, fields). For write-backs that may arrive late or out of order, such as a SIGNL4 acknowledgement after the close.',
		},
		knownIncidentProperty(
			"Optional: the incident as read earlier in the workflow (the Microsoft Sentinel Trigger's raw.incident). The update starts from it instead of reading the incident first, one Resource Manager call less; if the incident changed since, Azure refuses the write and the node reads it and tries again. Map it only from this package's trigger or node: its fields are written back.",
		),
		retryProperty(
			'How long to keep trying when Azure is throttling, answers with a server error or cannot be reached (0 = only the few quick retries every request gets). A write whose answer was lost is never repeated blindly: the incident is read again first.',
		),
	],
);

function refuse(context: IExecuteFunctions, itemIndex: number, message: string, description: string): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

function canonicalEnum<T extends string>(allowed: readonly T[], value: string): T | undefined {
	return allowed.find((candidate) => candidate.toLowerCase() === value.trim().toLowerCase());
}

/** Reads and checks the parameters; every refusal here happens before any request. */
export function readIntent(context: IExecuteFunctions, itemIndex: number): UpdateIntent {
	const intent: UpdateIntent = {};
	const fields = context.getNodeParameter('updateFields', itemIndex, {}) as { title?: string; description?: string; severity?: string };
	if (fields.title !== undefined) {
		if (!String(fields.title).trim()) throw refuse(context, itemIndex, 'The title cannot be empty', 'Give a title, or remove the Title field.');
		intent.title = String(fields.title);
	}
	if (fields.description !== undefined) {
		intent.description = String(fields.description);
		if (intent.description.length > MAX_DESCRIPTION_LENGTH) {
			throw refuse(
				context,
				itemIndex,
				`The description is ${intent.description.length.toLocaleString('en-US')} characters long; Microsoft Sentinel allows ${MAX_DESCRIPTION_LENGTH.toLocaleString('en-US')}`,
				'Shorten it, or put the details into a comment (Add Comment splits long text). Nothing was changed.',
			);
		}
	}
	if (fields.severity !== undefined) {
		const severity = canonicalEnum(SEVERITIES, String(fields.severity));
		if (!severity) throw refuse(context, itemIndex, `'${String(fields.severity).slice(0, 40)}' is not a severity`, `Use one of: ${SEVERITIES.join(', ')}.`);
		intent.severity = severity;
	}

	const statusParam = String(context.getNodeParameter('status', itemIndex, 'keep'));
	if (statusParam !== 'keep') {
		const status = canonicalEnum(STATUSES, statusParam);
		if (!status) throw refuse(context, itemIndex, `'${statusParam.slice(0, 40)}' is not a status`, `Use one of: ${STATUSES.join(', ')}.`);
		intent.status = status;
		if (status === 'Closed') {
			const classification = String(context.getNodeParameter('classification', itemIndex, ''));
			const reason = String(context.getNodeParameter('classificationReason', itemIndex, '') ?? '');
			const resolved = resolveClassification(classification, reason);
			if (!resolved.ok) throw refuse(context, itemIndex, resolved.message, resolved.description);
			const comment = String(context.getNodeParameter('classificationComment', itemIndex, '') ?? '');
			intent.classification = { classification: resolved.classification, reason: resolved.reason, ...(comment.trim() ? { comment } : {}) };
		}
	}

	const ownerAction = String(context.getNodeParameter('ownerAction', itemIndex, 'keep'));
	if (ownerAction === 'unassign') {
		intent.owner = { by: 'unassign' };
	} else if (ownerAction === 'email' || ownerAction === 'upn' || ownerAction === 'objectId') {
		const value = String(context.getNodeParameter('owner', itemIndex, '') ?? '').trim();
		if (!value) throw refuse(context, itemIndex, 'No owner given', 'Fill in the owner, or set Owner to "Don\'t Change".');
		if (ownerAction === 'objectId' && !GUID.test(value)) {
			throw refuse(context, itemIndex, 'The owner object ID is not a GUID', 'An Entra ID object ID looks like 2046feea-040d-4a46-9e2b-91c2941bfa70; to assign by address, choose Assign by E-Mail or Assign by User Principal Name.');
		}
		if (ownerAction !== 'objectId' && !EMAIL_LIKE.test(value)) {
			throw refuse(context, itemIndex, `The owner ${ownerAction === 'email' ? 'e-mail address' : 'user principal name'} is not valid`, 'It looks like name@example.com.');
		}
		intent.owner = { by: ownerAction, value };
	} else if (ownerAction !== 'keep') {
		throw refuse(context, itemIndex, `'${ownerAction.slice(0, 40)}' is not an owner action`, 'Use keep, email, upn, objectId or unassign.');
	}

	const tagAction = String(context.getNodeParameter('tagAction', itemIndex, 'keep'));
	if (tagAction === 'add' || tagAction === 'remove' || tagAction === 'replace') {
		const tags = parseTagList(context.getNodeParameter('tags', itemIndex, ''));
		if (!tags.length && tagAction !== 'replace') throw refuse(context, itemIndex, `No tags to ${tagAction}`, 'Give the tag names, comma-separated.');
		intent.tags = { action: tagAction as TagAction, tags };
	} else if (tagAction !== 'keep') {
		throw refuse(context, itemIndex, `'${tagAction.slice(0, 40)}' is not a tag action`, 'Use keep, add, remove or replace.');
	}

	if (Object.keys(intent).length === 0) {
		throw refuse(context, itemIndex, 'Nothing to update', 'Choose a status, owner or tag change, or add a field under Update Fields.');
	}
	return intent;
}

export interface UpdateOutcome {
	incident: RawIncident;
	changes: FieldChange[];
	/** Reads + writes made; conflicts (409) and unanswered writes that were resolved by re-reading. */
	attempts: number;
	conflicts: number;
	unconfirmedWrites: number;
	/** The incident was Closed and Never Reopen left it alone. */
	leftClosed: boolean;
	/** Transient failures waited out within the retry budget. */
	transientRetries: number;
}

export interface UpdateBehaviour {
	neverReopen: boolean;
	budget: RetryBudget;
	/** The incident as the input item carries it: the first attempt starts from it instead of a read. */
	itemIncident?: RawIncident;
}

type WriteResult =
	| { kind: 'saved'; incident: RawIncident }
	| { kind: 'conflict' }
	| { kind: 'unconfirmed'; reason: string; error: unknown }
	| { kind: 'refused'; error: unknown };

/**
 * GET → apply the intent → PUT with the read's etag, until it sticks or the attempts run out.
 *
 * - 409 (someone saved in between): read again and re-apply the same *change* to the newer incident; what the other
 *   writer did (a tag, a comment, the owner) survives because the next PUT starts from it.
 * - Unknown outcome (timeout, connection lost, 5xx): never write again blindly. Read again: if the change is there,
 *   the earlier write landed and we are done; if not, write it with the new etag. The etag makes this safe — a PUT
 *   computed from an old read can never overwrite a newer incident.
 * - Throttled after the SDK's own retries (429, 503 with Retry-After): Azure did not carry the write out; within the
 *   retry budget, wait and start over from a fresh read.
 * - Transient failures (these and unanswered writes) do not use up the attempts while the retry budget lasts; after
 *   it, the 5 attempts apply as before.
 * - Nothing to change (tag already there, same owner, already closed the same way, or Closed with Never Reopen): no
 *   PUT at all. Never Reopen is decided on every read, so an incident closed between two attempts stays closed.
 */
export async function applyUpdate(
	context: IExecuteFunctions,
	itemIndex: number,
	target: Awaited<ReturnType<typeof resolveIncident>>,
	intent: UpdateIntent,
	behaviour: UpdateBehaviour = { neverReopen: false, budget: new RetryBudget(0) },
): Promise<UpdateOutcome> {
	const { connection, workspace, incidentName } = target;
	const { budget } = behaviour;
	let conflicts = 0;
	let unconfirmedWrites = 0;
	let lastReason = '';
	/** What the last write whose answer was lost would have changed. */
	let unansweredChanges: FieldChange[] = [];
	/** The incident's number, for messages (its name until the first read). */
	let label = incidentName;
	const outcome = (incident: RawIncident, changes: FieldChange[], attempts: number, leftClosed = false): UpdateOutcome => ({
		incident,
		changes,
		attempts,
		conflicts,
		unconfirmedWrites,
		leftClosed,
		transientRetries: budget.retries,
	});
	let itemIncident = behaviour.itemIncident;
	const readAndPlan = async () => {
		const action = `read incident ${label}`;
		// The item's copy only once: after a conflict or a lost answer the truth is read from Azure.
		const current =
			itemIncident ??
			(await connection.call(action, (client) =>
				retryTransient(budget, () => getIncident(client, workspace, incidentName), (error) =>
					transientFailure(context.getNode(), error, budget, action, itemIndex, 'The incident could not be read, so nothing was changed.'),
				),
			));
		itemIncident = undefined;
		if (behaviour.neverReopen && current.properties.status === 'Closed') return { current, plan: undefined };
		try {
			return { current, plan: planUpdate(current, intent) };
		} catch (error) {
			if (error instanceof UpdateRefusal) throw refuse(context, itemIndex, error.message, error.description);
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
		}
	};
	for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
		const { current, plan } = await readAndPlan();
		const landed = lastReason && lastReason !== 'conflict' ? unansweredChanges : [];
		// Closed and left alone. Right after an unanswered write that closed it, that write is what landed.
		if (!plan) return outcome(current, landed, attempt, landed.length === 0);
		if (plan.changes.length === 0) {
			// Right after an unanswered write, "nothing left to do" means that write landed: report what it changed.
			return outcome(current, landed, attempt);
		}
		label = String(current.properties.incidentNumber);
		const result: WriteResult = await connection.call(`update incident ${label}`, async (client) => {
			const settled = await putIncident(client, workspace, incidentName, plan.write).then(
				(incident) => ({ ok: true as const, incident }),
				(error: unknown) => ({ ok: false as const, error }),
			);
			if (settled.ok) return { kind: 'saved', incident: settled.incident };
			if ((settled.error as { statusCode?: number }).statusCode === 409) return { kind: 'conflict' };
			if (settled.error instanceof UnconfirmedWriteError) return { kind: 'unconfirmed', reason: settled.error.reason, error: settled.error };
			// Throttled beyond the SDK's retries: refused, not carried out. Anything else (400, 403, 404…) is final;
			// `call` turns it into a NodeApiError.
			if (transientReason(settled.error)) return { kind: 'refused', error: settled.error };
			throw settled.error;
		});
		if (result.kind === 'saved') return outcome(result.incident, plan.changes, attempt);
		if (result.kind === 'conflict') {
			conflicts++;
			lastReason = 'conflict';
			if (attempt < MAX_UPDATE_ATTEMPTS) await sleep(CONFLICT_BACKOFF_MS * 2 ** (attempt - 1) + Math.floor(Math.random() * 100));
			continue;
		}
		if (result.kind === 'refused') {
			if (await budget.pause(result.error)) {
				attempt--;
				continue;
			}
			throw transientFailure(context.getNode(), result.error, budget, `update incident ${label}`, itemIndex, 'Azure refused the write, so the incident was not changed.');
		}
		unconfirmedWrites++;
		lastReason = result.reason;
		unansweredChanges = plan.changes;
		// The re-read at the top of the loop tells whether it landed; while the budget lasts this does not use up an attempt.
		if (await budget.pause(result.error)) attempt--;
	}
	if (lastReason !== 'conflict') {
		// The last write went unanswered: one more read tells whether it landed.
		const { current, plan } = await readAndPlan();
		if (!plan || plan.changes.length === 0) return outcome(current, unansweredChanges, MAX_UPDATE_ATTEMPTS);
	}
	const httpCode = lastReason === 'conflict' ? '409' : '504';
	const message =
		lastReason === 'conflict'
			? `Incident ${label} kept changing: ${MAX_UPDATE_ATTEMPTS} attempts each found a newer version`
			: // No error code in the message: n8n replaces messages that contain one (ECONNRESET…) with generic text.
				`Could not confirm the update of incident ${label}: Azure did not answer the write`;
	throw new NodeApiError(
		context.getNode(),
		{ message, httpCode },
		{
			message,
			httpCode,
			itemIndex,
			description:
				lastReason === 'conflict'
					? 'Someone else (an analyst, an automation rule or another workflow) saved the incident every time between this node reading and writing it. Nothing was overwritten. Run the workflow again later, or avoid updating the same incident from parallel executions.'
					: `Azure did not answer the writes (last: ${lastReason}), and re-reading showed the change was not applied. Nothing was overwritten. ${
							budget.seconds > 0 ? `The node kept trying for ${budget.seconds} s.` : 'Set Retry Transient Failures For (Seconds) to keep trying through short Azure outages.'
						} Check the connection to Azure and retry this execution.`,
		},
	);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const intent = readIntent(this, itemIndex);
	const neverReopen = this.getNodeParameter('neverReopen', itemIndex, false) === true;
	const budget = new RetryBudget(Number(this.getNodeParameter('retryForSeconds', itemIndex, 0)) || 0);
	const target = await resolveIncident(this, itemIndex);
	const itemIncident = knownIncident(this, itemIndex, target.incidentName, target.workspace.armId);
	const outcome = await applyUpdate(this, itemIndex, target, intent, { neverReopen, budget, itemIncident });
	return [
		{
			...shapeIncident(outcome.incident, target.workspace),
			changed: outcome.changes.length > 0,
			changes: outcome.changes as unknown as IDataObject[],
			conflictsResolved: outcome.conflicts,
			leftClosed: outcome.leftClosed,
			transientRetries: outcome.transientRetries,
		},
	];
}
