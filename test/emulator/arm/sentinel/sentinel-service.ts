import { newGuid } from '../../core/ids';
import { IncidentGenerator, type SeedOptions } from '../../generator/incident-generator';
import { ANALYSTS } from '../../generator/catalog';
import type { ArmTopology, WorkspaceInfo } from '../topology';
import { WorkspaceIncidents, type Actor, type HistoryEntry, type IncidentRecord } from './incident-store';
import { authorFromUser } from './resource-builders';
import type { Alert, AlertSeed, Entity, EntitySeed, Incident, IncidentComment, IncidentSeed, SentinelUser } from './model';

export interface SentinelSeedOptions extends SeedOptions {
	/** Workspace name (default: the first workspace). */
	workspace?: string;
}

/** Behaviours of the real service that are arguably bugs; on by default, switchable for tests. */
export interface SentinelQuirks {
	/** `properties/classification eq 'Undetermined'` matches nothing (Azure/azure-rest-api-specs#27165). */
	undeterminedClassificationFilterMatchesNothing: boolean;
}

/**
 * What "someone else" does to an incident between a client's GET and its PUT (see `beforeNextPut`): an analyst's
 * field change, tags added or removed, a comment. Each application is a real write: new etag, history entry.
 */
export interface ConcurrentChange {
	change?: Partial<IncidentSeed>;
	/** Tags added to (removed from) the incident's current ones. */
	addLabels?: string[];
	removeLabels?: string[];
	/** A comment written by `actor`. */
	comment?: string;
	/** E-mail of the analyst (default: the first user). */
	actor?: string;
	/** Apply before each of the next N PUTs of the incident (default 1): N > 1 makes a conflict storm. */
	times?: number;
}

export type ConcurrentAction = ConcurrentChange | ((sentinel: SentinelApi, incident: Incident) => void);

/** The in-process `emulator.sentinel` API; returns copies so callers cannot mutate served state by accident. */
export interface SentinelApi {
	createIncident(seed?: Partial<IncidentSeed>): Incident;
	seed(count: number, options?: SentinelSeedOptions): Incident[];
	updateIncident(name: string, change: Partial<IncidentSeed>, actor?: string): Incident;
	getIncident(name: string): Incident | undefined;
	listIncidents(): Incident[];
	addAlert(incidentName: string, alert?: Partial<AlertSeed>): Alert;
	addEntity(incidentName: string, entity: EntitySeed): Entity;
	deleteIncident(name: string): boolean;
	/** Alerts / entities / history of one incident (default workspace). */
	alerts(incidentName: string): Alert[];
	entities(incidentName: string): Entity[];
	history(incidentName: string): HistoryEntry[];
	/** Comments of an incident, oldest first. */
	comments(incidentName: string): IncidentComment[];
	/** A comment written by an analyst (by e-mail; default the first user), as in the portal. */
	addComment(incidentName: string, message: string, authorEmail?: string): IncidentComment;
	/**
	 * Runs `action` when the next PUT of this incident arrives, before the server looks at it: "an analyst saved the
	 * incident between the client's GET and its PUT". The PUT then carries a stale etag (409) unless the client
	 * re-read. With `times: N` (object form) it runs before each of the next N PUTs.
	 */
	beforeNextPut(incidentName: string, action: ConcurrentAction, times?: number): void;
	/** Removes pending `beforeNextPut` actions (of one incident, or all); returns how many were pending. */
	clearBeforePut(incidentName?: string): number;
	users: SentinelUser[];
	quirks: SentinelQuirks;
}

export class SentinelService implements SentinelApi {
	readonly users: SentinelUser[] = ANALYSTS.map((user) => ({ ...user }));
	readonly quirks: SentinelQuirks = { undeterminedClassificationFilterMatchesNothing: true };
	private readonly stores = new Map<string, WorkspaceIncidents>();
	private readonly pendingBeforePut = new Map<string, Array<{ action: ConcurrentAction; remaining: number }>>();

	constructor(
		private readonly topology: ArmTopology,
		tenantId: string,
		private readonly generatorSeed: number,
	) {
		topology.workspaces.forEach((workspace, index) => {
			const generator = new IncidentGenerator(generatorSeed + index * 7919, workspace);
			this.stores.set(workspace.name.toLowerCase(), new WorkspaceIncidents(workspace, this.users, generator, tenantId));
		});
	}

	store(workspace: WorkspaceInfo | string = this.topology.defaultWorkspace): WorkspaceIncidents {
		const name = typeof workspace === 'string' ? workspace : workspace.name;
		const store = this.stores.get(name.toLowerCase());
		if (!store) throw new Error(`Unknown workspace '${name}'`);
		return store;
	}

	createIncident(seed: Partial<IncidentSeed> = {}): Incident {
		return snapshot(this.store().create(seed, systemActor()).incident);
	}

	seed(count: number, options: SentinelSeedOptions = {}): Incident[] {
		const store = this.store(options.workspace);
		const generator = new IncidentGenerator(this.generatorSeed + store.all().length * 104729 + 1, store.workspace);
		return generator.incidents(count, options).map(({ seed, comments }) => {
			const owner = seed.ownerObjectId ? store.findUser(seed.ownerObjectId) : undefined;
			const record = store.create(seed, systemActor());
			for (const comment of comments) {
				store.addComment(record, newGuid(), comment.message, authorFromUser(comment.author), comment.createdTimeUtc);
			}
			if (owner) record.incident.systemData.lastModifiedBy = owner.email;
			return snapshot(record.incident);
		});
	}

