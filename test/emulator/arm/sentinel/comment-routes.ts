import { cloudError, isPlainObject, json, parseJsonBody } from '../../core/json';
import type { HttpResponse, RouteDefinition } from '../../core/http-types';
import { SENTINEL_API_VERSIONS } from '../api-versions';
import type { ArmPipeline, ArmRequest } from '../arm-pipeline';
import { callerActor, findIncident, incidentNotFound, SENTINEL_PREFIX } from './incident-routes';
import { applyListQuery, parseListQuery, type ListSchema } from './list-query';
import { ODataError } from './odata-filter';
import type { SentinelService } from './sentinel-service';

/** Documented limits (docs `includes/sentinel-limits-incidents.md`). */
export const MAX_COMMENT_LENGTH = 30_000;
export const MAX_COMMENTS_PER_INCIDENT = 100;

const COMMENTS = `${SENTINEL_PREFIX}/incidents/{incidentId}/comments`;

const COMMENT_LIST_SCHEMA: ListSchema = {
	typeName: 'Microsoft.Azure.Security.Insights.IncidentComment',
	properties: {
		name: 'string',
		id: 'string',
		'properties/message': 'string',
		'properties/createdTimeUtc': 'datetime',
		'properties/lastModifiedTimeUtc': 'datetime',
		'properties/author/objectId': 'string',
		'properties/author/email': 'string',
		'properties/author/name': 'string',
		'properties/author/userPrincipalName': 'string',
	},
	orderable: ['properties/createdTimeUtc', 'properties/lastModifiedTimeUtc'],
	defaultOrder: [{ path: 'properties/createdTimeUtc', descending: false }],
	tiebreaker: { path: 'name', descending: false },
};

function commentNotFound(name: string): HttpResponse {
	return cloudError(404, 'NotFound', `Comment with id '${name}' was not found.`);
}

export function commentRoutes(pipeline: ArmPipeline, sentinel: SentinelService): RouteDefinition[] {
	const common = { apiVersions: SENTINEL_API_VERSIONS, scope: 'sentinel' as const };
	const findComment = (request: ArmRequest) => {
		const { store, record } = findIncident(sentinel, request);
		const name = request.ctx.params.incidentCommentId?.toLowerCase();
		return { store, record, comment: record?.comments.find((comment) => comment.name.toLowerCase() === name) };
	};
	return [
		pipeline.route({
			...common,
			id: 'comments.list',
			method: 'GET',
			pattern: COMMENTS,
			handler: (request) => {
				const { record } = findIncident(sentinel, request);
				if (!record) return incidentNotFound(request.ctx.params.incidentId);
				try {
					const query = parseListQuery(request.ctx, COMMENT_LIST_SCHEMA);
					return json(200, applyListQuery(record.comments, query, COMMENT_LIST_SCHEMA, request.ctx));
				} catch (error) {
					if (error instanceof ODataError) return cloudError(400, 'BadRequest', error.message);
					throw error;
				}
			},
		}),
		pipeline.route({
			...common,
			id: 'comments.get',
			method: 'GET',
			pattern: `${COMMENTS}/{incidentCommentId}`,
			handler: (request) => {
				const { record, comment } = findComment(request);
				if (!record) return incidentNotFound(request.ctx.params.incidentId);
				return comment ? json(200, comment) : commentNotFound(request.ctx.params.incidentCommentId);
			},
		}),
		pipeline.route({
			...common,
			id: 'comments.put',
			method: 'PUT',
			pattern: `${COMMENTS}/{incidentCommentId}`,
			handler: (request) => {
				const { store, record, comment } = findComment(request);
				if (!record) return incidentNotFound(request.ctx.params.incidentId);
				const parsed = parseJsonBody(request.ctx.rawBody);
				if (!parsed.ok) {
					return cloudError(400, 'InvalidRequestContent', `The request content was invalid and could not be deserialized: '${parsed.message}'.`);
				}
				const message = readMessage(parsed.value);
				if (typeof message !== 'string') return cloudError(400, 'BadRequest', message.error);
				if (comment) {
					store.updateComment(comment, message);
					store.recordComment(record, callerActor(request), 'updated', comment);
					return json(200, comment);
				}
				if (record.comments.length >= MAX_COMMENTS_PER_INCIDENT) {
					return cloudError(400, 'BadRequest', `An incident cannot have more than ${MAX_COMMENTS_PER_INCIDENT} comments.`);
				}
				const created = store.addComment(record, request.ctx.params.incidentCommentId, message, {
					objectId: request.token.objectId,
					name: request.token.appDisplayName,
				});
				store.recordComment(record, callerActor(request), 'created', created);
				return json(201, created);
			},
		}),
		pipeline.route({
			...common,
			id: 'comments.delete',
			method: 'DELETE',
			pattern: `${COMMENTS}/{incidentCommentId}`,
			handler: (request) => {
				const { store, record } = findComment(request);
				if (!record) return incidentNotFound(request.ctx.params.incidentId);
				if (!store.deleteComment(record, request.ctx.params.incidentCommentId)) return { status: 204 };
				store.recordComment(record, callerActor(request), 'deleted', request.ctx.params.incidentCommentId);
				return { status: 200 };
			},
		}),
	];
}

function readMessage(body: unknown): string | { error: string } {
	const props = isPlainObject(body) ? body.properties : undefined;
	const message = isPlainObject(props) ? props.message : undefined;
	if (message === undefined || message === null || message === '') return { error: "The message field is required. Path 'properties.message'." };
	if (typeof message !== 'string') return { error: "Error converting value to type 'String'. Path 'properties.message'." };
	if (message.length > MAX_COMMENT_LENGTH) {
		return { error: `The comment message cannot exceed ${MAX_COMMENT_LENGTH} characters (got ${message.length}).` };
	}
	return message;
}
