import type { INodeProperties } from 'n8n-workflow';

import * as enrich from './enrich.operation';

export { enrich };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['incident'] } },
		options: [
			{
				name: 'Enrich',
				value: 'enrich',
				action: 'Enrich an incident with alert query results',
				description: "Re-run each alert's analytics query over the alert's own window and add the results to the incident item",
			},
		],
		default: 'enrich',
	},
	...enrich.description,
];
