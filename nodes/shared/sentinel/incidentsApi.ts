import type { Incident as SdkIncident, SecurityInsights } from '@azure/arm-securityinsight';

import { assertSameOrigin } from '../azure/armTransport';
import type { WorkspaceRef } from '../azure/workspace';
import type { RawAlert, RawComment, RawEntitiesResponse, RawIncident } from './types';
import { ensureWriteGuard } from './writeGuard';

/**
 * Sentinel incident calls through Microsoft's SDK. Each call hands back the body exactly as Azure served it
 * (the SDK's flattened models drop nothing we need, but the raw resource is what users see in the portal and
 * what the output item's `raw` field promises).
 */

function captureBody(): { options: { onResponse: (raw: { bodyAsText?: string | null }) => void }; body: () => unknown } {
	let text: string | null | undefined;
	return {
		options: { onResponse: (raw) => (text = raw.bodyAsText) },
		body: () => (text ? JSON.parse(text) : undefined),
	};
}

export interface IncidentListQuery {
	filter?: string;
	orderby?: string;
	top?: number;
}

export interface IncidentPage {
	incidents: RawIncident[];
	nextLink?: string;
}

/** One page of incidents: the first (with the query), or the one a previous page's nextLink names. */
export async function fetchIncidentPage(
	client: SecurityInsights,
	workspace: WorkspaceRef,
	query: IncidentListQuery,
	armEndpoint: string,
	nextLink?: string,
): Promise<IncidentPage> {
	if (nextLink) assertSameOrigin(nextLink, armEndpoint);
	const capture = captureBody();
	const pages = client.incidents
		.list(workspace.resourceGroup, workspace.workspaceName, { ...query, ...capture.options })
		.byPage(nextLink ? { continuationToken: nextLink } : undefined);
	await pages.next();
	const body = (capture.body() ?? {}) as { value?: RawIncident[]; nextLink?: string | null };
	return { incidents: body.value ?? [], nextLink: body.nextLink || undefined };
}

export async function getIncident(client: SecurityInsights, workspace: WorkspaceRef, incidentName: string): Promise<RawIncident> {
	const capture = captureBody();
	await client.incidents.get(workspace.resourceGroup, workspace.workspaceName, incidentName, capture.options);
	return capture.body() as RawIncident;
}

export async function listIncidentAlerts(client: SecurityInsights, workspace: WorkspaceRef, incidentName: string): Promise<RawAlert[]> {
	const capture = captureBody();
	await client.incidents.listAlerts(workspace.resourceGroup, workspace.workspaceName, incidentName, capture.options);
	return ((capture.body() as { value?: RawAlert[] } | undefined)?.value ?? []) as RawAlert[];
}

export async function listIncidentEntities(
	client: SecurityInsights,
	workspace: WorkspaceRef,
	incidentName: string,
): Promise<RawEntitiesResponse> {
	const capture = captureBody();
	await client.incidents.listEntities(workspace.resourceGroup, workspace.workspaceName, incidentName, capture.options);
	return (capture.body() ?? {}) as RawEntitiesResponse;
}

/**
 * The writable fields of an incident as a PUT sends them (Incidents_CreateOrUpdate replaces the resource, so every
 * field that should stay must be sent again). `etag` is the one from the read the body was computed from.
 */
export interface IncidentWrite {
	etag: string;
	title: string;
	severity: string;
	status: string;
	description?: string;
	classification?: string;
	classificationReason?: string;
	classificationComment?: string;
	/** `{}` unassigns; otherwise one of objectId, email or userPrincipalName (the service resolves the rest). */
	owner?: { objectId?: string; email?: string; userPrincipalName?: string };
	labels?: string[];
	firstActivityTimeUtc?: string;
	lastActivityTimeUtc?: string;
}

/** The SDK's (flattened) model for a write; it strips read-only fields and sends `etag` in the body. */
export function toSdkIncident(write: IncidentWrite): SdkIncident {
	const model: SdkIncident = { etag: write.etag, title: write.title, severity: write.severity, status: write.status };
	if (write.description !== undefined) model.description = write.description;
	if (write.classification !== undefined) model.classification = write.classification;
	if (write.classificationReason !== undefined) model.classificationReason = write.classificationReason;
	if (write.classificationComment !== undefined) model.classificationComment = write.classificationComment;
	if (write.owner !== undefined) model.owner = { ...write.owner };
	if (write.labels !== undefined) model.labels = write.labels.map((labelName) => ({ labelName }));
	if (write.firstActivityTimeUtc) model.firstActivityTimeUtc = new Date(write.firstActivityTimeUtc);
	if (write.lastActivityTimeUtc) model.lastActivityTimeUtc = new Date(write.lastActivityTimeUtc);
	return model;
}

/**
 * PUTs an incident. A stale etag fails with 409 (RestError); an attempt whose outcome is unknown (connection lost,
 * timeout, 5xx) fails with `UnconfirmedWriteError` and is not repeated by the SDK — see `writeGuard.ts`.
 */
export async function putIncident(client: SecurityInsights, workspace: WorkspaceRef, incidentName: string, write: IncidentWrite): Promise<RawIncident> {
	ensureWriteGuard(client);
	const capture = captureBody();
	// The write guard also bounds each attempt's duration (writeGuardSettings.timeoutMs).
	await client.incidents.createOrUpdate(workspace.resourceGroup, workspace.workspaceName, incidentName, toSdkIncident(write), capture.options);
	return capture.body() as RawIncident;
}

export interface CommentPage {
	comments: RawComment[];
	nextLink?: string;
}

/** One page of an incident's comments (oldest first), or the page a previous nextLink names. */
export async function fetchCommentPage(
	client: SecurityInsights,
	workspace: WorkspaceRef,
	incidentName: string,
	armEndpoint: string,
	nextLink?: string,
): Promise<CommentPage> {
	if (nextLink) assertSameOrigin(nextLink, armEndpoint);
	const capture = captureBody();
	const pages = client.incidentComments
		.list(workspace.resourceGroup, workspace.workspaceName, incidentName, capture.options)
		.byPage(nextLink ? { continuationToken: nextLink } : undefined);
	await pages.next();
	const body = (capture.body() ?? {}) as { value?: RawComment[]; nextLink?: string | null };
	return { comments: body.value ?? [], nextLink: body.nextLink || undefined };
}

/**
 * Creates (or, for an existing ID, rewrites) one comment. The comment ID is chosen by the caller, so a repeated
 * request writes the same comment again instead of adding a second one; the SDK's own retries are safe here.
 */
export async function putIncidentComment(
	client: SecurityInsights,
	workspace: WorkspaceRef,
	incidentName: string,
	commentName: string,
	message: string,
): Promise<RawComment> {
	const capture = captureBody();
	await client.incidentComments.createOrUpdate(workspace.resourceGroup, workspace.workspaceName, incidentName, commentName, { message }, capture.options);
	return capture.body() as RawComment;
}

/**
 * One comment by its ID, or undefined when there is none (404). Used to find out whether a comment write whose
 * answer was lost landed, before writing it again.
 */
export async function findIncidentComment(
	client: SecurityInsights,
	workspace: WorkspaceRef,
	incidentName: string,
	commentName: string,
): Promise<RawComment | undefined> {
	const capture = captureBody();
	const found = await client.incidentComments.get(workspace.resourceGroup, workspace.workspaceName, incidentName, commentName, capture.options).then(
		() => true,
		(error: { statusCode?: number }) => {
			if (error?.statusCode === 404) return false;
			throw error;
		},
	);
	return found ? (capture.body() as RawComment) : undefined;
}
