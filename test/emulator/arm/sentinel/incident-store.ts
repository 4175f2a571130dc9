import { dotnetIso, newGuid } from '../../core/ids';
import type { IncidentGenerator } from '../../generator/incident-generator';
import { findScheduledRule } from '../../generator/scheduled-rules';
import type { WorkspaceInfo } from '../topology';
import type {
	Alert,
	AlertSeed,
	AttackTactic,
	CommentAuthor,
	Entity,
	EntitySeed,
	Incident,
	IncidentComment,
	IncidentLabel,
	IncidentOwner,
	IncidentSeed,
	SentinelUser,
	SystemData,
} from './model';
import { buildAlert, buildComment, buildEntity, entityKey } from './resource-builders';

/** Who changed something: an analyst (user) or the calling app (service principal). */
export interface Actor {
	name: string;
	type: 'User' | 'Application';
}

export interface HistoryEntry {
	at: string;
	actor: string;
	via: 'create' | 'put' | 'analyst' | 'alert' | 'comment';
	change: Record<string, unknown>;
}

export interface IncidentRecord {
	incident: Incident;
	alerts: Alert[];
	entities: Entity[];
	entityKeys: Set<string>;
	comments: IncidentComment[];
	history: HistoryEntry[];
}

/** Writable incident fields after PUT validation; `undefined` = not sent (keep current), `null` = clear. */
export interface IncidentWrite {
	title: string;
	severity: Incident['properties']['severity'];
	status: Incident['properties']['status'];
	description?: string | null;
	classification?: Incident['properties']['classification'] | null;
	classificationReason?: Incident['properties']['classificationReason'] | null;
	classificationComment?: string | null;
	ownerObjectId?: string | null;
	labels?: string[];
	firstActivityTimeUtc?: string | null;
	lastActivityTimeUtc?: string | null;
}

let etagCounter = 0x0300bf09;

/** Cosmos-style quoted etag, e.g. `"0300bf09-0000-0d00-0000-65a0f0a00000"`; the quotes are part of the value. */
export function newIncidentEtag(): string {
	etagCounter = (etagCounter + 1) >>> 0;
	return `"${etagCounter.toString(16).padStart(8, '0')}-0000-0d00-0000-${Math.floor(Date.now() / 1000).toString(16).padStart(8, '0')}0000"`;
}

function newCommentEtag(): string {
	return newIncidentEtag().slice(1, -1);
}

/** Incidents of one Sentinel workspace, with their alerts, entities and comments kept consistent. */
export class WorkspaceIncidents {
	private readonly records = new Map<string, IncidentRecord>();
	private nextNumber = 1;
	/** Told of every create and update (what automation rules fire on, see automation/automation-rules.ts). */
	readonly changeListeners: Array<(record: IncidentRecord, change: { kind: 'created' | 'updated'; actor: Actor; via: HistoryEntry['via'] }) => void> = [];

	constructor(
		readonly workspace: WorkspaceInfo,
		private readonly users: SentinelUser[],
		private readonly generator: IncidentGenerator,
		private readonly tenantId: string,
	) {}

	all(): IncidentRecord[] {
		return [...this.records.values()];
	}

	find(name: string): IncidentRecord | undefined {
		return this.records.get(name.toLowerCase());
	}

