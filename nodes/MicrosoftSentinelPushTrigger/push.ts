import type { IDataObject } from 'n8n-workflow';

import { parseWorkspaceId, type WorkspaceRef } from '../shared/azure/workspace';
import type { RawIncident } from '../shared/sentinel/types';
import { matchesFilters } from '../MicrosoftSentinelTrigger/delivery';

/**
 * What a push may tell the trigger: only which incident changed, and whether it was created or updated. Everything
 * else in the body (title, severity, status, entities) is ignored: the incident is read from Resource Manager, so a
 * forged or stale body cannot change what is paged.
 *
 * The body is the one the Logic App's *Microsoft Sentinel incident* trigger produces and the template's HTTP action
 * forwards unchanged: `{ objectEventType: 'Create' | 'Update', object: { id: <incident ARM ID>, … }, workspaceInfo,
 * workspaceId, … }`. A bare `{ incidentArmId }` is accepted too, for playbooks that send only the ID.
 */
export interface PushedReference {
	workspace: WorkspaceRef;
	incidentName: string;
	event: 'created' | 'updated';
}

const INCIDENT_ID = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.OperationalInsights\/workspaces\/[^/]+)\/providers\/Microsoft\.SecurityInsights\/incidents\/([A-Za-z0-9-]{1,128})\/?$/i;

export type PushParse = { ok: true; reference: PushedReference } | { ok: false; message: string };

function asObject(value: unknown): IDataObject | undefined {
	return value && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value) ? (value as IDataObject) : undefined;
}

export function parsePushBody(body: unknown): PushParse {
	let parsed = body;
	if (Buffer.isBuffer(parsed)) parsed = parsed.toString('utf8');
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			return { ok: false, message: 'The body is not JSON' };
		}
	}
	const top = asObject(parsed);
	if (!top) return { ok: false, message: 'The body is not a JSON object' };
	const object = asObject(top.object);
	const armId = typeof object?.id === 'string' ? object.id : typeof top.incidentArmId === 'string' ? top.incidentArmId : undefined;
	if (!armId) return { ok: false, message: 'The body names no incident: expected object.id (the incident ARM ID) as the Sentinel incident trigger sends it' };
	const match = INCIDENT_ID.exec(armId.trim());
	if (!match) return { ok: false, message: 'object.id is not a Microsoft Sentinel incident resource ID' };
	const workspace = parseWorkspaceId(match[1]);
	if (!workspace) return { ok: false, message: 'object.id does not name a Log Analytics workspace' };
	const eventType = String(top.objectEventType ?? 'Create').toLowerCase();
	return { ok: true, reference: { workspace, incidentName: match[2], event: eventType === 'update' ? 'updated' : 'created' } };
}

export function sameWorkspace(a: WorkspaceRef, b: WorkspaceRef): boolean {
	return a.armId.toLowerCase() === b.armId.toLowerCase();
}

export interface PushFilters {
	statuses: string[];
	severities: string[];
	maxAgeHours: number;
	/** Tags (lower case) that mean the incident is paged or being paged: a push for it starts nothing. */
	skipTags: string[];
}

/**
 * Why an incident, as read from Resource Manager, starts no execution; undefined when it should. The same filters as
 * the Microsoft Sentinel Trigger (status, severity, maximum age), plus the tags that show it was paged or claimed.
 */
export function reasonToSkip(incident: RawIncident, filters: PushFilters, nowMs: number): string | undefined {
	if (!matchesFilters(incident, filters, nowMs)) return 'does not match the status, severity or age filters';
	const tags = (incident.properties.labels ?? []).map((label) => String(label.labelName ?? '').trim().toLowerCase());
	const tagged = filters.skipTags.find((tag) => tags.includes(tag));
	if (tagged) return `already carries the tag '${tagged}'`;
	return undefined;
}

export function tagList(value: unknown): string[] {
	return typeof value === 'string'
		? value
				.split(',')
				.map((tag) => tag.trim().toLowerCase())
				.filter(Boolean)
		: [];
}
