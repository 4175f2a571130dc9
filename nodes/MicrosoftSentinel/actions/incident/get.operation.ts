import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { shapeIncident } from '../../../shared/sentinel/incidentShape';
import { getIncident, listIncidentAlerts, listIncidentEntities } from '../../../shared/sentinel/incidentsApi';
import { forOperations } from '../../descriptions/common';
import { resolveIncident } from '../../helpers/target';

export const description: INodeProperties[] = forOperations(
	['get'],
	[
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
					description: "Whether to add the incident's alerts (with the analytics rule query and window)",
				},
				{
					displayName: 'Include Entities',
					name: 'includeEntities',
					type: 'boolean',
					default: false,
					description: 'Whether to add the accounts, hosts, IPs, URLs, files and other entities involved',
				},
			],
		},
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { connection, workspace, incidentName } = await resolveIncident(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as { includeAlerts?: boolean; includeEntities?: boolean };
	const incident = await connection.call(`read incident ${incidentName}`, (client) => getIncident(client, workspace, incidentName));
	const number = incident.properties.incidentNumber;
	const alerts = options.includeAlerts
		? await connection.call(`read the alerts of incident ${number}`, (client) => listIncidentAlerts(client, workspace, incidentName))
		: undefined;
	const entities = options.includeEntities
		? await connection.call(`read the entities of incident ${number}`, (client) => listIncidentEntities(client, workspace, incidentName))
		: undefined;
	return [shapeIncident(incident, workspace, { alerts, entities })];
}
