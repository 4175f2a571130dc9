import { cloudError, json, parseJsonBody } from '../../core/json';
import type { HttpResponse, RouteDefinition } from '../../core/http-types';
import { SENTINEL_API_VERSIONS } from '../api-versions';
import type { ArmPipeline, ArmRequest } from '../arm-pipeline';
import type { WorkspaceInfo } from '../topology';
import type { Actor, IncidentRecord, WorkspaceIncidents } from './incident-store';
import { validateIncidentPut } from './incident-validation';
import { applyListQuery, parseListQuery, type ListSchema } from './list-query';
import type { EntityKind } from './model';
import { mapComparisons, ODataError, type FilterNode } from './odata-filter';
import type { SentinelService } from './sentinel-service';

export const SENTINEL_PREFIX =
	'/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights';
const INCIDENT = `${SENTINEL_PREFIX}/incidents/{incidentId}`;

const INCIDENT_LIST_SCHEMA: ListSchema = {
	typeName: 'Microsoft.Azure.Security.Insights.Incident',
	properties: {
		name: 'string',
		id: 'string',
		type: 'string',
		etag: 'string',
		'properties/title': 'string',
		'properties/description': 'string',
		'properties/severity': 'string',
		'properties/status': 'string',
		'properties/classification': 'string',
		'properties/classificationReason': 'string',
		'properties/classificationComment': 'string',
		'properties/incidentNumber': 'number',
		'properties/createdTimeUtc': 'datetime',
		'properties/lastModifiedTimeUtc': 'datetime',
		'properties/firstActivityTimeUtc': 'datetime',
		'properties/lastActivityTimeUtc': 'datetime',
		'properties/providerName': 'string',
		'properties/providerIncidentId': 'string',
		'properties/incidentUrl': 'string',
		'properties/owner/objectId': 'string',
		'properties/owner/email': 'string',
		'properties/owner/assignedTo': 'string',
		'properties/owner/userPrincipalName': 'string',
		'properties/owner/ownerType': 'string',
		'properties/additionalData/alertsCount': 'number',
		'properties/additionalData/commentsCount': 'number',
		'properties/additionalData/bookmarksCount': 'number',
		'properties/additionalData/providerIncidentUrl': 'string',
	},
	orderable: ['properties/incidentNumber', 'properties/createdTimeUtc', 'properties/lastModifiedTimeUtc'],
	// Undocumented; newest first is what the portal shows.
	defaultOrder: [{ path: 'properties/createdTimeUtc', descending: true }],
	tiebreaker: { path: 'properties/incidentNumber', descending: false },
};

export function incidentNotFound(name: string): HttpResponse {
	return cloudError(404, 'NotFound', `Incident with id '${name}' was not found.`);
}

/** The calling service principal as Sentinel records it in systemData. */
export function callerActor(request: ArmRequest): Actor {
	return { name: request.token.clientId, type: 'Application' };
}

export function findIncident(sentinel: SentinelService, request: ArmRequest): { store: WorkspaceIncidents; record?: IncidentRecord } {
	const store = sentinel.store(request.workspace as WorkspaceInfo);
	return { store, record: store.find(request.ctx.params.incidentId) };
}

