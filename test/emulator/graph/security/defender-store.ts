import type { Actor, IncidentRecord as SentinelRecord } from '../../arm/sentinel/incident-store';
import type { AlertSeed, IncidentClassification, IncidentSeed, IncidentSeverity } from '../../arm/sentinel/model';
import type { SentinelService } from '../../arm/sentinel/sentinel-service';
import { dotnetIso } from '../../core/ids';
import { ALERT_SCENARIOS } from '../../generator/alert-scenarios';
import { IncidentGenerator } from '../../generator/incident-generator';
import { SeededRandom } from '../../generator/random';
import {
	defenderAlertId,
	defenderAlertStatus,
	defenderClassification,
	defenderDetermination,
	defenderIncidentStatus,
	defenderSeverity,
	evidenceOf,
	productNameOf,
	sourcesOf,
	techniquesOf,
	type SourceAlert,
} from './from-sentinel';
import type { AlertComment, AlertPatch, DefenderAlert, DefenderAlertSeed, DefenderIncident, DefenderIncidentSeed, IncidentPatch } from './security-model';

/** Who changed something: an analyst in the portal (UPN) or an app (its display name). */
export type DefenderActor = string;

/** `emu.defender`: Defender XDR's incidents and alerts behind the Graph security API, for tests and `npm start`. */
export interface DefenderApi {
	/** A Defender-native incident; fields left out come from the incident generator (one alert unless `alerts` says otherwise). */
	createIncident(seed?: Partial<DefenderIncidentSeed>): DefenderIncident;
	/** Every incident, oldest first (copies). */
	incidents(): DefenderIncident[];
	incident(id: string): DefenderIncident | undefined;
	/** Every alert, or those of one incident (copies). */
	alerts(incidentId?: string): DefenderAlert[];
	alert(id: string): DefenderAlert | undefined;
	/** "An analyst edited the incident in the portal": merges the fields and bumps lastUpdateDateTime. */
	updateIncident(id: string, patch: IncidentPatch, by?: DefenderActor): DefenderIncident;
	updateAlert(id: string, patch: AlertPatch, by?: DefenderActor): DefenderAlert;
	/** A new alert correlated into an existing incident (generated unless the seed says otherwise); the incident's lastUpdateDateTime moves. */
	addAlert(incidentId: string, seed?: Partial<DefenderAlertSeed>): DefenderAlert;
	/** A comment on an incident (`target: 'incident'`) or an alert; returns the whole comment list. */
	addComment(target: 'incident' | 'alert', id: string, comment: string, by?: DefenderActor): AlertComment[];
	/**
	 * The Defender twin of a Sentinel incident (default workspace), as for a workspace onboarded to the Defender
	 * portal: same title, severity, status, owner, alerts (titles, techniques from tactics) and entities (as
	 * evidence). The Sentinel incident then carries `providerName: "Microsoft XDR"`, `providerIncidentId` = the
	 * Defender incident's id and `additionalData.providerIncidentUrl` = its incidentWebUrl.
	 */
	seedTwinOf(sentinelIncidentName: string): DefenderIncident;
	/** Generated incidents (created within the last `withinMinutes`, default 1440), oldest first. */
	seed(count: number, withinMinutes?: number): DefenderIncident[];
	/** Grants `roles` (Graph security application permissions) to a principal's object id, replacing its security roles. New tokens carry them. */
	setRoles(principalObjectId: string, roles: string[]): void;
}

interface IncidentRecord {
	incident: DefenderIncident;
	alertIds: string[];
}

/** First Defender incident id: well apart from Sentinel incident numbers, so tests never confuse the two. */
const FIRST_INCIDENT_ID = 2000;
const DEFAULT_ANALYST = 'soc-tier1@contoso.com';
const XDR_SCENARIOS = ALERT_SCENARIOS.filter((scenario) => scenario.providerFamily === 'xdr');