	create(seed: Partial<IncidentSeed>, actor: Actor, via: HistoryEntry['via'] = 'create'): IncidentRecord {
		const name = seed.name ?? newGuid();
		if (this.find(name)) throw new Error(`Incident '${name}' already exists`);
		const number = this.nextNumber++;
		const now = new Date();
		const created = dotnetIso(seed.createdTimeUtc ? new Date(seed.createdTimeUtc) : now);
		const modified = dotnetIso(seed.lastModifiedTimeUtc ? new Date(seed.lastModifiedTimeUtc) : new Date(created));
		const id = `${this.workspace.armId}/providers/Microsoft.SecurityInsights/incidents/${name}`;
		const providerName = seed.providerName ?? 'Azure Sentinel';
		const incident: Incident = {
			id,
			name,
			type: 'Microsoft.SecurityInsights/incidents',
			etag: newIncidentEtag(),
			systemData: systemData(actor, created, actor, modified),
			properties: {
				title: seed.title ?? `Emulated incident ${number}`,
				severity: seed.severity ?? 'Medium',
				status: seed.status ?? 'New',
				...(seed.description !== undefined ? { description: seed.description } : {}),
				...(seed.classification !== undefined ? { classification: seed.classification } : {}),
				...(seed.classificationReason !== undefined ? { classificationReason: seed.classificationReason } : {}),
				...(seed.classificationComment !== undefined ? { classificationComment: seed.classificationComment } : {}),
				owner: this.owner(seed.ownerObjectId ?? null),
				labels: (seed.labels ?? []).map(toLabel),
				...(seed.firstActivityTimeUtc ? { firstActivityTimeUtc: dotnetIso(new Date(seed.firstActivityTimeUtc)) } : {}),
				...(seed.lastActivityTimeUtc ? { lastActivityTimeUtc: dotnetIso(new Date(seed.lastActivityTimeUtc)) } : {}),
				createdTimeUtc: created,
				lastModifiedTimeUtc: modified,
				incidentNumber: number,
				incidentUrl: `https://portal.azure.com/#asset/Microsoft_Azure_Security_Insights/Incident${id}`,
				providerName,
				providerIncidentId: String(number),
				relatedAnalyticRuleIds: seed.relatedAnalyticRuleIds ?? [],
				additionalData: {
					alertsCount: 0,
					bookmarksCount: 0,
					commentsCount: 0,
					alertProductNames: [],
					tactics: [],
					...(seed.providerIncidentUrl || providerName === 'Microsoft XDR'
						? { providerIncidentUrl: seed.providerIncidentUrl || `https://security.microsoft.com/incidents/${number}?tid=${this.tenantId}` }
						: {}),
				},
			},
		};
		const record: IncidentRecord = { incident, alerts: [], entities: [], entityKeys: new Set(), comments: [], history: [] };
		this.records.set(name.toLowerCase(), record);
		// Real incidents are raised from alerts: without an explicit list, one alert matching the incident is generated.
		for (const alert of seed.alerts ?? [{ severity: incident.properties.severity }]) this.attachAlert(record, alert);
		this.refreshAdditionalData(record);
		record.history.push({ at: now.toISOString(), actor: actor.name, via, change: { ...seed, alerts: undefined } });
		for (const listener of this.changeListeners) listener(record, { kind: 'created', actor, via });
		return record;
	}

	/** Full PUT on an existing incident (etag already checked). */
	replace(record: IncidentRecord, write: IncidentWrite, actor: Actor): void {
		const props = record.incident.properties;
		props.title = write.title;
		props.severity = write.severity;
		props.status = write.status;
		setOptional(props, 'description', write.description);
		setOptional(props, 'classification', write.classification);
		setOptional(props, 'classificationReason', write.classificationReason);
		setOptional(props, 'classificationComment', write.classificationComment);
		if (write.ownerObjectId !== undefined) props.owner = this.owner(write.ownerObjectId);
		if (write.labels !== undefined) {
			const autoAssigned = new Set(props.labels.filter((label) => label.labelType === 'AutoAssigned').map((label) => label.labelName));
			props.labels = write.labels.map((labelName) => ({ labelName, labelType: autoAssigned.has(labelName) ? 'AutoAssigned' : 'User' }));
		}
		if (write.firstActivityTimeUtc !== undefined) setOptional(props, 'firstActivityTimeUtc', write.firstActivityTimeUtc && dotnetIso(new Date(write.firstActivityTimeUtc)));
		if (write.lastActivityTimeUtc !== undefined) setOptional(props, 'lastActivityTimeUtc', write.lastActivityTimeUtc && dotnetIso(new Date(write.lastActivityTimeUtc)));
		this.touch(record, actor, 'put', { ...write });
	}

