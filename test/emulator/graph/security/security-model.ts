// Wire shapes of Microsoft Graph's security API v1.0 as the emulator serves them: `microsoft.graph.security.incident`,
// `alert` (alerts_v2), `alertComment` and the evidence types, with the enum members of
// `../shared/specs/graph/security-v1.0.csdl.xml` (test/unit/emulator/graphSecurityContract.test.ts checks both against it).
//
// Enum lists keep the CSDL's member order: members after `unknownFutureValue` are "evolvable" members, which Graph
// returns only to callers that send `Prefer: include-unknown-enum-members` (others read `unknownFutureValue`).

export const INCIDENT_STATUSES = ['active', 'resolved', 'inProgress', 'redirected', 'unknownFutureValue', 'awaitingAction'] as const;
export const ALERT_STATUSES = ['unknown', 'new', 'inProgress', 'resolved', 'unknownFutureValue'] as const;
export const ALERT_SEVERITIES = ['unknown', 'informational', 'low', 'medium', 'high', 'unknownFutureValue'] as const;
export const ALERT_CLASSIFICATIONS = ['unknown', 'falsePositive', 'truePositive', 'informationalExpectedActivity', 'unknownFutureValue'] as const;
export const ALERT_DETERMINATIONS = [
	'unknown',
	'apt',
	'malware',
	'securityPersonnel',
	'securityTesting',
	'unwantedSoftware',
	'other',
	'multiStagedAttack',
	'compromisedAccount',
	'phishing',
	'maliciousUserActivity',
	'notMalicious',
	'notEnoughDataToValidate',
	'confirmedActivity',
	'lineOfBusinessApplication',
	'unknownFutureValue',
] as const;
export const SERVICE_SOURCES = [
	'unknown',
	'microsoftDefenderForEndpoint',
	'microsoftDefenderForIdentity',
	'microsoftDefenderForCloudApps',
	'microsoftDefenderForOffice365',
	'microsoft365Defender',
	'azureAdIdentityProtection',
	'microsoftAppGovernance',
	'dataLossPrevention',
	'unknownFutureValue',
	'microsoftDefenderForCloud',
	'microsoftSentinel',
	'microsoftInsiderRiskManagement',
	'microsoftThreatIntelligence',
	'microsoftSecurityForAI',
] as const;
export const DETECTION_SOURCES = [
	'unknown',
	'microsoftDefenderForEndpoint',
	'antivirus',
	'smartScreen',
	'customTi',
	'microsoftDefenderForOffice365',
	'automatedInvestigation',
	'microsoftThreatExperts',
	'customDetection',
	'microsoftDefenderForIdentity',
	'cloudAppSecurity',
	'microsoft365Defender',
	'azureAdIdentityProtection',
	'manual',
	'microsoftDataLossPrevention',
	'appGovernancePolicy',
	'appGovernanceDetection',
	'unknownFutureValue',
	'microsoftDefenderForCloud',
	'microsoftDefenderForIoT',
	'microsoftDefenderForServers',
	'microsoftDefenderForStorage',
	'microsoftDefenderForDNS',
	'microsoftDefenderForDatabases',
	'microsoftDefenderForContainers',
	'microsoftDefenderForNetwork',
	'microsoftDefenderForAppService',
	'microsoftDefenderForKeyVault',
	'microsoftDefenderForResourceManager',
	'microsoftDefenderForApiManagement',
	'nrtAlerts',
	'scheduledAlerts',
	'microsoftDefenderThreatIntelligenceAnalytics',
	'builtInMl',
	'microsoftInsiderRiskManagement',
	'microsoftThreatIntelligence',
	'microsoftDefenderForAIServices',
	'securityCopilot',
	'microsoftSentinel',
] as const;

export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
export type AlertStatus = (typeof ALERT_STATUSES)[number];
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export type AlertClassification = (typeof ALERT_CLASSIFICATIONS)[number];
export type AlertDetermination = (typeof ALERT_DETERMINATIONS)[number];
export type ServiceSource = (typeof SERVICE_SOURCES)[number];
export type DetectionSource = (typeof DETECTION_SOURCES)[number];

