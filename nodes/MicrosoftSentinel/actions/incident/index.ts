import type { INodeProperties } from 'n8n-workflow';

import { incidentLocator, inputWorkspaceLocator } from '../../descriptions/common';
import * as addComment from './addComment.operation';
import * as get from './get.operation';
import * as getAlerts from './getAlerts.operation';
import * as getComments from './getComments.operation';
import * as getEntities from './getEntities.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { addComment, get, getAlerts, getComments, getEntities, getMany, update };

/** Operations that work on one incident (all but Get Many). */
const SINGLE_INCIDENT = ['addComment', 'get', 'getAlerts', 'getComments', 'getEntities', 'update'];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['incident'] } },
		options: [
			{ name: 'Add Comment', value: 'addComment', action: 'Add a comment to an incident', description: 'Plain text or Markdown; long text is split into several comments' },
			{ name: 'Get', value: 'get', action: 'Get an incident' },
			{ name: 'Get Alerts', value: 'getAlerts', action: 'Get the alerts of an incident' },
			{ name: 'Get Comments', value: 'getComments', action: 'Get the comments of an incident' },
			{ name: 'Get Entities', value: 'getEntities', action: 'Get the entities of an incident' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many incidents' },
			{
				name: 'Update',
				value: 'update',
				action: 'Update an incident',
				description: 'Status and classification, owner, tags, title, description, severity — only what changed, safe against concurrent edits',
			},
		],
		default: 'update',
	},
	{ ...inputWorkspaceLocator, displayOptions: { show: { resource: ['incident'] } } },
	{ ...incidentLocator, displayOptions: { show: { resource: ['incident'], operation: SINGLE_INCIDENT } } },
	...get.description,
	...getMany.description,
	...update.description,
	...addComment.description,
	...getAlerts.description,
	...getEntities.description,
	...getComments.description,
];
