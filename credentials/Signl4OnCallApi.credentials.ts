import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	API_EVENTS_PATH,
	API_PREFIX,
	CREDENTIAL_TEST_EXTERNAL_ID,
	CREDENTIAL_TEST_PATH,
	SIGNL4_PUBLIC_BASE_URL,
	TEAM_SECRET_PLACEHOLDER,
	WEBHOOK_PATH,
} from '../nodes/shared/signl4/constants';
import { caListWith } from '../nodes/shared/signl4/tls';

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

/** Base URL without trailing slashes; SIGNL4's public one when empty. */
export function signl4BaseUrl(credentials: ICredentialDataDecryptedObject): string {
	return (text(credentials.baseUrl) || SIGNL4_PUBLIC_BASE_URL).replace(/\/+$/, '');
}

/**
 * SIGNL4's inbound webhook (team or integration secret in the URL path) and, optionally, its REST API
 * (`X-S4-Api-Key`). Distinct from n8n's built-in `signl4Api` ("SIGNL4 Webhook"), which has no API key, no base URL
 * and no test.
 *
 * `authenticate` does everything secret: it fills the secret into the `{teamSecret}` path segment the nodes use,
 * adds the API key to REST calls only, sets the base URL and, with an extra CA, the CA list of the TLS agent (n8n
 * passes `agentOptions` through to the agent it creates). Node code never reads the secret or the key.
 */
export class Signl4OnCallApi implements ICredentialType {
	name = 'signl4OnCallApi';

	displayName = 'SIGNL4 On-Call API';

	icon: Icon = {
		light: 'file:../nodes/shared/icons/signl4OnCall.svg',
		dark: 'file:../nodes/shared/icons/signl4OnCall.dark.svg',
	};

	documentationUrl = 'https://github.com/n8n-nodes-sentinel-signl4/n8n-nodes-sentinel-signl4#signl4';

	properties: INodeProperties[] = [
		{
			displayName: 'Team or Integration Secret',
			name: 'teamSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'The secret at the end of your SIGNL4 webhook URL (https://connect.signl4.com/webhook/SECRET): the team secret from Teams → your team, or the secret of a webhook integration',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Needed for Annotate, Close, Get and Acknowledge by alert ID, and for registering the SIGNL4 Trigger automatically. Create one in the SIGNL4 portal under Integrations → API.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: SIGNL4_PUBLIC_BASE_URL,
			placeholder: SIGNL4_PUBLIC_BASE_URL,
			description: 'Change only for a dedicated SIGNL4 instance or a local emulator. Webhook calls go to <base>/webhook/…, REST calls to <base>/api/….',
		},
		{
			displayName: 'Extra CA Certificate (PEM)',
			name: 'caCertificate',
			type: 'string',
			// Not a secret, but stored like one: n8n's lint treats every certificate field as sensitive.
			typeOptions: { password: true, rows: 4 },
			default: '',
			description:
				"Optional. A CA certificate to trust in addition to the system's for SIGNL4 calls: a TLS-inspecting proxy, a dedicated instance or an emulator",
		},
	];

	authenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const secret = text(credentials.teamSecret);
		const apiKey = text(credentials.apiKey);
		const ca = text(credentials.caCertificate);
		let url = requestOptions.url ?? '';
		if (url === CREDENTIAL_TEST_PATH) url = apiKey ? API_EVENTS_PATH : WEBHOOK_PATH;
		if (url.includes(TEAM_SECRET_PLACEHOLDER)) url = url.replace(TEAM_SECRET_PLACEHOLDER, encodeURIComponent(secret));
		const options: IHttpRequestOptions = { ...requestOptions, url, headers: { ...(requestOptions.headers ?? {}) } };
		const absolute = /^https?:\/\//i.test(url);
		if (!absolute && !options.baseURL) options.baseURL = signl4BaseUrl(credentials);
		if (apiKey && !absolute && (url === API_PREFIX || url.startsWith(`${API_PREFIX}/`))) {
			options.headers = { ...options.headers, 'X-S4-Api-Key': apiKey };
		}
		if (ca) options.agentOptions = { ...(options.agentOptions ?? {}), ca: await caListWith(ca) };
		return options;
	};

	/**
	 * One request checks the secret and, when set, the API key: the webhook (or, with a key, the equivalent
	 * API-key events endpoint) is asked to resolve alerts with an external ID nothing carries, so the test raises and
	 * closes nothing. Each refusal gets a fixed message; none repeats the secret, the key or SIGNL4's error details
	 * (which can contain the secret).
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'POST',
			url: CREDENTIAL_TEST_PATH,
			headers: { 'Content-Type': 'application/json' },
			body: {
				'X-S4-ExternalID': CREDENTIAL_TEST_EXTERNAL_ID,
				'X-S4-Status': 'resolved',
				'X-S4-SourceSystem': 'n8n',
			},
			disableFollowRedirect: true,
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 404,
					message:
						'SIGNL4 does not know this team or integration secret. Copy it again from the SIGNL4 portal (the part after /webhook/ in the webhook URL).',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message: 'SIGNL4 rejected the API key. Create or copy an API key in the SIGNL4 portal (Integrations → API), or leave the field empty.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: 'The API key is valid but not for this team. Use an API key of the team that owns the secret.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 429,
					message: 'SIGNL4 is throttling requests from this account right now (erroneous requests are limited to 10 per minute). Wait a minute and test again.',
				},
			},
			{
				type: 'responseCode',
				properties: {
					value: 405,
					message: 'The base URL does not point at SIGNL4 (the server refused a POST to its webhook path). Check the Base URL field.',
				},
			},
		],
	};
}
