import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { DefenderApi, paths } from '../helpers/api';
import { defenderSession } from '../helpers/target';

/**
 * One page per call (n8n asks for the next with the token, here Graph's nextLink). Graph cannot filter incidents or
 * alerts by title (and documents no filter on id), so the search text is matched on each page here, against the title
 * and the ID.
 */
async function search(context: ILoadOptionsFunctions, kind: 'incident' | 'alert', filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const api = new DefenderApi(context, await defenderSession(context));
	const needle = (filter ?? '').trim().toLowerCase();
	const error = { action: `list Defender XDR ${kind}s`, permission: kind === 'incident' ? 'SecurityIncident.Read.All' : 'SecurityAlert.Read.All' } as const;
	const qs: Record<string, string | number> = { $top: 50 };
	const page = await api.request<{ value?: IDataObject[]; '@odata.nextLink'?: string }>(
		paginationToken ? { method: 'GET', url: paginationToken } : { method: 'GET', path: kind === 'incident' ? paths.incidents : paths.alerts, qs },
		error,
	);
	const results: INodeListSearchResult['results'] = [];
	for (const item of page.value ?? []) {
		const id = String(item.id ?? '');
		const title = String((kind === 'incident' ? item.displayName : item.title) ?? '');
		const name = kind === 'incident' ? `#${id} ${title} (${String(item.severity ?? '')}, ${String(item.status ?? '')})` : `${title} (${String(item.severity ?? '')}, ${String(item.status ?? '')})`;
		if (needle && !name.toLowerCase().includes(needle) && id.toLowerCase() !== needle) continue;
		const url = kind === 'incident' ? item.incidentWebUrl : item.alertWebUrl;
		results.push({ name, value: id, url: typeof url === 'string' ? url : undefined });
	}
	return { results, paginationToken: page['@odata.nextLink'] ?? undefined };
}

export async function searchIncidents(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return search(this, 'incident', filter, paginationToken);
}

export async function searchAlerts(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	return search(this, 'alert', filter, paginationToken);
}
