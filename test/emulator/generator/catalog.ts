// Fictional but realistic organisation data the generator draws from (contoso.com, documentation IP ranges).
import type { SentinelUser } from '../arm/sentinel/model';

export const DOMAIN = 'contoso.com';

/** SOC analysts: the owner lookup table (assign by objectId) and the authors of analyst comments. */
export const ANALYSTS: readonly SentinelUser[] = [
	{ objectId: '2046feea-040d-4a46-9e2b-91c2941bfa70', email: 'john.doe@contoso.com', userPrincipalName: 'john@contoso.com', name: 'John Doe' },
	{ objectId: '8b5f3c1e-6a2d-4f9b-b0e7-3c4d5e6f7a81', email: 'amara.okafor@contoso.com', userPrincipalName: 'amara.okafor@contoso.com', name: 'Amara Okafor' },
	{ objectId: 'c7d8e9f0-1a2b-4c3d-9e4f-5a6b7c8d9e02', email: 'lukas.schneider@contoso.com', userPrincipalName: 'lukas.schneider@contoso.com', name: 'Lukas Schneider' },
	{ objectId: '4e5f6a7b-8c9d-4e0f-a1b2-c3d4e5f6a7b3', email: 'mei.tanaka@contoso.com', userPrincipalName: 'mei.tanaka@contoso.com', name: 'Mei Tanaka' },
	{ objectId: '9f0a1b2c-3d4e-4f5a-b6c7-d8e9f0a1b2c4', email: 'diego.ramirez@contoso.com', userPrincipalName: 'diego.ramirez@contoso.com', name: 'Diego Ramírez' },
	{ objectId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c55', email: 'soc-tier1@contoso.com', userPrincipalName: 'soc-tier1@contoso.com', name: 'SOC Tier 1' },
];

export interface DirectoryAccount {
	accountName: string;
	displayName: string;
	aadUserId: string;
	sid: string;
	ntDomain: string;
}

/** Employees whose accounts show up in alerts. */
export const ACCOUNTS: readonly DirectoryAccount[] = [
	{ accountName: 'adele.vance', displayName: 'Adele Vance', aadUserId: '6e1c2a3b-4d5e-4f6a-8b7c-9d0e1f2a3b41', sid: 'S-1-5-21-3623811015-3361044348-30300820-1104', ntDomain: 'CONTOSO' },
	{ accountName: 'alex.wilber', displayName: 'Alex Wilber', aadUserId: '7f2d3b4c-5e6f-4a7b-9c8d-0e1f2a3b4c52', sid: 'S-1-5-21-3623811015-3361044348-30300820-1105', ntDomain: 'CONTOSO' },
	{ accountName: 'megan.bowen', displayName: 'Megan Bowen', aadUserId: '803e4c5d-6f7a-4b8c-ad9e-1f2a3b4c5d63', sid: 'S-1-5-21-3623811015-3361044348-30300820-1106', ntDomain: 'CONTOSO' },
	{ accountName: 'nestor.wilke', displayName: 'Nestor Wilke', aadUserId: '914f5d6e-7a8b-4c9d-be0f-2a3b4c5d6e74', sid: 'S-1-5-21-3623811015-3361044348-30300820-1107', ntDomain: 'CONTOSO' },
	{ accountName: 'svc-backup', displayName: 'Backup service account', aadUserId: 'a2506e7f-8b9c-4d0e-8f1a-3b4c5d6e7f85', sid: 'S-1-5-21-3623811015-3361044348-30300820-1500', ntDomain: 'CONTOSO' },
	{ accountName: 'patti.fernandez', displayName: 'Patti Fernandez', aadUserId: 'b3617f8a-9c0d-4e1f-9a2b-4c5d6e7f8a96', sid: 'S-1-5-21-3623811015-3361044348-30300820-1108', ntDomain: 'CONTOSO' },
];

export interface HostInfo {
	hostName: string;
	osFamily: 'Windows' | 'Linux';
	osVersion: string;
	azureVm: boolean;
}

export const HOSTS: readonly HostInfo[] = [
	{ hostName: 'WS-FIN-0142', osFamily: 'Windows', osVersion: 'Windows 11 23H2', azureVm: false },
	{ hostName: 'WS-HR-0077', osFamily: 'Windows', osVersion: 'Windows 10 22H2', azureVm: false },
	{ hostName: 'SRV-DC01', osFamily: 'Windows', osVersion: 'Windows Server 2022', azureVm: true },
	{ hostName: 'SRV-SQL02', osFamily: 'Windows', osVersion: 'Windows Server 2019', azureVm: true },
	{ hostName: 'web-prod-03', osFamily: 'Linux', osVersion: 'Ubuntu 22.04', azureVm: true },
	{ hostName: 'LT-SALES-0315', osFamily: 'Windows', osVersion: 'Windows 11 23H2', azureVm: false },
];

export interface ExternalIp {
	address: string;
	countryCode: string;
	countryName: string;
	city: string;
	asn: number;
	latitude: number;
	longitude: number;
}

/** Addresses from the RFC 5737 documentation ranges. */
export const EXTERNAL_IPS: readonly ExternalIp[] = [
	{ address: '203.0.113.17', countryCode: 'NL', countryName: 'netherlands', city: 'amsterdam', asn: 64500, latitude: 52.37, longitude: 4.89 },
	{ address: '198.51.100.42', countryCode: 'US', countryName: 'united states', city: 'ashburn', asn: 64501, latitude: 39.04, longitude: -77.49 },
	{ address: '192.0.2.201', countryCode: 'RU', countryName: 'russia', city: 'moscow', asn: 64502, latitude: 55.75, longitude: 37.62 },
	{ address: '203.0.113.250', countryCode: 'BR', countryName: 'brazil', city: 'sao paulo', asn: 64503, latitude: -23.55, longitude: -46.63 },
	{ address: '198.51.100.7', countryCode: 'SG', countryName: 'singapore', city: 'singapore', asn: 64504, latitude: 1.29, longitude: 103.85 },
	{ address: '192.0.2.66', countryCode: 'DE', countryName: 'germany', city: 'frankfurt am main', asn: 64505, latitude: 50.11, longitude: 8.68 },
];

export const MALICIOUS_URLS: readonly string[] = [
	'https://login-contoso-secure.example.net/auth/signin',
	'http://cdn-update.example.org/payload/stage2.ps1',
	'https://sharepoint-docs.example.com/view?id=8823',
	'https://invoice-portal.example.net/download/INV-2291.zip',
];

export interface SuspiciousBinary {
	fileName: string;
	directory: string;
	sha256: string;
	sha1: string;
	commandLine: string;
}

export const BINARIES: readonly SuspiciousBinary[] = [
	{ fileName: 'powershell.exe', directory: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0', sha256: 'de96a6e69944335375dc1ac238336066889d9ffc7d73628ef4fe1b1b160ab32c', sha1: '6cbce4a295c163791b60fc23d285e6d84f28ee4c', commandLine: 'powershell.exe -NoP -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA' },
	{ fileName: 'rundll32.exe', directory: 'C:\\Windows\\System32', sha256: '9f1e56a3bf293ac536cf4b8dad57040797d62dbb0ca19c4ed9683b5565549481', sha1: 'a2c6e3f1b6f9d1e0c8b7a6f5e4d3c2b1a0f9e8d7', commandLine: 'rundll32.exe C:\\Users\\Public\\libcef.dll,Start' },
	{ fileName: 'svchost-update.exe', directory: 'C:\\ProgramData\\Updater', sha256: '4b1f2e8c9d0a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c', sha1: '0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e', commandLine: '"C:\\ProgramData\\Updater\\svchost-update.exe" --silent' },
	{ fileName: 'mimikatz.exe', directory: 'C:\\Users\\Public\\Downloads', sha256: '92804faaab2175dc501d73e814663058c78c0a042675a8937266357bcfb96c50', sha1: 'd1f7832035c3e8a73cc78afd28cfd7f4cece6d20', commandLine: 'mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit' },
];

export const EXTERNAL_FORWARD_ADDRESSES: readonly string[] = ['archive.box@example.net', 'ceo.office@example.org', 'payments-team@example.com'];

export const LABELS: readonly string[] = ['Credential theft', 'Phishing', 'Ransomware', 'VIP user', 'Crown jewels', 'Red team exercise'];
