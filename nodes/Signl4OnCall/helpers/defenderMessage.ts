/**
 * Builds a Signl (title, text, parameter tiles) from a Microsoft Defender XDR incident (with its alerts) or alert, as
 * the Microsoft Graph security API returns them and the Defender XDR nodes emit them. Pure, like `message.ts`, whose
 * text rules it shares: phone-sized, the facts first (severity, what, who owns it, which products saw it, MITRE),
 * then the evidence grouped the way an engineer looks for it (accounts, devices, IPs, files, mailboxes, URLs), the
 * alerts, the description, and the portal link last but always present.
 */
import { defenderKindOf } from '../../shared/defender/externalId';
import { cleanText, listLine, oneLine, truncate, MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, type BuiltSignl } from './message';

type Json = Record<string, unknown>;

const MAX_DESCRIPTION_LENGTH = 1_500;
const MAX_ALERT_LINES = 8;

/** Graph's `serviceSource` members (CSDL `microsoft.graph.security.serviceSource`) as the Defender portal names them. */
export const SERVICE_SOURCE_NAMES: Record<string, string> = {
	microsoftDefenderForEndpoint: 'Defender for Endpoint',
	microsoftDefenderForIdentity: 'Defender for Identity',
	microsoftDefenderForCloudApps: 'Defender for Cloud Apps',
	microsoftDefenderForOffice365: 'Defender for Office 365',
	microsoft365Defender: 'Microsoft Defender XDR',
	azureAdIdentityProtection: 'Entra ID Protection',
	microsoftAppGovernance: 'App Governance',
	dataLossPrevention: 'Data Loss Prevention',
	microsoftDefenderForCloud: 'Defender for Cloud',
	microsoftSentinel: 'Microsoft Sentinel',
	microsoftInsiderRiskManagement: 'Insider Risk Management',
	microsoftThreatIntelligence: 'Microsoft Threat Intelligence',
	microsoftSecurityForAI: 'Microsoft Security for AI',
};

