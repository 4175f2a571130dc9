import type { SecurityInsights } from '@azure/arm-securityinsight';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { shapeIncident } from '../../../shared/sentinel/incidentShape';
import { getIncident, listIncidentAlerts, listIncidentEntities } from '../../../shared/sentinel/incidentsApi';
import { forOperations } from '../../descriptions/common';
import { resolveIncident } from '../../helpers/target';
import { RetryBudget, retryProperty, retryTransient, transientFailure } from '../../helpers/transientRetry';

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
				retryProperty(
					'How long to keep trying when Azure is throttling, answers with a server error or cannot be reached (0 = only the few quick retries every request gets). Useful before a write-back that depends on this read.',
				),
			],
		},
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { connection, workspace, incidentName } = await resolveIncident(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as { includeAlerts?: boolean; includeEntities?: boolean; retryForSeconds?: number };
	const budget = new RetryBudget(Number(options.retryForSeconds ?? 0) || 0);
	// Reads are safe to repeat: within the budget each is simply sent again.
	const read = <T>(action: string, request: (client: SecurityInsights) => Promise<T>) =>
		connection.call(action, (client) =>
			retryTransient(budget, () => request(client), (error) => transientFailure(this.getNode(), error, budget, action, itemIndex, 'The incident could not be read.')),
		);
	const incident = await read(`read incident ${incidentName}`, (client) => getIncident(client, workspace, incidentName));
	const number = incident.properties.incidentNumber;
	const alerts = options.includeAlerts ? await read(`read the alerts of incident ${number}`, (client) => listIncidentAlerts(client, workspace, incidentName)) : undefined;
	const entities = options.includeEntities
		? await read(`read the entities of incident ${number}`, (client) => listIncidentEntities(client, workspace, incidentName))
		: undefined;
	return [shapeIncident(incident, workspace, { alerts, entities })];
}
