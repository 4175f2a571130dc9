import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * A header (name and secret value) every request to the SIGNL4 Trigger must carry, the same check n8n's Webhook
 * node makes with its Header Auth option. SIGNL4 itself cannot add headers to its outbound webhooks, so this fits a
 * gateway or proxy in front of n8n that adds the header. Nothing remote to call: the trigger tests it for
 * completeness.
 */
export class Signl4TriggerHeaderAuthApi implements ICredentialType {
	name = 'signl4TriggerHeaderAuthApi';

	displayName = 'SIGNL4 Trigger Header Auth API';

	icon: Icon = {
		light: 'file:../nodes/shared/icons/signl4OnCall.svg',
		dark: 'file:../nodes/shared/icons/signl4OnCall.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-sentinel-signl4/n8n-nodes-sentinel-signl4#signl4-on-call-trigger';

	properties: INodeProperties[] = [
		{
			displayName: 'Header Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'X-Webhook-Secret',
		},
		{
			displayName: 'Header Value',
			name: 'headerSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
	];
}
