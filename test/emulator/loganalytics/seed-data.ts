// Deterministic rows for the seeded tables: two weeks of ordinary activity that no seeded rule matches, plus, for
// every scheduled-rule alert, the evidence its rule saw — rows inside the alert's query window, with the alert's own
// accounts, hosts and addresses, so re-running `additionalData.Query` over that window returns real rows.
import type { Entity } from '../arm/sentinel/model';
import { ACCOUNTS, BINARIES, DOMAIN, EXTERNAL_FORWARD_ADDRESSES, EXTERNAL_IPS, HOSTS } from '../generator/catalog';
import { SeededRandom } from '../generator/random';
import type { ScheduledRule, SeededTable } from '../generator/scheduled-rules';
import type { Row } from './kql';
import { ticksFromDate } from './kql';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export type TableRows = Record<SeededTable, Row[]>;

export function emptyTables(): TableRows {
	return { SigninLogs: [], SecurityEvent: [], DeviceProcessEvents: [], OfficeActivity: [] };
}

const at = (ms: number) => ticksFromDate(Math.floor(ms));
const upn = (accountName: string) => `${accountName}@${DOMAIN}`;
const INTERNAL_IP = (n: number) => `10.20.${Math.floor(n / 250)}.${(n % 250) + 1}`;

function signin(time: number, fields: Partial<Row>): Row {
	return {
		TimeGenerated: at(time),
		UserPrincipalName: '',
		UserDisplayName: '',
		AppDisplayName: 'Microsoft Teams',
		IPAddress: '',
		Location: 'NL',
		ResultType: '0',
		ResultDescription: '',
		ClientAppUsed: 'Browser',
		ConditionalAccessStatus: 'success',
		LocationDetails: { city: 'Amsterdam', countryOrRegion: 'NL' },
		CorrelationId: '',
		Type: 'SigninLogs',
		...fields,
	};
}

function securityEvent(time: number, fields: Partial<Row>): Row {
	return {
		TimeGenerated: at(time),
		Computer: '',
		EventID: 4624,
		Activity: '4624 - An account was successfully logged on.',
		Account: '',
		SubjectUserName: '',
		SubjectDomainName: 'CONTOSO',
		SubjectUserSid: '',
		TargetUserName: '',
		MemberName: '',
		NewProcessName: '',
		CommandLine: '',
		Type: 'SecurityEvent',
		...fields,
	};
}

function deviceProcess(time: number, fields: Partial<Row>): Row {
	return {
		TimeGenerated: at(time),
		DeviceName: '',
		AccountName: '',
		AccountDomain: 'contoso',
		FileName: '',
		FolderPath: '',
		ProcessCommandLine: '',
		ProcessId: 0,
		InitiatingProcessFileName: 'explorer.exe',
		SHA256: '',
		ReportId: 0,
		Type: 'DeviceProcessEvents',
		...fields,
	};
}

function officeActivity(time: number, fields: Partial<Row>): Row {
	return {
		TimeGenerated: at(time),
		OfficeWorkload: 'SharePoint',
		Operation: 'FileAccessed',
		UserId: '',
		ClientIP: '',
		SourceFileName: '',
		Site_Url: 'https://contoso.sharepoint.com/sites/Team',
		Parameters: '',
		ResultStatus: 'Succeeded',
		Type: 'OfficeActivity',
		...fields,
	};
}

const fqdn = (host: string) => `${host}.corp.${DOMAIN}`;