function str(value: unknown): string | undefined {
	if (typeof value === 'string') return oneLine(value) || undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

function arr(value: unknown): unknown[] {
	return Array.isArray(value) ? value : [];
}

function obj(value: unknown): Json {
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

function unique(values: Array<string | undefined>): string[] {
	return [...new Set(values.filter((v): v is string => !!v))];
}

/** Graph's camelCase enum member as a word: `high` → `High`, `inProgress` → `In progress`. */
export function enumText(value: unknown): string | undefined {
	const text = str(value);
	if (!text) return undefined;
	const words = text.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
	return words.charAt(0).toUpperCase() + words.slice(1);
}

export function serviceSourceName(value: unknown): string | undefined {
	const text = str(value);
	if (!text || text === 'unknown' || text === 'unknownFutureValue') return undefined;
	return SERVICE_SOURCE_NAMES[text] ?? enumText(text);
}

/** The alerts an item carries: an incident's `alerts` (with `$expand=alerts`), or the alert itself. */
function alertsOf(item: Json): Json[] {
	return defenderKindOf(item) === 'alert' ? [item] : arr(item.alerts).map(obj);
}

function evidenceKind(evidence: Json): string {
	const type = str(evidence['@odata.type']) ?? '';
	return type.replace(/^#?microsoft\.graph\.security\./, '');
}

/** Evidence of all the alerts, grouped as the engineer looks for it; each list deduplicated. */
export function evidenceLines(alerts: Json[]): string[] {
	const groups = { accounts: [] as Array<string | undefined>, devices: [] as Array<string | undefined>, ips: [] as Array<string | undefined>, files: [] as Array<string | undefined>, mailboxes: [] as Array<string | undefined>, urls: [] as Array<string | undefined>, processes: [] as Array<string | undefined> };
	const accountName = (account: Json) =>
		str(account.userPrincipalName) ?? (str(account.accountName) && str(account.domainName) ? `${str(account.domainName)}\\${str(account.accountName)}` : (str(account.accountName) ?? str(account.displayName)));
	for (const alert of alerts) {
		for (const entry of arr(alert.evidence)) {
			const evidence = obj(entry);
			switch (evidenceKind(evidence)) {
				case 'userEvidence':
					groups.accounts.push(accountName(obj(evidence.userAccount)));
					break;
				case 'deviceEvidence':
					groups.devices.push(str(evidence.deviceDnsName) ?? str(evidence.hostName));
					break;
				case 'ipEvidence': {
					const address = str(evidence.ipAddress);
					const country = str(evidence.countryLetterCode);
					groups.ips.push(address && country ? `${address} (${country})` : address);
					break;
				}
				case 'fileEvidence':
					groups.files.push(str(obj(evidence.fileDetails).fileName));
					break;
				case 'processEvidence':
					groups.processes.push(str(obj(evidence.imageFile).fileName));
					break;
				case 'mailboxEvidence':
					groups.mailboxes.push(str(evidence.primaryAddress) ?? str(evidence.upn) ?? str(evidence.displayName));
					break;
				case 'analyzedMessageEvidence':
					groups.mailboxes.push(str(evidence.recipientEmailAddress));
					break;
				case 'urlEvidence':
					groups.urls.push(str(evidence.url));
					break;
				default:
					break;
			}
		}
	}
	const lines: string[] = [];
	const add = (label: string, values: Array<string | undefined>, max?: number) => {
		const kept = unique(values);
		if (kept.length) lines.push(`${label}: ${listLine(kept, max)}`);
	};
	add('Accounts', groups.accounts);
	add('Devices', groups.devices);
	add('IPs', groups.ips);
	add('Files', groups.files);
	add('Processes', groups.processes);
	add('Mailboxes', groups.mailboxes);
	add('URLs', groups.urls, 3);
	return lines;
}

function alertLines(alerts: Json[]): string[] {
	const lines = alerts.slice(0, MAX_ALERT_LINES).map((alert) => {
		const details = [enumText(alert.severity), serviceSourceName(alert.serviceSource)].filter(Boolean).join(', ');
		return `- ${str(alert.title) ?? 'Alert'}${details ? ` (${details})` : ''}`;
	});
	if (alerts.length > MAX_ALERT_LINES) lines.push(`- … and ${alerts.length - MAX_ALERT_LINES} more`);
	return lines;
}

function sourcesOf(alerts: Json[]): string[] {
	return unique(alerts.map((alert) => serviceSourceName(alert.serviceSource)));
}

function techniquesOf(alerts: Json[]): string[] {
	return unique(alerts.flatMap((alert) => arr(alert.mitreTechniques).map(str)));
}

/** The portal page of the item itself: an alert's own page, not its incident's. */
function portalOf(item: Json): string | undefined {
	if (str(item.portalUrl)) return str(item.portalUrl);
	return defenderKindOf(item) === 'alert' ? (str(item.alertWebUrl) ?? str(item.incidentWebUrl)) : str(item.incidentWebUrl);
}

export function buildDefenderTitle(item: Json): string {
	const severity = enumText(item.severity);
	const head = severity ? `[${severity}] ` : '';
	if (defenderKindOf(item) === 'alert') {
		const source = serviceSourceName(item.serviceSource) ?? 'Defender XDR';
		return truncate(`${head}${source}: ${str(item.title) ?? 'Untitled alert'}`, MAX_TITLE_LENGTH);
	}
	const id = str(item.id);
	return truncate(`${head}Defender XDR${id ? ` #${id}` : ''}: ${str(item.displayName) ?? 'Untitled incident'}`, MAX_TITLE_LENGTH);
}

export function buildDefenderText(item: Json): string {
	const kind = defenderKindOf(item) ?? 'incident';
	const alerts = alertsOf(item);
	const severity = enumText(item.severity);
	const status = enumText(item.status);
	const headline = [
		severity ? `${severity} severity` : undefined,
		kind === 'alert' ? 'Defender XDR alert' : `Defender XDR incident${str(item.id) ? ` #${str(item.id)}` : ''}`,
		status ? `(${status})` : undefined,
	]
		.filter(Boolean)
		.join(' ');
	const facts = [headline, `Assigned to: ${str(item.assignedTo) ?? 'Unassigned'}`];
	const sources = sourcesOf(alerts);
	if (sources.length) facts.push(`Sources: ${listLine(sources)}`);
	const categories = unique([str(item.category), ...alerts.map((alert) => str(alert.category))]);
	if (categories.length) facts.push(`Categories: ${listLine(categories)}`);
	const techniques = techniquesOf(alerts);
	if (techniques.length) facts.push(`MITRE: ${listLine(techniques)}`);
	if (kind === 'alert' && str(item.incidentId)) facts.push(`Incident: #${str(item.incidentId)}`);

	const sections = [facts.join('\n')];
	const evidence = evidenceLines(alerts);
	if (evidence.length) sections.push(evidence.join('\n'));
	if (kind === 'incident' && alerts.length) sections.push([`Alerts (${alerts.length}):`, ...alertLines(alerts)].join('\n'));
	const description = typeof item.description === 'string' ? cleanText(item.description).trim() : '';
	if (description) sections.push(`Description:\n${truncate(description, MAX_DESCRIPTION_LENGTH)}`);
	const portal = portalOf(item);
	if (portal) sections.push(`Open in Microsoft Defender: ${portal}`);
	return truncate(sections.join('\n\n'), MAX_TEXT_LENGTH);
}

/** Parameter tiles; names avoid dots and the keys SIGNL4 reads the title or text from (see `buildParameters`). */
export function buildDefenderParameters(item: Json): Record<string, string> {
	const kind = defenderKindOf(item) ?? 'incident';
	const alerts = alertsOf(item);
	const parameters: Record<string, string> = {};
	const set = (name: string, value: string | undefined) => {
		if (value) parameters[name] = value;
	};
	set(kind === 'alert' ? 'Defender Alert' : 'Defender Incident', str(item.id) ? (kind === 'alert' ? str(item.id) : `#${str(item.id)}`) : undefined);
	set('Severity', enumText(item.severity));
	set('Status', enumText(item.status));
	set('Assigned To', str(item.assignedTo) ?? 'Unassigned');
	set('Sources', listLine(sourcesOf(alerts)) || undefined);
	set('MITRE', listLine(techniquesOf(alerts)) || undefined);
	set('Tenant', str(item.tenantId));
	set('Portal', portalOf(item));
	return parameters;
}

export function buildDefenderSignl(item: Json): BuiltSignl {
	return { title: buildDefenderTitle(item), text: buildDefenderText(item), parameters: buildDefenderParameters(item) };
}