export function incidentRoutes(pipeline: ArmPipeline, sentinel: SentinelService): RouteDefinition[] {
	const common = { apiVersions: SENTINEL_API_VERSIONS, scope: 'sentinel' as const };
	return [
		pipeline.route({
			...common,
			id: 'incidents.list',
			method: 'GET',
			pattern: `${SENTINEL_PREFIX}/incidents`,
			handler: (request) => {
				const store = sentinel.store(request.workspace as WorkspaceInfo);
				try {
					const query = parseListQuery(request.ctx, INCIDENT_LIST_SCHEMA, (tree) => applyQuirks(tree, sentinel));
					const incidents = store.all().map((record) => record.incident);
					return json(200, applyListQuery(incidents, query, INCIDENT_LIST_SCHEMA, request.ctx));
				} catch (error) {
					if (error instanceof ODataError) return cloudError(400, 'BadRequest', error.message);
					throw error;
				}
			},
		}),
		pipeline.route({
			...common,
			id: 'incidents.get',
			method: 'GET',
			pattern: INCIDENT,
			handler: (request) => {
				const { record } = findIncident(sentinel, request);
				return record ? json(200, record.incident) : incidentNotFound(request.ctx.params.incidentId);
			},
		}),
		pipeline.route({
			...common,
			id: 'incidents.put',
			method: 'PUT',
			pattern: INCIDENT,
			handler: (request) => putIncident(sentinel, request),
		}),
		pipeline.route({
			...common,
			id: 'incidents.delete',
			method: 'DELETE',
			pattern: INCIDENT,
			handler: (request) => {
				const { store } = findIncident(sentinel, request);
				return store.delete(request.ctx.params.incidentId) ? { status: 200 } : { status: 204 };
			},
		}),
		pipeline.route({
			...common,
			id: 'incidents.alerts',
			method: 'POST',
			pattern: `${INCIDENT}/alerts`,
			handler: (request) => {
				const { record } = findIncident(sentinel, request);
				return record ? json(200, { value: record.alerts }) : incidentNotFound(request.ctx.params.incidentId);
			},
		}),
		pipeline.route({
			...common,
			id: 'incidents.entities',
			method: 'POST',
			pattern: `${INCIDENT}/entities`,
			handler: (request) => {
				const { record } = findIncident(sentinel, request);
				if (!record) return incidentNotFound(request.ctx.params.incidentId);
				const counts = new Map<EntityKind, number>();
				for (const entity of record.entities) counts.set(entity.kind, (counts.get(entity.kind) ?? 0) + 1);
				return json(200, {
					entities: record.entities,
					metaData: [...counts].map(([entityKind, count]) => ({ entityKind, count })),
				});
			},
		}),
		pipeline.route({
			...common,
			id: 'incidents.bookmarks',
			method: 'POST',
			pattern: `${INCIDENT}/bookmarks`,
			handler: (request) => {
				const { record } = findIncident(sentinel, request);
				return record ? json(200, { value: [] }) : incidentNotFound(request.ctx.params.incidentId);
			},
		}),
	];
}

function putIncident(sentinel: SentinelService, request: ArmRequest): HttpResponse {
	const parsed = parseJsonBody(request.ctx.rawBody);
	if (!parsed.ok) {
		return cloudError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${parsed.message}'.`);
	}
	// Whatever a test queued for "between the client's GET and this PUT" happens first, as a real concurrent write would.
	sentinel.runBeforePut(request.ctx.params.incidentId);
	const validated = validateIncidentPut(parsed.value);
	if (!validated.ok) return cloudError(400, 'BadRequest', validated.message);

	const { store, record } = findIncident(sentinel, request);
	const name = request.ctx.params.incidentId;
	if (validated.ownerLookup) {
		const { email, userPrincipalName } = validated.ownerLookup;
		const user = store.findUserByName(email, userPrincipalName);
		if (!user) {
			// Assumed: the service refuses an owner it cannot resolve rather than storing a dangling one.
			return cloudError(400, 'BadRequest', `Could not find a user with ${email ? `email '${email}'` : `userPrincipalName '${userPrincipalName}'`} in the tenant.`);
		}
		validated.write.ownerObjectId = user.objectId;
	}
	if (record) {
		// The SDK sends the etag in the body, never If-Match; accept either.
		const ifMatch = request.ctx.headers['if-match'];
		const etag = validated.etag ?? (Array.isArray(ifMatch) ? ifMatch[0] : ifMatch);
		if (etag !== record.incident.etag) {
			return cloudError(409, 'Conflict', `Newer version of resource '${record.incident.name}' exists. Data was not saved`);
		}
		store.replace(record, validated.write, callerActor(request));
		return json(200, record.incident);
	}
	const write = validated.write;
	const created = store.create(
		{
			name,
			title: write.title,
			severity: write.severity,
			status: write.status,
			...(write.description ? { description: write.description } : {}),
			...(write.classification ? { classification: write.classification } : {}),
			...(write.classificationReason ? { classificationReason: write.classificationReason } : {}),
			...(write.classificationComment ? { classificationComment: write.classificationComment } : {}),
			ownerObjectId: write.ownerObjectId ?? null,
			labels: write.labels ?? [],
			// Incidents created through the API have no alerts.
			alerts: [],
			...(write.firstActivityTimeUtc ? { firstActivityTimeUtc: write.firstActivityTimeUtc } : {}),
			...(write.lastActivityTimeUtc ? { lastActivityTimeUtc: write.lastActivityTimeUtc } : {}),
		},
		callerActor(request),
		'put',
	);
	return json(201, created.incident);
}

function applyQuirks(tree: FilterNode, sentinel: SentinelService): FilterNode {
	if (!sentinel.quirks.undeterminedClassificationFilterMatchesNothing) return tree;
	return mapComparisons(tree, (node) => {
		const sides = [node.left, node.right];
		const onClassification = sides.some((side) => side.type === 'property' && side.path === 'properties/classification');
		const undetermined = sides.some((side) => side.type === 'literal' && side.value === 'Undetermined');
		return node.op === 'eq' && onClassification && undetermined ? { type: 'literal', value: false } : node;
	});
}
