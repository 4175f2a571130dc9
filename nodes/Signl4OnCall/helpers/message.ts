/**
 * Builds a Signl (title, text, parameter tiles) from an item shaped like the Microsoft Sentinel Trigger's output,
 * optionally enriched by the Azure Log Analytics node (`enrichment.summary`). Pure functions: no n8n context, so the
 * exact text is unit-tested.
 *
 * The text is written for a phone screen: the facts an on-call engineer needs to decide "is this mine, is it real,
 * where do I look" come first (severity, number, title, owner, products, tactics, key entities), then the alerts,
 * the description, the enrichment summary, and the portal link last but always present.
 */

type Json = Record<string, unknown>;

export const MAX_TITLE_LENGTH = 200;
/** SIGNL4 documents no text limit; third-party clients cap at 32 KB. Stay well below and keep it readable. */
export const MAX_TEXT_LENGTH = 20_000;
const MAX_DESCRIPTION_LENGTH = 1_500;
const MAX_LIST_ENTRIES = 5;
const MAX_ALERT_LINES = 8;

export interface BuiltSignl {
	title: string;
	text: string;
	/** Parameter tiles shown in the app (name → value). */
	parameters: Record<string, string>;
}

/** Bidi embeddings, overrides and isolates: they make text display in another order ("invoice\u202Efdp.exe"). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text from an item as a Signl can carry it: a lone UTF-16 surrogate (half a character, which SIGNL4 and phones show
 * as garbage or refuse) becomes U+FFFD, and bidi and control characters are removed. Everything else — quotes, `|`,
 * Markdown, HTML — is kept as written: a Signl is plain text.
 */
export function cleanText(value: string): string {
	return withoutControlCharacters(value.replace(LONE_SURROGATES, '\uFFFD').replace(BIDI_CONTROLS, ''));
}

/** Removes C0 and C1 control characters except tab and the line breaks (which the callers decide about). */
function withoutControlCharacters(value: string): string {
	let kept = '';
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if (code <= 0x08 || (code >= 0x0e && code <= 0x1f) || (code >= 0x7f && code <= 0x9f)) continue;
		kept += value[i];
	}
	return kept;
}

/** `cleanText` on one line: line breaks and other white space collapse to one space, so a value cannot forge a line. */
export function oneLine(value: string): string {
	return cleanText(value).replace(/\s+/g, ' ').trim();
}