/** Ordinary activity over the 14 days before `now`; chosen so that none of the seeded rules matches it. */
export function backgroundRows(seed: number, now: number): TableRows {
	const rng = new SeededRandom(seed);
	const tables = emptyTables();
	const when = () => now - Math.floor(rng.next() * 14 * DAY);
	const apps = ['Microsoft Teams', 'Office 365 Exchange Online', 'Azure Portal', 'Microsoft Office 365 Portal', 'OneDrive'];
	ACCOUNTS.forEach((account, index) => {
		for (let i = 0; i < 40; i++) {
			// One home address per account and at most one failure in ten: neither brute force nor spray patterns.
			const failed = i % 10 === 9;
			tables.SigninLogs.push(
				signin(when(), {
					UserPrincipalName: upn(account.accountName),
					UserDisplayName: account.displayName,
					AppDisplayName: rng.pick(apps),
					IPAddress: INTERNAL_IP(index),
					ResultType: failed ? '50126' : '0',
					ResultDescription: failed ? 'Invalid username or password or Invalid on-premise username or password.' : '',
					CorrelationId: rng.guid(),
				}),
			);
		}
	});
	for (let i = 0; i < 120; i++) {
		const account = rng.pick(ACCOUNTS);
		const host = rng.pick(HOSTS);
		tables.SecurityEvent.push(
			securityEvent(when(), {
				Computer: fqdn(host.hostName),
				EventID: i % 3 === 0 ? 4634 : 4624,
				Activity: i % 3 === 0 ? '4634 - An account was logged off.' : '4624 - An account was successfully logged on.',
				Account: `CONTOSO\\${account.accountName}`,
				SubjectUserName: account.accountName,
				SubjectUserSid: account.sid,
				TargetUserName: account.accountName,
			}),
		);
	}
	// SYSTEM starts the same few service binaries many times a day: never "rare".
	for (const host of HOSTS.filter((h) => h.osFamily === 'Windows')) {
		for (const binary of ['C:\\Windows\\System32\\svchost.exe', 'C:\\Windows\\System32\\wuauclt.exe']) {
			for (let i = 0; i < 5; i++) {
				tables.SecurityEvent.push(
					securityEvent(when(), {
						Computer: fqdn(host.hostName),
						EventID: 4688,
						Activity: '4688 - A new process has been created.',
						Account: `CONTOSO\\${host.hostName}$`,
						SubjectUserName: `${host.hostName}$`,
						SubjectUserSid: 'S-1-5-18',
						NewProcessName: binary,
						CommandLine: `${binary} -k netsvcs`,
					}),
				);
			}
		}
	}
	const programs: Array<[string, string, string]> = [
		['chrome.exe', 'C:\\Program Files\\Google\\Chrome\\Application', '"chrome.exe" --type=renderer'],
		['OUTLOOK.EXE', 'C:\\Program Files\\Microsoft Office\\root\\Office16', '"OUTLOOK.EXE" /recycle'],
		['powershell.exe', 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0', 'powershell.exe -File C:\\Scripts\\inventory.ps1'],
		['Teams.exe', 'C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams', 'Teams.exe --system-initiated'],
	];
	for (let i = 0; i < 120; i++) {
		const [fileName, folder, commandLine] = rng.pick(programs);
		const account = rng.pick(ACCOUNTS);
		tables.DeviceProcessEvents.push(
			deviceProcess(when(), {
				DeviceName: fqdn(rng.pick(HOSTS).hostName).toLowerCase(),
				AccountName: account.accountName,
				FileName: fileName,
				FolderPath: `${folder}\\${fileName}`,
				ProcessCommandLine: commandLine,
				ProcessId: rng.int(600, 14000),
				SHA256: rng.hex(64),
				ReportId: rng.int(1000, 99999),
			}),
		);
	}
	for (let i = 0; i < 120; i++) {
		const account = rng.pick(ACCOUNTS);
		const exchange = i % 4 === 0;
		tables.OfficeActivity.push(
			officeActivity(when(), {
				OfficeWorkload: exchange ? 'Exchange' : rng.pick(['SharePoint', 'OneDrive']),
				Operation: exchange ? 'MailItemsAccessed' : rng.pick(['FileAccessed', 'FileModified', 'FileDownloaded']),
				UserId: upn(account.accountName),
				ClientIP: INTERNAL_IP(ACCOUNTS.indexOf(account)),
				SourceFileName: exchange ? '' : `Document-${rng.int(100, 999)}.docx`,
			}),
		);
	}
	return tables;
}

/** What an alert's evidence is about, taken from its incident's entities (or the catalog when it has none). */
export interface EvidenceCast {
	accountName: string;
	ip: string;
	hostName: string;
	fileName: string;
	directory: string;
	sha256: string;
	commandLine: string;
	forwardTo: string;
}

export function castFromEntities(entities: Entity[], rng: SeededRandom): EvidenceCast {
	const find = (kind: Entity['kind']) => entities.find((entity) => entity.kind === kind)?.properties as Record<string, string> | undefined;
	const account = find('Account');
	const ip = find('Ip');
	const host = find('Host');
	const file = find('File');
	const hash = find('FileHash');
	const process = find('Process');
	const binary = BINARIES.find((b) => b.fileName === file?.fileName) ?? rng.pick(BINARIES);
	return {
		accountName: account?.accountName ?? rng.pick(ACCOUNTS).accountName,
		ip: ip?.address ?? rng.pick(EXTERNAL_IPS).address,
		hostName: host?.hostName ?? rng.pick(HOSTS).hostName,
		fileName: file?.fileName ?? binary.fileName,
		directory: file?.directory ?? binary.directory,
		sha256: hash?.hashValue ?? binary.sha256,
		commandLine: process?.commandLine ?? binary.commandLine,
		forwardTo: rng.pick(EXTERNAL_FORWARD_ADDRESSES),
	};
}

/**
 * Rows that make `rule`'s query return a result for a window `[start, end]`, in the window's last third (where the
 * activity that raised the alert happened).
 */
export function evidenceRows(rule: ScheduledRule, start: number, end: number, cast: EvidenceCast, rng: SeededRandom): Partial<TableRows> {
	const span = Math.max(end - start, MINUTE);
	const inWindow = (fraction: number) => Math.min(end - 1000, start + span * (2 / 3) + (span / 3) * fraction);
	const account = ACCOUNTS.find((a) => a.accountName === cast.accountName);
	const displayName = account?.displayName ?? cast.accountName;
	const host = HOSTS.find((h) => h.hostName === cast.hostName);
	switch (rule.key) {
		case 'signin-bruteforce': {
			const rows = Array.from({ length: 12 }, (_, i) =>
				signin(inWindow(i / 14), {
					UserPrincipalName: upn(cast.accountName),
					UserDisplayName: displayName,
					AppDisplayName: 'Azure Portal',
					IPAddress: cast.ip,
					Location: 'RU',
					ResultType: '50126',
					ResultDescription: 'Invalid username or password or Invalid on-premise username or password.',
					ConditionalAccessStatus: 'notApplied',
					CorrelationId: rng.guid(),
				}),
			);
			rows.push(
				signin(inWindow(13 / 14), {
					UserPrincipalName: upn(cast.accountName),
					UserDisplayName: displayName,
					AppDisplayName: 'Azure Portal',
					IPAddress: cast.ip,
					Location: 'RU',
					CorrelationId: rng.guid(),
				}),
			);
			return { SigninLogs: rows };
		}
		case 'signin-password-spray':
			return {
				SigninLogs: ACCOUNTS.map((target, i) =>
					signin(inWindow(i / ACCOUNTS.length), {
						UserPrincipalName: upn(target.accountName),
						UserDisplayName: target.displayName,
						AppDisplayName: 'Microsoft Office 365 Portal',
						IPAddress: cast.ip,
						Location: 'BR',
						ResultType: i % 2 === 0 ? '50126' : '50053',
						ResultDescription: i % 2 === 0 ? 'Invalid username or password or Invalid on-premise username or password.' : 'Account is locked because the user tried to sign in too many times.',
						ConditionalAccessStatus: 'notApplied',
						CorrelationId: rng.guid(),
					}),
				),
			};
		case 'encoded-powershell': {
			const encoded = 'powershell.exe -NoP -W Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA';
			const commandLine = /-enc|EncodedCommand|FromBase64String/.test(cast.commandLine) ? cast.commandLine : encoded;
			return {
				DeviceProcessEvents: ['WINWORD.EXE', 'cmd.exe'].map((parent, i) =>
					deviceProcess(inWindow(0.3 + i * 0.4), {
						DeviceName: fqdn(cast.hostName).toLowerCase(),
						AccountName: cast.accountName,
						FileName: 'powershell.exe',
						FolderPath: 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe',
						ProcessCommandLine: commandLine,
						ProcessId: rng.int(600, 14000),
						InitiatingProcessFileName: parent,
						SHA256: cast.sha256,
						ReportId: rng.int(1000, 99999),
					}),
				),
			};
		}
		case 'local-admin-added': {
			const created = 'helpdesk-tmp';
			const computer = fqdn(host?.hostName ?? cast.hostName);
			return {
				SecurityEvent: [
					securityEvent(inWindow(0.2), {
						Computer: computer,
						EventID: 4720,
						Activity: '4720 - A user account was created.',
						Account: `CONTOSO\\${cast.accountName}`,
						SubjectUserName: cast.accountName,
						SubjectUserSid: account?.sid ?? 'S-1-5-21-0-0-0-1100',
						TargetUserName: created,
					}),
					securityEvent(inWindow(0.6), {
						Computer: computer,
						EventID: 4732,
						Activity: '4732 - A member was added to a security-enabled local group.',
						Account: `CONTOSO\\${cast.accountName}`,
						SubjectUserName: cast.accountName,
						SubjectUserSid: account?.sid ?? 'S-1-5-21-0-0-0-1100',
						TargetUserName: 'Administrators',
						MemberName: `CN=${created},OU=Users,DC=corp,DC=contoso,DC=com`,
					}),
				],
			};
		}
		case 'rare-system-process':
			return {
				SecurityEvent: [
					securityEvent(inWindow(0.5), {
						Computer: fqdn(cast.hostName),
						EventID: 4688,
						Activity: '4688 - A new process has been created.',
						Account: `CONTOSO\\${cast.hostName}$`,
						SubjectUserName: `${cast.hostName}$`,
						SubjectUserSid: 'S-1-5-18',
						NewProcessName: `${cast.directory}\\${cast.fileName}`,
						CommandLine: cast.commandLine,
					}),
				],
			};
		case 'sharepoint-mass-download': {
			// All downloads inside one clock hour (the rule bins by hour) that lies inside the window.
			const hourStart = Math.max(Math.ceil(start / HOUR) * HOUR, Math.floor((end - HOUR) / HOUR) * HOUR);
			const from = hourStart >= start && hourStart + HOUR <= end ? hourStart : start;
			const width = Math.min(HOUR, end - from) - 1000;
			return {
				OfficeActivity: Array.from({ length: 60 }, (_, i) =>
					officeActivity(from + (width * i) / 60, {
						OfficeWorkload: 'SharePoint',
						Operation: 'FileDownloaded',
						UserId: upn(cast.accountName),
						ClientIP: cast.ip,
						SourceFileName: `Finance-Q${(i % 4) + 1}-${String(i + 1).padStart(2, '0')}.xlsx`,
						Site_Url: 'https://contoso.sharepoint.com/sites/Finance',
					}),
				),
			};
		}
		case 'inbox-forwarding-rule':
			return {
				OfficeActivity: [
					officeActivity(inWindow(0.5), {
						OfficeWorkload: 'Exchange',
						Operation: 'New-InboxRule',
						UserId: upn(cast.accountName),
						ClientIP: cast.ip,
						Site_Url: '',
						Parameters: JSON.stringify([
							{ Name: 'Name', Value: 'Archive' },
							{ Name: 'ForwardTo', Value: cast.forwardTo },
							{ Name: 'StopProcessingRules', Value: 'True' },
						]),
					}),
				],
			};
		default:
			return {};
	}
}

/** Stable 32-bit seed from text (FNV-1a), so an alert's evidence is the same on every run. */
export function seedOf(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193) >>> 0;
	}
	return hash;
}
