// Parsing of SIGNL4 inbound webhook bodies (docs/wire-signl4.md §1.2–1.4): JSON (also without a Content-Type),
// form, multipart with attachments, plain text and XML; nested objects flattened with dots; control parameters
// (`X-S4-*`) anywhere in the payload; title and text picked from SIGNL4's lists of key names.

export interface InboundAttachment {
	name: string;
	contentType: string;
	data: Buffer;
}

export interface ParsedPayload {
	/** Flattened fields in payload order (name → text). */
	fields: Array<[string, string]>;
	attachments: InboundAttachment[];
	/** What the body was parsed as. */
	format: 'json' | 'form' | 'multipart' | 'text' | 'xml' | 'empty';
}

export class PayloadError extends Error {}

const TITLE_KEYS = ['title', 'subject', 'x-s4-subject', 'job', 'task', 'case', 'incident'];
const TEXT_KEYS = ['text', 'message', 'messagetext', 'description', 'body', 'content'];

function scalarText(value: unknown): string | undefined {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return undefined;
}

export function flatten(value: unknown, prefix = '', out: Array<[string, string]> = []): Array<[string, string]> {
	if (Array.isArray(value)) {
		value.forEach((entry, index) => flatten(entry, prefix ? `${prefix}.${index}` : String(index), out));
	} else if (value && typeof value === 'object') {
		for (const [key, entry] of Object.entries(value as Record<string, unknown>)) flatten(entry, prefix ? `${prefix}.${key}` : key, out);
	} else {
		const text = scalarText(value);
		if (text !== undefined && prefix) out.push([prefix, text]);
	}
	return out;
}

function parseMultipart(raw: Buffer, contentType: string): ParsedPayload {
	const boundaryMatch = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	if (!boundaryMatch) throw new PayloadError('multipart body without boundary');
	const boundary = Buffer.from(`--${(boundaryMatch[1] ?? boundaryMatch[2]).trim()}`);
	const fields: Array<[string, string]> = [];
	const attachments: InboundAttachment[] = [];
	let position = raw.indexOf(boundary);
	if (position < 0) throw new PayloadError('multipart boundary not found');
	let closed = false;
	while (position >= 0) {
		position += boundary.length;
		if (raw.subarray(position, position + 2).toString() === '--') {
			closed = true;
			break;
		}
		if (raw.subarray(position, position + 2).toString() === '\r\n') position += 2;
		const headerEnd = raw.indexOf('\r\n\r\n', position);
		if (headerEnd < 0) throw new PayloadError('multipart part without headers');
		const headers = raw.subarray(position, headerEnd).toString('utf8');
		const next = raw.indexOf(boundary, headerEnd + 4);
		if (next < 0) throw new PayloadError('multipart body not terminated');
		let content = raw.subarray(headerEnd + 4, next);
		if (content.subarray(content.length - 2).toString() === '\r\n') content = content.subarray(0, content.length - 2);
		const disposition = /content-disposition:\s*form-data;([^\r\n]*)/i.exec(headers);
		if (!disposition) throw new PayloadError('multipart part without form-data disposition');
		const name = /\bname="((?:[^"\\]|\\.)*)"/i.exec(disposition[1])?.[1]?.replace(/\\(.)/g, '$1') ?? '';
		const fileName = /\bfilename="((?:[^"\\]|\\.)*)"/i.exec(disposition[1])?.[1]?.replace(/\\(.)/g, '$1');
		const partType = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim().toLowerCase() ?? 'application/octet-stream';
		if (fileName !== undefined) {
			const base64 = /content-transfer-encoding:\s*base64/i.test(headers);
			attachments.push({ name: fileName, contentType: partType, data: base64 ? Buffer.from(content.toString('ascii'), 'base64') : Buffer.from(content) });
		} else if (name) {
			fields.push([name, content.toString('utf8')]);
		}
		position = next;
	}
	if (!closed) throw new PayloadError('multipart body not terminated');
	return { fields, attachments, format: 'multipart' };
}

