import type { INodeProperties } from 'n8n-workflow';

import * as acknowledge from './acknowledge.operation';
import * as annotate from './annotate.operation';
import * as close from './close.operation';
import * as get from './get.operation';
import * as resolve from './resolve.operation';
import * as send from './send.operation';

export { acknowledge, annotate, close, get, resolve, send };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['alert'] } },
		options: [
			{
				name: 'Acknowledge',
				value: 'acknowledge',
				description: 'Acknowledge alerts by external ID (webhook) or by alert ID / external ID (API key)',
				action: 'Acknowledge an alert',
			},
			{
				name: 'Annotate',
				value: 'annotate',
				description: "Add a note to an alert's timeline (API key)",
				action: 'Annotate an alert',
			},
			{
				name: 'Close',
				value: 'close',
				description: 'Close alerts by alert ID or external ID (API key)',
				action: 'Close an alert',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get alerts by alert ID or external ID (API key)',
				action: 'Get an alert',
			},
			{
				name: 'Resolve by External ID',
				value: 'resolve',
				description: 'Resolve every open alert raised with an external ID (webhook, team secret only)',
				action: 'Resolve alerts by external ID',
			},
			{
				name: 'Send',
				value: 'send',
				description: 'Raise a Signl; from a Sentinel incident its text is built for you',
				action: 'Send an alert',
			},
		],
		default: 'send',
	},
	...send.description,
	...acknowledge.description,
	...resolve.description,
	...close.description,
	...annotate.description,
	...get.description,
];
