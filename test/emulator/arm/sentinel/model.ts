// Wire shapes of the Sentinel resources exactly as the emulator serves them (api-version 2025-09-01,
// `Incidents.json`, `common/IncidentTypes.json`, `common/EntityTypes.json`).

export type IncidentSeverity = 'High' | 'Medium' | 'Low' | 'Informational';
export type IncidentStatus = 'New' | 'Active' | 'Closed';
export type IncidentClassification = 'Undetermined' | 'TruePositive' | 'BenignPositive' | 'FalsePositive';
export type IncidentClassificationReason =
	| 'SuspiciousActivity'
	| 'SuspiciousButExpected'
	| 'IncorrectAlertLogic'
	| 'InaccurateData';
export type OwnerType = 'Unknown' | 'User' | 'Group';
export type AttackTactic =
	| 'Reconnaissance'
	| 'ResourceDevelopment'
	| 'InitialAccess'
	| 'Execution'
	| 'Persistence'
	| 'PrivilegeEscalation'
	| 'DefenseEvasion'
	| 'CredentialAccess'
	| 'Discovery'
	| 'LateralMovement'
	| 'Collection'
	| 'Exfiltration'
	| 'CommandAndControl'
	| 'Impact'
	| 'PreAttack'
	| 'ImpairProcessControl'
	| 'InhibitResponseFunction';

export const SEVERITIES: readonly IncidentSeverity[] = ['High', 'Medium', 'Low', 'Informational'];
export const STATUSES: readonly IncidentStatus[] = ['New', 'Active', 'Closed'];
export const CLASSIFICATIONS: readonly IncidentClassification[] = [
	'Undetermined',
	'TruePositive',
	'BenignPositive',
	'FalsePositive',
];
export const CLASSIFICATION_REASONS: readonly IncidentClassificationReason[] = [
	'SuspiciousActivity',
	'SuspiciousButExpected',
	'IncorrectAlertLogic',
	'InaccurateData',
];

export interface SystemData {
	createdBy?: string;
	createdByType?: 'User' | 'Application' | 'ManagedIdentity' | 'Key';
	createdAt?: string;
	lastModifiedBy?: string;
	lastModifiedByType?: 'User' | 'Application' | 'ManagedIdentity' | 'Key';
	lastModifiedAt?: string;
}

/** Unset owner fields are serialised as `null`, as ARM does for an unassigned incident. */
export interface IncidentOwner {
	objectId: string | null;
	email: string | null;
	userPrincipalName: string | null;
	assignedTo: string | null;
	ownerType: OwnerType;
}

export interface IncidentLabel {
	labelName: string;
	labelType: 'User' | 'AutoAssigned';
}

export interface IncidentAdditionalData {
	alertsCount: number;
	bookmarksCount: number;
	commentsCount: number;
	alertProductNames: string[];
	tactics: AttackTactic[];
	providerIncidentUrl?: string;
}

export interface IncidentProperties {
	title: string;
	severity: IncidentSeverity;
	status: IncidentStatus;
	description?: string;
	classification?: IncidentClassification;
	classificationReason?: IncidentClassificationReason;
	classificationComment?: string;
	owner: IncidentOwner;
	labels: IncidentLabel[];
	firstActivityTimeUtc?: string;
	lastActivityTimeUtc?: string;
	createdTimeUtc: string;
	lastModifiedTimeUtc: string;
	incidentNumber: number;
	incidentUrl: string;
	providerName: string;
	providerIncidentId: string;
	relatedAnalyticRuleIds: string[];
	additionalData: IncidentAdditionalData;
}

/** The ARM resource JSON of an incident, exactly as served. */
export interface Incident {
	id: string;
	name: string;
	type: 'Microsoft.SecurityInsights/incidents';
	etag: string;
	systemData: SystemData;
	properties: IncidentProperties;
}

export interface SecurityAlertProperties {
	alertDisplayName: string;
	alertType: string;
	compromisedEntity?: string;
	confidenceLevel: 'Unknown' | 'Low' | 'High';
	description: string;
	endTimeUtc: string;
	startTimeUtc: string;
	timeGenerated: string;
	processingEndTime: string;
	productName: string;
	productComponentName?: string;
	vendorName: string;
	severity: IncidentSeverity;
	status: 'Unknown' | 'New' | 'Resolved' | 'Dismissed' | 'InProgress';
	systemAlertId: string;
	providerAlertId: string;
	tactics: AttackTactic[];
	remediationSteps: string[];
	alertLink?: string;
	resourceIdentifiers: Array<Record<string, string>>;
	additionalData: Record<string, string>;
	friendlyName: string;
}

/** A `SecurityAlert` entity as returned by POST …/incidents/{id}/alerts. */
export interface Alert {
	id: string;
	name: string;
	type: 'Microsoft.SecurityInsights/Entities';
	kind: 'SecurityAlert';
	properties: SecurityAlertProperties;
}

export type EntityKind = 'Account' | 'Host' | 'Ip' | 'Url' | 'File' | 'FileHash' | 'Process' | 'Mailbox';

/** An entity as returned by POST …/incidents/{id}/entities. */
export interface Entity {
	id: string;
	name: string;
	type: 'Microsoft.SecurityInsights/Entities';
	kind: EntityKind;
	properties: Record<string, unknown> & { friendlyName: string };
}

export interface CommentAuthor {
	objectId: string;
	email?: string;
	userPrincipalName?: string;
	name: string;
}

export interface IncidentComment {
	id: string;
	name: string;
	type: 'Microsoft.SecurityInsights/incidents/comments';
	etag: string;
	properties: {
		message: string;
		createdTimeUtc: string;
		lastModifiedTimeUtc: string;
		author: CommentAuthor;
	};
}

// ---- seeds: what tests and the generator hand to the store ----

export interface IncidentSeed {
	/** Incident id (the resource name); a GUID is generated when absent. */
	name: string;
	title: string;
	severity: IncidentSeverity;
	status: IncidentStatus;
	description: string;
	classification: IncidentClassification;
	classificationReason: IncidentClassificationReason;
	classificationComment: string;
	/** Assign by objectId (filled from the users table) or `null` to unassign. */
	ownerObjectId: string | null;
	labels: Array<string | { labelName: string; labelType?: 'User' | 'AutoAssigned' }>;
	firstActivityTimeUtc: string;
	lastActivityTimeUtc: string;
	createdTimeUtc: string;
	lastModifiedTimeUtc: string;
	providerName: string;
	providerIncidentUrl: string;
	relatedAnalyticRuleIds: string[];
	/** Alerts created with the incident; each `{}` is a generated alert. Absent → one generated alert; `[]` → none. */
	alerts: Array<Partial<AlertSeed>>;
}

export interface AlertSeed {
	/** GUID of the alert (`name` and `systemAlertId`). */
	systemAlertId: string;
	displayName: string;
	alertType: string;
	description: string;
	severity: IncidentSeverity;
	status: SecurityAlertProperties['status'];
	productName: string;
	productComponentName: string;
	tactics: AttackTactic[];
	compromisedEntity: string;
	startTimeUtc: string;
	endTimeUtc: string;
	timeGenerated: string;
	remediationSteps: string[];
	additionalData: Record<string, string>;
	/** Key of a scheduled analytics rule in the generator catalog: fills `additionalData.Query` etc. */
	scheduledRule: string;
	entities: EntitySeed[];
}

export interface EntitySeed {
	kind: EntityKind;
	properties: Record<string, unknown>;
}

export interface SentinelUser {
	objectId: string;
	email: string;
	userPrincipalName: string;
	name: string;
}
