import { spacedUtc } from '../core/ids';
import type {
	AlertSeed,
	AttackTactic,
	IncidentClassification,
	IncidentClassificationReason,
	IncidentSeed,
	IncidentSeverity,
	IncidentStatus,
	SentinelUser,
} from '../arm/sentinel/model';
import { SEVERITIES } from '../arm/sentinel/model';
import type { WorkspaceInfo } from '../arm/topology';
import { ALERT_SCENARIOS, scenarioWeight, type AlertScenario } from './alert-scenarios';
import { ANALYSTS, LABELS } from './catalog';
import { buildEntity, castAlert, compromisedEntity } from './entity-factory';
import { SeededRandom } from './random';
import { findScheduledRule, type ScheduledRule } from './scheduled-rules';

export interface SeedOptions {
	/** Incidents are created within this many minutes before now (default 1440). */
	createdWithinMinutes?: number;
	/** When true, creation order differs from incident-number order (late-arriving incidents). */
	outOfOrder?: boolean;
	/** Inclusive range of alerts per incident (default [1, 3]). */
	alertsPerIncident?: [number, number];
}

export interface GeneratedComment {
	author: SentinelUser;
	message: string;
	createdTimeUtc: string;
}

export interface GeneratedIncident {
	seed: Partial<IncidentSeed>;
	comments: GeneratedComment[];
}

const MINUTE = 60_000;

const CLOSE_OUTCOMES: ReadonlyArray<readonly [[IncidentClassification, IncidentClassificationReason | undefined, string], number]> = [
	[['TruePositive', 'SuspiciousActivity', 'Confirmed malicious; account reset and host reimaged.'], 40],
	[['BenignPositive', 'SuspiciousButExpected', 'Expected activity by the IT admin team (change CHG0041872).'], 25],
	[['FalsePositive', 'IncorrectAlertLogic', 'Rule threshold too low for this workload; tuning requested.'], 20],
	[['FalsePositive', 'InaccurateData', 'Source data was duplicated by a connector glitch.'], 10],
	[['Undetermined', undefined, 'Not enough data to decide.'], 5],
];

const ANALYST_NOTES = [
	'Looking into this now.',
	'User confirmed they were travelling; checking the device compliance state.',
	'Isolated the device pending investigation.',
	'Escalated to tier 2, see the linked ticket.',
	'Reset the password and revoked refresh tokens.',
	'No further activity from the source IP in the last 24 hours.',
];

/**
 * Realistic, deterministic incidents for one workspace: same seed number → same sequence of titles, alerts,
 * entities, owners, statuses (times are relative to "now").
 */
export class IncidentGenerator {
	private readonly rng: SeededRandom;

	constructor(
		seed: number,
		private readonly workspace: WorkspaceInfo,
	) {
		this.rng = new SeededRandom(seed);
	}

	incidents(count: number, options: SeedOptions = {}, now = new Date()): GeneratedIncident[] {
		const within = options.createdWithinMinutes ?? 24 * 60;
		const times = Array.from({ length: count }, () => now.getTime() - Math.floor(this.rng.next() * within * MINUTE)).sort((a, b) => a - b);
		if (options.outOfOrder) this.perturb(times);
		return times.map((created) => this.incident(new Date(created), options.alertsPerIncident ?? [1, 3], now));
	}

	/** Fills the gaps of a partial alert; `scheduledRule` or `productName` steer which scenario is used. */
	completeAlert(partial: Partial<AlertSeed>, around: Date, incidentStatus: IncidentStatus = 'New'): AlertSeed {
		const scenario = this.scenarioFor(partial);
		const start = new Date(around.getTime() - this.rng.int(5, 90) * MINUTE);
		const end = new Date(Math.min(around.getTime(), start.getTime() + this.rng.int(1, 30) * MINUTE));
		const cast = castAlert(this.rng);
		const entities = partial.entities ?? scenario.entityKinds.map((kind) => buildEntity(kind, cast, start, this.workspace.subscriptionId));
		const rule = scenario.scheduledRule ? findScheduledRule(scenario.scheduledRule) : undefined;
		const timeGenerated = partial.timeGenerated ?? new Date(end.getTime() + this.rng.int(1, 5) * MINUTE).toISOString();
		return {
			systemAlertId: partial.systemAlertId ?? this.rng.guid(),
			displayName: partial.displayName ?? scenario.displayName,
			alertType: partial.alertType ?? (rule ? `${this.workspace.customerId}_${rule.ruleId}` : scenario.alertType),
			description: partial.description ?? scenario.description,
			severity: partial.severity ?? this.jitterSeverity(scenario.severity),
			status: partial.status ?? (incidentStatus === 'Closed' ? 'Resolved' : incidentStatus === 'Active' ? 'InProgress' : 'New'),
			productName: partial.productName ?? scenario.productName,
			productComponentName: partial.productComponentName ?? scenario.productComponentName ?? '',
			tactics: partial.tactics ?? scenario.tactics,
			compromisedEntity: partial.compromisedEntity ?? compromisedEntity(scenario.entityKinds, cast),
			startTimeUtc: partial.startTimeUtc ?? start.toISOString(),
			endTimeUtc: partial.endTimeUtc ?? end.toISOString(),
			timeGenerated,
			remediationSteps: partial.remediationSteps ?? scenario.remediationSteps,
			additionalData: partial.additionalData ?? (rule ? this.scheduledAdditionalData(rule, new Date(timeGenerated)) : this.productAdditionalData(new Date(timeGenerated))),
			scheduledRule: partial.scheduledRule ?? scenario.scheduledRule ?? '',
			entities,
		};
	}

