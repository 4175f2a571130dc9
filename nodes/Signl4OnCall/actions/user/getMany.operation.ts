import { updateDisplayOptions, type IDataObject, type IExecuteFunctions, type INodeExecutionData, type INodeProperties } from 'n8n-workflow';

import { signl4Request } from '../../../shared/signl4/transport';
import { apiKeyNotice, rateLimitWaitOption, timeoutOption } from '../../descriptions/common';
import { requestPolicy, requireApiKey } from '../../helpers/context';

const properties: INodeProperties[] = [
	apiKeyNotice,
	{
		displayName: 'On Duty Only',
		name: 'onDutyOnly',
		type: 'boolean',
		default: true,
		description: 'Whether to return only the users who are on duty now (punched in), e.g. to name them in the incident',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [rateLimitWaitOption, timeoutOption],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['user'], operation: ['getMany'] } }, properties);

/** A SIGNL4 user (UserInfo) in readable form: who, and whether on duty or on manager duty now. */
export function shapeUser(user: IDataObject): IDataObject {
	const duty = (user.dutyInfo ?? {}) as IDataObject;
	return {
		userId: typeof user.id === 'string' ? user.id : null,
		name: typeof user.name === 'string' ? user.name : null,
		email: typeof user.mail === 'string' ? user.mail : null,
		onDuty: duty.onDuty === true,
		onManagerDuty: duty.onManagerDuty === true,
		lastDutyChange: typeof duty.lastStatusChange === 'string' ? duty.lastStatusChange : null,
	};
}

/** One item per user of the subscription (`GET /users`), deactivated users and open invitations left out. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	await requireApiKey.call(this, itemIndex, 'Get Many Users');
	const onDutyOnly = this.getNodeParameter('onDutyOnly', itemIndex, true) as boolean;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const policy = requestPolicy(options);
	const response = await signl4Request<IDataObject[]>(this, {
		channel: 'api',
		method: 'GET',
		path: '/users',
		action: 'read the users',
		itemIndex,
		timeoutMs: policy.timeoutMs,
		rateLimit: policy.rateLimit,
	});
	const users = Array.isArray(response.body) ? response.body : [];
	return users
		.filter((user) => user && typeof user === 'object' && user.isDeactivated !== true && user.isInvite !== true)
		.map(shapeUser)
		.filter((user) => !onDutyOnly || user.onDuty || user.onManagerDuty)
		.map((json) => ({ json }));
}
