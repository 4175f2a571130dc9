import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { pathSegment, signl4Request } from '../../shared/signl4/transport';
import { alertExternalId } from './alertInfo';
import type { RequestPolicy } from './context';

/**
 * Alerts carrying an external ID, through the REST API. SIGNL4 has no filter by external ID, so this narrows the
 * alert search (`POST /alerts/paged`, text search for the ID, created within the window) and confirms each candidate
 * by its own external ID (`GET /alerts/{id}`: the `externalId` field or the `X-S4-ExternalID` parameter). That the
 * text search covers event parameters is an assumption (SIGNL4 does not document what `textToSearch` searches);
 * with the alert ID (from the SIGNL4 On-Call Trigger) no search is needed.
 */

const PAGE_SIZE = 100;
const MAX_PAGES = 5;
const MAX_CANDIDATES = 25;

export interface LookupOptions {
	windowHours: number;
	/** Only alerts created at or after this time (ISO); overrides the window's start when later. */
	createdSince?: string;
	policy: RequestPolicy;
}

export async function getAlert(this: IExecuteFunctions, itemIndex: number, alertId: string, policy: RequestPolicy): Promise<IDataObject> {
	const response = await signl4Request<IDataObject>(this, {
		channel: 'api',
		method: 'GET',
		path: `/alerts/${pathSegment(alertId, 'alert ID', this, itemIndex)}`,
		action: 'get the alert',
		itemIndex,
		timeoutMs: policy.timeoutMs,
		rateLimit: policy.rateLimit,
	});
	return response.body;
}

export async function findAlertsByExternalId(
	this: IExecuteFunctions,
	itemIndex: number,
	externalId: string,
	options: LookupOptions,
): Promise<IDataObject[]> {
	const windowStart = Date.now() - options.windowHours * 3_600_000;
	const since = options.createdSince ? Math.max(windowStart, Date.parse(options.createdSince)) : windowStart;
	const candidates: string[] = [];
	let continuationToken: unknown;
	for (let page = 0; page < MAX_PAGES && candidates.length < MAX_CANDIDATES; page++) {
		const response = await signl4Request<IDataObject>(this, {
			channel: 'api',
			method: 'POST',
			path: '/alerts/paged',
			qs: { maxResults: PAGE_SIZE },
			body: {
				textToSearch: externalId,
				minCreationDate: new Date(since).toISOString(),
				...(continuationToken ? { continuationToken } : {}),
			} as IDataObject,
			action: 'search alerts by external ID',
			itemIndex,
			timeoutMs: options.policy.timeoutMs,
			rateLimit: options.policy.rateLimit,
		});
		// 204 = nothing matches (documented).
		if (response.statusCode === 204 || !response.body) break;
		const results = Array.isArray(response.body.results) ? (response.body.results as IDataObject[]) : [];
		for (const result of results) {
			if (typeof result.id === 'string' && !candidates.includes(result.id)) candidates.push(result.id);
		}
		continuationToken = response.body.continuationToken;
		if (!response.body.hasMore || !continuationToken) break;
	}
	const matches: IDataObject[] = [];
	for (const id of candidates.slice(0, MAX_CANDIDATES)) {
		const alert = await getAlert.call(this, itemIndex, id, options.policy);
		if (alertExternalId(alert) === externalId) matches.push(alert);
	}
	return matches;
}

export async function alertsFor(
	this: IExecuteFunctions,
	itemIndex: number,
	reference: { alertId?: string; externalId?: string },
	options: LookupOptions,
): Promise<IDataObject[]> {
	if (reference.alertId) return [await getAlert.call(this, itemIndex, reference.alertId, options.policy)];
	const externalId = reference.externalId as string;
	const alerts = await findAlertsByExternalId.call(this, itemIndex, externalId, options);
	if (alerts.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No SIGNL4 alert with this external ID', {
			itemIndex,
			description: `Searched alerts created in the last ${options.windowHours} hours for ${externalId}. Widen the search window, or use the alert ID.`,
		});
	}
	return alerts;
}