	/** "As an analyst in the portal": merge fields, bump etag and lastModifiedTimeUtc. */
	applyChange(record: IncidentRecord, change: Partial<IncidentSeed>, actor: Actor): void {
		const props = record.incident.properties;
		if (change.title !== undefined) props.title = change.title;
		if (change.severity !== undefined) props.severity = change.severity;
		if (change.status !== undefined) props.status = change.status;
		if (change.description !== undefined) props.description = change.description;
		if (change.classification !== undefined) props.classification = change.classification;
		if (change.classificationReason !== undefined) props.classificationReason = change.classificationReason;
		if (change.classificationComment !== undefined) props.classificationComment = change.classificationComment;
		if (change.ownerObjectId !== undefined) props.owner = this.owner(change.ownerObjectId);
		if (change.labels !== undefined) props.labels = change.labels.map(toLabel);
		if (change.firstActivityTimeUtc !== undefined) props.firstActivityTimeUtc = dotnetIso(new Date(change.firstActivityTimeUtc));
		if (change.lastActivityTimeUtc !== undefined) props.lastActivityTimeUtc = dotnetIso(new Date(change.lastActivityTimeUtc));
		for (const alert of change.alerts ?? []) this.attachAlert(record, alert);
		this.refreshAdditionalData(record);
		this.touch(record, actor, 'analyst', { ...change, alerts: change.alerts?.length }, change.lastModifiedTimeUtc);
	}

	delete(name: string): boolean {
		return this.records.delete(name.toLowerCase());
	}

	addAlert(record: IncidentRecord, partial: Partial<AlertSeed>, actor: Actor): Alert {
		const alert = this.attachAlert(record, partial);
		this.refreshAdditionalData(record);
		this.touch(record, actor, 'alert', { alert: alert.name });
		return alert;
	}

	addEntity(record: IncidentRecord, seed: EntitySeed): Entity {
		return this.attachEntity(record, seed);
	}

	addComment(record: IncidentRecord, name: string, message: string, author: CommentAuthor, createdTimeUtc?: string): IncidentComment {
		let at = createdTimeUtc ? new Date(createdTimeUtc) : new Date();
		if (!createdTimeUtc) {
			// The service stamps comments with 100 ns precision, so comments written one after another keep their
			// order; with millisecond clocks two quick writes could tie and list in GUID order instead.
			const last = record.comments.reduce((max, comment) => Math.max(max, Date.parse(comment.properties.createdTimeUtc)), 0);
			if (at.getTime() <= last) at = new Date(last + 1);
		}
		const created = dotnetIso(at);
		const comment = buildComment(record.incident.id, name, message, author, created, newCommentEtag());
		record.comments.push(comment);
		this.refreshAdditionalData(record);
		return comment;
	}

	/** History entry for a comment written through the API or by an analyst (comments do not change the incident's etag). */
	recordComment(record: IncidentRecord, actor: Actor, action: 'created' | 'updated' | 'deleted', comment: IncidentComment | string): void {
		const name = typeof comment === 'string' ? comment : comment.name;
		const length = typeof comment === 'string' ? undefined : comment.properties.message.length;
		record.history.push({ at: new Date().toISOString(), actor: actor.name, via: 'comment', change: { comment: name, action, ...(length !== undefined ? { length } : {}) } });
	}

	updateComment(comment: IncidentComment, message: string): void {
		comment.properties.message = message;
		comment.properties.lastModifiedTimeUtc = dotnetIso(new Date());
		comment.etag = newCommentEtag();
	}

	deleteComment(record: IncidentRecord, name: string): boolean {
		const index = record.comments.findIndex((comment) => comment.name.toLowerCase() === name.toLowerCase());
		if (index < 0) return false;
		record.comments.splice(index, 1);
		this.refreshAdditionalData(record);
		return true;
	}

	findUser(objectId: string): SentinelUser | undefined {
		return this.users.find((user) => user.objectId.toLowerCase() === objectId.toLowerCase());
	}

