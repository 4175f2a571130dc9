import { newGuid } from '../../core/ids';
import { IncidentGenerator, type SeedOptions } from '../../generator/incident-generator';
import { ANALYSTS } from '../../generator/catalog';
import type { ArmTopology, WorkspaceInfo } from '../topology';
import { WorkspaceIncidents, type Actor, type HistoryEntry, type IncidentRecord } from './incident-store';
import { authorFromUser } from './resource-builders';
import type { Alert, AlertSeed, Entity, EntitySeed, Incident, IncidentSeed, SentinelUser } from './model';

export interface SentinelSeedOptions extends SeedOptions {
	/** Workspace name (default: the first workspace). */
	workspace?: string;
}

/** Behaviours of the real service that are arguably bugs; on by default, switchable for tests. */
export interface SentinelQuirks {
	/** `properties/classification eq 'Undetermined'` matches nothing (Azure/azure-rest-api-specs#27165). */
	undeterminedClassificationFilterMatchesNothing: boolean;
}

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
	users: SentinelUser[];
	quirks: SentinelQuirks;
}

export class SentinelService implements SentinelApi {
	readonly users: SentinelUser[] = ANALYSTS.map((user) => ({ ...user }));
	readonly quirks: SentinelQuirks = { undeterminedClassificationFilterMatchesNothing: true };
	private readonly stores = new Map<string, WorkspaceIncidents>();

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