export class DefenderStore {
	private readonly records = new Map<string, IncidentRecord>();
	private readonly alertsById = new Map<string, DefenderAlert>();
	private nextId = FIRST_INCIDENT_ID;
	private readonly rng: SeededRandom;
	private readonly generator: IncidentGenerator;
	/** Defender incident id → name of its Sentinel twin (default workspace). */
	private readonly twins = new Map<string, string>();
	/** Set while a change is being mirrored to the other side, so the mirror does not echo back. */
	private syncing = false;

	constructor(
		readonly tenantId: string,
		private readonly sentinel: SentinelService,
		generatorSeed: number,
	) {
		this.rng = new SeededRandom(generatorSeed + 31337);
		this.generator = new IncidentGenerator(generatorSeed + 4099, sentinel.store().workspace);
		sentinel.store().changeListeners.push((record, change) => {
			if (change.kind === 'updated') this.fromSentinel(record, change.actor);
		});
	}

	all(): IncidentRecord[] {
		return [...this.records.values()];
	}

	find(id: string): IncidentRecord | undefined {
		return this.records.get(id);
	}

	findAlert(id: string): DefenderAlert | undefined {
		return this.alertsById.get(id);
	}

	alertsOf(record: IncidentRecord): DefenderAlert[] {
		return record.alertIds.map((id) => this.alertsById.get(id)).filter((alert): alert is DefenderAlert => !!alert);
	}

	allAlerts(): DefenderAlert[] {
		return [...this.alertsById.values()];
	}

	incidentWebUrl(id: string): string {
		return `https://security.microsoft.com/incidents/${id}?tid=${this.tenantId}`;
	}

	createIncident(seed: Partial<DefenderIncidentSeed> = {}, now = new Date()): IncidentRecord {
		const id = seed.id ?? String(this.nextId++);
		if (this.records.has(id)) throw new Error(`Defender incident '${id}' already exists`);
		const created = seed.createdDateTime ? new Date(seed.createdDateTime) : now;
		const status = seed.status ?? 'active';
		const sentinelStatus = status === 'resolved' ? 'Closed' : status === 'inProgress' ? 'Active' : 'New';
		const alertSeeds = seed.alerts ?? [{}];
		const alerts = alertSeeds.map((partial) => this.generatedAlert(partial, created, sentinelStatus));
		const severities = ['high', 'medium', 'low', 'informational'] as const;
		const severity = seed.severity ?? severities.find((level) => alerts.some((alert) => alert.severity === level)) ?? 'medium';
		const record = this.store(
			{
				id,
				displayName: seed.displayName ?? alerts[0]?.title ?? `Emulated Defender incident ${id}`,
				description: seed.description ?? alerts[0]?.description ?? null,
				severity,
				status,
				assignedTo: seed.assignedTo ?? null,
				classification: seed.classification ?? 'unknown',
				determination: seed.determination ?? 'unknown',
				customTags: seed.customTags ?? [],
				systemTags: seed.systemTags ?? [],
				createdDateTime: dotnetIso(created),
				lastUpdateDateTime: dotnetIso(seed.lastUpdateDateTime ? new Date(seed.lastUpdateDateTime) : created),
				comments: [],
			},
			alerts,
		);
		return record;
	}

