import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * User name and password SIGNL4's outbound webhook must present to the SIGNL4 Trigger (HTTP Basic auth), the same
 * check n8n's Webhook node makes with its Basic Auth option. SIGNL4's portal takes only a URL, so the pair goes into
 * it as `https://user:password@host/webhook/…`. Nothing remote to call: the trigger tests it for completeness.
 */
export class Signl4TriggerBasicAuthApi implements ICredentialType {
	name = 'signl4TriggerBasicAuthApi';

	displayName = 'SIGNL4 Trigger Basic Auth API';

	icon: Icon = {
		light: 'file:../nodes/shared/icons/signl4OnCall.svg',
		dark: 'file:../nodes/shared/icons/signl4OnCall.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-sentinel-signl4/n8n-nodes-sentinel-signl4#signl4-on-call-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description: 'Letters, digits and -._~ only, so it can stand in the webhook URL SIGNL4 calls',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'A long random value; letters, digits and -._~ only, so it can stand in the webhook URL SIGNL4 calls',
		},
	];
}