	private incident(created: Date, alertRange: [number, number], now: Date): GeneratedIncident {
		const first = this.pickScenario();
		const alertCount = this.rng.int(alertRange[0], Math.max(alertRange[0], alertRange[1]));
		const scenarios = [first];
		for (let i = 1; i < alertCount; i++) {
			// Correlated incidents mostly stay within one provider family (Sentinel rules vs Defender XDR).
			const sameFamily = ALERT_SCENARIOS.filter((s) => s.providerFamily === first.providerFamily);
			scenarios.push(this.rng.chance(0.8) ? this.rng.pick(sameFamily) : this.pickScenario());
		}
		const status = this.rng.weighted<IncidentStatus>([['New', 50], ['Active', 30], ['Closed', 20]]);
		const alerts = scenarios.map((scenario) =>
			this.completeAlert({ scheduledRule: scenario.scheduledRule, productName: scenario.productName, displayName: scenario.displayName }, created, status),
		);
		const severity = highestSeverity(alerts.map((alert) => alert.severity));
		const firstActivity = new Date(Math.min(...alerts.map((alert) => Date.parse(alert.startTimeUtc))));
		const lastActivity = new Date(Math.max(...alerts.map((alert) => Date.parse(alert.endTimeUtc))));
		const touched = status !== 'New' || this.rng.chance(0.15);
		const owner = touched ? this.rng.pick(ANALYSTS) : undefined;
		const lastModified = status === 'New' ? created : new Date(Math.min(now.getTime(), created.getTime() + this.rng.int(5, 240) * MINUTE));
		const xdr = first.providerFamily === 'xdr';
		const rules = alerts.map((alert) => (alert.scheduledRule ? findScheduledRule(alert.scheduledRule) : undefined)).filter((rule): rule is ScheduledRule => !!rule);

		const seed: Partial<IncidentSeed> = {
			name: this.rng.guid(),
			title: alertCount > 1 && xdr ? `Multi-stage incident involving ${describeTactics(alerts.flatMap((alert) => alert.tactics))}` : alerts[0].displayName,
			severity,
			status,
			description: alerts[0].description,
			ownerObjectId: owner?.objectId ?? null,
			labels: this.rng.chance(0.25) ? [{ labelName: this.rng.pick(LABELS), labelType: 'AutoAssigned' }] : [],
			firstActivityTimeUtc: firstActivity.toISOString(),
			lastActivityTimeUtc: lastActivity.toISOString(),
			createdTimeUtc: created.toISOString(),
			lastModifiedTimeUtc: lastModified.toISOString(),
			providerName: xdr ? 'Microsoft XDR' : 'Azure Sentinel',
			providerIncidentUrl: '',
			relatedAnalyticRuleIds: [...new Set(rules.map((rule) => `${this.workspace.armId}/providers/Microsoft.SecurityInsights/alertRules/${rule.ruleId}`))],
			alerts,
		};
		if (status === 'Closed') {
			const [classification, reason, comment] = this.rng.weighted(CLOSE_OUTCOMES);
			seed.classification = classification;
			if (reason) seed.classificationReason = reason;
			seed.classificationComment = comment;
		}
		const comments: GeneratedComment[] = [];
		if (owner && status !== 'New') {
			const commentCount = this.rng.int(0, 2);
			for (let i = 0; i < commentCount; i++) {
				const at = created.getTime() + ((lastModified.getTime() - created.getTime()) * (i + 1)) / (commentCount + 1);
				comments.push({ author: owner, message: this.rng.pick(ANALYST_NOTES), createdTimeUtc: new Date(at).toISOString() });
			}
		}
		return { seed: stripUndefined(seed), comments };
	}

	private pickScenario(): AlertScenario {
		return this.rng.weighted(ALERT_SCENARIOS.map((scenario) => [scenario, scenarioWeight(scenario)] as const));
	}