	seedTwinOf(sentinelIncidentName: string): IncidentRecord {
		const live = this.sentinel.store().find(sentinelIncidentName);
		if (!live) throw new Error(`No Sentinel incident '${sentinelIncidentName}' in the default workspace`);
		const props = live.incident.properties;
		const existing = props.providerName === 'Microsoft XDR' ? this.records.get(props.providerIncidentId) : undefined;
		if (existing) return existing;
		const id = String(this.nextId++);
		const entities = live.entities.map((entity) => ({ kind: entity.kind, properties: entity.properties }));
		const alerts = live.alerts.map((alert) =>
			this.alertFrom({
				systemAlertId: alert.properties.systemAlertId,
				displayName: alert.properties.alertDisplayName,
				description: alert.properties.description,
				severity: alert.properties.severity,
				status: alert.properties.status,
				productName: alert.properties.productName,
				tactics: alert.properties.tactics,
				startTimeUtc: alert.properties.startTimeUtc,
				endTimeUtc: alert.properties.endTimeUtc,
				timeGenerated: alert.properties.timeGenerated,
				remediationSteps: alert.properties.remediationSteps,
				entities,
			}),
		);
		const record = this.store(
			{
				id,
				displayName: props.title,
				description: props.description ?? null,
				severity: defenderSeverity(props.severity),
				status: defenderIncidentStatus(props.status),
				assignedTo: props.owner.userPrincipalName ?? props.owner.email ?? null,
				classification: defenderClassification(props.classification),
				determination: defenderDetermination(props.classification, props.classificationReason),
				customTags: props.labels.filter((label) => label.labelType === 'User').map((label) => label.labelName),
				systemTags: props.labels.filter((label) => label.labelType === 'AutoAssigned').map((label) => label.labelName),
				createdDateTime: props.createdTimeUtc,
				lastUpdateDateTime: props.lastModifiedTimeUtc,
				comments: live.comments.map((comment) => ({
					comment: comment.properties.message,
					createdByDisplayName: comment.properties.author.userPrincipalName ?? comment.properties.author.email ?? comment.properties.author.name,
					createdDateTime: comment.properties.createdTimeUtc,
				})),
				...(props.classificationComment ? { resolvingComment: props.classificationComment } : {}),
			},
			alerts,
		);
		// How a Defender-portal-onboarded workspace's Sentinel incident names its Defender incident
		// (securityinsights IncidentTypes.json: providerName, providerIncidentId, additionalData.providerIncidentUrl).
		props.providerName = 'Microsoft XDR';
		props.providerIncidentId = id;
		props.additionalData.providerIncidentUrl = record.incident.incidentWebUrl;
		this.twins.set(id, live.incident.name);
		return record;
	}

	seed(count: number, withinMinutes = 24 * 60, now = new Date()): IncidentRecord[] {
		const times = Array.from({ length: count }, () => now.getTime() - Math.floor(this.rng.next() * withinMinutes * 60_000)).sort((a, b) => a - b);
		return times.map((at) => {
			const alertCount = this.rng.int(1, 3);
			const status = this.rng.weighted([['active', 50], ['inProgress', 30], ['resolved', 20]] as const);
			return this.createIncident({ createdDateTime: new Date(at).toISOString(), status, alerts: Array.from({ length: alertCount }, () => ({})) }, now);
		});
	}

	/** Merges an incident change; resolving an incident resolves its alerts (as Defender does). */
	patchIncident(record: IncidentRecord, patch: IncidentPatch, by: DefenderActor, now = new Date()): void {
		const incident = record.incident;
		for (const [key, value] of Object.entries(patch)) {
			if (value !== undefined) (incident as unknown as Record<string, unknown>)[key] = Array.isArray(value) ? [...value] : value;
		}
		incident.lastModifiedBy = by;
		incident.lastUpdateDateTime = this.later(incident.lastUpdateDateTime, now);
		if (patch.status === 'resolved') {
			for (const alert of this.alertsOf(record)) {
				if (alert.status === 'resolved') continue;
				alert.status = 'resolved';
				alert.resolvedDateTime = incident.lastUpdateDateTime;
				alert.lastUpdateDateTime = incident.lastUpdateDateTime;
			}
		}
		this.toSentinel(record, by);
	}

	/**
	 * A twin's Sentinel incident follows its Defender incident (the two portals sync an onboarded workspace's
	 * incidents both ways): title, severity, status, owner (by UPN, when Sentinel knows the user), classification.
	 */
	private toSentinel(record: IncidentRecord, by: DefenderActor): void {
		const name = this.twins.get(record.incident.id);
		const live = name ? this.sentinel.store().find(name) : undefined;
		if (!live || this.syncing) return;
		const incident = record.incident;
		const props = live.incident.properties;
		const change: Partial<IncidentSeed> = {};
		if (props.title !== incident.displayName) change.title = incident.displayName;
		const severity = sentinelSeverity(incident.severity);
		if (severity && props.severity !== severity) change.severity = severity;
		const status = incident.status === 'resolved' ? 'Closed' : incident.status === 'inProgress' ? 'Active' : incident.status === 'active' ? 'New' : undefined;
		if (status && props.status !== status) change.status = status;
		const owner = incident.assignedTo ? this.sentinel.store().findUserByName(incident.assignedTo, incident.assignedTo) : undefined;
		if (owner && props.owner.objectId !== owner.objectId) change.ownerObjectId = owner.objectId;
		if (!incident.assignedTo && props.owner.objectId) change.ownerObjectId = null;
		const classification = SENTINEL_CLASSIFICATION[incident.classification];
		if (status === 'Closed' || props.status === 'Closed') {
			if (classification && props.classification !== classification) change.classification = classification;
			if (incident.resolvingComment && props.classificationComment !== incident.resolvingComment) change.classificationComment = incident.resolvingComment;
		}
		if (!Object.keys(change).length) return;
		this.syncing = true;
		try {
			this.sentinel.store().applyChange(live, change, actorOf(by));
		} finally {
			this.syncing = false;
		}
	}

