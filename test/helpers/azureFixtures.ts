import type { ICredentialDataDecryptedObject, INodeParameters } from 'n8n-workflow';

import type { Emulator } from '../emulator';

/** The Azure credential's data pointing at an emulator, as a user would fill it in for a custom cloud. */
export function emulatorCredential(emu: Emulator, overrides: Record<string, string> = {}): ICredentialDataDecryptedObject {
	return {
		tenantId: emu.principal.tenantId,
		clientId: emu.principal.clientId,
		authMethod: 'clientSecret',
		clientSecret: emu.principal.clientSecret,
		cloud: 'Custom',
		authorityHost: emu.url,
		armEndpoint: emu.url,
		logAnalyticsEndpoint: emu.url,
		graphEndpoint: emu.url,
		caCertificate: emu.caPem,
		...overrides,
	};
}

export const ALL_SEVERITIES = ['High', 'Medium', 'Low', 'Informational'];

export function triggerParameters(emu: Emulator, overrides: INodeParameters = {}): INodeParameters {
	return {
		workspace: { __rl: true, mode: 'id', value: emu.workspace.armId },
		statuses: ['New'],
		severities: ALL_SEVERITIES,
		maxAgeHours: 24,
		event: 'created',
		includeAlerts: true,
		includeEntities: true,
		options: {},
		...overrides,
	};
}

export const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
