import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DefenderApi, paths } from '../../helpers/api';
import { defenderSession, targetId } from '../../helpers/target';

/** One item per alert of the incident, with its evidence, from one request (`$expand=alerts`). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const id = targetId(this, itemIndex, 'incident');
	const api = new DefenderApi(this, await defenderSession(this, itemIndex), itemIndex);
	const incident = await api.request<IDataObject & { alerts?: IDataObject[] }>(
		{ method: 'GET', path: paths.incident(id), qs: { $expand: 'alerts' } },
		{ action: `read the alerts of Defender XDR incident ${id}`, permission: 'SecurityIncident.Read.All', target: { kind: 'incident', id } },
	);
	return incident.alerts ?? [];
}
