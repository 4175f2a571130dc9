/**
 * Microsoft Sentinel automation rules as the service runs them for incidents: a rule fires when an incident is
 * created (`triggersWhen: 'Created'`) or updated (`'Updated'`) and all its property conditions hold, and its
 * *Run playbook* action runs a Logic App whose *Microsoft Sentinel incident* trigger receives the incident; the
 * deployed playbook (deploy/push) forwards that trigger body with an HTTP POST to n8n. Here the Logic App is folded
 * into the rule: `playbook` is the URL and headers of that HTTP action, with the Logic App's retry policy.
 *
 * Sources (facts, not code): the automation rule resource (`triggeringLogic.triggersOn/triggersWhen/conditions`,
 * `conditionType: 'Property'`, `propertyName` of AutomationRulePropertyConditionSupportedProperty such as
 * IncidentSeverity, IncidentStatus, IncidentTitle, IncidentLabel, IncidentProviderName, IncidentUpdatedBySource;
 * operators Equals, NotEquals, Contains, NotContains, StartsWith, NotStartsWith, EndsWith, NotEndsWith), and the
 * incident trigger's body (see test/emulator/README.md, "Automation rules").
 *
 * What a test can set: a delay before the playbook runs, incidents whose playbook run fails (the push never comes),
 * how n8n's answers are retried, and a hold that queues every run until `release()`.
 */
import { newGuid } from '../../../core/ids';
import type { WorkspaceInfo } from '../../topology';
import type { Actor, HistoryEntry, IncidentRecord } from '../incident-store';
import type { Incident } from '../model';

export type AutomationTrigger = 'Created' | 'Updated';
export type ConditionOperator = 'Equals' | 'NotEquals' | 'Contains' | 'NotContains' | 'StartsWith' | 'NotStartsWith' | 'EndsWith' | 'NotEndsWith';
export type ConditionProperty =
	| 'IncidentSeverity'
	| 'IncidentStatus'
	| 'IncidentTitle'
	| 'IncidentLabel'
	| 'IncidentProviderName'
	| 'IncidentUpdatedBySource';
/** Values of IncidentUpdatedBySource: who made the update that fired the rule. */
export type UpdatedBySource = 'Application' | 'User' | 'AlertGrouping' | 'Playbook' | 'AutomationRule' | 'Other';

export interface PropertyCondition {
	propertyName: ConditionProperty;
	operator: ConditionOperator;
	propertyValues: string[];
}

export interface AutomationRuleSpec {
	displayName?: string;
	triggersWhen: AutomationTrigger;
	conditions?: PropertyCondition[];
	isEnabled?: boolean;
	/** The playbook's HTTP action: where it POSTs the trigger body, with which headers (the secret). */
	playbook: { url: string; headers?: Record<string, string> };
}

export interface AutomationRule extends Required<Omit<AutomationRuleSpec, 'playbook'>> {
	name: string;
	playbook: { url: string; headers: Record<string, string> };
}

export interface AutomationBehaviour {
	/** Time between the incident change and the playbook's POST (Sentinel's queue plus the Logic App's start). */
	delayMs: number;
	/** Incident numbers whose playbook run fails before the POST: the push never comes. */
	failIncidents: number[];
	/** Logic App retry policy of the HTTP action: further attempts after a 408/429/5xx or a network error. */
	retryCount: number;
	retryIntervalMs: number;
}

export interface PlaybookRun {
	id: string;
	rule: string;
	incidentName: string;
	incidentNumber: number;
	objectEventType: 'Create' | 'Update';
	updatedBy: UpdatedBySource | null;
	/** When the change happened, when the first POST went out, when the last one was answered (ISO). */
	changedAt: string;
	postedAt?: string;
	finishedAt?: string;
	status: 'queued' | 'held' | 'succeeded' | 'failed' | 'dropped';
	attempts: number;
	/** HTTP status of the last attempt (0: network error). */
	lastStatus?: number;
}

export interface AutomationApi {
	addRule(rule: AutomationRuleSpec): AutomationRule;
	removeRule(name: string): boolean;
	rules(): AutomationRule[];
	clearRules(): void;
	readonly behaviour: AutomationBehaviour;
	setBehaviour(change: Partial<AutomationBehaviour>): AutomationBehaviour;
	/** Queue every run until `release()` (e.g. to let a push and a poll see the same incidents at once). */
	hold(): void;
	/** Starts the held runs (all at once) and stops holding; returns how many were held. */
	release(): number;
	runs(): PlaybookRun[];
	clearRuns(): void;
	/** Resolves when no run is queued or in flight (held runs do not count). */
	idle(): Promise<void>;
}

