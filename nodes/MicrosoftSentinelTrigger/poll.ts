import { NodeOperationError, type IDataObject, type NodeApiError, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';

import { toNodeError } from '../shared/azure/errors';
import { parseWorkspaceLocator, type WorkspaceLocatorValue, type WorkspaceRef } from '../shared/azure/workspace';
import { mapWithConcurrency } from '../shared/concurrency';
import { SentinelConnection } from '../shared/sentinel/connection';
import { shapeIncident } from '../shared/sentinel/incidentShape';
import {
	fetchCommentPage,
	fetchIncidentPage,
	getIncident,
	listIncidentAlerts,
	listIncidentEntities,
	type IncidentListQuery,
} from '../shared/sentinel/incidentsApi';
import type { RawComment, RawIncident } from '../shared/sentinel/types';
import {
	commentsMayHaveChanged,
	diffIncident,
	isSnapshot,
	ownPrincipal,
	pruneSnapshots,
	snapshotOf,
	type ChangeSet,
	type IncidentSnapshot,
	type OwnPrincipal,
} from './changes';
import {
	baseFilterTerms,
	compareForDelivery,
	odataDateTime,
	severityRank,
	planPoll,
	pollQuery,
	readState,
	sampleQuery,
	type CursorFilters,
	type CursorIncident,
	type CursorState,
	type IncidentEvent,
	type TriggerEvents,
} from './cursor';
import {
	abandon,
	abandonedMessage,
	commentConfirms,
	confirm,
	duePending,
	hasConfirmationTag,
	holdBack,
	judgePending,
	matchesFilters,
	trackEmission,
	type DeliverySettings,
} from './delivery';

/** Incidents per list call; the API allows up to 1,000, smaller pages keep each response quick. */
const PAGE_SIZE = 200;
/** Pages per poll at most; what is left is read by the next poll (the cursor only covers what was processed). */
const MAX_PAGES_PER_POLL = 50;
/** Alert and entity requests in flight at once during a poll (Resource Manager's buckets decide the pace). */
const DETAIL_CONCURRENCY = 4;
/**
 * How long one poll may spend reading incidents' alerts and entities. Sentinel's POST `alerts`
 * and `entities` draw from Resource Manager's write bucket (200, refilling 10/s), so a storm's details take minutes;
 * what is not read by then goes out on the next poll (most severe first), and a poll ends well inside n8n's minute
 * instead of holding the whole storm back until every incident's details are in.
 */
export const DETAIL_BUDGET_MS = 40_000;
/**
 * A poll with more incidents than this is a storm: if it reads details and has High incidents, it hands over only those, as soon as
 * their details are read, and the rest follow from the next poll. The engineer is paged for the Highs seconds after
 * the poll instead of after the details of hundreds of others; the others wait up to a minute longer.
 */
export const STORM_SIZE = 50;

/**
 * How many of the (ordered) emissions this poll hands over at most: the Highs alone in a storm whose details are
 * read (without alerts and entities there is nothing to wait for), else all.
 */
function stormCutoff(settings: TriggerSettings, emissions: Emission[]): number {
	const readsDetails = settings.includeAlerts || settings.includeEntities;
	if (!readsDetails || emissions.length <= STORM_SIZE || severityRank(emissions[0].incident.properties.severity) !== 0) return emissions.length;
	const firstOther = emissions.findIndex((emission) => severityRank(emission.incident.properties.severity) !== 0);
	return firstOther < 0 ? emissions.length : firstOther;
}
/**
 * Whether this poll hands its incidents over without their alerts and entities: a storm (more than STORM_SIZE to
 * hand over) with "In a Storm: Page First, Details After". Their details would cost two Resource Manager writes each
 * (10 per second once the bucket of 200 is spent), so a 1,000-incident storm could not be paged before ≈ 3 minutes;
 * without them it is paged at SIGNL4's pace, and the workflow reads the evidence once the Signls are out.
 */
function defersDetails(settings: TriggerSettings, emissions: Emission[]): boolean {
	return settings.pageFirstInStorms && (settings.includeAlerts || settings.includeEntities) && emissions.length > STORM_SIZE;
}

/**
 * Provider names Sentinel gives an incident that Microsoft Defender XDR owns: one synced from Defender XDR, or any
 * incident of a workspace onboarded to the Defender portal (the portal shows "Microsoft Defender XDR"; the API has
 * said "Microsoft 365 Defender" and "Microsoft XDR"). With a provider incident ID, Defender XDR's own incident.
 */
const DEFENDER_XDR_PROVIDERS = new Set(['microsoft xdr', 'microsoft defender xdr', 'microsoft 365 defender']);

/** Whether the Microsoft Defender XDR Trigger sees this incident too (as Defender XDR incident providerIncidentId). */
export function isDefenderXdrTwin(incident: RawIncident): boolean {
	const { providerName, providerIncidentId } = incident.properties;
	return !!providerIncidentId && DEFENDER_XDR_PROVIDERS.has(String(providerName ?? '').trim().toLowerCase());
}

/** Unconfirmed deliveries re-checked per poll at most (one incident read each, plus its comments if configured). */
const MAX_RECHECKS_PER_POLL = 100;
/** Comment pages read per re-check at most (an incident holds at most 100 comments). */
const MAX_COMMENT_PAGES = 5;

/**
 * Poll contexts that have polled once. n8n builds one context per activation and calls poll() with it at once
 * (where a thrown error fails the activation) and then on every tick (where it becomes a failed execution and
 * runs the error workflow). Given-up deliveries are reported by throwing, so only on a tick.
 */
const contextsThatPolled = new WeakSet<object>();

interface TriggerSettings {
	workspace: WorkspaceRef;
	filters: CursorFilters;
	events: TriggerEvents;
	includeAlerts: boolean;
	includeEntities: boolean;
	/** In a storm, hand every incident over without alerts and entities (`detailsDeferred`) so the workflow pages first. */
	pageFirstInStorms: boolean;
	maxPerPoll: number;
	/** New and Updated: emit every modification ('all') or only those with a reported change by someone else. */
	updates: 'changes' | 'all';
	isExcluded: (incident: RawIncident) => boolean;
	delivery: DeliverySettings;
}

function readDeliverySettings(context: IPollFunctions): DeliverySettings {
	const atLeastOnce = context.getNodeParameter('delivery', 'atMostOnce') === 'atLeastOnce';
	if (!atLeastOnce) {
		return { atLeastOnce, confirmationTag: '', confirmationComment: '', redeliverAfterMs: 0, maxWaitMs: 0, giveUpAfterMs: 0 };
	}
	const confirmationTag = String(context.getNodeParameter('confirmationTag', '') ?? '').trim();
	const confirmationComment = String(context.getNodeParameter('confirmationComment', '') ?? '').trim();
	if (!confirmationTag && !confirmationComment) {
		throw new NodeOperationError(context.getNode(), 'At-least-once delivery needs a Confirmation Tag or a Confirmation Comment', {
			description:
				'Set the tag (or the comment text) that the workflow writes to the incident once the Signl was raised, or choose "Once (At Most Once)".',
		});
	}
	const minutes = Number(context.getNodeParameter('redeliverAfterMinutes', 10));
	const hours = Number(context.getNodeParameter('giveUpAfterHours', 24));
	const maxWaitMinutes = Number(context.getNodeParameter('maxWaitMinutes', 30));
	if (!Number.isFinite(minutes) || minutes < 1) {
		throw new NodeOperationError(context.getNode(), 'Redeliver After must be at least 1 minute');
	}
	if (!Number.isFinite(hours) || hours <= 0) {
		throw new NodeOperationError(context.getNode(), 'Give Up After must be a positive number of hours');
	}
	if (!Number.isFinite(maxWaitMinutes) || maxWaitMinutes < minutes) {
		throw new NodeOperationError(context.getNode(), 'Maximum Wait must be at least Redeliver After', {
			description: `Redeliver After is ${minutes} minutes; set Maximum Wait to that or more.`,
		});
	}
	return {
		atLeastOnce,
		confirmationTag,
		confirmationComment,
		redeliverAfterMs: minutes * 60_000,
		maxWaitMs: maxWaitMinutes * 60_000,
		giveUpAfterMs: hours * 3_600_000,
	};
}

function commaList(value: unknown): string[] {
	return typeof value === 'string'
		? value
				.split(',')
				.map((v) => v.trim().toLowerCase())
				.filter(Boolean)
		: [];
}

function readSettings(context: IPollFunctions): TriggerSettings {
	const locator = context.getNodeParameter('workspace', undefined, { extractValue: false }) as WorkspaceLocatorValue;
	const workspace = parseWorkspaceLocator(locator);
	if (!workspace) {
		throw new NodeOperationError(context.getNode(), 'Choose the Microsoft Sentinel workspace to watch', {
			description: 'Pick it from the list, or give its Azure resource ID or a portal link to it.',
		});
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const excludedTitles = commaList(options.excludeTitles);
	const excludedProducts = new Set(commaList(options.excludeProducts));
	const skipDefenderTwins = options.skipDefenderXdrIncidents === true;
	const maxAgeHours = Number(context.getNodeParameter('maxAgeHours', 24));
	if (!Number.isFinite(maxAgeHours) || maxAgeHours <= 0) {
		throw new NodeOperationError(context.getNode(), 'Maximum Age must be a positive number of hours');
	}
	return {
		workspace,
		filters: {
			statuses: context.getNodeParameter('statuses', []) as string[],
			severities: context.getNodeParameter('severities', []) as string[],
			maxAgeHours,
			additionalFilter: typeof options.additionalFilter === 'string' ? options.additionalFilter : undefined,
		},
		events: context.getNodeParameter('event', 'created') as TriggerEvents,
		includeAlerts: context.getNodeParameter('includeAlerts', true) as boolean,
		includeEntities: context.getNodeParameter('includeEntities', true) as boolean,
		pageFirstInStorms: options.stormDetails === 'afterPaging',
		maxPerPoll: Math.max(0, Math.floor(Number(options.maxIncidentsPerPoll ?? 0))),
		updates: options.updatesToEmit === 'all' ? 'all' : 'changes',
		isExcluded: (incident) => {
			if (skipDefenderTwins && isDefenderXdrTwin(incident)) return true;
			const title = (incident.properties.title ?? '').toLowerCase();
			if (excludedTitles.some((phrase) => title.includes(phrase))) return true;
			const products = incident.properties.additionalData?.alertProductNames ?? [];
			return excludedProducts.size > 0 && products.length > 0 && products.every((p) => excludedProducts.has(p.toLowerCase()));
		},
		delivery: readDeliverySettings(context),
	};
}

interface ListedIncident extends CursorIncident {
	raw: RawIncident;
}

function toCursorIncident(raw: RawIncident): ListedIncident {
	return {
		incidentNumber: raw.properties.incidentNumber,
		createdTimeUtc: raw.properties.createdTimeUtc,
		lastModifiedTimeUtc: raw.properties.lastModifiedTimeUtc,
		severity: raw.properties.severity,
		raw,
	};
}

interface Emission {
	incident: RawIncident;
	event: string;
	/** At-least-once mode: which emission of this incident this is, and when the first one was. */
	delivery?: { attempt: number; firstEmittedAt: string };
	/** New and Updated: what changed since the last emission (updates only), and the snapshot to keep once handed over. */
	changes?: ChangeSet;
	snapshot?: IncidentSnapshot;
}

/** Reads each emission's alerts and entities and shapes its item; a failed read fails the whole call. */
async function toItems(connection: SentinelConnection, settings: TriggerSettings, incidents: Emission[]): Promise<INodeExecutionData[]> {
	return mapWithConcurrency(incidents, DETAIL_CONCURRENCY, (emission) => toItem(connection, settings, emission));
}

/**
 * At-most-once mode: like `toItems`, but only for as long as the poll's budget for details lasts (at least the
 * first incident, so a poll always makes progress). Returns the items of the emissions that were read, a prefix of
 * `incidents` in their order; the caller leaves the rest to the next poll.
 */
async function toItemsWithinBudget(
	connection: SentinelConnection,
	settings: TriggerSettings,
	incidents: Emission[],
	deadline: number,
): Promise<INodeExecutionData[]> {
	const cutoff = stormCutoff(settings, incidents);
	const items = await mapWithConcurrency(incidents, DETAIL_CONCURRENCY, async (emission, index) =>
		index >= cutoff || (index > 0 && Date.now() > deadline) ? undefined : await toItem(connection, settings, emission),
	);
	const firstSkipped = items.indexOf(undefined);
	return (firstSkipped < 0 ? items : items.slice(0, firstSkipped)) as INodeExecutionData[];
}

/**
 * At-least-once mode: like `toItems`, but an incident whose details cannot be read (throttling or faults that
 * outlast the SDK's retries) is held back instead of failing the poll: it stays pending, due at the next poll,
 * and the other incidents go out now.
 */
async function toItemsHoldingBackFailures(
	context: IPollFunctions,
	connection: SentinelConnection,
	settings: TriggerSettings,
	state: CursorState,
	emissions: Emission[],
	nowMs: number,
): Promise<INodeExecutionData[]> {
	const deadline = nowMs + DETAIL_BUDGET_MS;
	const cutoff = stormCutoff(settings, emissions);
	let outOfTime = 0;
	const items = await mapWithConcurrency(emissions, DETAIL_CONCURRENCY, async (emission, index) => {
		// The first incident always goes out, so a poll whose listing alone used up the budget still makes progress.
		if (index >= cutoff || (index > 0 && Date.now() > deadline)) {
			holdBack(state, emission.incident, emission.event === 'created' ? 'created' : 'updated', nowMs);
			outOfTime++;
			return undefined;
		}
		try {
			return await toItem(connection, settings, emission);
		} catch (error) {
			const number = emission.incident.properties.incidentNumber;
			holdBack(state, emission.incident, emission.event === 'created' ? 'created' : 'updated', nowMs);
			context.logger.warn(`Microsoft Sentinel Trigger: could not read the details of incident ${number}; emitting it on the next poll`, {
				error: (error as Error).message,
			});
			return undefined;
		}
	});
	if (outOfTime) {
		context.logger.info(`Microsoft Sentinel Trigger: ${outOfTime} incident(s) left for the next poll (a storm's Highs go first, or the time for reading details ran out)`);
	}
	return items.filter((item): item is INodeExecutionData => item !== undefined);
}

/** The item of an emission whose details the workflow reads after paging: the incident as listed, marked. */
function toItemWithoutDetails(settings: TriggerSettings, { incident, event, delivery, changes }: Emission): INodeExecutionData {
	const shaped = shapeIncident(incident, settings.workspace, {});
	return {
		json: {
			triggerEvent: event,
			...shaped,
			detailsDeferred: true,
			...(changes ? { changes: changes as unknown as IDataObject } : {}),
			...(delivery ? { delivery } : {}),
		},
	};
}

async function toItem(connection: SentinelConnection, settings: TriggerSettings, { incident, event, delivery, changes }: Emission): Promise<INodeExecutionData> {
	const alerts = settings.includeAlerts
		? await connection.call(`read the alerts of incident ${incident.properties.incidentNumber}`, (client) =>
				listIncidentAlerts(client, settings.workspace, incident.name),
			)
		: undefined;
	const entities = settings.includeEntities
		? await connection.call(`read the entities of incident ${incident.properties.incidentNumber}`, (client) =>
				listIncidentEntities(client, settings.workspace, incident.name),
			)
		: undefined;
	const shaped = shapeIncident(incident, settings.workspace, { alerts, entities });
	return { json: { triggerEvent: event, ...shaped, ...(changes ? { changes: changes as unknown as IDataObject } : {}), ...(delivery ? { delivery } : {}) } };
}

/** "Fetch test event": the newest matching incident; the cursor is neither read nor moved. */
async function sample(context: IPollFunctions, connection: SentinelConnection, settings: TriggerSettings): Promise<INodeExecutionData[][]> {
	const query: IncidentListQuery = { ...sampleQuery(settings.filters), top: 25 };
	const page = await connection.call(`list incidents in workspace '${settings.workspace.workspaceName}'`, (client) =>
		fetchIncidentPage(client, settings.workspace, query, connection.armEndpoint),
	);
	const newest = page.incidents.find((incident) => !settings.isExcluded(incident));
	if (!newest) {
		throw new NodeOperationError(context.getNode(), 'No incident in the workspace matches the trigger\'s filters', {
			description: 'Widen the statuses, severities or exclusions, or create a test incident in Microsoft Sentinel.',
		});
	}
	return [await toItems(connection, settings, [{ incident: newest, event: 'created' }])];
}

/** The incident as Sentinel has it now, or undefined when it was deleted. */
async function readIncidentIfExists(connection: SentinelConnection, settings: TriggerSettings, name: string): Promise<RawIncident | undefined> {
	try {
		return await connection.call(`read incident '${name}'`, (client) => getIncident(client, settings.workspace, name));
	} catch (error) {
		// `call` throws NodeApiError / NodeOperationError already; only a 404 is an answer here.
		const nodeError = error as NodeApiError;
		if (nodeError.httpCode === '404') return undefined;
		throw nodeError;
	}
}

async function readComments(connection: SentinelConnection, settings: TriggerSettings, incident: RawIncident): Promise<RawComment[]> {
	const comments: RawComment[] = [];
	let nextLink: string | undefined;
	let pages = 0;
	do {
		const link = nextLink;
		const page = await connection.call(`read the comments of incident ${incident.properties.incidentNumber}`, (client) =>
			fetchCommentPage(client, settings.workspace, incident.name, connection.armEndpoint, link),
		);
		comments.push(...page.comments);
		nextLink = page.nextLink;
		pages++;
	} while (nextLink && pages < MAX_COMMENT_PAGES);
	return comments;
}

async function readCommentMessages(connection: SentinelConnection, settings: TriggerSettings, incident: RawIncident): Promise<string[]> {
	return (await readComments(connection, settings, incident)).map((comment) => String(comment.properties?.message ?? ''));
}

/** Pages of open incidents read per poll to notice new comments (see `commentWatch`). */
const MAX_WATCH_PAGES = 5;
/**
 * Incidents whose comments one poll reads at most. Every incident workflow 1 pages gets its pickup comment, so after
 * a storm each one's count has moved once; the reads (Resource Manager's read bucket: 250, refilling 25/s) are spread
 * over the next polls instead of holding one poll up.
 */
const MAX_COMMENT_READS_PER_POLL = 100;

function readSnapshots(stored: unknown): Record<string, IncidentSnapshot> {
	const snapshots: Record<string, IncidentSnapshot> = {};
	if (stored && typeof stored === 'object') {
		for (const [number, snapshot] of Object.entries(stored)) if (/^\d+$/.test(number) && isSnapshot(snapshot)) snapshots[number] = snapshot;
	}
	return snapshots;
}

/**
 * Open incidents the trigger has a snapshot of whose comment count moved although the poll's query did not return
 * them. Whether a comment moves an incident's modification time is not documented; counting comments on one listing
 * of the open incidents (one call per 200) notices a new comment either way, and only incidents whose count moved
 * cost a comment read.
 */
async function commentWatch(
	connection: SentinelConnection,
	settings: TriggerSettings,
	snapshots: Record<string, IncidentSnapshot>,
	alreadyListed: Set<number>,
	nowMs: number,
): Promise<RawIncident[]> {
	const watching = Object.entries(snapshots).some(([number, snapshot]) => snapshot[0] !== 'Closed' && !alreadyListed.has(Number(number)));
	if (!watching) return [];
	const terms = [
		`properties/createdTimeUtc ge ${odataDateTime(nowMs - settings.filters.maxAgeHours * 3_600_000)}`,
		`properties/status ne 'Closed'`,
		...baseFilterTerms(settings.filters),
	];
	const query: IncidentListQuery = { filter: terms.join(' and '), orderby: 'properties/createdTimeUtc asc', top: PAGE_SIZE };
	const { incidents } = await listIncidents(connection, settings, query, `list open incidents in workspace '${settings.workspace.workspaceName}'`, MAX_WATCH_PAGES);
	return incidents.filter((incident) => {
		const number = incident.properties.incidentNumber;
		return !alreadyListed.has(number) && !settings.isExcluded(incident) && commentsMayHaveChanged(snapshots[String(number)], incident);
	});
}

/** Every page of an incidents listing, up to `maxPages`; `nextLink` is set when pages were left unread. */
async function listIncidents(
	connection: SentinelConnection,
	settings: TriggerSettings,
	query: IncidentListQuery,
	action: string,
	maxPages: number,
): Promise<{ incidents: RawIncident[]; pages: number; nextLink?: string }> {
	const incidents: RawIncident[] = [];
	let nextLink: string | undefined;
	let pages = 0;
	do {
		const link = nextLink;
		const page = await connection.call(action, (client) => fetchIncidentPage(client, settings.workspace, query, connection.armEndpoint, link));
		incidents.push(...page.incidents);
		nextLink = page.nextLink;
		pages++;
	} while (nextLink && pages < maxPages);
	return { incidents, pages, nextLink };
}

/**
 * New and Updated: works out what changed on each updated emission (reading its comments when their count moved),
 * drops updates with nothing to report when only reported changes are wanted, and attaches the snapshot to keep.
 * `seen` collects the snapshots of dropped updates, which are kept at once: the trigger has looked at them.
 */
async function describeChanges(
	connection: SentinelConnection,
	settings: TriggerSettings,
	emissions: Emission[],
	snapshots: Record<string, IncidentSnapshot>,
	principal: OwnPrincipal,
	seen: Record<string, IncidentSnapshot>,
): Promise<Emission[]> {
	let commentReads = 0;
	const described = await mapWithConcurrency(emissions, DETAIL_CONCURRENCY, async (emission): Promise<Emission | undefined> => {
		const number = String(emission.incident.properties.incidentNumber);
		const before = snapshots[number];
		if (emission.event === 'created' || !before) {
			return { ...emission, snapshot: before && emission.event !== 'created' ? before : snapshotOf(emission.incident) };
		}
		let comments: RawComment[] = [];
		if (commentsMayHaveChanged(before, emission.incident)) {
			// Past the bound the update waits for a later poll, its snapshot unchanged, so the moved count is seen again.
			if (commentReads++ >= MAX_COMMENT_READS_PER_POLL) return undefined;
			comments = await readComments(connection, settings, emission.incident);
		}
		const { changes, snapshot } = diffIncident(before, emission.incident, comments, principal);
		return { ...emission, changes, snapshot };
	});
	return described.filter((emission): emission is Emission => {
		if (!emission) return false;
		const keep = emission.event === 'created' || settings.updates === 'all' || (emission.changes?.fields.length ?? 0) > 0;
		if (!keep) seen[String(emission.incident.properties.incidentNumber)] = emission.snapshot!;
		return keep;
	});
}

const isoFromSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * At-least-once mode: confirms, re-emits or gives up the deliveries whose wait is over (mutates `state`) and
 * returns the incidents to emit again, oldest first.
 */
async function redeliveries(
	context: IPollFunctions,
	connection: SentinelConnection,
	settings: TriggerSettings,
	state: CursorState,
	listed: Map<number, RawIncident>,
	emittingNow: Set<number>,
	nowMs: number,
): Promise<Emission[]> {
	// A confirmation visible in this poll's listing costs no call.
	for (const [number, incident] of listed) {
		if (state.pending[String(number)] && hasConfirmationTag(incident, settings.delivery)) confirm(state, number);
	}
	const emissions: Emission[] = [];
	const due = duePending(state, nowMs, settings.delivery, Infinity).filter(([number]) => !emittingNow.has(number));
	let reads = 0;
	for (const [number, entry] of due) {
		// Incidents in this poll's listing cost no call; the others are read, at most MAX_RECHECKS_PER_POLL per poll.
		if (!listed.has(number) && reads++ >= MAX_RECHECKS_PER_POLL) continue;
		let current: RawIncident | undefined;
		let confirmedByComment = false;
		try {
			current = listed.get(number) ?? (await readIncidentIfExists(connection, settings, entry[0]));
			// One held back before it was ever handed over (entry[4] = 0) cannot have been confirmed by a comment.
			const needsComments =
				!!current && entry[4] > 0 && !!settings.delivery.confirmationComment && !hasConfirmationTag(current, settings.delivery);
			confirmedByComment = needsComments && commentConfirms(await readCommentMessages(connection, settings, current!), settings.delivery);
		} catch (error) {
			// One unreadable incident must not hold up the others: it stays pending and is checked on the next poll.
			context.logger.warn(`Microsoft Sentinel Trigger: could not check the delivery of incident ${number}; checking again next poll`, {
				error: (error as Error).message,
			});
			continue;
		}
		const verdict = judgePending(entry, current, {
			settings: settings.delivery,
			nowMs,
			confirmedByComment,
			stillMatches: (incident) => matchesFilters(incident, settings.filters, nowMs) && !settings.isExcluded(incident),
		});
		if (verdict === 'redeliver') {
			const event: IncidentEvent = entry[1] === 'c' ? 'created' : 'updated';
			const tracked = trackEmission(state, current!, event, nowMs);
			emissions.push({ incident: current!, event, delivery: { attempt: tracked[4], firstEmittedAt: isoFromSeconds(tracked[2]) } });
		} else if (verdict === 'abandon') {
			abandon(state, number);
			context.logger.error(`Microsoft Sentinel Trigger: incident ${number} was not confirmed as delivered after ${entry[4]} emissions; giving up`, {
				workspace: settings.workspace.workspaceName,
				incidentNumber: number,
			});
		} else {
			confirm(state, number);
		}
	}
	return emissions;
}

export async function pollIncidents(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const isTick = contextsThatPolled.has(this);
	contextsThatPolled.add(this);
	const connection = await SentinelConnection.open(this, settings.workspace);
	const action = `poll incidents in workspace '${settings.workspace.workspaceName}'`;
	if (this.getMode() === 'manual') {
		try {
			return await sample(this, connection, settings);
		} catch (error) {
			throw toNodeError(this.getNode(), error, { action });
		}
	}

	const staticData = this.getWorkflowStaticData('node');
	const { state, reset } = readState(staticData.cursor, settings.workspace.armId);
	if (reset) this.logger.warn(`Microsoft Sentinel Trigger: starting a new cursor because ${reset}`);

	// Given-up deliveries fail one tick loudly (a failed execution, the error workflow runs), then polling goes on.
	if (state.abandoned.length && isTick) {
		staticData.cursor = { ...state, abandoned: [] } as unknown as IDataObject;
		throw new NodeOperationError(this.getNode(), abandonedMessage(state.abandoned, settings.delivery.giveUpAfterMs), {
			description:
				'Their Signls may never have been raised. Page the on-call engineer for them by hand, and look at the failed executions of this workflow for the cause (SIGNL4 credential, rate limits, a node that fails).',
		});
	}

	try {
		const nowMs = Date.now();
		const query: IncidentListQuery = { ...pollQuery(state, settings.filters, nowMs), top: PAGE_SIZE };

		// Read every page (up to the bound): the most severe incidents go first, wherever the listing has them.
		const listing = await listIncidents(connection, settings, query, action, MAX_PAGES_PER_POLL);
		const { pages, nextLink } = listing;
		const listed: ListedIncident[] = listing.incidents.map(toCursorIncident);

		const planOptions = {
			events: settings.events,
			maxAgeHours: settings.filters.maxAgeHours,
			maxPerPoll: settings.maxPerPoll,
			nowMs,
			isExcluded: (incident: CursorIncident) => settings.isExcluded((incident as ListedIncident).raw),
		};
		const plan = planPoll(state, listed, planOptions);
		let next = plan.next;

		const emissions: Emission[] = [];
		if (settings.delivery.atLeastOnce) {
			const byNumber = new Map(listed.map((incident) => [incident.incidentNumber, incident.raw]));
			const emittingNow = new Set(plan.emit.map(({ incident }) => incident.incidentNumber));
			emissions.push(...(await redeliveries(this, connection, settings, next, byNumber, emittingNow, nowMs)));
		}
		for (const { incident, event } of plan.emit) {
			if (!settings.delivery.atLeastOnce) {
				emissions.push({ incident: incident.raw, event });
				continue;
			}
			const confirmed = hasConfirmationTag(incident.raw, settings.delivery);
			// A new incident that already carries the confirmation tag was delivered before this cursor existed
			// (the node was renamed, the workflow re-imported): paging it again would raise a second Signl.
			if (confirmed && event === 'created') continue;
			const tracked = confirmed ? undefined : trackEmission(next, incident.raw, event, nowMs);
			emissions.push({
				incident: incident.raw,
				event,
				delivery: { attempt: tracked?.[4] ?? 1, firstEmittedAt: isoFromSeconds(tracked?.[2] ?? Math.floor(nowMs / 1000)) },
			});
		}
		// New and Updated: what changed on each update, and (whether or not the query returned them) open incidents
		// with new comments.
		const trackChanges = settings.events === 'createdOrUpdated';
		const snapshots = trackChanges ? readSnapshots(staticData.snapshots) : {};
		const seen: Record<string, IncidentSnapshot> = {};
		if (trackChanges) {
			const principal = ownPrincipal(...(await connection.ownIds()));
			const emitting = new Set(emissions.map((emission) => emission.incident.properties.incidentNumber));
			// Listed but unchanged by its modification time (the look-back returns it again): its comments may have moved.
			for (const { raw } of listed) {
				const number = raw.properties.incidentNumber;
				if (emitting.has(number) || settings.isExcluded(raw) || !commentsMayHaveChanged(snapshots[String(number)], raw)) continue;
				emitting.add(number);
				emissions.push({ incident: raw, event: 'updated' });
			}
			const listedNumbers = new Set([...emitting, ...listed.map((incident) => incident.incidentNumber)]);
			for (const incident of await commentWatch(connection, settings, snapshots, listedNumbers, nowMs)) {
				emissions.push({ incident, event: 'updated' });
			}
			const described = await describeChanges(connection, settings, emissions, snapshots, principal, seen);
			// An update with nothing to report is not handed over, so it is not waiting for a confirmation either (a
			// pending first emission of the incident still is).
			for (const number of Object.keys(seen)) if (next.pending[number]?.[1] === 'u') confirm(next, Number(number));
			emissions.splice(0, emissions.length, ...described);
		}
		// Redeliveries and new emissions together, most severe first: the workflow pages in this order.
		emissions.sort((a, b) => compareForDelivery(toCursorIncident(a.incident), toCursorIncident(b.incident)));
		let items: INodeExecutionData[];
		if (defersDetails(settings, emissions)) {
			// Nothing to read: the whole storm goes out now, most severe first; its evidence is read after paging.
			items = emissions.map((emission) => toItemWithoutDetails(settings, emission));
			this.logger.info(`Microsoft Sentinel Trigger: a storm of ${items.length} incidents handed over without their alerts and entities (page first, details after)`);
		} else if (settings.delivery.atLeastOnce) {
			items = await toItemsHoldingBackFailures(this, connection, settings, next, emissions, nowMs);
		} else {
			items = await toItemsWithinBudget(connection, settings, emissions, nowMs + DETAIL_BUDGET_MS);
			if (items.length < emissions.length) {
				// The same plan limited to what was read (the emissions are in the plan's order): the rest stays in the
				// cursor's view for the next poll. A poll past n8n's activation deadline would fail the activation.
				next = planPoll(state, listed, { ...planOptions, maxPerPoll: items.length }).next;
				this.logger.info(`Microsoft Sentinel Trigger: ${emissions.length - items.length} incident(s) left for the next poll (a storm's Highs go first, or the time for reading details ran out)`);
			}
		}

		// Only now, with every read done, does the cursor move: a failed poll leaves it where the last good one put it.
		staticData.cursor = next as unknown as IDataObject;
		if (trackChanges) {
			const handedOver = new Set(items.map((item) => Number(item.json.incidentNumber)));
			for (const emission of emissions) {
				const number = emission.incident.properties.incidentNumber;
				if (handedOver.has(number) && emission.snapshot) seen[String(number)] = emission.snapshot;
			}
			staticData.snapshots = pruneSnapshots({ ...snapshots, ...seen }, nowMs, settings.filters.maxAgeHours) as unknown as IDataObject;
		} else if (staticData.snapshots) {
			delete staticData.snapshots;
		}
		this.logger.debug('Microsoft Sentinel Trigger polled', {
			workspace: settings.workspace.workspaceName,
			listed: listed.length,
			pages,
			emitted: items.length,
			redelivered: emissions.filter((emission) => (emission.delivery?.attempt ?? 1) > 1).length,
			capped: plan.capped || !!nextLink,
			ranges: next.emitted.length,
			pending: Object.keys(next.pending).length,
		});
		return items.length ? [items] : null;
	} catch (error) {
		throw toNodeError(this.getNode(), error, { action });
	}
}
