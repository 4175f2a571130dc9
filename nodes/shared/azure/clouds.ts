/**
 * Azure clouds and their endpoints. Token audiences (scopes) are the service identifiers of each cloud,
 * which is why a Custom cloud — a private endpoint, a TLS-inspecting proxy or a local emulator standing in
 * for the public cloud — keeps the public cloud's audiences while its hosts change.
 */
export type AzureCloudName = 'AzurePublic' | 'AzureUSGovernment' | 'AzureChina' | 'Custom';

export interface AzureCloudEndpoints {
	authorityHost: string;
	arm: string;
	armScope: string;
	logAnalytics: string;
	logAnalyticsScope: string;
	graph: string;
	graphScope: string;
	/** Azure portal, for the links shown in output items. */
	portal: string;
}

const publicCloud: AzureCloudEndpoints = {
	authorityHost: 'https://login.microsoftonline.com',
	arm: 'https://management.azure.com',
	armScope: 'https://management.azure.com/.default',
	logAnalytics: 'https://api.loganalytics.io',
	logAnalyticsScope: 'https://api.loganalytics.io/.default',
	graph: 'https://graph.microsoft.com',
	graphScope: 'https://graph.microsoft.com/.default',
	portal: 'https://portal.azure.com',
};

export const azureClouds: Record<Exclude<AzureCloudName, 'Custom'>, AzureCloudEndpoints> = {
	AzurePublic: publicCloud,
	AzureUSGovernment: {
		authorityHost: 'https://login.microsoftonline.us',
		arm: 'https://management.usgovcloudapi.net',
		armScope: 'https://management.usgovcloudapi.net/.default',
		logAnalytics: 'https://api.loganalytics.us',
		logAnalyticsScope: 'https://api.loganalytics.us/.default',
		graph: 'https://graph.microsoft.us',
		graphScope: 'https://graph.microsoft.us/.default',
		portal: 'https://portal.azure.us',
	},
	AzureChina: {
		authorityHost: 'https://login.chinacloudapi.cn',
		arm: 'https://management.chinacloudapi.cn',
		armScope: 'https://management.chinacloudapi.cn/.default',
		logAnalytics: 'https://api.loganalytics.azure.cn',
		logAnalyticsScope: 'https://api.loganalytics.azure.cn/.default',
		graph: 'https://microsoftgraph.chinacloudapi.cn',
		graphScope: 'https://microsoftgraph.chinacloudapi.cn/.default',
		portal: 'https://portal.azure.cn',
	},
};

export interface CustomCloudSettings {
	authorityHost?: string;
	armEndpoint?: string;
	logAnalyticsEndpoint?: string;
	graphEndpoint?: string;
}

function normaliseOrigin(value: string | undefined, fallback: string): string {
	const trimmed = (value ?? '').trim().replace(/\/+$/, '');
	return trimmed === '' ? fallback : trimmed;
}

export function resolveCloud(cloud: AzureCloudName, custom: CustomCloudSettings = {}): AzureCloudEndpoints {
	if (cloud !== 'Custom') {
		return azureClouds[cloud] ?? publicCloud;
	}
	return {
		...publicCloud,
		authorityHost: normaliseOrigin(custom.authorityHost, publicCloud.authorityHost),
		arm: normaliseOrigin(custom.armEndpoint, publicCloud.arm),
		// Log Analytics' query API lives under /v1; accept the endpoint with or without it.
		logAnalytics: normaliseOrigin(custom.logAnalyticsEndpoint, publicCloud.logAnalytics).replace(/\/v1$/, ''),
		graph: normaliseOrigin(custom.graphEndpoint, publicCloud.graph),
	};
}
