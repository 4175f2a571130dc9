// State of the emulated SIGNL4 subscription: one team (plus an integration secret), users, API keys, alerts keyed by
// ID and indexed by external ID, the inbound event log, registered outbound webhooks, and the alert state machine
// that also drives the outbound callbacks. `Signl4Api` is what tests and the console use (`emulator.signl4`).
import { ANALYSTS } from '../generator/catalog';
import { randomBytes } from 'node:crypto';

import { dotnetIso, newGuid, randomToken } from '../core/ids';
import { OutboundSender, targetFromUrl, type Delivery, type OutboundBehaviour, type OutboundTarget } from './outbound';
import { controlValue, signlContent, type InboundAttachment } from './payload';
import { PLANS, Throttle, type PlanLimits } from './throttle';

export const STATUS = { new: 1, acknowledged: 2, closed: 4 } as const;
export type AlertStatusCode = (typeof STATUS)[keyof typeof STATUS];

export interface Signl4User {
	id: string;
	name: string;
	mail: string;
	onDuty: boolean;
}

export interface Signl4Team {
	id: string;
	name: string;
	secret: string;
}

export interface ApiKey {
	key: string;
	/** Team the key is limited to (null = subscription-wide). */
	teamId: string | null;
	/** User the key acts as when a call names none. */
	userId: string;
}

export interface Annotation {
	id: string;
	text: string;
	timestamp: string;
	annotationType: number;
	userId: string | null;
}

export interface HistoryEntry {
	id: string;
	timestamp: string;
	/** 1 acknowledged, 2 closed, 3 annotated, 4 escalated, 5 undo acknowledge, 6 undo close (emulator's own numbering). */
	type: number;
	userId: string | null;
}

export interface AlertRecord {
	id: string;
	eventId: string;
	externalId: string | null;
	title: string;
	text: string;
	status: AlertStatusCode;
	severity: number;
	category: string;
	categoryId: string;
	teamId: string;
	subscriptionId: string;
	eventSourceId: string;
	eventSourceType: number;
	flags: number;
	scenario: 'single_ack' | 'multi_ack' | 'emergency';
	location: string | null;
	sourceSystem: string | null;
	/** Users whose acknowledgement a multi_ack alert needs (those on duty when it was raised). */
	requiredAcknowledgers: string[];
	acknowledgedUserIds: string[];
	parameters: Array<{ name: string; value: string; type: number; order: number }>;
	annotations: Annotation[];
	attachments: Array<{ id: string; name: string; contentType: string; size: number; content: string }>;
	created: string;
	acknowledged: string | null;
	closed: string | null;
	closedBy: string | null;
	lastModified: string;
	historyEntries: HistoryEntry[];
}

export interface InboundEvent {
	eventId: string;
	receivedAt: string;
	channel: 'webhook' | 'api';
	teamId: string;
	/** new, acknowledged, resolved, or discarded (unknown X-S4-Status). */
	status: 'new' | 'acknowledged' | 'resolved' | 'discarded';
	requestedStatus: string;
	externalId: string | null;
	alertIds: string[];
	format: string;
	fields: Array<[string, string]>;
	attachments: Array<{ name: string; contentType: string; size: number }>;
}

export interface Signl4Settings {
	/** Delay (ms) between processing an inbound event and answering it: "SIGNL4 got it but answered late". */
	replyDelayMs: number;
}

