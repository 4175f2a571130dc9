import type { INodeProperties } from 'n8n-workflow';

import { incidentLocator } from '../../descriptions/common';
import * as addComment from './addComment.operation';
import * as get from './get.operation';
import * as getAlerts from './getAlerts.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { addComment, get, getAlerts, getMany, update };

/** Operations that work on one incident (all but Get Many). */
const SINGLE_INCIDENT = ['addComment', 'get', 'getAlerts', 'update'];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['incident'] } },
		options: [
			{ name: 'Add Comment', value: 'addComment', action: 'Add a comment to an incident' },
			{ name: 'Get', value: 'get', action: 'Get an incident' },
			{ name: 'Get Alerts', value: 'getAlerts', action: 'Get the alerts of an incident' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many incidents' },
			{
				name: 'Update',
				value: 'update',
				action: 'Update an incident',
				description: 'Status, assignment, classification, determination, custom tags added or removed (others kept)',
			},
		],
		default: 'update',
	},
	{ ...incidentLocator, displayOptions: { show: { resource: ['incident'], operation: SINGLE_INCIDENT } } },
	...get.description,
	...getMany.description,
	...update.description,
	...addComment.description,
];
