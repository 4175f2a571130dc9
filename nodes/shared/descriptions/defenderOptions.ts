import type { INodePropertyOptions } from 'n8n-workflow';

/**
 * Enum members of Graph's security namespace (`../shared/specs/graph/security-v1.0.csdl.xml`), camelCase as Graph
 * sends them, for the Microsoft Defender XDR node and trigger alike. `unknownFutureValue` is Graph's evolvable-enum
 * sentinel and never a choice; members after it (the incident status `awaitingAction`, the service sources Defender
 * for Cloud and Sentinel, …) Graph sends only to clients asking with `Prefer: include-unknown-enum-members`, which the
 * shared Graph transport does.
 */
export const incidentStatusOptions: INodePropertyOptions[] = [
	{ name: 'Active', value: 'active' },
	{ name: 'Awaiting Action', value: 'awaitingAction', description: 'Waiting for someone to act (read only)' },
	{ name: 'In Progress', value: 'inProgress' },
	{ name: 'Redirected', value: 'redirected', description: 'Merged into another incident (read only)' },
	{ name: 'Resolved', value: 'resolved' },
];

/** What an update may set: `redirected` and `awaitingAction` are Defender's own doing. */
export const incidentStatusUpdateOptions = incidentStatusOptions.filter((option) => option.value !== 'redirected' && option.value !== 'awaitingAction');

export const alertStatusOptions: INodePropertyOptions[] = [
	{ name: 'New', value: 'new' },
	{ name: 'In Progress', value: 'inProgress' },
	{ name: 'Resolved', value: 'resolved' },
];

export const severityOptions: INodePropertyOptions[] = [
	{ name: 'High', value: 'high' },
	{ name: 'Medium', value: 'medium' },
	{ name: 'Low', value: 'low' },
	{ name: 'Informational', value: 'informational' },
	{ name: 'Unknown', value: 'unknown' },
];

export const classificationOptions: INodePropertyOptions[] = [
	{ name: 'False Positive', value: 'falsePositive' },
	{ name: 'Informational, Expected Activity', value: 'informationalExpectedActivity' },
	{ name: 'True Positive', value: 'truePositive' },
	{ name: 'Unknown', value: 'unknown' },
];

export const determinationOptions: INodePropertyOptions[] = [
	{ name: 'APT', value: 'apt', description: 'True positive: advanced persistent threat' },
	{ name: 'Compromised Account', value: 'compromisedAccount', description: 'True positive' },
	{ name: 'Confirmed Activity', value: 'confirmedActivity', description: 'Informational, expected activity' },
	{ name: 'Line of Business Application', value: 'lineOfBusinessApplication', description: 'Informational, expected activity' },
	{ name: 'Malicious User Activity', value: 'maliciousUserActivity', description: 'True positive' },
	{ name: 'Malware', value: 'malware', description: 'True positive' },
	{ name: 'Multi-Staged Attack', value: 'multiStagedAttack', description: 'True positive' },
	{ name: 'Not Enough Data to Validate', value: 'notEnoughDataToValidate', description: 'False positive' },
	{ name: 'Not Malicious', value: 'notMalicious', description: 'False positive' },
	{ name: 'Other', value: 'other' },
	{ name: 'Phishing', value: 'phishing', description: 'True positive' },
	{ name: 'Security Personnel', value: 'securityPersonnel', description: 'Informational, expected activity' },
	{ name: 'Security Testing', value: 'securityTesting', description: 'Informational, expected activity' },
	{ name: 'Unknown', value: 'unknown' },
	{ name: 'Unwanted Software', value: 'unwantedSoftware', description: 'True positive' },
];

export const serviceSourceOptions: INodePropertyOptions[] = [
	{ name: 'Data Loss Prevention', value: 'dataLossPrevention' },
	{ name: 'Microsoft App Governance', value: 'microsoftAppGovernance' },
	{ name: 'Microsoft Defender for Cloud', value: 'microsoftDefenderForCloud' },
	{ name: 'Microsoft Defender for Cloud Apps', value: 'microsoftDefenderForCloudApps' },
	{ name: 'Microsoft Defender for Endpoint', value: 'microsoftDefenderForEndpoint' },
	{ name: 'Microsoft Defender for Identity', value: 'microsoftDefenderForIdentity' },
	{ name: 'Microsoft Defender for Office 365', value: 'microsoftDefenderForOffice365' },
	{ name: 'Microsoft Defender XDR', value: 'microsoft365Defender' },
	{ name: 'Microsoft Entra ID Protection', value: 'azureAdIdentityProtection' },
	{ name: 'Microsoft Insider Risk Management', value: 'microsoftInsiderRiskManagement' },
	{ name: 'Microsoft Security for AI', value: 'microsoftSecurityForAI' },
	{ name: 'Microsoft Sentinel', value: 'microsoftSentinel' },
	{ name: 'Microsoft Threat Intelligence', value: 'microsoftThreatIntelligence' },
];
