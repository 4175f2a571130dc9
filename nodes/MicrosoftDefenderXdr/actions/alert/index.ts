import type { INodeProperties } from 'n8n-workflow';

import { alertLocator } from '../../descriptions/common';
import * as addComment from './addComment.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as update from './update.operation';

export { addComment, get, getMany, update };

const SINGLE_ALERT = ['addComment', 'get', 'update'];

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['alert'] } },
		options: [
			{ name: 'Add Comment', value: 'addComment', action: 'Add a comment to an alert' },
			{ name: 'Get', value: 'get', action: 'Get an alert' },
			{ name: 'Get Many', value: 'getMany', action: 'Get many alerts' },
			{ name: 'Update', value: 'update', action: 'Update an alert', description: 'Status, assignment, classification, determination' },
		],
		default: 'update',
	},
	{ ...alertLocator, displayOptions: { show: { resource: ['alert'], operation: SINGLE_ALERT } } },
	...getMany.description,
	...update.description,
	...addComment.description,
];