/** Members a reader sees only with `Prefer: include-unknown-enum-members` (those after `unknownFutureValue`). */
export function isEvolvableMember(members: readonly string[], value: string): boolean {
	const marker = members.indexOf('unknownFutureValue');
	return marker >= 0 && members.indexOf(value) > marker;
}

export interface AlertComment {
	comment: string;
	createdByDisplayName: string;
	createdDateTime: string;
}

/** One `microsoft.graph.security.alertEvidence` subtype, with its `@odata.type` (`#microsoft.graph.security.userEvidence` …). */
export type Evidence = Record<string, unknown> & {
	'@odata.type': string;
	createdDateTime: string;
	verdict: string;
	remediationStatus: string;
	roles: string[];
};

export interface DefenderAlert {
	'@odata.type': '#microsoft.graph.security.alert';
	id: string;
	providerAlertId: string;
	incidentId: string;
	status: AlertStatus;
	severity: AlertSeverity;
	classification: AlertClassification | null;
	determination: AlertDetermination | null;
	serviceSource: ServiceSource;
	detectionSource: DetectionSource;
	productName: string;
	detectorId: string;
	tenantId: string;
	title: string;
	description: string;
	recommendedActions: string;
	category: string;
	assignedTo: string | null;
	alertWebUrl: string;
	incidentWebUrl: string;
	actorDisplayName: string | null;
	threatDisplayName: string | null;
	threatFamilyName: string | null;
	mitreTechniques: string[];
	createdDateTime: string;
	lastUpdateDateTime: string;
	resolvedDateTime: string | null;
	firstActivityDateTime: string;
	lastActivityDateTime: string;
	comments: AlertComment[];
	evidence: Evidence[];
	systemTags: string[];
}

export interface DefenderIncident {
	'@odata.type': '#microsoft.graph.security.incident';
	id: string;
	tenantId: string;
	displayName: string;
	description: string | null;
	incidentWebUrl: string;
	redirectIncidentId: string | null;
	createdDateTime: string;
	lastUpdateDateTime: string;
	assignedTo: string | null;
	classification: AlertClassification;
	determination: AlertDetermination;
	status: IncidentStatus;
	severity: AlertSeverity;
	customTags: string[];
	systemTags: string[];
	comments: AlertComment[];
	lastModifiedBy: string | null;
	resolvingComment: string | null;
	summary: string | null;
}

/** What `emu.defender.createIncident` accepts; every field left out comes from the incident generator. */
export interface DefenderIncidentSeed {
	id: string;
	displayName: string;
	description: string;
	severity: AlertSeverity;
	status: IncidentStatus;
	assignedTo: string | null;
	classification: AlertClassification;
	determination: AlertDetermination;
	customTags: string[];
	systemTags: string[];
	createdDateTime: string;
	lastUpdateDateTime: string;
	/** Alerts of the incident; each `{}` is a generated alert; absent → the generator's alerts. */
	alerts: Array<Partial<DefenderAlertSeed>>;
}

export interface DefenderAlertSeed {
	title: string;
	description: string;
	severity: AlertSeverity;
	status: AlertStatus;
	serviceSource: ServiceSource;
	detectionSource: DetectionSource;
	mitreTechniques: string[];
	evidence: Evidence[];
	assignedTo: string | null;
	createdDateTime: string;
	lastUpdateDateTime: string;
}

/** The fields PATCH accepts (Graph v1.0 "Update incident" / "Update alert"). */
export type IncidentPatch = Partial<Pick<DefenderIncident, 'assignedTo' | 'classification' | 'determination' | 'status' | 'customTags' | 'description' | 'displayName' | 'resolvingComment' | 'severity' | 'summary'>>;
export type AlertPatch = Partial<Pick<DefenderAlert, 'assignedTo' | 'classification' | 'determination' | 'status'>>;
