import { NodeOperationError, type IDataObject, type INodeExecutionData, type IPollFunctions } from 'n8n-workflow';

import { toNodeError } from '../shared/azure/errors';
import { parseWorkspaceLocator, type WorkspaceLocatorValue, type WorkspaceRef } from '../shared/azure/workspace';
import { mapWithConcurrency } from '../shared/concurrency';
import { SentinelConnection } from '../shared/sentinel/connection';
import { shapeIncident } from '../shared/sentinel/incidentShape';
import { fetchIncidentPage, listIncidentAlerts, listIncidentEntities, type IncidentListQuery } from '../shared/sentinel/incidentsApi';
import type { RawIncident } from '../shared/sentinel/types';
import {
	classifyIncident,
	planPoll,
	pollQuery,
	readState,
	sampleQuery,
	type CursorFilters,
	type CursorIncident,
	type TriggerEvents,
} from './cursor';

/** Incidents per list call; the API allows up to 1,000, smaller pages keep each response quick. */
const PAGE_SIZE = 200;
/** Pages per poll at most; what is left is read by the next poll (the cursor only covers what was processed). */
const MAX_PAGES_PER_POLL = 50;
/** Parallel alert/entity reads per poll, well inside ARM's per-principal read budget. */
const DETAIL_CONCURRENCY = 4;

interface TriggerSettings {
	workspace: WorkspaceRef;
	filters: CursorFilters;
	events: TriggerEvents;
	includeAlerts: boolean;
	includeEntities: boolean;
	maxPerPoll: number;
	isExcluded: (incident: RawIncident) => boolean;
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
		maxPerPoll: Math.max(0, Math.floor(Number(options.maxIncidentsPerPoll ?? 100))),
		isExcluded: (incident) => {
			const title = (incident.properties.title ?? '').toLowerCase();
			if (excludedTitles.some((phrase) => title.includes(phrase))) return true;
			const products = incident.properties.additionalData?.alertProductNames ?? [];
			return excludedProducts.size > 0 && products.length > 0 && products.every((p) => excludedProducts.has(p.toLowerCase()));
		},
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
		raw,
	};
}

async function toItems(
	connection: SentinelConnection,
	settings: TriggerSettings,
	incidents: Array<{ incident: RawIncident; event: string }>,
): Promise<INodeExecutionData[]> {
	return mapWithConcurrency(incidents, DETAIL_CONCURRENCY, async ({ incident, event }) => {
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
		return { json: { triggerEvent: event, ...shapeIncident(incident, settings.workspace, { alerts, entities }) } };
	});
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

export async function pollIncidents(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(this);
	const connection = await SentinelConnection.open(this, settings.workspace);
	const action = `poll incidents in workspace '${settings.workspace.workspaceName}'`;
	try {
		if (this.getMode() === 'manual') return await sample(this, connection, settings);

		const staticData = this.getWorkflowStaticData('node');
		const { state, reset } = readState(staticData.cursor, settings.workspace.armId);
		if (reset) this.logger.warn(`Microsoft Sentinel Trigger: starting a new cursor because ${reset}`);
		const nowMs = Date.now();
		const query: IncidentListQuery = { ...pollQuery(state, settings.filters, nowMs), top: PAGE_SIZE };

		// Read pages until there is enough to emit or nothing more; the plan below decides exactly.
		const listed: ListedIncident[] = [];
		let candidates = 0;
		let nextLink: string | undefined;
		let pages = 0;
		do {
			const link = nextLink;
			const page = await connection.call(action, (client) =>
				fetchIncidentPage(client, settings.workspace, query, connection.armEndpoint, link),
			);
			for (const raw of page.incidents) {
				const incident = toCursorIncident(raw);
				listed.push(incident);
				if (!settings.isExcluded(raw) && classifyIncident(state, incident, settings.events)) candidates++;
			}
			nextLink = page.nextLink;
			pages++;
		} while (nextLink && pages < MAX_PAGES_PER_POLL && (settings.maxPerPoll === 0 || candidates < settings.maxPerPoll));

		const plan = planPoll(state, listed, {
			events: settings.events,
			maxAgeHours: settings.filters.maxAgeHours,
			maxPerPoll: settings.maxPerPoll,
			nowMs,
			isExcluded: (incident) => settings.isExcluded((incident as ListedIncident).raw),
		});
		const items = await toItems(
			connection,
			settings,
			plan.emit.map(({ incident, event }) => ({ incident: incident.raw, event })),
		);

		// Only now, with every read done, does the cursor move: a failed poll leaves it where the last good one put it.
		staticData.cursor = plan.next as unknown as IDataObject;
		this.logger.debug('Microsoft Sentinel Trigger polled', {
			workspace: settings.workspace.workspaceName,
			listed: listed.length,
			pages,
			emitted: items.length,
			capped: plan.capped || !!nextLink,
		});
		return items.length ? [items] : null;
	} catch (error) {
		throw toNodeError(this.getNode(), error, { action });
	}
}
