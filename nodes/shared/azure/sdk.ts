import type * as AzureSdk from './sdkBundle';

export type AzureSdkModule = typeof AzureSdk;

let loaded: AzureSdkModule | undefined;

/**
 * Loads the bundled Azure SDKs on first use (see `sdkBundle.ts` for why they are bundled and lazy).
 * In tests this resolves the TypeScript source and the SDKs from `node_modules`; in `dist/` it resolves
 * the esbuild bundle, which has the same exports.
 */
export async function loadAzureSdk(): Promise<AzureSdkModule> {
	if (!loaded) {
		loaded = await import('./sdkBundle');
	}
	return loaded;
}
