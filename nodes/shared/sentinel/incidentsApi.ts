import type { SecurityInsights } from '@azure/arm-securityinsight';

import { assertSameOrigin } from '../azure/armTransport';
import type { WorkspaceRef } from '../azure/workspace';
import type { RawAlert, RawEntitiesResponse, RawIncident } from './types';

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
