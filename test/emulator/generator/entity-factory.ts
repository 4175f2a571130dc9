import type { EntityKind, EntitySeed } from '../arm/sentinel/model';
import {
	ACCOUNTS,
	BINARIES,
	DOMAIN,
	EXTERNAL_FORWARD_ADDRESSES,
	EXTERNAL_IPS,
	HOSTS,
	MALICIOUS_URLS,
	type DirectoryAccount,
	type ExternalIp,
	type HostInfo,
	type SuspiciousBinary,
} from './catalog';
import type { SeededRandom } from './random';

/** The concrete actors of one alert, so its entities describe one coherent story. */
export interface AlertCast {
	account: DirectoryAccount;
	host: HostInfo;
	ip: ExternalIp;
	url: string;
	binary: SuspiciousBinary;
	processId: number;
	forwardTo: string;
}

export function castAlert(rng: SeededRandom): AlertCast {
	return {
		account: rng.pick(ACCOUNTS),
		host: rng.pick(HOSTS),
		ip: rng.pick(EXTERNAL_IPS),
		url: rng.pick(MALICIOUS_URLS),
		binary: rng.pick(BINARIES),
		processId: rng.int(600, 14000),
		forwardTo: rng.pick(EXTERNAL_FORWARD_ADDRESSES),
	};
}

export function buildEntity(kind: EntityKind, cast: AlertCast, when: Date, subscriptionId: string): EntitySeed {
	switch (kind) {
		case 'Account':
			return {
				kind,
				properties: {
					accountName: cast.account.accountName,
					ntDomain: cast.account.ntDomain,
					upnSuffix: DOMAIN,
					aadUserId: cast.account.aadUserId,
					sid: cast.account.sid,
					displayName: cast.account.displayName,
					isDomainJoined: true,
					friendlyName: cast.account.accountName,
				},
			};
		case 'Host':
			return {
				kind,
				properties: {
					hostName: cast.host.hostName,
					dnsDomain: `corp.${DOMAIN}`,
					netBiosName: cast.host.hostName.toUpperCase(),
					ntDomain: 'CONTOSO',
					osFamily: cast.host.osFamily,
					osVersion: cast.host.osVersion,
					isDomainJoined: cast.host.osFamily === 'Windows',
					...(cast.host.azureVm
						? { azureID: `/subscriptions/${subscriptionId}/resourceGroups/rg-servers/providers/Microsoft.Compute/virtualMachines/${cast.host.hostName}` }
						: {}),
					friendlyName: cast.host.hostName,
				},
			};
		case 'Ip':
			return {
				kind,
				properties: {
					address: cast.ip.address,
					location: {
						asn: cast.ip.asn,
						city: cast.ip.city,
						countryCode: cast.ip.countryCode,
						countryName: cast.ip.countryName,
						latitude: cast.ip.latitude,
						longitude: cast.ip.longitude,
					},
					friendlyName: cast.ip.address,
				},
			};
		case 'Url':
			return { kind, properties: { url: cast.url, friendlyName: cast.url } };
		case 'File':
			return { kind, properties: { fileName: cast.binary.fileName, directory: cast.binary.directory, friendlyName: cast.binary.fileName } };
		case 'FileHash':
			return { kind, properties: { algorithm: 'SHA256', hashValue: cast.binary.sha256, friendlyName: cast.binary.sha256 } };
		case 'Process':
			return {
				kind,
				properties: {
					processId: String(cast.processId),
					commandLine: cast.binary.commandLine,
					creationTimeUtc: when.toISOString(),
					elevationToken: 'Default',
					friendlyName: `${cast.binary.fileName} (${cast.processId})`,
				},
			};
		case 'Mailbox':
			return {
				kind,
				properties: {
					mailboxPrimaryAddress: `${cast.account.accountName}@${DOMAIN}`,
					displayName: cast.account.displayName,
					upn: `${cast.account.accountName}@${DOMAIN}`,
					externalDirectoryObjectId: cast.account.aadUserId,
					friendlyName: `${cast.account.accountName}@${DOMAIN}`,
				},
			};
	}
}

/** What an alert's `compromisedEntity` names: the host for endpoint alerts, otherwise the account. */
export function compromisedEntity(kinds: EntityKind[], cast: AlertCast): string {
	if (kinds.includes('Host')) return cast.host.hostName;
	if (kinds.includes('Account')) return `${cast.account.accountName}@${DOMAIN}`;
	if (kinds.includes('Ip')) return cast.ip.address;
	return cast.url;
}
