// Turns the incident generator's Sentinel-shaped data (the same incidents, alerts and entities ARM serves) into
// Defender XDR's Graph shapes, so a Sentinel incident and its Defender twin tell one story: same title, severity,
// status, alert titles, tactics (as MITRE technique ids) and entities (as evidence).
import { createHash } from 'node:crypto';
import type { AttackTactic, EntityKind, IncidentClassification, IncidentClassificationReason, IncidentSeverity, IncidentStatus as SentinelStatus, SecurityAlertProperties } from '../../arm/sentinel/model';
import { DOMAIN } from '../../generator/catalog';
import type { AlertClassification, AlertDetermination, AlertSeverity, AlertStatus, DetectionSource, Evidence, IncidentStatus, ServiceSource } from './security-model';

/** One alert as both sources know it (a Sentinel `SecurityAlert` or a generator `AlertSeed`). */
export interface SourceAlert {
	systemAlertId: string;
	displayName: string;
	description: string;
	severity: IncidentSeverity;
	status: SecurityAlertProperties['status'];
	productName: string;
	tactics: AttackTactic[];
	startTimeUtc: string;
	endTimeUtc: string;
	timeGenerated: string;
	remediationSteps: string[];
	entities: Array<{ kind: EntityKind; properties: Record<string, unknown> }>;
}

export function defenderSeverity(severity: IncidentSeverity): AlertSeverity {
	return severity.toLowerCase() as AlertSeverity;
}

/** Sentinel New/Active/Closed ↔ Defender active/inProgress/resolved (how the portal shows a synced incident). */
export function defenderIncidentStatus(status: SentinelStatus): IncidentStatus {
	return status === 'Closed' ? 'resolved' : status === 'Active' ? 'inProgress' : 'active';
}

export function defenderAlertStatus(status: SecurityAlertProperties['status']): AlertStatus {
	if (status === 'Resolved' || status === 'Dismissed') return 'resolved';
	if (status === 'InProgress') return 'inProgress';
	if (status === 'New') return 'new';
	return 'unknown';
}

export function defenderClassification(classification: IncidentClassification | undefined): AlertClassification {
	switch (classification) {
		case 'TruePositive':
			return 'truePositive';
		case 'FalsePositive':
			return 'falsePositive';
		case 'BenignPositive':
			return 'informationalExpectedActivity';
		default:
			return 'unknown';
	}
}

export function defenderDetermination(classification: IncidentClassification | undefined, reason: IncidentClassificationReason | undefined): AlertDetermination {
	if (classification === 'TruePositive') return 'multiStagedAttack';
	if (classification === 'BenignPositive') return 'confirmedActivity';
	if (classification === 'FalsePositive') return reason === 'InaccurateData' ? 'notEnoughDataToValidate' : 'notMalicious';
	return 'unknown';
}

/** Which Defender service raised an alert of this product (serviceSource) and which detector (detectionSource). */
export function sourcesOf(productName: string): { serviceSource: ServiceSource; detectionSource: DetectionSource; prefix: string } {
	switch (productName) {
		case 'Microsoft Defender for Endpoint':
			return { serviceSource: 'microsoftDefenderForEndpoint', detectionSource: 'microsoftDefenderForEndpoint', prefix: 'da' };
		case 'Microsoft Entra ID Protection':
			return { serviceSource: 'azureAdIdentityProtection', detectionSource: 'azureAdIdentityProtection', prefix: 'ad' };
		case 'Microsoft Defender for Cloud Apps':
			return { serviceSource: 'microsoftDefenderForCloudApps', detectionSource: 'cloudAppSecurity', prefix: 'ca' };
		case 'Office 365':
			return { serviceSource: 'microsoftDefenderForOffice365', detectionSource: 'microsoftDefenderForOffice365', prefix: 'fa' };
		case 'Microsoft Defender for Identity':
			return { serviceSource: 'microsoftDefenderForIdentity', detectionSource: 'microsoftDefenderForIdentity', prefix: 'aa' };
		case 'Microsoft Defender for Cloud':
		case 'Azure Security Center':
			return { serviceSource: 'microsoftDefenderForCloud', detectionSource: 'microsoftDefenderForCloud', prefix: 'dc' };
		default:
			// Sentinel analytics rules (scheduled alerts) in a workspace onboarded to the Defender portal.
			return { serviceSource: 'microsoftSentinel', detectionSource: 'scheduledAlerts', prefix: 'sn' };
	}
}

/** The product an alert of a service names (`productName`), for services the generator has no scenario of its own for. */
export function productNameOf(serviceSource: ServiceSource): string {
	const names: Partial<Record<ServiceSource, string>> = {
		microsoftDefenderForEndpoint: 'Microsoft Defender for Endpoint',
		microsoftDefenderForIdentity: 'Microsoft Defender for Identity',
		microsoftDefenderForCloudApps: 'Microsoft Defender for Cloud Apps',
		microsoftDefenderForOffice365: 'Microsoft Defender for Office 365',
		microsoft365Defender: 'Microsoft Defender XDR',
		azureAdIdentityProtection: 'Microsoft Entra ID Protection',
		microsoftDefenderForCloud: 'Microsoft Defender for Cloud',
		microsoftSentinel: 'Microsoft Sentinel',
	};
	return names[serviceSource] ?? 'Microsoft Defender XDR';
}

