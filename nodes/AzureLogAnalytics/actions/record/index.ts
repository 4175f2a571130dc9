import type { INodeProperties } from 'n8n-workflow';

import * as send from './send.operation';

export { send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['record'] } },
		options: [
			{
				name: 'Send',
				value: 'send',
				action: 'Send records to a custom table',
				description: "Write items as rows of a custom table through Azure Monitor's Logs Ingestion API (data collection endpoint and rule)",
			},
		],
		default: 'send',
	},
	...send.description,
];