export interface IncidentChange {
	kind: 'created' | 'updated';
	actor: Actor;
	via: HistoryEntry['via'];
}

/** The source Sentinel reports for an update: its own alert grouping, a user, or an application (service principal). */
export function updatedBySource(actor: Actor, via: HistoryEntry['via']): UpdatedBySource {
	if (actor.type === 'User') return 'User';
	if (actor.name === 'Microsoft Sentinel') return via === 'alert' ? 'AlertGrouping' : 'Other';
	return 'Application';
}

function propertyValues(incident: Incident, property: ConditionProperty, updatedBy: UpdatedBySource | null): string[] {
	const p = incident.properties;
	switch (property) {
		case 'IncidentSeverity':
			return [p.severity];
		case 'IncidentStatus':
			return [p.status];
		case 'IncidentTitle':
			return [p.title];
		case 'IncidentLabel':
			return p.labels.map((label) => label.labelName);
		case 'IncidentProviderName':
			return [p.providerName ?? ''];
		case 'IncidentUpdatedBySource':
			return updatedBy ? [updatedBy] : [];
	}
}

function test(operator: ConditionOperator, actual: string, wanted: string): boolean {
	const a = actual.toLowerCase();
	const w = wanted.toLowerCase();
	switch (operator) {
		case 'Equals':
		case 'NotEquals':
			return a === w;
		case 'Contains':
		case 'NotContains':
			return a.includes(w);
		case 'StartsWith':
		case 'NotStartsWith':
			return a.startsWith(w);
		case 'EndsWith':
		case 'NotEndsWith':
			return a.endsWith(w);
	}
}

/** A condition holds when any actual value matches any listed value (for a positive operator), or none does (negative). */
export function conditionHolds(condition: PropertyCondition, incident: Incident, updatedBy: UpdatedBySource | null): boolean {
	const actual = propertyValues(incident, condition.propertyName, updatedBy);
	const negative = condition.operator.startsWith('Not');
	const any = actual.some((value) => condition.propertyValues.some((wanted) => test(condition.operator, value, wanted)));
	return negative ? !any : any;
}

/** The body of the Logic App's *Microsoft Sentinel incident* trigger, as the playbook's HTTP action forwards it. */
export function incidentTriggerBody(record: IncidentRecord, workspace: WorkspaceInfo, eventType: 'Create' | 'Update'): Record<string, unknown> {
	const incident = JSON.parse(JSON.stringify(record.incident)) as Incident;
	return {
		eventUniqueId: newGuid(),
		objectSchemaType: 'Incident',
		objectEventType: eventType,
		workspaceInfo: { SubscriptionId: workspace.subscriptionId, ResourceGroupName: workspace.resourceGroup, WorkspaceName: workspace.name },
		workspaceId: workspace.customerId,
		object: {
			id: incident.id,
			name: incident.name,
			etag: incident.etag,
			type: 'Microsoft.SecurityInsights/Incidents',
			properties: {
				...incident.properties,
				alerts: JSON.parse(JSON.stringify(record.alerts)),
				relatedEntities: JSON.parse(JSON.stringify(record.entities)),
				comments: [],
			},
		},
	};
}

const RETRYABLE = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

export class AutomationRules implements AutomationApi {
	private readonly ruleList: AutomationRule[] = [];
	private readonly runList: PlaybookRun[] = [];
	private readonly heldRuns: Array<() => void> = [];
	private readonly inFlight = new Set<Promise<void>>();
	private holding = false;
	readonly behaviour: AutomationBehaviour = { delayMs: 0, failIncidents: [], retryCount: 4, retryIntervalMs: 1_000 };

	/** Called by the incident store on every create and update. */
	onIncidentChange(record: IncidentRecord, workspace: WorkspaceInfo, change: IncidentChange): void {
		const trigger: AutomationTrigger = change.kind === 'created' ? 'Created' : 'Updated';
		const updatedBy = change.kind === 'updated' ? updatedBySource(change.actor, change.via) : null;
		for (const rule of this.ruleList) {
			if (!rule.isEnabled || rule.triggersWhen !== trigger) continue;
			if (!rule.conditions.every((condition) => conditionHolds(condition, record.incident, updatedBy))) continue;
			// The trigger body is the incident as it was when the rule fired, not when the playbook runs.
			const body = incidentTriggerBody(record, workspace, trigger === 'Created' ? 'Create' : 'Update');
			const run: PlaybookRun = {
				id: newGuid(),
				rule: rule.name,
				incidentName: record.incident.name,
				incidentNumber: record.incident.properties.incidentNumber,
				objectEventType: trigger === 'Created' ? 'Create' : 'Update',
				updatedBy,
				changedAt: new Date().toISOString(),
				status: 'queued',
				attempts: 0,
			};
			this.runList.push(run);
			const start = () => this.track(this.execute(rule, run, body));
			if (this.holding) {
				run.status = 'held';
				this.heldRuns.push(start);
			} else start();
		}
	}

