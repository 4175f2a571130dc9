// How the real Microsoft SDKs are pointed at the emulator (the options other code should copy).
import { ClientCertificateCredential, ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { SecurityInsights } from '@azure/arm-securityinsight';
import type { Emulator } from '../../../emulator';
import { httpsRequest, type RawResponse } from '../../../helpers/https';

export const ARM_SCOPE = 'https://management.azure.com/.default';

/** Options every @azure/identity credential needs against the emulator. */
export function credentialOptions(emu: Emulator) {
	return {
		authorityHost: emu.url,
		// MSAL would otherwise ask the public login.microsoftonline.com for instance metadata.
		disableInstanceDiscovery: true,
		tlsOptions: { ca: emu.caPem },
	};
}

export function secretCredential(emu: Emulator, overrides: { tenantId?: string; clientId?: string; clientSecret?: string } = {}): ClientSecretCredential {
	return new ClientSecretCredential(
		overrides.tenantId ?? emu.principal.tenantId,
		overrides.clientId ?? emu.principal.clientId,
		overrides.clientSecret ?? emu.principal.clientSecret,
		credentialOptions(emu),
	);
}

export function certificateCredential(emu: Emulator, certificatePem = emu.principal.certificatePem): ClientCertificateCredential {
	return new ClientCertificateCredential(emu.principal.tenantId, emu.principal.clientId, { certificate: certificatePem }, credentialOptions(emu));
}

/** arm-securityinsight 1.0.0-beta.6 against the emulator, api-version pinned to 2025-09-01. */
export function sentinelClient(emu: Emulator, credential: TokenCredential = secretCredential(emu), apiVersion = '2025-09-01'): SecurityInsights {
	return new SecurityInsights(credential, emu.workspace.subscriptionId, {
		endpoint: emu.url,
		credentialScopes: [ARM_SCOPE],
		apiVersion,
		tlsOptions: { ca: emu.caPem },
		// Keep socket-error backoff short in tests; Retry-After on 429/503 is still honoured.
		retryOptions: { maxRetries: 3, retryDelayInMs: 20, maxRetryDelayInMs: 200 },
	});
}

export type { RawResponse };

/** Plain HTTPS call trusting the emulator CA (for wire-level assertions the SDK would hide). */
export function request(
	emu: Emulator,
	method: string,
	path: string,
	options: { body?: unknown; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<RawResponse> {
	const url = new URL(path, emu.url);
	let payload: string | undefined;
	const headers: Record<string, string> = { ...(options.headers ?? {}) };
	if (options.form) {
		payload = new URLSearchParams(options.form).toString();
		headers['content-type'] = 'application/x-www-form-urlencoded';
	} else if (options.body !== undefined) {
		payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
		headers['content-type'] = 'application/json';
	}
	return httpsRequest(url, { method, headers, ca: emu.caPem, agent: false }, payload);
}

const armCredentials = new WeakMap<Emulator, ClientSecretCredential>();

/** A raw ARM call with a token from one cached secret credential per emulator (re-acquired after expiry). */
export async function armRequest(emu: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
	let credential = armCredentials.get(emu);
	if (!credential) {
		credential = secretCredential(emu);
		armCredentials.set(emu, credential);
	}
	let token = await credential.getToken(ARM_SCOPE);
	let response = await request(emu, method, path, { body, headers: { authorization: `Bearer ${token.token}`, ...headers } });
	if (response.status === 401 && (response.json as { error?: { code?: string } })?.error?.code === 'ExpiredAuthenticationToken') {
		armCredentials.set(emu, (credential = secretCredential(emu)));
		token = await credential.getToken(ARM_SCOPE);
		response = await request(emu, method, path, { body, headers: { authorization: `Bearer ${token.token}`, ...headers } });
	}
	return response;
}

export function sentinelPath(emu: Emulator, suffix = ''): string {
	return `${emu.workspace.armId}/providers/Microsoft.SecurityInsights${suffix}`;
}