/** One representative ATT&CK technique per tactic: deterministic, so both sources' alerts name the same techniques. */
const TECHNIQUE_OF_TACTIC: Partial<Record<AttackTactic, string>> = {
	Reconnaissance: 'T1595',
	ResourceDevelopment: 'T1583',
	InitialAccess: 'T1078',
	Execution: 'T1059.001',
	Persistence: 'T1098',
	PrivilegeEscalation: 'T1055',
	DefenseEvasion: 'T1562.001',
	CredentialAccess: 'T1003.001',
	Discovery: 'T1087',
	LateralMovement: 'T1021.002',
	Collection: 'T1114.003',
	Exfiltration: 'T1567',
	CommandAndControl: 'T1071.001',
	Impact: 'T1486',
};

export function techniquesOf(tactics: AttackTactic[]): string[] {
	return [...new Set(tactics.map((tactic) => TECHNIQUE_OF_TACTIC[tactic]).filter((technique): technique is string => !!technique))];
}

/** Defender-style alert id: product prefix + digits derived from the Sentinel alert id (stable for one alert). */
export function defenderAlertId(prefix: string, systemAlertId: string): string {
	const hex = createHash('sha1').update(systemAlertId).digest('hex');
	if (prefix === 'da') return `da${BigInt(`0x${hex.slice(0, 15)}`).toString().padStart(18, '6').slice(0, 18)}_-${parseInt(hex.slice(15, 22), 16)}`;
	return `${prefix}${hex.slice(0, 32)}`;
}

/** Entities of an alert as evidence (Files and FileHashes of one alert are one fileEvidence, as Defender shows them). */
export function evidenceOf(entities: SourceAlert['entities'], createdDateTime: string): Evidence[] {
	const base = (type: string, roles: string[] = []) => ({
		'@odata.type': `#microsoft.graph.security.${type}`,
		createdDateTime,
		verdict: 'suspicious',
		remediationStatus: 'none',
		remediationStatusDetails: null,
		roles,
		detailedRoles: [] as string[],
		tags: [] as string[],
	});
	const sha256 = entities.find((entity) => entity.kind === 'FileHash')?.properties.hashValue;
	const host = entities.find((entity) => entity.kind === 'Host')?.properties;
	const mdeDeviceId = host ? createHash('sha1').update(String(host.hostName)).digest('hex') : null;
	const evidence: Evidence[] = [];
	for (const { kind, properties: p } of entities) {
		switch (kind) {
			case 'Account':
				evidence.push({ ...base('userEvidence', ['compromised']), userAccount: userAccount(p), stream: null });
				break;
			case 'Host':
				evidence.push({
					...base('deviceEvidence', ['compromised']),
					mdeDeviceId,
					azureAdDeviceId: null,
					deviceDnsName: `${String(p.hostName)}.${String(p.dnsDomain ?? `corp.${DOMAIN}`)}`,
					hostName: String(p.hostName),
					ntDomain: p.ntDomain ?? null,
					dnsDomain: p.dnsDomain ?? null,
					osPlatform: String(p.osFamily ?? 'Windows'),
					version: String(p.osVersion ?? 'Other'),
					healthStatus: 'active',
					riskScore: 'high',
					onboardingStatus: 'onboarded',
					defenderAvStatus: 'updated',
					firstSeenDateTime: createdDateTime,
					ipInterfaces: [],
					loggedOnUsers: [],
					rbacGroupId: 0,
					rbacGroupName: 'UnassignedGroup',
					vmMetadata: null,
				});
				break;
			case 'Ip': {
				const location = (p.location ?? {}) as Record<string, unknown>;
				evidence.push({ ...base('ipEvidence', ['attacker']), ipAddress: String(p.address), countryLetterCode: (location.countryCode as string | undefined) ?? null, stream: null });
				break;
			}
			case 'Url':
				evidence.push({ ...base('urlEvidence', ['attacker']), url: String(p.url) });
				break;
			case 'File':
				evidence.push({
					...base('fileEvidence'),
					detectionStatus: 'detected',
					mdeDeviceId,
					fileDetails: { fileName: String(p.fileName), filePath: String(p.directory ?? ''), sha256: typeof sha256 === 'string' ? sha256 : null, sha1: null, fileSize: null, filePublisher: null, signer: null, issuer: null },
				});
				break;
			case 'FileHash':
				// Folded into the File's fileDetails above (a hash without a file stays a fileEvidence of its own).
				if (!entities.some((entity) => entity.kind === 'File')) {
					evidence.push({ ...base('fileEvidence'), detectionStatus: 'detected', mdeDeviceId, fileDetails: { sha256: String(p.hashValue), fileName: null, filePath: null } });
				}
				break;
			case 'Process':
				evidence.push({
					...base('processEvidence'),
					processId: Number(p.processId),
					processCommandLine: String(p.commandLine ?? ''),
					processCreationDateTime: String(p.creationTimeUtc ?? createdDateTime),
					detectionStatus: 'detected',
					mdeDeviceId,
					userAccount: null,
					imageFile: null,
					parentProcessId: null,
					parentProcessCreationDateTime: null,
					parentProcessImageFile: null,
				});
				break;
			case 'Mailbox':
				evidence.push({
					...base('mailboxEvidence', ['compromised']),
					displayName: String(p.displayName ?? ''),
					primaryAddress: String(p.mailboxPrimaryAddress ?? ''),
					upn: String(p.upn ?? ''),
					userAccount: null,
				});
				break;
		}
	}
	return evidence;
}

function userAccount(p: Record<string, unknown>): Record<string, unknown> {
	return {
		accountName: String(p.accountName),
		domainName: p.ntDomain ?? null,
		userSid: p.sid ?? null,
		azureAdUserId: p.aadUserId ?? null,
		userPrincipalName: `${String(p.accountName)}@${String(p.upnSuffix ?? DOMAIN)}`,
		displayName: p.displayName ?? null,
	};
}