	/** A twin's Defender incident follows changes made on the Sentinel side (an analyst, a playbook, the Sentinel node). */
	private fromSentinel(live: SentinelRecord, actor: Actor): void {
		if (this.syncing) return;
		const id = [...this.twins].find(([, name]) => name === live.incident.name)?.[0];
		const record = id ? this.records.get(id) : undefined;
		if (!record) return;
		const props = live.incident.properties;
		const incident = record.incident;
		const patch: IncidentPatch = {};
		if (incident.displayName !== props.title) patch.displayName = props.title;
		if (incident.severity !== defenderSeverity(props.severity)) patch.severity = defenderSeverity(props.severity);
		if (incident.status !== defenderIncidentStatus(props.status)) patch.status = defenderIncidentStatus(props.status);
		const assignedTo = props.owner.userPrincipalName ?? props.owner.email ?? null;
		if (incident.assignedTo !== assignedTo) patch.assignedTo = assignedTo;
		if (props.status === 'Closed') {
			const classification = defenderClassification(props.classification);
			if (incident.classification !== classification) {
				patch.classification = classification;
				patch.determination = defenderDetermination(props.classification, props.classificationReason);
			}
		}
		if (!Object.keys(patch).length) return;
		this.syncing = true;
		try {
			this.patchIncident(record, patch, actor.name);
		} finally {
			this.syncing = false;
		}
	}

	/** Merges an alert change; when every alert of its incident is resolved, the incident is resolved too. */
	patchAlert(alert: DefenderAlert, patch: AlertPatch, by: DefenderActor, now = new Date()): void {
		for (const [key, value] of Object.entries(patch)) {
			if (value !== undefined) (alert as unknown as Record<string, unknown>)[key] = value;
		}
		alert.lastUpdateDateTime = this.later(alert.lastUpdateDateTime, now);
		if (patch.status !== undefined) alert.resolvedDateTime = patch.status === 'resolved' ? alert.lastUpdateDateTime : null;
		const record = this.records.get(alert.incidentId);
		if (!record) return;
		if (patch.status === 'resolved' && record.incident.status !== 'resolved' && this.alertsOf(record).every((each) => each.status === 'resolved')) {
			record.incident.status = 'resolved';
			record.incident.lastModifiedBy = by;
			record.incident.lastUpdateDateTime = this.later(record.incident.lastUpdateDateTime, now);
			this.toSentinel(record, by);
		}
	}

	addComment(comments: AlertComment[], text: string, by: DefenderActor, now = new Date()): AlertComment[] {
		comments.push({ comment: text, createdByDisplayName: by, createdDateTime: dotnetIso(now) });
		return comments;
	}

	/** A comment on an incident counts as an update of it (lastUpdateDateTime moves, as in Defender). */
	touch(record: IncidentRecord, now = new Date()): void {
		record.incident.lastUpdateDateTime = this.later(record.incident.lastUpdateDateTime, now);
	}

	touchAlert(alert: DefenderAlert, now = new Date()): void {
		alert.lastUpdateDateTime = this.later(alert.lastUpdateDateTime, now);
	}

