import { NodeOperationError, type IDataObject, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';

import type { AzureSession } from '../shared/azure/credential';
import { sessionFor } from '../shared/azure/session';
import { toGraphNodeError, type GraphSecurityPermission } from '../shared/graph/errors';
import { GraphResponseError, graphPathSegment, graphRequest, graphSessionFor } from '../shared/graph/transport';
import {
	baseFilterTerms,
	compareForDelivery,
	timeMs,
	matchesServiceSources,
	odataDateTime,
	planPoll,
	pollQuery,
	readState,
	stateFigures,
	type CursorFilters,
	type CursorState,
	type DefenderResource,
	type ItemEvent,
	type TriggerEvents,
} from './cursor';
import {
	AT_MOST_ONCE,
	abandon,
	abandonedMessage,
	confirm,
	duePending,
	isConfirmed,
	judgePending,
	trackEmission,
	type DeliverySettings,
} from './delivery';
import { shapeItem, type GraphSecurityItem } from './itemShape';

/** Items per page: Graph's maximum for incidents with their alerts is 50, and small pages answer quickly. */
export const PAGE_SIZE = 50;
/**
 * Pages one poll reads at most (1,000 items). A longer listing is continued from its nextLink by the next poll, so
 * a poll stays well inside n8n's minute even when Graph throttles.
 */
export const MAX_PAGES_PER_POLL = 20;
/** Pages "Fetch Test Event" reads at most looking for the newest matching incident. */
const MAX_SAMPLE_PAGES = 4;
/** Unconfirmed deliveries not in this poll's listing read one by one per poll at most (the rest wait a poll). */
const MAX_RECHECKS_PER_POLL = 50;

/**
 * Poll contexts that have polled once. n8n builds one context per activation and calls poll() with it at once
 * (where a thrown error fails the activation) and then on every tick (where it becomes a failed execution and runs
 * the error workflow). Given-up deliveries are reported by throwing, so only on a tick.
 */
const contextsThatPolled = new WeakSet<object>();

interface TriggerSettings {
	resource: DefenderResource;
	filters: CursorFilters;
	events: TriggerEvents;
	maxPerPoll: number;
	delivery: DeliverySettings;
}

function readDeliverySettings(context: IPollFunctions, resource: DefenderResource): DeliverySettings {
	if (context.getNodeParameter('delivery', 'atMostOnce') !== 'atLeastOnce') return AT_MOST_ONCE;
	const confirmationTag = resource === 'incidents' ? String(context.getNodeParameter('confirmationTag', '') ?? '').trim() : '';
	const confirmationComment = String(context.getNodeParameter('confirmationComment', '') ?? '').trim();
	if (!confirmationTag && !confirmationComment) {
		throw new NodeOperationError(context.getNode(), 'At-least-once delivery needs a Confirmation Tag or a Confirmation Comment', {
			description:
				resource === 'incidents'
					? 'Set the custom tag (or the comment text) the workflow writes to the incident once the Signl was raised, or choose "Once (At Most Once)".'
					: 'Alerts have no tags: set the comment text the workflow writes to the alert once the Signl was raised, or choose "Once (At Most Once)".',
		});
	}
	const minutes = Number(context.getNodeParameter('redeliverAfterMinutes', 10));
	const maxWaitMinutes = Number(context.getNodeParameter('maxWaitMinutes', 30));
	const hours = Number(context.getNodeParameter('giveUpAfterHours', 24));
	if (!Number.isFinite(minutes) || minutes < 1) throw new NodeOperationError(context.getNode(), 'Redeliver After must be at least 1 minute');
	if (!Number.isFinite(hours) || hours <= 0) throw new NodeOperationError(context.getNode(), 'Give Up After must be a positive number of hours');
	if (!Number.isFinite(maxWaitMinutes) || maxWaitMinutes < minutes) {
		throw new NodeOperationError(context.getNode(), 'Maximum Wait must be at least Redeliver After', {
			description: `Redeliver After is ${minutes} minutes; set Maximum Wait to that or more.`,
		});
	}
	return { atLeastOnce: true, confirmationTag, confirmationComment, redeliverAfterMs: minutes * 60_000, maxWaitMs: maxWaitMinutes * 60_000, giveUpAfterMs: hours * 3_600_000 };
}

function readSettings(context: IPollFunctions): TriggerSettings {
	const resource = context.getNodeParameter('watch', 'incidents') === 'alerts' ? 'alerts' : 'incidents';
	const maxAgeHours = Number(context.getNodeParameter('maxAgeHours', 24));
	if (!Number.isFinite(maxAgeHours) || maxAgeHours <= 0) {
		throw new NodeOperationError(context.getNode(), 'Maximum Age must be a positive number of hours');
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	return {
		resource,
		filters: {
			statuses: context.getNodeParameter(resource === 'incidents' ? 'incidentStatuses' : 'alertStatuses', []) as string[],
			severities: context.getNodeParameter('severities', []) as string[],
			serviceSources: context.getNodeParameter('serviceSources', []) as string[],
			maxAgeHours,
		},
		events: context.getNodeParameter('event', 'created') === 'createdOrUpdated' ? 'createdOrUpdated' : 'created',
		maxPerPoll: Math.max(0, Math.floor(Number(options.maxItemsPerPoll ?? 0)) || 0),
		delivery: readDeliverySettings(context, resource),
	};
}

const PATHS: Record<DefenderResource, string> = { incidents: '/security/incidents', alerts: '/security/alerts_v2' };
const PERMISSIONS: Record<DefenderResource, GraphSecurityPermission> = {
	incidents: 'SecurityIncident.Read.All',
	alerts: 'SecurityAlert.Read.All',
};

function firstPageQuery(settings: TriggerSettings, filter: string | undefined): Record<string, string | number> {
	return {
		...(filter ? { $filter: filter } : {}),
		$top: PAGE_SIZE,
		...(settings.resource === 'incidents' ? { $expand: 'alerts' } : {}),
	};
}

interface GraphPage {
	value?: GraphSecurityItem[];
	'@odata.nextLink'?: string | null;
}

/**
 * Reads a listing from its first request (or a saved nextLink) for at most `maxPages` pages, and hands back the
 * nextLink it stopped at (the transport's `graphPages` follows links but does not give the one left unread).
 */
async function readPages(
	session: AzureSession,
	first: { path: string; qs: Record<string, string | number> } | { url: string },
	maxPages: number,
): Promise<{ items: GraphSecurityItem[]; nextLink?: string; pages: number }> {
	const items: GraphSecurityItem[] = [];
	let page = await graphRequest<GraphPage>(session, 'url' in first ? { method: 'GET', url: first.url } : { method: 'GET', ...first });
	let pages = 1;
	const seen = new Set<string>();
	for (;;) {
		items.push(...(page.value ?? []));
		const next = page['@odata.nextLink'];
		// A link seen before would loop forever: the listing ends there.
		if (!next || seen.has(next)) return { items, pages };
		if (pages >= maxPages) return { items, nextLink: next, pages };
		seen.add(next);
		page = await graphRequest<GraphPage>(session, { method: 'GET', url: next });
		pages++;
	}
}

function sameOrigin(link: string, endpoint: string): boolean {
	return URL.canParse(link) && URL.canParse(endpoint) && new URL(link).origin === new URL(endpoint).origin;
}

/** Whether an item still matches the trigger's filters (checked before emitting an unconfirmed one again). */
function stillMatches(settings: TriggerSettings, item: GraphSecurityItem, nowMs: number): boolean {
	const { statuses, severities, serviceSources, maxAgeHours } = settings.filters;
	const within = (values: string[], value: unknown) => values.length === 0 || values.some((v) => v.toLowerCase() === String(value ?? '').toLowerCase());
	const sources = settings.resource === 'alerts' ? [item] : item.alerts;
	return (
		within(statuses, item.status) &&
		within(severities, item.severity) &&
		matchesServiceSources(sources, serviceSources) &&
		timeMs(item.createdDateTime) >= nowMs - maxAgeHours * 3_600_000
	);
}

/** The incident or alert as Graph has it now (`item` undefined when Graph no longer has it), or why it could not be read. */
async function readItem(session: AzureSession, settings: TriggerSettings, id: string): Promise<{ item?: GraphSecurityItem; failure?: Error }> {
	const kind = settings.resource === 'incidents' ? 'incident' : 'alert';
	try {
		const item = await graphRequest<GraphSecurityItem>(session, {
			method: 'GET',
			path: `${PATHS[settings.resource]}/${graphPathSegment(id, `${kind} ID`)}`,
			qs: settings.resource === 'incidents' ? { $expand: 'alerts' } : {},
		});
		return { item };
	} catch (error) {
		return error instanceof GraphResponseError && error.status === 404 ? {} : { failure: error as Error };
	}
}

interface Emission {
	item: GraphSecurityItem;
	event: ItemEvent;
	delivery?: { attempt: number; firstEmittedAt: string };
}

const isoFromSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

/**
 * At-least-once mode: confirms, re-emits or gives up the deliveries whose wait is over (mutates `state`) and
 * returns the items to emit again.
 */
async function redeliveries(
	context: IPollFunctions,
	session: AzureSession,
	settings: TriggerSettings,
	state: CursorState,
	listed: Map<string, GraphSecurityItem>,
	emittingNow: Set<string>,
	nowMs: number,
): Promise<Emission[]> {
	// A confirmation visible in this poll's listing costs no call.
	for (const [id, item] of listed) if (state.pending?.[id] && isConfirmed(item, settings.delivery)) confirm(state, id);
	const emissions: Emission[] = [];
	let reads = 0;
	for (const [id, entry] of duePending(state, nowMs, settings.delivery)) {
		if (emittingNow.has(id)) continue;
		if (!listed.has(id) && reads++ >= MAX_RECHECKS_PER_POLL) continue;
		const { item: current, failure } = listed.has(id) ? { item: listed.get(id) } : await readItem(session, settings, id);
		if (failure) {
			// One unreadable item must not hold up the others: it stays pending and is checked on the next poll.
			context.logger.warn(`Microsoft Defender XDR Trigger: could not check the delivery of ${id}; checking again next poll`, {
				error: failure.message,
			});
			continue;
		}
		const verdict = judgePending(entry, current, { settings: settings.delivery, nowMs, stillMatches: (item) => stillMatches(settings, item, nowMs) });
		if (verdict === 'redeliver') {
			const event: ItemEvent = entry[0] === 'c' ? 'created' : 'updated';
			const tracked = trackEmission(state, id, event, nowMs);
			emissions.push({ item: current!, event, delivery: { attempt: tracked[3], firstEmittedAt: isoFromSeconds(tracked[1]) } });
		} else if (verdict === 'abandon') {
			abandon(state, id);
			context.logger.error(`Microsoft Defender XDR Trigger: ${id} was not confirmed as delivered after ${entry[3]} emissions; giving up`);
		} else {
			confirm(state, id);
		}
	}
	return emissions;
}

/** The incidents that pass the client-side filter (service sources of their alerts); alerts are filtered by Graph. */
function clientSideMatch(settings: TriggerSettings, item: GraphSecurityItem): boolean {
	return settings.resource === 'alerts' || matchesServiceSources(item.alerts, settings.filters.serviceSources);
}

/**
 * "Fetch Test Event": the newest matching item, the cursor neither read nor moved. Graph lists the newest first;
 * the newest inside the maximum age is preferred, any age is accepted when there is none.
 */
async function sample(context: IPollFunctions, session: AzureSession, settings: TriggerSettings): Promise<INodeExecutionData[][]> {
	const base = baseFilterTerms(settings.resource, settings.filters);
	const recent = [`createdDateTime ge ${odataDateTime(Date.now() - settings.filters.maxAgeHours * 3_600_000)}`, ...base].join(' and ');
	let newest: GraphSecurityItem | undefined;
	for (const filter of [recent, base.join(' and ') || undefined]) {
		const { items } = await readPages(session, { path: PATHS[settings.resource], qs: firstPageQuery(settings, filter) }, MAX_SAMPLE_PAGES);
		const matching = items.filter((item) => clientSideMatch(settings, item));
		newest = matching.sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime))[0];
		if (newest) break;
	}
	if (!newest) {
		throw new NodeOperationError(context.getNode(), `No Defender XDR ${settings.resource === 'incidents' ? 'incident' : 'alert'} matches the trigger's filters`, {
			description: 'Widen the statuses, severities or service sources, or wait for Defender XDR to raise one.',
		});
	}
	return [[{ json: shapeItem(settings.resource, newest, 'created', { tenantId: session.tenantId, graphEndpoint: session.endpoints.graph }) }]];
}