	private scenarioFor(partial: Partial<AlertSeed>): AlertScenario {
		if (partial.scheduledRule) {
			const match = ALERT_SCENARIOS.find((s) => s.scheduledRule === partial.scheduledRule);
			if (!match) throw new Error(`Unknown scheduled rule '${partial.scheduledRule}'`);
			return match;
		}
		if (partial.productName) {
			const candidates = ALERT_SCENARIOS.filter(
				(s) => s.productName === partial.productName && (!partial.displayName || s.displayName === partial.displayName),
			);
			if (candidates.length) return this.rng.pick(candidates);
			const sameProduct = ALERT_SCENARIOS.filter((s) => s.productName === partial.productName);
			if (sameProduct.length) return this.rng.pick(sameProduct);
		}
		return this.pickScenario();
	}

	private jitterSeverity(base: IncidentSeverity): IncidentSeverity {
		if (!this.rng.chance(0.2)) return base;
		const index = SEVERITIES.indexOf(base) + (this.rng.chance(0.5) ? -1 : 1);
		return SEVERITIES[Math.min(SEVERITIES.length - 1, Math.max(0, index))];
	}

	/** The string-valued bag scheduled analytics alerts carry (wire-microsoft.md §1.9). */
	private scheduledAdditionalData(rule: ScheduledRule, generated: Date): Record<string, string> {
		const end = new Date(generated.getTime() - this.rng.int(1, 4) * MINUTE);
		const start = new Date(end.getTime() - timespanMs(rule.queryPeriod));
		const data: Record<string, string> = {
			'Query Period': rule.queryPeriod,
			'Trigger Operator': rule.triggerOperator,
			'Trigger Threshold': String(rule.triggerThreshold),
			'Query Start Time UTC': spacedUtc(start),
			'Query End Time UTC': spacedUtc(end),
			'Analytic Rule Ids': JSON.stringify([rule.ruleId]),
			'Analytic Rule Name': rule.ruleName,
			'Data Sources': JSON.stringify(rule.tables),
			'Search Query Results Overall Count': String(this.rng.int(rule.triggerThreshold + 1, 60)),
			'Correlation Id': this.rng.guid(),
			ProcessedBySentinel: 'True',
			AlertMessageEnqueueTime: new Date(generated.getTime() + 4000).toISOString(),
		};
		// Newer alerts pin the evaluation time in the query text and keep the rule's text as OriginalQuery.
		if (this.rng.chance(0.5)) {
			data.Query = `set query_now = datetime(${end.toISOString()});\n${rule.query}`;
			data.OriginalQuery = rule.query;
			data['Event Grouping'] = 'SingleAlert';
		} else {
			data.Query = rule.query;
			data['Query Results Aggregation Kind'] = 'SingleAlert';
		}
		return data;
	}

	private productAdditionalData(generated: Date): Record<string, string> {
		return { AlertMessageEnqueueTime: new Date(generated.getTime() + 3000).toISOString() };
	}

	/** Late-arriving incidents: swap some neighbours so number order ≠ creation order. */
	private perturb(times: number[]): void {
		for (let i = 0; i < times.length - 1; i++) {
			if (!this.rng.chance(0.3)) continue;
			const j = Math.min(times.length - 1, i + this.rng.int(1, 3));
			[times[i], times[j]] = [times[j], times[i]];
		}
	}
}

function highestSeverity(severities: IncidentSeverity[]): IncidentSeverity {
	return SEVERITIES.find((severity) => severities.includes(severity)) ?? 'Medium';
}

const TACTIC_LABELS: Partial<Record<AttackTactic, string>> = {
	InitialAccess: 'Initial access',
	CredentialAccess: 'Credential access',
	DefenseEvasion: 'Defense evasion',
	PrivilegeEscalation: 'Privilege escalation',
	LateralMovement: 'Lateral movement',
	CommandAndControl: 'Command and control',
};

function describeTactics(tactics: AttackTactic[]): string {
	const unique = [...new Set(tactics)].slice(0, 3).map((t) => TACTIC_LABELS[t] ?? t);
	if (unique.length <= 1) return `${unique[0] ?? 'Execution'} on one endpoint`;
	return `${unique.slice(0, -1).join(', ')} & ${unique[unique.length - 1]}`;
}

/** .NET timespan `d.hh:mm:ss` or `hh:mm:ss` → milliseconds. */
export function timespanMs(span: string): number {
	const match = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(span);
	if (!match) throw new Error(`Bad timespan '${span}'`);
	const [, days, hours, minutes, seconds] = match;
	return (((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

function stripUndefined<T extends object>(value: T): T {
	for (const key of Object.keys(value) as Array<keyof T>) {
		if (value[key] === undefined) delete value[key];
	}
	return value;
}
