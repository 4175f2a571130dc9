/** The Sentinel ARM resources as served (api-version 2025-09-01), only the parts this package reads. */
export interface RawIncident {
	id: string;
	name: string;
	etag?: string;
	type?: string;
	/** Who created and last changed the incident (an application's client ID, or a user's UPN or e-mail). */
	systemData?: { createdBy?: string; createdByType?: string; lastModifiedBy?: string; lastModifiedByType?: string; lastModifiedAt?: string };
	properties: {
		title: string;
		severity: string;
		status: string;
		description?: string;
		classification?: string;
		classificationReason?: string;
		classificationComment?: string;
		owner?: { objectId?: string; email?: string; userPrincipalName?: string; assignedTo?: string; ownerType?: string };
		labels?: Array<{ labelName: string; labelType?: string }>;
		firstActivityTimeUtc?: string;
		lastActivityTimeUtc?: string;
		createdTimeUtc: string;
		lastModifiedTimeUtc: string;
		incidentNumber: number;
		incidentUrl?: string;
		providerName?: string;
		providerIncidentId?: string;
		relatedAnalyticRuleIds?: string[];
		additionalData?: {
			alertsCount?: number;
			bookmarksCount?: number;
			commentsCount?: number;
			alertProductNames?: string[];
			tactics?: string[];
			techniques?: string[];
			providerIncidentUrl?: string;
		};
	};
}

export interface RawAlert {
	id: string;
	name: string;
	kind?: string;
	properties: {
		alertDisplayName?: string;
		alertType?: string;
		description?: string;
		severity?: string;
		status?: string;
		startTimeUtc?: string;
		endTimeUtc?: string;
		timeGenerated?: string;
		productName?: string;
		productComponentName?: string;
		vendorName?: string;
		systemAlertId?: string;
		providerAlertId?: string;
		tactics?: string[];
		techniques?: string[];
		confidenceLevel?: string;
		compromisedEntity?: string;
		remediationSteps?: string[];
		alertLink?: string;
		friendlyName?: string;
		additionalData?: Record<string, unknown>;
	};
}

export interface RawEntity {
	id?: string;
	name?: string;
	kind: string;
	properties: Record<string, unknown>;
}

export interface RawEntitiesResponse {
	entities?: RawEntity[];
	metaData?: Array<{ entityKind: string; count: number }>;
}

export interface RawComment {
	id: string;
	name: string;
	etag?: string;
	type?: string;
	properties: {
		message: string;
		createdTimeUtc?: string;
		lastModifiedTimeUtc?: string;
		author?: { objectId?: string; email?: string; userPrincipalName?: string; name?: string };
	};
}