/** `emulator.signl4` */
export interface Signl4Api {
	/** Base URL to put into the SIGNL4 credential: `<emulator>/signl4`. */
	readonly baseUrl: string;
	/** The web console (an HTML page served by the control API). */
	readonly consoleUrl: string;
	readonly subscriptionId: string;
	readonly team: Signl4Team;
	/** A second secret for the same team, like a webhook integration's. */
	readonly integrationSecret: string;
	readonly apiKey: string;
	readonly users: Signl4User[];
	readonly settings: Signl4Settings;
	alerts(filter?: { externalId?: string; status?: AlertStatusCode }): AlertRecord[];
	alert(id: string): AlertRecord | undefined;
	/** The REST API's AlertInfo for an alert. */
	alertInfo(id: string): Record<string, unknown> | undefined;
	events(): InboundEvent[];
	/** Act as a user in the app: each changes the alert and sends the outbound callback. `user` = id, e-mail or name. */
	acknowledge(alertId: string, user?: string): AlertRecord;
	close(alertId: string, user?: string): AlertRecord;
	annotate(alertId: string, text: string, user?: string): Annotation;
	undoAcknowledge(alertId: string, user?: string): AlertRecord;
	escalate(alertId: string): AlertRecord;
	duty(event: 'started' | 'ended' | 'punchedIn' | 'punchedOut', user?: string): void;
	/** Raise an alert as if an event had arrived (for console demos and tests). */
	raise(input: { title: string; text?: string; externalId?: string; parameters?: Record<string, string>; scenario?: AlertRecord['scenario'] }): AlertRecord;
	outbound: {
		readonly targets: OutboundTarget[];
		readonly deliveries: Delivery[];
		readonly behaviour: OutboundBehaviour;
		readonly heldCount: number;
		/** Adds a callback target; `user:password@` in the URL or `basicAuth` → Basic auth, `headers` → sent as given. */
		addTarget(url: string, options?: { basicAuth?: { user: string; password: string }; headers?: Record<string, string>; name?: string }): OutboundTarget;
		removeTarget(id: string): boolean;
		configure(behaviour: Partial<OutboundBehaviour>): OutboundBehaviour;
		flush(order?: 'fifo' | 'reverse' | 'shuffle'): number;
		/** Resolves when every callback started so far has been delivered (or given up). */
		idle(): Promise<void>;
		clearDeliveries(): void;
	};
	/** 'free', 'commercial' (default) or explicit windows; resets the counters. */
	setPlan(plan: 'free' | 'commercial' | PlanLimits): void;
	readonly plan: PlanLimits;
	resetThrottling(): void;
	/** Forget alerts, events, deliveries and in-process targets (registered webhooks stay). */
	reset(): void;
}

const MAX_TICKS = 3155378975999999999n;
const EPOCH_TICKS = 621355968000000000n;
let tickBump = 0n;

/** `<19-digit reverse ticks>_<guid>`, SIGNL4's alert and event id form (newer = smaller). */
export function signl4Id(now = Date.now()): string {
	tickBump = (tickBump + 1n) % 10000n;
	const ticks = BigInt(now) * 10000n + EPOCH_TICKS + tickBump;
	return `${(MAX_TICKS - ticks).toString().padStart(19, '0')}_${newGuid()}`;
}

const SEVERITY_DEFAULT = 1;

export class Signl4Service {
	readonly subscriptionId = newGuid();
	readonly team: Signl4Team = { id: newGuid(), name: 'Security Operations', secret: randomBytes(6).toString('hex') };
	readonly integrationSecret = randomBytes(8).toString('hex');
	/**
	 * The on-call team are the SOC's own analysts (the Sentinel side's directory), as in a real deployment: the
	 * e-mail a SIGNL4 callback names is one Sentinel can assign the incident to.
	 */
	readonly users: Signl4User[] = ANALYSTS.slice(0, 3).map((analyst, index) => ({
		id: newGuid(),
		name: analyst.name,
		mail: analyst.email,
		onDuty: index < 2,
	}));
	readonly apiKeys: ApiKey[];
	readonly alertsById = new Map<string, AlertRecord>();
	readonly eventLog: InboundEvent[] = [];
	readonly outbound = new OutboundSender();
	readonly settings: Signl4Settings = { replyDelayMs: 0 };
	plan: PlanLimits = PLANS.commercial;
	readonly eventThrottle = new Throttle(PLANS.commercial.events);
	readonly apiThrottle = new Throttle(PLANS.commercial.api);
	readonly erroneousThrottle = new Throttle(PLANS.commercial.erroneous);

	constructor() {
		this.apiKeys = [
			{ key: `s4k_${randomToken(24)}`, teamId: null, userId: this.users[0].id },
			{ key: `s4k_${randomToken(24)}`, teamId: newGuid(), userId: this.users[0].id },
		];
	}

	get apiKey(): string {
		return this.apiKeys[0].key;
	}

	/** A key limited to another team: valid, but 403 for this team's alerts. */
	get foreignTeamApiKey(): string {
		return this.apiKeys[1].key;
	}

	setPlan(plan: 'free' | 'commercial' | PlanLimits): void {
		this.plan = typeof plan === 'string' ? PLANS[plan] : plan;
		this.eventThrottle.setWindows(this.plan.events);
		this.apiThrottle.setWindows(this.plan.api);
		this.erroneousThrottle.setWindows(this.plan.erroneous);
	}

