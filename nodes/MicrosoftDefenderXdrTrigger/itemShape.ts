import type { IDataObject } from 'n8n-workflow';

import type { DefenderResource, ItemEvent } from './cursor';

/** A Graph security incident or alert as listed (incidents with `$expand=alerts`). */
export interface GraphSecurityItem extends IDataObject {
	id: string;
	createdDateTime: string;
	lastUpdateDateTime: string;
	severity?: string;
	status?: string;
	tenantId?: string;
	incidentWebUrl?: string;
	alertWebUrl?: string;
	displayName?: string;
	title?: string;
	serviceSource?: string;
	mitreTechniques?: string[];
	alerts?: GraphSecurityItem[];
}

/** The Defender portal of the Graph cloud, for items that come without a web URL. */
function portalOrigin(graphEndpoint: string): string {
	return /graph\.microsoft\.us$|dod-graph\.microsoft\.us$/.test(new URL(graphEndpoint).hostname)
		? 'https://security.microsoft.us'
		: 'https://security.microsoft.com';
}

const unique = (values: Array<string | undefined>) => [...new Set(values.filter((value): value is string => !!value))];

/**
 * The item the trigger emits: Graph's object as it is (so every field Graph has stays where its documentation puts
 * it), plus what a workflow needs without knowing Graph: the event, where it came from, the tenant, a portal link,
 * a title, and for an incident the service sources and MITRE techniques of its alerts.
 */
export function shapeItem(
	resource: DefenderResource,
	item: GraphSecurityItem,
	event: ItemEvent,
	context: { tenantId: string; graphEndpoint: string },
): IDataObject {
	const tenantId = item.tenantId || context.tenantId;
	const kind = resource === 'incidents' ? 'incident' : 'alert';
	const webUrl = resource === 'incidents' ? item.incidentWebUrl : item.alertWebUrl;
	const portalUrl = webUrl || `${portalOrigin(context.graphEndpoint)}/${kind}s/${encodeURIComponent(item.id)}?tid=${encodeURIComponent(tenantId)}`;
	const alerts = resource === 'incidents' ? (Array.isArray(item.alerts) ? item.alerts : []) : undefined;
	const related = alerts ?? [item];
	return {
		...item,
		eventType: event,
		source: 'defenderXdr',
		kind,
		tenantId,
		portalUrl,
		title: (resource === 'incidents' ? item.displayName : item.title) ?? '',
		serviceSources: unique(related.map((alert) => alert.serviceSource)),
		mitreTechniques: unique(related.flatMap((alert) => (Array.isArray(alert.mitreTechniques) ? alert.mitreTechniques : []))),
		...(alerts ? { alerts } : {}),
	};
}