	/** A user by e-mail or user principal name (either may match either field, case-insensitively). */
	findUserByName(email?: string, userPrincipalName?: string): SentinelUser | undefined {
		const wanted = [email, userPrincipalName].filter((v): v is string => !!v).map((v) => v.toLowerCase());
		const exact = (field: 'email' | 'userPrincipalName', value?: string) =>
			value ? this.users.find((user) => user[field].toLowerCase() === value.toLowerCase()) : undefined;
		return (
			exact('email', email) ??
			exact('userPrincipalName', userPrincipalName) ??
			this.users.find((user) => wanted.includes(user.email.toLowerCase()) || wanted.includes(user.userPrincipalName.toLowerCase()))
		);
	}

	private attachAlert(record: IncidentRecord, partial: Partial<AlertSeed>): Alert {
		const props = record.incident.properties;
		const around = new Date(props.createdTimeUtc);
		const seed = this.generator.completeAlert(partial, around, props.status);
		const alert = buildAlert(seed, this.workspace);
		record.alerts.push(alert);
		const rule = seed.scheduledRule ? findScheduledRule(seed.scheduledRule) : undefined;
		const ruleId = rule && `${this.workspace.armId}/providers/Microsoft.SecurityInsights/alertRules/${rule.ruleId}`;
		if (ruleId && !props.relatedAnalyticRuleIds.includes(ruleId)) props.relatedAnalyticRuleIds.push(ruleId);
		for (const entity of seed.entities) this.attachEntity(record, entity);
		return alert;
	}

	private attachEntity(record: IncidentRecord, seed: EntitySeed): Entity {
		const key = entityKey(seed);
		const existing = record.entityKeys.has(key) ? record.entities.find((entity) => entityKey(entity) === key) : undefined;
		if (existing) return existing;
		const entity = buildEntity(seed, this.workspace);
		record.entities.push(entity);
		record.entityKeys.add(key);
		return entity;
	}

	private owner(objectId: string | null): IncidentOwner {
		if (!objectId) return { objectId: null, email: null, assignedTo: null, userPrincipalName: null, ownerType: 'Unknown' };
		const user = this.findUser(objectId);
		if (!user) return { objectId, email: null, assignedTo: null, userPrincipalName: null, ownerType: 'Unknown' };
		return { objectId: user.objectId, email: user.email, assignedTo: user.name, userPrincipalName: user.userPrincipalName, ownerType: 'User' };
	}

	/** Keeps `additionalData` in line with the alerts and comments actually attached. */
	private refreshAdditionalData(record: IncidentRecord): void {
		const data = record.incident.properties.additionalData;
		data.alertsCount = record.alerts.length;
		data.commentsCount = record.comments.length;
		data.bookmarksCount = 0;
		data.alertProductNames = [...new Set(record.alerts.map((alert) => alert.properties.productName))];
		data.tactics = [...new Set(record.alerts.flatMap((alert) => alert.properties.tactics))] as AttackTactic[];
	}

	private touch(record: IncidentRecord, actor: Actor, via: HistoryEntry['via'], change: Record<string, unknown>, at?: string): void {
		const when = dotnetIso(at ? new Date(at) : new Date());
		record.incident.etag = newIncidentEtag();
		record.incident.properties.lastModifiedTimeUtc = when;
		record.incident.systemData = { ...record.incident.systemData, lastModifiedBy: actor.name, lastModifiedByType: actor.type, lastModifiedAt: when };
		record.history.push({ at: new Date().toISOString(), actor: actor.name, via, change });
		for (const listener of this.changeListeners) listener(record, { kind: 'updated', actor, via });
	}
}

function systemData(creator: Actor, createdAt: string, modifier: Actor, modifiedAt: string): SystemData {
	return {
		createdBy: creator.name,
		createdByType: creator.type,
		createdAt,
		lastModifiedBy: modifier.name,
		lastModifiedByType: modifier.type,
		lastModifiedAt: modifiedAt,
	};
}

function toLabel(label: IncidentSeed['labels'][number]): IncidentLabel {
	return typeof label === 'string' ? { labelName: label, labelType: 'User' } : { labelName: label.labelName, labelType: label.labelType ?? 'User' };
}

function setOptional<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | null | undefined): void {
	if (value === undefined) return;
	if (value === null) delete target[key];
	else target[key] = value;
}
