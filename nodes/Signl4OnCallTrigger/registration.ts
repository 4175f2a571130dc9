import { NodeOperationError, type IDataObject, type IHookFunctions } from 'n8n-workflow';

import { pathSegment, signl4Request } from '../shared/signl4/transport';

/**
 * Automatic registration of the trigger's URL as a SIGNL4 outbound webhook (REST `/webhooks`, API key). The webhook
 * ID SIGNL4 returns is kept in the node's static data so deactivation removes exactly what activation added.
 * With Basic Auth the user and password go into the registered URL (SIGNL4 has no other way to send credentials).
 */

const STATIC_KEY = 'signl4WebhookId';

function isAutomatic(context: IHookFunctions): boolean {
	return context.getNodeParameter('registration', 'manual') === 'automatic';
}

export async function registrationUrl(context: IHookFunctions): Promise<string> {
	const url = new URL(context.getNodeWebhookUrl('default') as string);
	if (context.getNodeParameter('authentication', 'basicAuth') === 'basicAuth') {
		const credentials = await context.getCredentials('signl4TriggerBasicAuthApi');
		url.username = encodeURIComponent(String(credentials.user ?? ''));
		url.password = encodeURIComponent(String(credentials.password ?? ''));
	}
	return url.toString();
}

async function listWebhooks(context: IHookFunctions): Promise<IDataObject[]> {
	const response = await signl4Request<IDataObject[]>(context, {
		channel: 'api',
		method: 'GET',
		path: '/webhooks',
		action: 'list the outbound webhooks',
		// 404 = the subscription has no outbound webhooks (documented).
		acceptStatuses: [404],
	});
	return response.statusCode === 200 && Array.isArray(response.body) ? response.body : [];
}

export async function checkExists(this: IHookFunctions): Promise<boolean> {
	if (!isAutomatic(this)) return true;
	const url = await registrationUrl(this);
	const match = (await listWebhooks(this)).find((webhook) => webhook.externalAddress === url);
	if (!match) return false;
	this.getWorkflowStaticData('node')[STATIC_KEY] = match.id;
	return true;
}

export async function create(this: IHookFunctions): Promise<boolean> {
	if (!isAutomatic(this)) return true;
	if (this.getNodeParameter('authentication', 'basicAuth') === 'headerAuth') {
		throw new NodeOperationError(this.getNode(), 'SIGNL4 cannot send a custom header', {
			description: 'Register the URL manually (for a gateway that adds the header), or use Basic Auth or None with automatic registration.',
		});
	}
	const teamId = String(this.getNodeParameter('teamId', '') ?? '').trim();
	const workflowName = this.getWorkflow().name ?? 'workflow';
	const response = await signl4Request<unknown>(this, {
		channel: 'api',
		method: 'POST',
		path: '/webhooks',
		body: {
			name: `n8n: ${workflowName}`.slice(0, 100),
			externalAddress: await registrationUrl(this),
			...(teamId ? { teamId } : {}),
		},
		action: 'register the outbound webhook',
	});
	const body = response.body;
	const id = typeof body === 'string' ? body : typeof (body as IDataObject)?.id === 'string' ? ((body as IDataObject).id as string) : undefined;
	if (!id) throw new NodeOperationError(this.getNode(), 'SIGNL4 registered the webhook but returned no ID');
	this.getWorkflowStaticData('node')[STATIC_KEY] = id;
	return true;
}

export async function remove(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node');
	const id = typeof staticData[STATIC_KEY] === 'string' ? (staticData[STATIC_KEY] as string) : undefined;
	if (!id) return true;
	await signl4Request(this, {
		channel: 'api',
		method: 'DELETE',
		path: `/webhooks/${pathSegment(id, 'webhook ID', this)}`,
		action: 'remove the outbound webhook',
		// Already gone (removed in the portal): nothing left to do.
		acceptStatuses: [404],
	});
	delete staticData[STATIC_KEY];
	return true;
}