export async function pollDefender(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const session = await sessionFor(this);
	const errorContext = {
		action: `poll Defender XDR ${settings.resource === 'incidents' ? 'incidents' : 'alerts'}`,
		permission: PERMISSIONS[settings.resource],
	};
	const isTick = contextsThatPolled.has(this);
	contextsThatPolled.add(this);
	try {
		graphSessionFor(session);
		if (this.getMode() === 'manual') return await sample(this, session, settings);

		const staticData = this.getWorkflowStaticData('node');
		const { state, reset } = readState(staticData.cursor, `${session.tenantId}/${settings.resource}`);
		if (reset) this.logger.warn(`Microsoft Defender XDR Trigger: starting a new cursor because ${reset}`);

		// Given-up deliveries fail one tick loudly (a failed execution, the error workflow runs), then polling goes on.
		if (state.abandoned?.length && isTick) {
			staticData.cursor = { ...state, abandoned: undefined } as unknown as IDataObject;
			const kind = settings.resource === 'incidents' ? 'incident' : 'alert';
			throw new NodeOperationError(this.getNode(), abandonedMessage(state.abandoned, kind, settings.delivery.giveUpAfterMs), {
				description:
					'Their Signls may never have been raised. Page the on-call engineer for them by hand, and look at the failed executions of this workflow for the cause (SIGNL4 credential, rate limits, a node that fails).',
			});
		}

		const nowMs = Date.now();
		// The filters Graph applies; a listing continued from a nextLink must have been made with the same ones.
		const key = baseFilterTerms(settings.resource, settings.filters).join(' and ');
		let listing: { items: GraphSecurityItem[]; nextLink?: string; pages: number } | undefined;
		let sweep = false;
		let startedAt = nowMs;
		// A saved nextLink is used only for the same filters and on the Graph endpoint the credential names now.
		if (state.resume && state.resume.key === key && sameOrigin(state.resume.link, session.endpoints.graph)) {
			try {
				listing = await readPages(session, { url: state.resume.link }, MAX_PAGES_PER_POLL);
				sweep = state.resume.sweep;
				startedAt = state.resume.startedAt;
			} catch (error) {
				// A nextLink Graph no longer honours (expired, malformed): start the listing again, nothing is lost.
				if (!(error instanceof GraphResponseError) || ![400, 404, 410].includes(error.status)) throw toGraphNodeError(this.getNode(), error, errorContext);
				this.logger.warn(`Microsoft Defender XDR Trigger: the saved nextLink was refused (${error.status}); listing again`);
			}
		}
		const startState = listing ? state : { ...state, resume: undefined };
		if (!listing) {
			const query = pollQuery(settings.resource, startState, settings.filters, nowMs);
			sweep = query.sweep;
			listing = await readPages(session, { path: PATHS[settings.resource], qs: firstPageQuery(settings, query.filter) }, MAX_PAGES_PER_POLL);
		}

		const plan = planPoll(startState, listing.items, {
			events: settings.events,
			maxAgeHours: settings.filters.maxAgeHours,
			maxPerPoll: settings.maxPerPoll,
			nowMs,
			isExcluded: (item) => !clientSideMatch(settings, item as GraphSecurityItem),
			listing: { sweep, nextLink: listing.nextLink, key, startedAt },
		});
		const next = plan.next;
		// Switched back to at-most-once: nothing waits for a confirmation any more.
		if (!settings.delivery.atLeastOnce) delete next.pending;
		const emissions: Emission[] = [];
		if (settings.delivery.atLeastOnce) {
			const listed = new Map(listing.items.map((item) => [item.id, item]));
			const emittingNow = new Set(plan.emit.map(({ item }) => item.id));
			emissions.push(...(await redeliveries(this, session, settings, next, listed, emittingNow, nowMs)));
		}
		for (const { item, event } of plan.emit) {
			if (!settings.delivery.atLeastOnce) {
				emissions.push({ item, event });
				continue;
			}
			const confirmed = isConfirmed(item, settings.delivery);
			// A new item that already carries the confirmation was delivered before this cursor existed (the node was
			// renamed, the workflow re-imported): paging it again would raise a second Signl.
			if (confirmed && event === 'created') continue;
			const tracked = confirmed ? undefined : trackEmission(next, item.id, event, nowMs);
			emissions.push({ item, event, delivery: { attempt: tracked?.[3] ?? 1, firstEmittedAt: isoFromSeconds(tracked?.[1] ?? Math.floor(nowMs / 1000)) } });
		}
		const context = { tenantId: session.tenantId, graphEndpoint: session.endpoints.graph };
		// Redeliveries and new emissions together, most severe first: the workflow pages in this order.
		const items = emissions
			.sort((a, b) => compareForDelivery(a.item, b.item))
			.map(({ item, event, delivery }) => ({ json: { ...shapeItem(settings.resource, item, event, context), ...(delivery ? { delivery } : {}) } }));

		// Only now, with every read done, does the cursor move: a failed poll leaves it where the last good one put it.
		staticData.cursor = next as unknown as IDataObject;
		this.logger.debug('Microsoft Defender XDR Trigger polled', {
			resource: settings.resource,
			listed: listing.items.length,
			pages: listing.pages,
			sweep,
			emitted: items.length,
			capped: plan.capped,
			continuesNextPoll: !!next.resume,
			redelivered: emissions.filter((emission) => (emission.delivery?.attempt ?? 1) > 1).length,
			pending: Object.keys(next.pending ?? {}).length,
			...stateFigures(next),
		});
		return items.length ? [items] : null;
	} catch (error) {
		throw toGraphNodeError(this.getNode(), error, errorContext);
	}
}