/** Element tree of a small XML document, flattened to dotted paths (no attributes, namespaces or mixed content). */
function parseXml(text: string): Array<[string, string]> {
	const source = text.replace(/<\?xml[^>]*\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').trim();
	const tokens = source.match(/<\/?[A-Za-z_][\w.-]*[^>]*>|[^<]+/g);
	if (!tokens || !source.startsWith('<')) throw new PayloadError('body is not XML');
	const stack: Array<{ name: string; text: string; children: number }> = [];
	const out: Array<[string, string]> = [];
	let roots = 0;
	for (const token of tokens) {
		if (token.startsWith('</')) {
			const name = token.slice(2, -1).trim();
			const open = stack.pop();
			if (!open || open.name !== name) throw new PayloadError('XML tags do not match');
			if (open.children === 0 && stack.length > 0) out.push([stack.slice(1).map((e) => e.name).concat(name).join('.'), decodeXml(open.text.trim())]);
		} else if (token.startsWith('<')) {
			const name = /^<([A-Za-z_][\w.-]*)/.exec(token)?.[1] as string;
			if (stack.length === 0) roots++;
			if (stack.length) stack[stack.length - 1].children++;
			if (token.endsWith('/>')) {
				if (stack.length) out.push([stack.slice(1).map((e) => e.name).concat(name).join('.'), '']);
				continue;
			}
			stack.push({ name, text: '', children: 0 });
		} else if (stack.length) {
			stack[stack.length - 1].text += token;
		} else if (token.trim()) {
			throw new PayloadError('text outside the XML root element');
		}
	}
	if (stack.length || roots !== 1) throw new PayloadError('XML is not one closed root element');
	return out;
}

function decodeXml(text: string): string {
	return text
		.replace(/&lt;/g, '<')
		.replace(/&gt;/g, '>')
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&amp;/g, '&');
}

/** Plain text: the whole text is the message; `X-S4-…: value` lines are control parameters (as in e-mails). */
function parseText(text: string): Array<[string, string]> {
	const fields: Array<[string, string]> = [];
	const firstLine = text.split(/\r?\n/).find((line) => line.trim() && !/^X-S4-[\w-]+:/i.test(line.trim()));
	if (firstLine) fields.push(['Title', firstLine.trim()]);
	for (const line of text.split(/\r?\n/)) {
		const control = /^\s*(X-S4-[\w-]+)\s*:\s*(.*?)\s*$/i.exec(line);
		if (control) fields.push([control[1], control[2]]);
	}
	fields.push(['Message', text]);
	return fields;
}

export function parsePayload(raw: Buffer, contentTypeHeader: string | undefined): ParsedPayload {
	const contentType = (contentTypeHeader ?? '').toLowerCase();
	const text = () => raw.toString('utf8').replace(/^\uFEFF/, '');
	if (raw.length === 0) return { fields: [], attachments: [], format: 'empty' };
	if (contentType.startsWith('multipart/form-data')) return parseMultipart(raw, contentTypeHeader as string);
	if (contentType.startsWith('application/x-www-form-urlencoded')) {
		return { fields: [...new URLSearchParams(text())], attachments: [], format: 'form' };
	}
	if (contentType.includes('xml')) return { fields: parseXml(text()), attachments: [], format: 'xml' };
	const looksJson = /^\s*[[{]/.test(text());
	if (contentType.includes('json') || (!contentType && looksJson)) {
		let value: unknown;
		try {
			value = JSON.parse(text());
		} catch {
			throw new PayloadError('body is not valid JSON');
		}
		if (value === null || typeof value !== 'object') throw new PayloadError('JSON body must be an object or an array');
		return { fields: flatten(value), attachments: [], format: 'json' };
	}
	if (contentType.startsWith('text/') || !contentType) return { fields: parseText(text()), attachments: [], format: 'text' };
	throw new PayloadError(`content type ${contentType} is not supported`);
}

/** A control parameter anywhere in the payload (its own key or the last segment of a flattened key), case-insensitive. */
export function controlValue(fields: Array<[string, string]>, name: string): string | undefined {
	const wanted = name.toLowerCase();
	const match = fields.find(([key]) => key.toLowerCase() === wanted || key.toLowerCase().endsWith(`.${wanted}`));
	return match?.[1];
}

export interface SignlContent {
	title: string;
	text: string;
	parameters: Array<{ name: string; value: string }>;
}

/** Title and text by SIGNL4's key lists; without them the first string parameters are used (and removed). */
export function signlContent(fields: Array<[string, string]>): SignlContent {
	const remaining = [...fields];
	const take = (keys: string[]) => {
		for (const key of keys) {
			const index = remaining.findIndex(([name, value]) => name.toLowerCase() === key && value.trim() !== '');
			if (index >= 0) return remaining.splice(index, 1)[0][1];
		}
		return undefined;
	};
	let title = take(TITLE_KEYS);
	let text = take(TEXT_KEYS);
	const takeFirstPlain = () => {
		const index = remaining.findIndex(([name, value]) => !name.toLowerCase().startsWith('x-s4-') && value.trim() !== '');
		return index >= 0 ? remaining.splice(index, 1)[0][1] : undefined;
	};
	title ??= takeFirstPlain() ?? 'Signl';
	text ??= takeFirstPlain() ?? '';
	return { title, text, parameters: remaining.map(([name, value]) => ({ name, value })) };
}