	private track(promise: Promise<void>): void {
		this.inFlight.add(promise);
		void promise.finally(() => this.inFlight.delete(promise));
	}

	private async execute(rule: AutomationRule, run: PlaybookRun, body: Record<string, unknown>): Promise<void> {
		run.status = 'queued';
		if (this.behaviour.delayMs > 0) await sleep(this.behaviour.delayMs);
		if (this.behaviour.failIncidents.includes(run.incidentNumber)) {
			run.status = 'dropped';
			run.finishedAt = new Date().toISOString();
			return;
		}
		for (let attempt = 0; attempt <= this.behaviour.retryCount; attempt++) {
			if (attempt > 0) await sleep(this.behaviour.retryIntervalMs * 2 ** (attempt - 1));
			run.attempts++;
			run.postedAt ??= new Date().toISOString();
			run.lastStatus = await post(rule.playbook.url, rule.playbook.headers, body);
			if (!RETRYABLE(run.lastStatus)) break;
		}
		run.status = run.lastStatus !== undefined && run.lastStatus >= 200 && run.lastStatus < 300 ? 'succeeded' : 'failed';
		run.finishedAt = new Date().toISOString();
	}

	addRule(spec: AutomationRuleSpec): AutomationRule {
		if (spec.triggersWhen !== 'Created' && spec.triggersWhen !== 'Updated') throw new Error("triggersWhen must be 'Created' or 'Updated'");
		if (!spec.playbook?.url) throw new Error('the rule needs a playbook URL');
		const rule: AutomationRule = {
			name: newGuid(),
			displayName: spec.displayName ?? `Run playbook on ${spec.triggersWhen.toLowerCase()} incidents`,
			triggersWhen: spec.triggersWhen,
			conditions: (spec.conditions ?? []).map((c) => ({ ...c, propertyValues: [...c.propertyValues] })),
			isEnabled: spec.isEnabled ?? true,
			playbook: { url: spec.playbook.url, headers: { ...(spec.playbook.headers ?? {}) } },
		};
		this.ruleList.push(rule);
		return rule;
	}

	removeRule(name: string): boolean {
		const index = this.ruleList.findIndex((rule) => rule.name === name);
		if (index < 0) return false;
		this.ruleList.splice(index, 1);
		return true;
	}

	rules(): AutomationRule[] {
		return this.ruleList.map((rule) => JSON.parse(JSON.stringify(rule)) as AutomationRule);
	}

	clearRules(): void {
		this.ruleList.length = 0;
	}

	setBehaviour(change: Partial<AutomationBehaviour>): AutomationBehaviour {
		if (change.delayMs !== undefined) this.behaviour.delayMs = Math.max(0, Number(change.delayMs));
		if (change.failIncidents !== undefined) this.behaviour.failIncidents = change.failIncidents.map(Number);
		if (change.retryCount !== undefined) this.behaviour.retryCount = Math.max(0, Math.floor(Number(change.retryCount)));
		if (change.retryIntervalMs !== undefined) this.behaviour.retryIntervalMs = Math.max(0, Number(change.retryIntervalMs));
		return { ...this.behaviour, failIncidents: [...this.behaviour.failIncidents] };
	}

	hold(): void {
		this.holding = true;
	}

	release(): number {
		this.holding = false;
		const held = this.heldRuns.splice(0);
		for (const start of held) start();
		return held.length;
	}

	runs(): PlaybookRun[] {
		return this.runList.map((run) => ({ ...run }));
	}

	clearRuns(): void {
		this.runList.length = 0;
	}

	async idle(): Promise<void> {
		while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
	}
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One attempt of the HTTP action; the status, or 0 when no answer came (refused, reset, timed out after 100 s). */
async function post(url: string, headers: Record<string, string>, body: Record<string, unknown>): Promise<number> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(100_000),
		});
		await response.arrayBuffer();
		return response.status;
	} catch {
		return 0;
	}
}
