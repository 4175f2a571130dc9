import { NodeOperationError, type IDataObject, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';

import type { AzureSession } from '../shared/azure/credential';
import { sessionFor } from '../shared/azure/session';
import { toGraphNodeError, type GraphSecurityPermission } from '../shared/graph/errors';
import { GraphResponseError, graphRequest, graphSessionFor } from '../shared/graph/transport';
import {
	baseFilterTerms,
	compareForDelivery,
	matchesServiceSources,
	odataDateTime,
	planPoll,
	pollQuery,
	readState,
	stateFigures,
	type CursorFilters,
	type DefenderResource,
	type TriggerEvents,
} from './cursor';
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

interface TriggerSettings {
	resource: DefenderResource;
	filters: CursorFilters;
	events: TriggerEvents;
	maxPerPoll: number;
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
	try {
		graphSessionFor(session);
		if (this.getMode() === 'manual') return await sample(this, session, settings);

		const staticData = this.getWorkflowStaticData('node');
		const { state, reset } = readState(staticData.cursor, `${session.tenantId}/${settings.resource}`);
		if (reset) this.logger.warn(`Microsoft Defender XDR Trigger: starting a new cursor because ${reset}`);

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
		const context = { tenantId: session.tenantId, graphEndpoint: session.endpoints.graph };
		const items = plan.emit
			.sort((a, b) => compareForDelivery(a.item, b.item))
			.map(({ item, event }) => ({ json: shapeItem(settings.resource, item, event, context) }));

		// Only now, with every read done, does the cursor move: a failed poll leaves it where the last good one put it.
		staticData.cursor = plan.next as unknown as IDataObject;
		this.logger.debug('Microsoft Defender XDR Trigger polled', {
			resource: settings.resource,
			listed: listing.items.length,
			pages: listing.pages,
			sweep,
			emitted: items.length,
			capped: plan.capped,
			continuesNextPoll: !!plan.next.resume,
			...stateFigures(plan.next),
		});
		return items.length ? [items] : null;
	} catch (error) {
		throw toGraphNodeError(this.getNode(), error, errorContext);
	}
}
