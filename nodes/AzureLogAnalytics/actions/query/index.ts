import type { INodeProperties } from 'n8n-workflow';

import * as run from './run.operation';

export { run };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['query'] } },
		options: [
			{
				name: 'Run',
				value: 'run',
				action: 'Run a KQL query',
				description: 'Run KQL over a time range, with parameters passed as escaped literals',
			},
		],
		default: 'run',
	},
	...run.description,
];