	updateIncident(name: string, change: Partial<IncidentSeed>, actor?: string): Incident {
		const record = this.required(name);
		this.store().applyChange(record, change, { name: actor ?? this.users[0].email, type: 'User' });
		return snapshot(record.incident);
	}

	getIncident(name: string): Incident | undefined {
		const record = this.store().find(name);
		return record ? snapshot(record.incident) : undefined;
	}

	listIncidents(): Incident[] {
		return this.store()
			.all()
			.map((record) => snapshot(record.incident))
			.sort((a, b) => a.properties.incidentNumber - b.properties.incidentNumber);
	}

	addAlert(incidentName: string, alert: Partial<AlertSeed> = {}): Alert {
		const record = this.required(incidentName);
		return snapshot(this.store().addAlert(record, alert, systemActor()));
	}

	addEntity(incidentName: string, entity: EntitySeed): Entity {
		return snapshot(this.store().addEntity(this.required(incidentName), entity));
	}

	deleteIncident(name: string): boolean {
		return this.store().delete(name);
	}

	alerts(incidentName: string): Alert[] {
		return snapshot(this.required(incidentName).alerts);
	}

	entities(incidentName: string): Entity[] {
		return snapshot(this.required(incidentName).entities);
	}

	history(incidentName: string): HistoryEntry[] {
		return snapshot(this.required(incidentName).history);
	}

	comments(incidentName: string): IncidentComment[] {
		return snapshot(this.required(incidentName).comments);
	}

	addComment(incidentName: string, message: string, authorEmail?: string): IncidentComment {
		const record = this.required(incidentName);
		const user = (authorEmail && this.users.find((u) => u.email.toLowerCase() === authorEmail.toLowerCase())) || this.users[0];
		const comment = this.store().addComment(record, newGuid(), message, authorFromUser(user));
		this.store().recordComment(record, { name: user.email, type: 'User' }, 'created', comment);
		return snapshot(comment);
	}

	beforeNextPut(incidentName: string, action: ConcurrentAction, times?: number): void {
		this.required(incidentName);
		const count = times ?? (typeof action === 'function' ? 1 : (action.times ?? 1));
		if (!(count > 0)) throw new Error('times must be > 0');
		const key = incidentName.toLowerCase();
		const list = this.pendingBeforePut.get(key) ?? [];
		list.push({ action, remaining: count });
		this.pendingBeforePut.set(key, list);
	}

	clearBeforePut(incidentName?: string): number {
		const keys = incidentName ? [incidentName.toLowerCase()] : [...this.pendingBeforePut.keys()];
		let cleared = 0;
		for (const key of keys) {
			cleared += (this.pendingBeforePut.get(key) ?? []).reduce((sum, entry) => sum + entry.remaining, 0);
			this.pendingBeforePut.delete(key);
		}
		return cleared;
	}

	/** Called by the PUT route before it validates anything: applies what `beforeNextPut` queued. */
	runBeforePut(incidentName: string): void {
		const key = incidentName.toLowerCase();
		const list = this.pendingBeforePut.get(key);
		if (!list?.length) return;
		const due = list.filter((entry) => entry.remaining > 0);
		for (const entry of due) entry.remaining -= 1;
		this.pendingBeforePut.set(
			key,
			list.filter((entry) => entry.remaining > 0),
		);
		if (!this.pendingBeforePut.get(key)?.length) this.pendingBeforePut.delete(key);
		for (const { action } of due) {
			const incident = this.getIncident(incidentName);
			if (!incident) return;
			if (typeof action === 'function') {
				action(this, incident);
				continue;
			}
			const labels = incident.properties.labels.map((label) => label.labelName);
			const removed = new Set((action.removeLabels ?? []).map((label) => label.toLowerCase()));
			const nextLabels = [...labels.filter((label) => !removed.has(label.toLowerCase())), ...(action.addLabels ?? []).filter((label) => !labels.includes(label))];
			const labelsChanged = !!(action.addLabels?.length || action.removeLabels?.length);
			if (action.change || labelsChanged) {
				const existing = new Map(incident.properties.labels.map((label) => [label.labelName, label.labelType]));
				this.updateIncident(
					incidentName,
					{ ...(action.change ?? {}), ...(labelsChanged ? { labels: nextLabels.map((labelName) => ({ labelName, labelType: existing.get(labelName) ?? 'User' })) } : {}) },
					action.actor,
				);
			}
			if (action.comment) this.addComment(incidentName, action.comment, action.actor);
		}
	}

	private required(name: string): IncidentRecord {
		const record = this.store().find(name);
		if (!record) throw new Error(`Incident '${name}' not found`);
		return record;
	}
}

/** Alert-created incidents are written by Sentinel itself. */
function systemActor(): Actor {
	return { name: 'Microsoft Sentinel', type: 'Application' };
}

function snapshot<T>(value: T): T {
	return structuredClone(value);
}
