import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { forOperations } from '../../descriptions/common';
import { DefenderApi, paths } from '../../helpers/api';
import { defenderSession, targetId } from '../../helpers/target';

export const description: INodeProperties[] = forOperations('incident', ['get'], [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Include Alerts',
				name: 'includeAlerts',
				type: 'boolean',
				default: false,
				description: "Whether to add the incident's alerts with their evidence (one request, $expand=alerts)",
			},
		],
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const id = targetId(this, itemIndex, 'incident');
	const options = this.getNodeParameter('options', itemIndex, {}) as { includeAlerts?: boolean };
	const api = new DefenderApi(this, await defenderSession(this, itemIndex), itemIndex);
	const incident = await api.request(
		{ method: 'GET', path: paths.incident(id), qs: options.includeAlerts ? { $expand: 'alerts' } : undefined },
		{ action: `read Defender XDR incident ${id}`, permission: 'SecurityIncident.Read.All', target: { kind: 'incident', id } },
	);
	return [incident];
}
