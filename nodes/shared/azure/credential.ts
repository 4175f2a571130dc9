import { createHash } from 'crypto';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { resolveCloud, type AzureCloudEndpoints, type AzureCloudName } from './clouds';
import { loadAzureSdk } from './sdk';
import type { TokenCredential } from './sdkBundle';

export const AZURE_CREDENTIAL_TYPE = 'sentinelSignl4AzureApi';

export interface AzureServicePrincipal {
	tenantId: string;
	clientId: string;
	authMethod: 'clientSecret' | 'certificate';
	clientSecret?: string;
	certificate?: string;
	certificatePassword?: string;
	cloud: AzureCloudName;
	authorityHost?: string;
	armEndpoint?: string;
	logAnalyticsEndpoint?: string;
	graphEndpoint?: string;
	caCertificate?: string;
}

export interface AzureSession {
	/** Stable hash of everything that identifies the principal and where it talks to; never the secret itself. */
	fingerprint: string;
	credential: TokenCredential;
	endpoints: AzureCloudEndpoints;
	/** TLS trust for every SDK client built on this session (system roots plus the optional extra CA). */
	tlsOptions?: { ca: string[] };
	tenantId: string;
	/** The application (client) ID the session signs in as: how Azure names this package's writes in `systemData`. */
	clientId: string;
}

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

export function toServicePrincipal(data: ICredentialDataDecryptedObject): AzureServicePrincipal {
	return {
		tenantId: text(data.tenantId),
		clientId: text(data.clientId),
		authMethod: data.authMethod === 'certificate' ? 'certificate' : 'clientSecret',
		clientSecret: typeof data.clientSecret === 'string' ? data.clientSecret : undefined,
		certificate: typeof data.certificate === 'string' ? data.certificate : undefined,
		certificatePassword: text(data.certificatePassword) || undefined,
		cloud: (text(data.cloud) || 'AzurePublic') as AzureCloudName,
		authorityHost: text(data.authorityHost) || undefined,
		armEndpoint: text(data.armEndpoint) || undefined,
		logAnalyticsEndpoint: text(data.logAnalyticsEndpoint) || undefined,
		graphEndpoint: text(data.graphEndpoint) || undefined,
		caCertificate: text(data.caCertificate) || undefined,
	};
}

/** Problems an operator can fix in the credential form; checked before any request is sent. */
export function findCredentialProblem(principal: AzureServicePrincipal): string | undefined {
	if (!principal.tenantId) return 'The credential has no Tenant ID';
	if (!/^[0-9a-zA-Z.-]+$/.test(principal.tenantId)) {
		return 'The Tenant ID must be a GUID or a domain name such as contoso.onmicrosoft.com';
	}
	if (!principal.clientId) return 'The credential has no Client ID';
	if (principal.authMethod === 'clientSecret' && !principal.clientSecret) {
		return 'The credential has no Client Secret';
	}
	if (principal.authMethod === 'certificate' && !/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(principal.certificate ?? '')) {
		return 'The certificate must be PEM text that contains the private key (BEGIN PRIVATE KEY) and the certificate';
	}
	const endpoints = resolveCloud(principal.cloud, principal);
	for (const [name, url] of Object.entries({
		'Authority Host': endpoints.authorityHost,
		'Resource Manager Endpoint': endpoints.arm,
		'Log Analytics Endpoint': endpoints.logAnalytics,
	})) {
		if (!/^https:\/\/[^\s/]+/.test(url)) {
			// Azure's SDKs refuse to send bearer tokens over plain HTTP; say so before they do.
			return `The ${name} must be an https:// URL`;
		}
	}
	return undefined;
}

export function fingerprintOf(principal: AzureServicePrincipal): string {
	const material = JSON.stringify([
		principal.tenantId,
		principal.clientId,
		principal.authMethod,
		principal.authMethod === 'clientSecret' ? principal.clientSecret : principal.certificate,
		principal.certificatePassword ?? '',
		resolveCloud(principal.cloud, principal),
		principal.caCertificate ?? '',
	]);
	return createHash('sha256').update(material).digest('hex');
}

/**
 * Sessions are cached per credential fingerprint for the life of the n8n process. `@azure/identity` keeps the
 * token cache inside the credential object, so reusing it is what makes an idle poll cost no token request.
 * Editing the credential changes the fingerprint, which starts a new session. Bounded, oldest evicted first.
 */
const MAX_CACHED_SESSIONS = 32;
const sessions = new Map<string, AzureSession>();

export async function getAzureSession(
	principal: AzureServicePrincipal,
	options: { fresh?: boolean } = {},
): Promise<AzureSession> {
	// Load first: from here on everything is synchronous, so items starting together share one session (and one
	// token request) instead of racing to create their own.
	const sdk = await loadAzureSdk();
	const fingerprint = fingerprintOf(principal);
	const cached = options.fresh ? undefined : sessions.get(fingerprint);
	if (cached) {
		sessions.delete(fingerprint);
		sessions.set(fingerprint, cached);
		return cached;
	}
	const endpoints = resolveCloud(principal.cloud, principal);
	// Passing `ca` replaces Node's trust store for the request, so keep the system roots alongside the extra CA.
	const tlsOptions = principal.caCertificate ? { ca: [...sdk.rootCertificates, principal.caCertificate] } : undefined;
	const credentialOptions = {
		authorityHost: endpoints.authorityHost,
		// Instance discovery asks the public cloud's host about the authority; pointless (and unreachable from
		// isolated networks) for custom endpoints.
		disableInstanceDiscovery: principal.cloud === 'Custom',
		tlsOptions,
	};
	const credential: TokenCredential =
		principal.authMethod === 'certificate'
			? new sdk.ClientCertificateCredential(
					principal.tenantId,
					principal.clientId,
					{ certificate: principal.certificate ?? '', certificatePassword: principal.certificatePassword },
					credentialOptions,
				)
			: new sdk.ClientSecretCredential(principal.tenantId, principal.clientId, principal.clientSecret ?? '', credentialOptions);
	const session: AzureSession = { fingerprint, credential, endpoints, tlsOptions, tenantId: principal.tenantId, clientId: principal.clientId };
	// A fresh session (credential test) must prove the secret works now, so it neither reads nor fills the cache.
	if (options.fresh) return session;
	sessions.set(fingerprint, session);
	while (sessions.size > MAX_CACHED_SESSIONS) {
		const oldest = sessions.keys().next().value as string;
		sessions.delete(oldest);
	}
	return session;
}

/** Drops a session, e.g. after Azure rejected its token, so the next call signs in afresh. */
export function forgetAzureSession(fingerprint: string): void {
	sessions.delete(fingerprint);
}

export function clearAzureSessions(): void {
	sessions.clear();
}
