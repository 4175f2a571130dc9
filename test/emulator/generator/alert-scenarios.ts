import type { AttackTactic, EntityKind, IncidentSeverity } from '../arm/sentinel/model';
import { SCHEDULED_RULES } from './scheduled-rules';

export type ProviderFamily = 'sentinel' | 'xdr';

/** One kind of alert a product raises; the generator instantiates it with concrete entities and times. */
export interface AlertScenario {
	key: string;
	productName: string;
	productComponentName?: string;
	providerFamily: ProviderFamily;
	displayName: string;
	alertType: string;
	description: string;
	severity: IncidentSeverity;
	tactics: AttackTactic[];
	entityKinds: EntityKind[];
	remediationSteps: string[];
	/** Set for Sentinel scheduled analytics rules (key into SCHEDULED_RULES). */
	scheduledRule?: string;
}

export const SENTINEL_PRODUCT = 'Azure Sentinel';
export const MDE_PRODUCT = 'Microsoft Defender for Endpoint';
export const IDENTITY_PROTECTION_PRODUCT = 'Microsoft Entra ID Protection';
export const CLOUD_APPS_PRODUCT = 'Microsoft Defender for Cloud Apps';
export const OFFICE_PRODUCT = 'Office 365';

const scheduled: AlertScenario[] = SCHEDULED_RULES.map((rule) => ({
	key: `scheduled:${rule.key}`,
	productName: SENTINEL_PRODUCT,
	productComponentName: 'Scheduled Alerts',
	providerFamily: 'sentinel',
	displayName: rule.ruleName,
	alertType: rule.ruleId,
	description: rule.description,
	severity: rule.severity,
	tactics: rule.tactics,
	entityKinds: rule.entityKinds,
	remediationSteps: rule.remediationSteps,
	scheduledRule: rule.key,
}));

const products: AlertScenario[] = [
	{
		key: 'mde:process-injection',
		productName: MDE_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Suspicious process injection observed',
		alertType: 'WindowsDefenderAtp',
		description: 'A process injected code into another process, a technique used to evade defences and run malicious code under a trusted process.',
		severity: 'High',
		tactics: ['DefenseEvasion', 'PrivilegeEscalation'],
		entityKinds: ['Host', 'Account', 'Process', 'File', 'FileHash'],
		remediationSteps: ['Isolate the device from the network.', 'Run a full antivirus scan.', 'Collect an investigation package.'],
	},
	{
		key: 'mde:credential-dumping',
		productName: MDE_PRODUCT,
		providerFamily: 'xdr',
		displayName: "Possible credential dumping from LSASS memory",
		alertType: 'WindowsDefenderAtp',
		description: 'A process accessed the memory of the Local Security Authority Subsystem Service (LSASS), possibly to extract credentials.',
		severity: 'High',
		tactics: ['CredentialAccess'],
		entityKinds: ['Host', 'Account', 'Process', 'File', 'FileHash'],
		remediationSteps: ['Reset passwords of accounts that signed in to the device.', 'Isolate the device.'],
	},
	{
		key: 'mde:ransomware',
		productName: MDE_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Ransomware behavior detected in the file system',
		alertType: 'WindowsDefenderAtp',
		description: 'Many files were renamed and encrypted in a short time by a single process.',
		severity: 'High',
		tactics: ['Impact'],
		entityKinds: ['Host', 'Account', 'Process', 'File'],
		remediationSteps: ['Isolate the device immediately.', 'Identify the initial access vector.'],
	},
	{
		key: 'idp:unfamiliar-signin',
		productName: IDENTITY_PROTECTION_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Unfamiliar sign-in properties',
		alertType: 'UnfamiliarLocation',
		description: 'The sign-in had properties (IP address, ASN, location, device) not seen recently for this user.',
		severity: 'Medium',
		tactics: ['InitialAccess'],
		entityKinds: ['Account', 'Ip'],
		remediationSteps: ['Confirm the sign-in with the user.', 'Require a password change if not recognised.'],
	},
	{
		key: 'idp:atypical-travel',
		productName: IDENTITY_PROTECTION_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Atypical travel',
		alertType: 'ImpossibleTravel',
		description: 'Two sign-ins from geographically distant locations within a time shorter than travel between them would take.',
		severity: 'Medium',
		tactics: ['InitialAccess'],
		entityKinds: ['Account', 'Ip'],
		remediationSteps: ['Review both sign-ins.', 'Revoke refresh tokens if one is not legitimate.'],
	},
	{
		key: 'idp:anonymous-ip',
		productName: IDENTITY_PROTECTION_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Anonymous IP address',
		alertType: 'AnonymousLogin',
		description: 'A sign-in came from an anonymous IP address such as a Tor exit node or an anonymising VPN.',
		severity: 'Low',
		tactics: ['InitialAccess'],
		entityKinds: ['Account', 'Ip'],
		remediationSteps: ['Confirm the sign-in with the user.'],
	},
	{
		key: 'mdca:impossible-travel',
		productName: CLOUD_APPS_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Impossible travel activity',
		alertType: 'MCAS_ALERT_ANUBIS_DETECTION_VELOCITY',
		description: 'The same user was active from two countries within a time too short to travel between them.',
		severity: 'Medium',
		tactics: ['InitialAccess'],
		entityKinds: ['Account', 'Ip'],
		remediationSteps: ['Suspend the user if the activity is not expected.'],
	},
	{
		key: 'mdca:mass-download',
		productName: CLOUD_APPS_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Mass download by a single user',
		alertType: 'MCAS_ALERT_ANUBIS_DETECTION_MASS_DOWNLOAD',
		description: 'A user downloaded an unusually large number of files in a single session.',
		severity: 'Medium',
		tactics: ['Exfiltration', 'Collection'],
		entityKinds: ['Account', 'Ip', 'Url'],
		remediationSteps: ['Confirm the activity with the user.'],
	},
	{
		key: 'o365:forwarding-rule',
		productName: OFFICE_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Creation of forwarding/redirect rule',
		alertType: 'ThreatManagement',
		description: 'A user created an inbox rule that forwards or redirects their email to an external address.',
		severity: 'Informational',
		tactics: ['Collection', 'Exfiltration'],
		entityKinds: ['Account', 'Mailbox', 'Ip'],
		remediationSteps: ['Review and remove the inbox rule.'],
	},
	{
		key: 'o365:malicious-url-zap',
		productName: OFFICE_PRODUCT,
		providerFamily: 'xdr',
		displayName: 'Email messages containing malicious URL removed after delivery',
		alertType: 'ThreatManagement',
		description: 'Emails containing a malicious URL were delivered and later removed from mailboxes by zero-hour auto purge.',
		severity: 'Low',
		tactics: ['InitialAccess'],
		entityKinds: ['Mailbox', 'Url', 'Account'],
		remediationSteps: ['Check whether recipients clicked the URL.', 'Block the sender domain.'],
	},
];

export const ALERT_SCENARIOS: readonly AlertScenario[] = [...scheduled, ...products];

/** How often each scenario is drawn: Sentinel scheduled rules dominate, as in a typical workspace. */
export function scenarioWeight(scenario: AlertScenario): number {
	return scenario.scheduledRule ? 3 : 1;
}