/** A single-line field. */
function str(value: unknown): string | undefined {
	if (typeof value === 'string') return oneLine(value) || undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** A field whose line breaks mean something (the description). */
function paragraphs(value: unknown): string | undefined {
	return typeof value === 'string' ? cleanText(value).trim() || undefined : undefined;
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

/** "a, b, c (+4 more)" */
export function listLine(values: string[], max = MAX_LIST_ENTRIES): string {
	if (values.length <= max) return values.join(', ');
	return `${values.slice(0, max).join(', ')} (+${values.length - max} more)`;
}

interface GraphemeSegmenter {
	segment(text: string): Iterable<{ index: number }>;
}

/** Grapheme clusters as the user sees characters (Node's full ICU has it; without it, cuts are only code-point safe). */
const graphemes: GraphemeSegmenter | undefined = (() => {
	const Segmenter = (Intl as unknown as { Segmenter?: new (locale?: string, options?: { granularity: 'grapheme' }) => GraphemeSegmenter }).Segmenter;
	return Segmenter ? new Segmenter(undefined, { granularity: 'grapheme' }) : undefined;
})();

/**
 * The largest index ≤ `limit` where `text` can be cut without splitting a character: never between the two halves of
 * a surrogate pair and, with grapheme segmentation, never inside a cluster (an emoji with ZWJ or skin tone, a flag,
 * a letter and its accent).
 */
export function safeCut(text: string, limit: number, segmenter: GraphemeSegmenter | undefined = graphemes): number {
	if (limit >= text.length) return text.length;
	if (limit <= 0) return 0;
	if (segmenter) {
		let cut = 0;
		// Whether a position is a boundary depends on what precedes it and the next character: a short look-ahead is enough.
		for (const { index } of segmenter.segment(text.slice(0, limit + 64))) {
			if (index > limit) break;
			cut = index;
		}
		return cut;
	}
	const low = text.charCodeAt(limit);
	const high = text.charCodeAt(limit - 1);
	return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff ? limit - 1 : limit;
}

/** Cuts `text` to at most `max` UTF-16 units with a note saying how many characters (code points) were left out. */
export function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	const note = (count: number) => ` … (${count} more characters)`;
	// Room for the longest note this text can need, so the result never exceeds `max`.
	const kept = text.slice(0, safeCut(text, Math.max(0, max - note(text.length).length))).trimEnd();
	return kept + note(Array.from(text.slice(kept.length)).length);
}

/** True when the item looks like an incident from this package's Sentinel nodes. */
export function isSentinelIncident(item: Json): boolean {
	return typeof item.incidentName === 'string' && (typeof item.title === 'string' || item.incidentNumber !== undefined);
}

export function buildTitle(item: Json): string {
	const severity = str(item.severity);
	const number = str(item.incidentNumber);
	const title = str(item.title) ?? 'Untitled incident';
	const head = [severity ? `[${severity}]` : undefined, number ? `Sentinel #${number}:` : 'Sentinel:'].filter(Boolean).join(' ');
	return truncate(`${head} ${title}`, MAX_TITLE_LENGTH);
}

function ownerText(item: Json): string {
	const owner = str(item.owner);
	const email = str(item.ownerEmail) ?? str(item.ownerUpn);
	if (!owner && !email) return 'Unassigned';
	if (owner && email && owner.toLowerCase() !== email.toLowerCase()) return `${owner} (${email})`;
	return (owner ?? email) as string;
}

function entityLines(entities: Json): string[] {
	const lines: string[] = [];
	const accounts = unique(
		arr(entities.accounts).map((a) => {
			const account = obj(a);
			return str(account.upn) ?? str(account.name) ?? str(account.displayName);
		}),
	);
	const hosts = unique(arr(entities.hosts).map((h) => str(obj(h).fqdn) ?? str(obj(h).hostName)));
	const ips = unique(
		arr(entities.ips).map((i) => {
			const ip = obj(i);
			const address = str(ip.address);
			const where = str(ip.country);
			return address && where ? `${address} (${where})` : address;
		}),
	);
	const urls = unique(arr(entities.urls).map((u) => str(obj(u).url)));
	const files = unique(arr(entities.files).map((f) => str(obj(f).name)));
	const mailboxes = unique(arr(entities.mailboxes).map((m) => str(obj(m).address)));
	if (accounts.length) lines.push(`Accounts: ${listLine(accounts)}`);
	if (hosts.length) lines.push(`Hosts: ${listLine(hosts)}`);
	if (ips.length) lines.push(`IPs: ${listLine(ips)}`);
	if (urls.length) lines.push(`URLs: ${listLine(urls, 3)}`);
	if (files.length) lines.push(`Files: ${listLine(files)}`);
	if (mailboxes.length) lines.push(`Mailboxes: ${listLine(mailboxes)}`);
	return lines;
}

function alertLines(alerts: unknown[]): string[] {
	const lines = alerts.slice(0, MAX_ALERT_LINES).map((a) => {
		const alert = obj(a);
		const name = str(alert.displayName) ?? str(alert.alertName) ?? 'Alert';
		const details = [str(alert.severity), str(alert.productName)].filter(Boolean).join(', ');
		return `- ${name}${details ? ` (${details})` : ''}`;
	});
	if (alerts.length > MAX_ALERT_LINES) lines.push(`- … and ${alerts.length - MAX_ALERT_LINES} more`);
	return lines;
}

/** The enrichment summary exactly as the Log Analytics node wrote it, if the item has one. */
export function enrichmentSummary(item: Json): string | undefined {
	const enrichment = obj(item.enrichment);
	return typeof enrichment.summary === 'string' && enrichment.summary.trim() ? cleanText(enrichment.summary).replace(/\s+$/, '') : undefined;
}

export function buildText(item: Json): string {
	const severity = str(item.severity);
	const number = str(item.incidentNumber);
	const status = str(item.status);
	const workspace = obj(item.workspace);
	const workspaceName = str(workspace.name);
	const headline = [
		severity ? `${severity} severity` : 'Sentinel',
		number ? `incident #${number}` : 'incident',
		workspaceName ? `in ${workspaceName}` : undefined,
		status ? `(${status})` : undefined,
	]
		.filter(Boolean)
		.join(' ');

	// The title is the Signl's own title; the text starts with what the title cannot hold.
	const facts: string[] = [headline, `Owner: ${ownerText(item)}`];
	const products = unique(arr(item.alertProducts).map(str));
	const productsLine = products.length ? products : unique(arr(obj(item.entities).products).map(str));
	if (productsLine.length) facts.push(`Products: ${listLine(productsLine)}`);
	const tactics = unique(arr(item.tactics).map(str));
	if (tactics.length) facts.push(`Tactics: ${listLine(tactics)}`);
	const entities = entityLines(obj(item.entities));

	const sections: string[] = [facts.join('\n')];
	if (entities.length) sections.push(entities.join('\n'));
	const alerts = arr(item.alerts);
	const alertCount = typeof item.alertCount === 'number' ? item.alertCount : alerts.length;
	if (alerts.length) sections.push([`Alerts (${Math.max(alertCount, alerts.length)}):`, ...alertLines(alerts)].join('\n'));
	else if (alertCount) sections.push(`Alerts: ${alertCount}`);
	if (item.detailsDeferred === true) {
		sections.push('Paged in a storm before its alerts and entities were read: the evidence follows as an annotation.');
	}
	const description = paragraphs(item.description);
	if (description) sections.push(`Description:\n${truncate(description, MAX_DESCRIPTION_LENGTH)}`);

	const portal = str(item.portalUrl);
	const footer = portal ? `Open in Sentinel: ${portal}` : undefined;
	const summary = enrichmentSummary(item);
	if (summary) {
		// The enrichment gets whatever the rest leaves of the budget, so the portal link always survives.
		const used = sections.join('\n\n').length + (footer ? footer.length + 2 : 0) + 'Evidence (Log Analytics):\n'.length + 4;
		sections.push(`Evidence (Log Analytics):\n${truncate(summary, Math.max(200, MAX_TEXT_LENGTH - used))}`);
	}
	if (footer) sections.push(footer);
	return truncate(sections.join('\n\n'), MAX_TEXT_LENGTH);
}

/**
 * The evidence of an incident as one annotation (SIGNL4 keeps annotations short: at most `maxLength`): its entities,
 * its alerts and the Log Analytics summary, as Send would have put them in the Signl. For an incident paged before
 * its details were read (a storm with "Page First, Details After"); undefined when the item has no evidence.
 */
export function buildEvidenceAnnotation(item: Json, maxLength: number): string | undefined {
	const sections: string[] = [];
	const entities = entityLines(obj(item.entities));
	if (entities.length) sections.push(entities.join('\n'));
	const alerts = arr(item.alerts);
	if (alerts.length) sections.push([`Alerts (${alerts.length}):`, ...alertLines(alerts)].join('\n'));
	const head = `Evidence for Sentinel #${str(item.incidentNumber) ?? '?'}:`;
	const summary = enrichmentSummary(item);
	if (summary) {
		const used = head.length + sections.join('\n\n').length + 'Log Analytics:\n'.length + 6;
		sections.push(`Log Analytics:\n${truncate(summary, Math.max(200, maxLength - used))}`);
	}
	if (!sections.length) return undefined;
	return truncate([head, ...sections].join('\n\n'), maxLength);
}

/**
 * Parameter tiles for the incident. Names avoid dots (SIGNL4 reads them as nesting) and the keys SIGNL4 takes the
 * title or text from (Title, Subject, Job, Task, Case, Incident; Text, Message, Description, Body, Content), hence
 * "Incident Number" rather than "Incident".
 */
export function buildParameters(item: Json): Record<string, string> {
	const parameters: Record<string, string> = {};
	const set = (name: string, value: string | undefined) => {
		if (value) parameters[name] = value;
	};
	set('Incident Number', str(item.incidentNumber) ? `#${str(item.incidentNumber)}` : undefined);
	set('Severity', str(item.severity));
	set('Status', str(item.status));
	set('Owner', ownerText(item));
	const workspace = obj(item.workspace);
	set('Workspace', str(workspace.resourceGroup) && str(workspace.name) ? `${str(workspace.resourceGroup)}/${str(workspace.name)}` : str(workspace.name));
	set('Products', listLine(unique(arr(item.alertProducts).map(str))) || undefined);
	set('Tactics', listLine(unique(arr(item.tactics).map(str))) || undefined);
	set('Portal', str(item.portalUrl));
	return parameters;
}

export function buildSignl(item: Json): BuiltSignl {
	return { title: buildTitle(item), text: buildText(item), parameters: buildParameters(item) };
}