	resetThrottling(): void {
		this.eventThrottle.reset();
		this.apiThrottle.reset();
		this.erroneousThrottle.reset();
	}

	teamBySecret(secret: string): Signl4Team | undefined {
		return secret === this.team.secret || secret === this.integrationSecret ? this.team : undefined;
	}

	keyFor(key: string | undefined): ApiKey | undefined {
		return key ? this.apiKeys.find((candidate) => candidate.key === key) : undefined;
	}

	findUser(reference: string | undefined | null): Signl4User | undefined {
		if (!reference) return undefined;
		const wanted = reference.toLowerCase();
		return this.users.find((user) => user.id.toLowerCase() === wanted || user.mail.toLowerCase() === wanted || user.name.toLowerCase() === wanted);
	}

	// ------------------------------------------------------------------------------------------------- inbound events

	/** One inbound webhook/API event, already parsed; returns the event id (the 201 answer). */
	receiveEvent(input: {
		channel: 'webhook' | 'api';
		team: Signl4Team;
		fields: Array<[string, string]>;
		attachments: InboundAttachment[];
		format: string;
		query: Record<string, string>;
	}): InboundEvent {
		const now = new Date();
		const eventId = signl4Id(now.getTime());
		const query = Object.fromEntries(Object.entries(input.query).map(([k, v]) => [k.toLowerCase(), v]));
		// Query-string mapping for sources that cannot add X-S4 keys (docs: ExtIDParam / ExtStatusParam / …).
		const mapped = (param: string | undefined) => (param ? input.fields.find(([name]) => name.toLowerCase() === param.toLowerCase())?.[1] : undefined);
		const externalId = controlValue(input.fields, 'X-S4-ExternalID') ?? mapped(query.extidparam) ?? null;
		let requested = controlValue(input.fields, 'X-S4-Status') ?? 'new';
		const sourceStatus = mapped(query.extstatusparam);
		if (sourceStatus !== undefined) {
			if (query.resolvedstatus && sourceStatus.toLowerCase() === query.resolvedstatus.toLowerCase()) requested = 'resolved';
			else if (query.ackstatus && sourceStatus.toLowerCase() === query.ackstatus.toLowerCase()) requested = 'acknowledged';
			else requested = 'new';
		}
		const status = requested.trim().toLowerCase();
		const event: InboundEvent = {
			eventId,
			receivedAt: now.toISOString(),
			channel: input.channel,
			teamId: input.team.id,
			status: status === 'new' || status === 'acknowledged' || status === 'resolved' ? status : 'discarded',
			requestedStatus: requested,
			externalId,
			alertIds: [],
			format: input.format,
			fields: input.fields,
			attachments: input.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.data.length })),
		};
		this.eventLog.push(event);
		if (event.status === 'new') {
			event.alertIds.push(this.createAlert(input.fields, input.attachments, eventId, externalId, input.team, now).id);
		} else if (event.status === 'acknowledged' && externalId) {
			for (const alert of this.byExternalId(externalId).filter((a) => a.status === STATUS.new)) {
				this.transition(alert, STATUS.acknowledged, null, 1);
				event.alertIds.push(alert.id);
			}
		} else if (event.status === 'resolved' && externalId) {
			for (const alert of this.byExternalId(externalId).filter((a) => a.status !== STATUS.closed)) {
				this.transition(alert, STATUS.closed, null, 2);
				event.alertIds.push(alert.id);
			}
		}
		return event;
	}

	private createAlert(
		fields: Array<[string, string]>,
		attachments: InboundAttachment[],
		eventId: string,
		externalId: string | null,
		team: Signl4Team,
		now: Date,
	): AlertRecord {
		const content = signlContent(fields);
		const scenarioText = (controlValue(fields, 'X-S4-AlertingScenario') ?? '').toLowerCase();
		const scenario = scenarioText === 'multi_ack' || scenarioText === 'emergency' ? scenarioText : 'single_ack';
		const service = controlValue(fields, 'X-S4-Service');
		const alert: AlertRecord = {
			id: signl4Id(now.getTime()),
			eventId,
			externalId,
			title: content.title,
			text: content.text,
			status: STATUS.new,
			severity: SEVERITY_DEFAULT,
			category: scenario === 'emergency' ? 'Emergency' : (service ?? 'Default'),
			categoryId: newGuid(),
			teamId: team.id,
			subscriptionId: this.subscriptionId,
			eventSourceId: newGuid(),
			eventSourceType: 1,
			flags: 0,
			scenario,
			location: controlValue(fields, 'X-S4-Location') ?? null,
			sourceSystem: controlValue(fields, 'X-S4-SourceSystem') ?? null,
			requiredAcknowledgers: scenario === 'multi_ack' ? this.users.filter((u) => u.onDuty).map((u) => u.id) : [],
			acknowledgedUserIds: [],
			parameters: content.parameters.map((p, order) => ({ name: p.name, value: p.value, type: 0, order })),
			annotations: [],
			attachments: attachments.map((a) => ({ id: newGuid(), name: a.name, contentType: a.contentType, size: a.data.length, content: a.data.toString('base64') })),
			created: now.toISOString(),
			acknowledged: null,
			closed: null,
			closedBy: null,
			lastModified: now.toISOString(),
			historyEntries: [],
		};
		this.alertsById.set(alert.id, alert);
		this.callback(200, alert);
		return alert;
	}

	byExternalId(externalId: string): AlertRecord[] {
		return [...this.alertsById.values()].filter((alert) => alert.externalId === externalId);
	}

	// -------------------------------------------------------------------------------------------------- state machine

	/**
	 * Lifecycle: new → acknowledged → closed, new → closed; undo acknowledge (acknowledged → new), undo close
	 * (closed → acknowledged, or new if nobody acknowledged). Multi-ack alerts accept one acknowledgement per
	 * required user (each one a callback). Anything else is a conflict (the REST API answers 409).
	 */
	acknowledge(alert: AlertRecord, user: Signl4User | null): void {
		if (alert.status === STATUS.closed) throw new LifecycleError('A closed alert cannot be acknowledged.');
		if (alert.status === STATUS.acknowledged) {
			const more = alert.scenario === 'multi_ack' && user && !alert.acknowledgedUserIds.includes(user.id);
			if (!more) throw new LifecycleError('The alert is already acknowledged.');
		}
		this.transition(alert, STATUS.acknowledged, user, 1);
	}

	close(alert: AlertRecord, user: Signl4User | null): void {
		if (alert.status === STATUS.closed) throw new LifecycleError('The alert is already closed.');
		this.transition(alert, STATUS.closed, user, 2);
	}

	undoAcknowledge(alert: AlertRecord, user: Signl4User | null): void {
		if (alert.status !== STATUS.acknowledged) throw new LifecycleError('Only an acknowledged alert can be un-acknowledged.');
		alert.acknowledgedUserIds = [];
		alert.acknowledged = null;
		this.transition(alert, STATUS.new, user, 5);
	}

	undoClose(alert: AlertRecord, user: Signl4User | null): void {
		if (alert.status !== STATUS.closed) throw new LifecycleError('Only a closed alert can be reopened.');
		alert.closed = null;
		alert.closedBy = null;
		this.transition(alert, alert.acknowledgedUserIds.length ? STATUS.acknowledged : STATUS.new, user, 6);
	}

	annotate(alert: AlertRecord, text: string, user: Signl4User | null, annotationType = 0): Annotation {
		const now = new Date();
		const annotation: Annotation = { id: signl4Id(now.getTime()), text, timestamp: now.toISOString(), annotationType, userId: user?.id ?? null };
		alert.annotations.push(annotation);
		alert.lastModified = annotation.timestamp;
		alert.historyEntries.push({ id: newGuid(), timestamp: annotation.timestamp, type: 3, userId: annotation.userId });
		this.callback(203, alert, { user, annotation });
		return annotation;
	}

	escalate(alert: AlertRecord): void {
		if (alert.status !== STATUS.new) throw new LifecycleError('Only an unacknowledged alert escalates.');
		alert.historyEntries.push({ id: newGuid(), timestamp: new Date().toISOString(), type: 4, userId: null });
		this.callback(202, alert);
	}

	private transition(alert: AlertRecord, status: AlertStatusCode, user: Signl4User | null, historyType: number): void {
		const now = new Date().toISOString();
		alert.status = status;
		alert.lastModified = now;
		if (status === STATUS.acknowledged && historyType === 1) {
			alert.acknowledged ??= now;
			if (user && !alert.acknowledgedUserIds.includes(user.id)) alert.acknowledgedUserIds.push(user.id);
		}
		if (status === STATUS.closed) {
			alert.closed = now;
			alert.closedBy = user?.id ?? null;
		}
		alert.historyEntries.push({ id: newGuid(), timestamp: now, type: historyType, userId: user?.id ?? null });
		this.callback(201, alert, { user });
	}

	// ------------------------------------------------------------------------------------------- outbound callbacks

	private callback(eventType: number, alert: AlertRecord | null, extra: { user?: Signl4User | null; annotation?: Annotation } = {}): void {
		const payload: Record<string, unknown> = {
			eventType,
			eventRaisedUtc: dotnetIso(new Date()),
			subscription: { id: this.subscriptionId },
		};
		if (eventType === 202 || eventType >= 300) payload.team = { id: this.team.id };
		if (extra.user) payload.user = { username: extra.user.name, mailaddress: extra.user.mail, id: extra.user.id };
		if (alert) {
			payload.alert = {
				// 203 (annotated) reports statusCode 0, as in SIGNL4's examples.
				statusCode: eventType === 203 ? 0 : alert.status,
				eventId: alert.eventId,
				...(alert.externalId ? { externalEventId: alert.externalId } : {}),
				...(eventType === 201 || eventType === 202 ? { acknowledgedUserIds: [...alert.acknowledgedUserIds] } : {}),
				id: alert.id,
			};
		}
		if (extra.annotation) payload.annotation = { message: extra.annotation.text, id: extra.annotation.id };
		payload.id = newGuid();
		this.outbound.emit(payload);
	}

	dutyEvent(event: 'started' | 'ended' | 'punchedIn' | 'punchedOut', user: Signl4User | null): void {
		const eventType = { started: 300, ended: 301, punchedIn: 302, punchedOut: 303 }[event];
		if ((event === 'punchedIn' || event === 'punchedOut') && user) user.onDuty = event === 'punchedIn';
		this.callback(eventType, null, { user: event === 'punchedIn' || event === 'punchedOut' ? user : null });
	}

	// ------------------------------------------------------------------------------------------------ REST shapes

	alertInfo(alert: AlertRecord): Record<string, unknown> {
		return {
			id: alert.id,
			eventId: alert.eventId,
			externalId: alert.externalId,
			title: alert.title,
			text: alert.text,
			status: alert.status,
			severity: alert.severity,
			category: alert.category,
			categoryId: alert.categoryId,
			teamId: alert.teamId,
			subscriptionId: alert.subscriptionId,
			eventSourceId: alert.eventSourceId,
			eventSourceType: alert.eventSourceType,
			flags: alert.flags,
			lastModified: alert.lastModified,
			parameters: alert.parameters,
			annotations: alert.annotations,
			attachments: alert.attachments.map((a) => ({ id: a.id, name: a.name, contentType: a.contentType, encoding: 1, content: null })),
			history: {
				created: alert.created,
				acknowledged: alert.acknowledged,
				acknowledgedgements: [...alert.acknowledgedUserIds],
				closed: alert.closed,
				closedBy: alert.closedBy,
				historyEntries: alert.historyEntries,
			},
		};
	}

	overviewAlert(alert: AlertRecord): Record<string, unknown> {
		return {
			id: alert.id,
			eventId: alert.eventId,
			title: alert.title,
			text: alert.text,
			status: alert.status,
			categoryId: alert.categoryId,
			teamId: alert.teamId,
			subscriptionId: alert.subscriptionId,
			flags: alert.flags,
			lastModified: alert.lastModified,
			annotations: alert.annotations,
			requiredAcknowledgements: alert.scenario === 'multi_ack' ? alert.requiredAcknowledgers.length : 1,
			historyDetailed: this.alertInfo(alert).history,
		};
	}

	userInfo(user: Signl4User): Record<string, unknown> {
		return {
			id: user.id,
			name: user.name,
			mail: user.mail,
			subscriptionId: this.subscriptionId,
			dutyInfo: { onDuty: user.onDuty, onManagerDuty: false, overdue: false, lastStatusChange: null },
			isDeactivated: false,
			isInvite: false,
		};
	}

	/** Registered outbound webhooks (REST `/webhooks`). */
	webhookInfo(target: OutboundTarget): Record<string, unknown> {
		return { id: target.id, name: target.name ?? null, externalAddress: target.url, teamId: target.teamId ?? null, subscriptionId: this.subscriptionId, enabled: target.enabled };
	}

	registerWebhook(externalAddress: string, name?: string, teamId?: string | null): OutboundTarget {
		const target = targetFromUrl(externalAddress, { name, teamId: teamId ?? null, source: 'api' });
		this.outbound.targets.push(target);
		return target;
	}

	removeTarget(id: string): boolean {
		const index = this.outbound.targets.findIndex((target) => target.id === id);
		if (index < 0) return false;
		this.outbound.targets.splice(index, 1);
		return true;
	}

	// ------------------------------------------------------------------------------------------------ public API

	api(baseUrl: string, consoleUrl: string): Signl4Api {
		const alertOrThrow = (id: string) => {
			const alert = this.alertsById.get(id);
			if (!alert) throw new Error(`No SIGNL4 alert '${id}'`);
			return alert;
		};
		const userOrDefault = (user?: string) => {
			if (!user) return this.users[0];
			const found = this.findUser(user);
			if (!found) throw new Error(`No SIGNL4 user '${user}'`);
			return found;
		};
		const service = this;
		return {
			baseUrl,
			consoleUrl,
			subscriptionId: this.subscriptionId,
			team: this.team,
			integrationSecret: this.integrationSecret,
			apiKey: this.apiKey,
			users: this.users,
			settings: this.settings,
			alerts: (filter = {}) =>
				[...this.alertsById.values()].filter(
					(alert) => (filter.externalId === undefined || alert.externalId === filter.externalId) && (filter.status === undefined || alert.status === filter.status),
				),
			alert: (id) => this.alertsById.get(id),
			alertInfo: (id) => {
				const alert = this.alertsById.get(id);
				return alert ? this.alertInfo(alert) : undefined;
			},
			events: () => [...this.eventLog],
			acknowledge: (id, user) => {
				const alert = alertOrThrow(id);
				this.acknowledge(alert, userOrDefault(user));
				return alert;
			},
			close: (id, user) => {
				const alert = alertOrThrow(id);
				this.close(alert, userOrDefault(user));
				return alert;
			},
			annotate: (id, text, user) => this.annotate(alertOrThrow(id), text, userOrDefault(user)),
			undoAcknowledge: (id, user) => {
				const alert = alertOrThrow(id);
				this.undoAcknowledge(alert, userOrDefault(user));
				return alert;
			},
			escalate: (id) => {
				const alert = alertOrThrow(id);
				this.escalate(alert);
				return alert;
			},
			duty: (event, user) => this.dutyEvent(event, user ? userOrDefault(user) : null),
			raise: (input) => {
				const fields: Array<[string, string]> = [
					['Title', input.title],
					['Message', input.text ?? ''],
					...Object.entries(input.parameters ?? {}),
					...(input.externalId ? ([['X-S4-ExternalID', input.externalId]] as Array<[string, string]>) : []),
					...(input.scenario ? ([['X-S4-AlertingScenario', input.scenario]] as Array<[string, string]>) : []),
				];
				const event = this.receiveEvent({ channel: 'webhook', team: this.team, fields, attachments: [], format: 'json', query: {} });
				return this.alertsById.get(event.alertIds[0]) as AlertRecord;
			},
			outbound: {
				get targets() {
					return service.outbound.targets;
				},
				get deliveries() {
					return service.outbound.deliveries;
				},
				get behaviour() {
					return service.outbound.behaviour;
				},
				get heldCount() {
					return service.outbound.heldCount;
				},
				addTarget: (url, options = {}) => {
					const target = targetFromUrl(url, { name: options.name, ...(options.headers ? { headers: options.headers } : {}), ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}) });
					this.outbound.targets.push(target);
					return target;
				},
				removeTarget: (id) => this.removeTarget(id),
				configure: (behaviour) => Object.assign(this.outbound.behaviour, behaviour),
				flush: (order) => this.outbound.flush(order),
				idle: () => this.outbound.idle(),
				clearDeliveries: () => this.outbound.clearDeliveries(),
			},
			setPlan: (plan) => this.setPlan(plan),
			get plan() {
				return service.plan;
			},
			resetThrottling: () => this.resetThrottling(),
			reset: () => {
				this.alertsById.clear();
				this.eventLog.length = 0;
				this.outbound.reset();
				for (let i = this.outbound.targets.length - 1; i >= 0; i--) if (this.outbound.targets[i].source === 'emulator') this.outbound.targets.splice(i, 1);
				this.settings.replyDelayMs = 0;
				this.setPlan('commercial');
			},
		};
	}
}

export class LifecycleError extends Error {}
