import type { ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

/**
 * An Entra ID app registration (service principal) used with the client-credentials grant.
 *
 * The nodes obtain tokens with Microsoft's own `@azure/identity` (one token per audience: ARM, Log Analytics,
 * Graph), so this credential carries no `authenticate` block; the nodes test it through `testedBy`
 * (`sentinelSignl4AzureApiTest`), which really obtains an ARM token and reads the subscriptions the principal
 * can see. The Microsoft Defender XDR nodes test it with `sentinelSignl4AzureGraphTest` instead: a Graph token whose
 * `roles` must hold the SecurityIncident/SecurityAlert application permissions (granted with admin consent).
 */
export class SentinelSignl4AzureApi implements ICredentialType {
	name = 'sentinelSignl4AzureApi';

	displayName = 'Azure Service Principal (Sentinel & Log Analytics) API';

	icon: Icon = {
		light: 'file:../nodes/shared/icons/azureServicePrincipal.svg',
		dark: 'file:../nodes/shared/icons/azureServicePrincipal.dark.svg',
	};

	documentationUrl =
		'https://github.com/n8n-nodes-sentinel-signl4/n8n-nodes-sentinel-signl4#azure-service-principal';

	properties: INodeProperties[] = [
		{
			displayName: 'Tenant ID',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: 'Directory (tenant) ID of the Entra ID tenant that holds the app registration',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			description: 'Application (client) ID of the app registration',
		},
		{
			displayName: 'Authentication',
			name: 'authMethod',
			type: 'options',
			options: [
				{ name: 'Client Secret', value: 'clientSecret' },
				{ name: 'Certificate', value: 'certificate' },
			],
			default: 'clientSecret',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The secret's Value (not its Secret ID), from Certificates & secrets in the app registration",
			displayOptions: { show: { authMethod: ['clientSecret'] } },
		},
		{
			displayName: 'Certificate (PEM)',
			name: 'certificate',
			type: 'string',
			typeOptions: { password: true, rows: 6 },
			default: '',
			required: true,
			description:
				'PEM text with the private key and its certificate; the certificate (public part) must be uploaded to the app registration',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Certificate Password',
			name: 'certificatePassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Only if the private key in the PEM is encrypted',
			displayOptions: { show: { authMethod: ['certificate'] } },
		},
		{
			displayName: 'Azure Cloud',
			name: 'cloud',
			type: 'options',
			options: [
				{ name: 'Azure (Public)', value: 'AzurePublic' },
				{ name: 'Azure US Government', value: 'AzureUSGovernment' },
				{ name: 'Azure China (21Vianet)', value: 'AzureChina' },
				{ name: 'Custom Endpoints', value: 'Custom' },
			],
			default: 'AzurePublic',
		},
		{
			displayName: 'Authority Host',
			name: 'authorityHost',
			type: 'string',
			default: 'https://login.microsoftonline.com',
			description: 'Entra ID endpoint that issues tokens (HTTPS)',
			displayOptions: { show: { cloud: ['Custom'] } },
		},
		{
			displayName: 'Resource Manager Endpoint',
			name: 'armEndpoint',
			type: 'string',
			default: 'https://management.azure.com',
			displayOptions: { show: { cloud: ['Custom'] } },
		},
		{
			displayName: 'Log Analytics Endpoint',
			name: 'logAnalyticsEndpoint',
			type: 'string',
			default: 'https://api.loganalytics.io',
			displayOptions: { show: { cloud: ['Custom'] } },
		},
		{
			displayName: 'Microsoft Graph Endpoint',
			name: 'graphEndpoint',
			type: 'string',
			default: 'https://graph.microsoft.com',
			description: 'Used by the Microsoft Defender XDR nodes (security API under /v1.0)',
			displayOptions: { show: { cloud: ['Custom'] } },
		},
		{
			displayName: 'Custom endpoints keep the public cloud\'s token audiences (for private endpoints, proxies and test emulators)',
			name: 'customNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { cloud: ['Custom'] } },
		},
		{
			displayName: 'Extra CA Certificate (PEM)',
			name: 'caCertificate',
			type: 'string',
			// Not a secret, but stored like one: n8n's lint treats every certificate field as sensitive.
			typeOptions: { password: true, rows: 4 },
			default: '',
			description:
				"Optional. A CA certificate to trust in addition to the system's, for a TLS-inspecting proxy or a private endpoint",
		},
	];
}