	api(grantRoles: (objectId: string, roles: string[]) => void): DefenderApi {
		const required = (id: string) => {
			const record = this.records.get(id);
			if (!record) throw new Error(`No Defender incident '${id}'`);
			return record;
		};
		const requiredAlert = (id: string) => {
			const alert = this.alertsById.get(id);
			if (!alert) throw new Error(`No Defender alert '${id}'`);
			return alert;
		};
		return {
			createIncident: (seed) => copy(this.createIncident(seed).incident),
			incidents: () => this.all().map((record) => copy(record.incident)),
			incident: (id) => {
				const record = this.records.get(id);
				return record ? copy(record.incident) : undefined;
			},
			alerts: (incidentId) => (incidentId ? this.alertsOf(required(incidentId)) : this.allAlerts()).map(copy),
			alert: (id) => {
				const alert = this.alertsById.get(id);
				return alert ? copy(alert) : undefined;
			},
			updateIncident: (id, patch, by = DEFAULT_ANALYST) => {
				const record = required(id);
				this.patchIncident(record, patch, by);
				return copy(record.incident);
			},
			updateAlert: (id, patch, by = DEFAULT_ANALYST) => {
				const alert = requiredAlert(id);
				this.patchAlert(alert, patch, by);
				return copy(alert);
			},
			addAlert: (incidentId, seed = {}) => {
				const record = required(incidentId);
				const now = new Date();
				const alert = this.generatedAlert({ createdDateTime: now.toISOString(), ...seed }, now, record.incident.status === 'resolved' ? 'Closed' : record.incident.status === 'inProgress' ? 'Active' : 'New');
				alert.incidentId = record.incident.id;
				alert.incidentWebUrl = record.incident.incidentWebUrl;
				this.alertsById.set(alert.id, alert);
				record.alertIds.push(alert.id);
				this.touch(record, now);
				return copy(alert);
			},
			addComment: (target, id, comment, by = DEFAULT_ANALYST) => {
				if (target === 'alert') {
					const alert = requiredAlert(id);
					this.touchAlert(alert);
					return copy(this.addComment(alert.comments, comment, by));
				}
				const record = required(id);
				this.touch(record);
				return copy(this.addComment(record.incident.comments, comment, by));
			},
			seedTwinOf: (name) => copy(this.seedTwinOf(name).incident),
			seed: (count, withinMinutes) => this.seed(count, withinMinutes).map((record) => copy(record.incident)),
			setRoles: (objectId, roles) => grantRoles(objectId, roles),
		};
	}

	/** Now, but never at or before the previous stamp (two changes within one millisecond still order). */
	private later(previous: string, now: Date): string {
		const floor = Date.parse(previous) + 1;
		return dotnetIso(new Date(Math.max(now.getTime(), floor)));
	}

	private store(fields: Omit<DefenderIncident, '@odata.type' | 'tenantId' | 'incidentWebUrl' | 'redirectIncidentId' | 'lastModifiedBy' | 'resolvingComment' | 'summary'> & Partial<DefenderIncident>, alerts: DefenderAlert[]): IncidentRecord {
		const incident: DefenderIncident = {
			'@odata.type': '#microsoft.graph.security.incident',
			tenantId: this.tenantId,
			incidentWebUrl: this.incidentWebUrl(fields.id),
			redirectIncidentId: null,
			lastModifiedBy: null,
			resolvingComment: null,
			summary: null,
			...fields,
		};
		for (const alert of alerts) {
			alert.incidentId = incident.id;
			alert.incidentWebUrl = incident.incidentWebUrl;
			this.alertsById.set(alert.id, alert);
		}
		const record: IncidentRecord = { incident, alertIds: alerts.map((alert) => alert.id) };
		this.records.set(incident.id, record);
		return record;
	}

