import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { shapeAlert, shapeWorkspace } from '../../../shared/sentinel/incidentShape';
import { listIncidentAlerts } from '../../../shared/sentinel/incidentsApi';
import { forOperations } from '../../descriptions/common';
import { resolveIncident } from '../../helpers/target';

export const description: INodeProperties[] = forOperations(['getAlerts'], []);

/** One item per alert: readable fields (with the analytics rule's query and window), the incident it belongs to, and the raw alert. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const { connection, workspace, incidentName } = await resolveIncident(this, itemIndex);
	const alerts = await connection.call(`read the alerts of incident ${incidentName}`, (client) => listIncidentAlerts(client, workspace, incidentName));
	return alerts.map((alert) => ({
		incidentName,
		workspace: shapeWorkspace(workspace),
		...shapeAlert(alert),
		raw: alert as unknown as IDataObject,
	}));
}
