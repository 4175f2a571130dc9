import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { AzureSession } from '../../shared/azure/credential';
import { toGraphNodeError, type GraphErrorContext } from '../../shared/graph/errors';
import { graphGetAllPages, graphPathSegment, graphRequest, type GraphRequest } from '../../shared/graph/transport';

/** Graph paths of the security API, ids checked and encoded. */
export const paths = {
	incidents: '/security/incidents',
	incident: (id: string) => `/security/incidents/${graphPathSegment(id, 'incident ID')}`,
	incidentComments: (id: string) => `/security/incidents/${graphPathSegment(id, 'incident ID')}/comments`,
	alerts: '/security/alerts_v2',
	alert: (id: string) => `/security/alerts_v2/${graphPathSegment(id, 'alert ID')}`,
	alertComments: (id: string) => `/security/alerts_v2/${graphPathSegment(id, 'alert ID')}/comments`,
};

/**
 * Page sizes. Graph's v1.0 reference ("List incidents", "List alerts_v2") lists `$top` without a maximum; 50 for
 * incidents and 2,000 for alerts are the limits the wire notes give and the emulator enforces (a larger
 * `$top` is a 400 there). Every page after the first comes from `@odata.nextLink`.
 */
export const MAX_TOP = { incident: 50, alert: 2000 } as const;
/** Listings stop after this many pages (5,000 incidents at 50 a page): narrow the filters for more. */
export const MAX_PAGES = 100;

/** A Graph call whose failure becomes an n8n error naming what was being done, the permission and the target. */
export class DefenderApi {
	constructor(
		private readonly context: IExecuteFunctions | ILoadOptionsFunctions,
		readonly session: AzureSession,
		private readonly itemIndex?: number,
	) {}

	async request<T = IDataObject>(request: GraphRequest, error: Omit<GraphErrorContext, 'itemIndex'>): Promise<T> {
		try {
			const answer = await graphRequest<T>(this.session, request);
			// OData's bookkeeping, not data: an item should look the same whether it was read alone or in a list.
			if (answer && typeof answer === 'object') delete (answer as IDataObject)['@odata.context'];
			return answer;
		} catch (failure) {
			throw toGraphNodeError(this.context.getNode(), failure, { ...error, itemIndex: this.itemIndex });
		}
	}

	async list(path: string, qs: Record<string, string | number>, maxPages: number, error: Omit<GraphErrorContext, 'itemIndex'>): Promise<IDataObject[]> {
		try {
			return await graphGetAllPages<IDataObject>(this.session, path, qs, maxPages);
		} catch (failure) {
			throw toGraphNodeError(this.context.getNode(), failure, { ...error, itemIndex: this.itemIndex });
		}
	}
}

/** The body Graph takes for a comment on an incident or an alert. */
export function commentBody(comment: string): IDataObject {
	return { '@odata.type': 'microsoft.graph.security.alertComment', comment };
}