	/** A Defender-native alert from the generator (an XDR product scenario unless the seed names a Sentinel source). */
	private generatedAlert(partial: Partial<DefenderAlertSeed>, around: Date, incidentStatus: 'New' | 'Active' | 'Closed'): DefenderAlert {
		const candidates = partial.serviceSource ? XDR_SCENARIOS.filter((scenario) => sourcesOf(scenario.productName).serviceSource === partial.serviceSource) : XDR_SCENARIOS;
		const scenario = candidates.length ? this.rng.pick(candidates) : undefined;
		const steer: Partial<AlertSeed> = scenario ? { productName: scenario.productName, displayName: scenario.displayName } : {};
		const seed = this.generator.completeAlert(steer, around, incidentStatus);
		const alert = this.alertFrom({ ...seed, entities: seed.entities });
		if (partial.serviceSource && alert.serviceSource !== partial.serviceSource) {
			// A service the generator has no scenario for (e.g. Defender for Identity): keep the story, name the service.
			alert.serviceSource = partial.serviceSource;
			alert.productName = productNameOf(partial.serviceSource);
			alert.detectionSource = partial.detectionSource ?? (partial.serviceSource as DefenderAlert['detectionSource']);
		}
		if (partial.title !== undefined) alert.title = partial.title;
		if (partial.description !== undefined) alert.description = partial.description;
		if (partial.severity !== undefined) alert.severity = partial.severity;
		if (partial.status !== undefined) alert.status = partial.status;
		if (partial.detectionSource !== undefined) alert.detectionSource = partial.detectionSource;
		if (partial.mitreTechniques !== undefined) alert.mitreTechniques = [...partial.mitreTechniques];
		if (partial.evidence !== undefined) alert.evidence = partial.evidence;
		if (partial.assignedTo !== undefined) alert.assignedTo = partial.assignedTo;
		if (partial.createdDateTime !== undefined) alert.createdDateTime = dotnetIso(new Date(partial.createdDateTime));
		alert.lastUpdateDateTime = partial.lastUpdateDateTime !== undefined ? dotnetIso(new Date(partial.lastUpdateDateTime)) : alert.createdDateTime;
		if (alert.status === 'resolved') alert.resolvedDateTime = alert.lastUpdateDateTime;
		return alert;
	}

	private alertFrom(source: SourceAlert): DefenderAlert {
		const { serviceSource, detectionSource, prefix } = sourcesOf(source.productName);
		const id = defenderAlertId(prefix, source.systemAlertId);
		const created = dotnetIso(new Date(source.timeGenerated));
		const status = defenderAlertStatus(source.status);
		return {
			'@odata.type': '#microsoft.graph.security.alert',
			id,
			providerAlertId: id,
			incidentId: '',
			status,
			severity: defenderSeverity(source.severity),
			classification: null,
			determination: null,
			serviceSource,
			detectionSource,
			productName: source.productName === 'Azure Sentinel' ? 'Microsoft Sentinel' : source.productName,
			detectorId: source.systemAlertId,
			tenantId: this.tenantId,
			title: source.displayName,
			description: source.description,
			recommendedActions: source.remediationSteps.join('\n'),
			category: source.tactics[0] ?? 'SuspiciousActivity',
			assignedTo: null,
			alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${this.tenantId}`,
			incidentWebUrl: '',
			actorDisplayName: null,
			threatDisplayName: null,
			threatFamilyName: null,
			mitreTechniques: techniquesOf(source.tactics),
			createdDateTime: created,
			lastUpdateDateTime: created,
			resolvedDateTime: status === 'resolved' ? created : null,
			firstActivityDateTime: dotnetIso(new Date(source.startTimeUtc)),
			lastActivityDateTime: dotnetIso(new Date(source.endTimeUtc)),
			comments: [],
			evidence: evidenceOf(source.entities, created),
			systemTags: [],
		};
	}
}

const SENTINEL_CLASSIFICATION: Partial<Record<string, IncidentClassification>> = {
	truePositive: 'TruePositive',
	falsePositive: 'FalsePositive',
	informationalExpectedActivity: 'BenignPositive',
	unknown: 'Undetermined',
};

function sentinelSeverity(severity: string): IncidentSeverity | undefined {
	return ({ high: 'High', medium: 'Medium', low: 'Low', informational: 'Informational' } as Record<string, IncidentSeverity>)[severity];
}

/** An analyst signs as a UPN; an app by its display name. */
function actorOf(by: DefenderActor): Actor {
	return { name: by, type: by.includes('@') ? 'User' : 'Application' };
}

function copy<T>(value: T): T {
	return structuredClone(value);
}
