import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { shapeEntities, shapeEntity, shapeWorkspace } from '../../../shared/sentinel/incidentShape';
import { listIncidentEntities } from '../../../shared/sentinel/incidentsApi';
import { forOperations } from '../../descriptions/common';
import { resolveIncident } from '../../helpers/target';

export const description: INodeProperties[] = forOperations(
	['getEntities'],
	[
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			options: [
				{ name: 'One Item per Entity', value: 'perEntity', description: 'Kind, readable fields and the raw entity' },
				{
					name: 'One Item, Grouped by Kind',
					value: 'grouped',
					description: 'Accounts, hosts, IPs, URLs, files… in lists, as the Microsoft Sentinel Trigger emits them',
				},
			],
			default: 'perEntity',
		},
	],
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { connection, workspace, incidentName } = await resolveIncident(this, itemIndex);
	const output = this.getNodeParameter('output', itemIndex, 'perEntity') as string;
	const response = await connection.call(`read the entities of incident ${incidentName}`, (client) => listIncidentEntities(client, workspace, incidentName));
	const common = { incidentName, workspace: shapeWorkspace(workspace) };
	if (output === 'grouped') {
		return [{ ...common, entities: shapeEntities(response), raw: response as unknown as IDataObject }];
	}
	return (response.entities ?? []).map((entity) => ({ ...common, ...shapeEntity(entity), raw: entity as unknown as IDataObject }));
}
