import type { LoggedRouteId, RouteId } from './route-ids';

export interface RecordedRequest {
	route: LoggedRouteId;
	method: string;
	/** Decoded path without query string; a path segment that is a secret (SIGNL4's team secret) reads `REDACTED`. */
	path: string;
	query: Record<string, string>;
	/** Request headers; `authorization` is redacted to its scheme, API keys and cookies to `[redacted]`. */
	headers: Record<string, string>;
	/** Parsed JSON; form bodies as their urlencoded text (secret values redacted); other text raw; `undefined` when empty. */
	body: unknown;
	/** Status answered; 0 when the connection was dropped by a fault. */
	status: number;
	/** ISO timestamp of arrival. */
	at: string;
	/** Set when a fault fired for this request: `status`, `latency`, `drop`, `lostResponse` or `expiredToken` (joined with `+`). */
	fault?: string;
	/** Ids of the faults that fired, as `faults.add` returned them. */
	faultIds?: string[];
}

export class RequestLog {
	readonly entries: RecordedRequest[] = [];

	record(entry: RecordedRequest): void {
		this.entries.push(entry);
	}

	count(route?: RouteId | 'unmatched'): number {
		if (!route) return this.entries.length;
		return this.entries.filter((entry) => entry.route === route).length;
	}

	/** Empties the array in place so references handed out earlier (`emulator.requests`) stay live. */
	clear(): void {
		this.entries.length = 0;
	}
}

/** Headers whose whole value is a secret. */
const SECRET_HEADERS = new Set(['x-s4-api-key', 'x-api-key', 'x-n8n-api-key', 'cookie', 'set-cookie']);
/** Route parameters that are secrets (SIGNL4's inbound webhook and events URLs end in the team secret). */
const SECRET_PARAMS = ['secret'];
/** Query and JSON keys whose values are secrets (compared in lower case). */
const SECRET_KEYS = new Set(['client_secret', 'client_assertion', 'clientsecret', 'access_token', 'refresh_token', 'password', 'apikey', 'api_key', 'teamsecret']);
export const REDACTED = 'REDACTED';

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		const text = Array.isArray(value) ? value.join(', ') : value;
		const lower = name.toLowerCase();
		if (lower === 'authorization' || lower === 'proxy-authorization') out[name] = `${text.split(' ')[0]} [redacted]`;
		else if (SECRET_HEADERS.has(lower)) out[name] = '[redacted]';
		else out[name] = redactUrlPasswords(text);
	}
	return out;
}

/** The decoded path with every segment that is a secret route parameter replaced by `REDACTED`. */
export function redactPath(rawPath: string, params: Record<string, string>): string {
	const secrets = SECRET_PARAMS.map((name) => params[name]).filter((value): value is string => typeof value === 'string' && value.length > 0);
	return rawPath
		.split('/')
		.map((segment) => {
			let decoded = segment;
			try {
				decoded = decodeURIComponent(segment);
			} catch {
				// keep the raw segment when it is not valid percent-encoding
			}
			return secrets.includes(decoded) ? REDACTED : decoded;
		})
		.join('/');
}

export function redactQuery(query: Record<string, string>): Record<string, string> {
	return Object.fromEntries(Object.entries(query).map(([key, value]) => [key, SECRET_KEYS.has(key.toLowerCase()) ? REDACTED : redactUrlPasswords(value)]));
}

/** A copy of a logged body with secret-named JSON fields and passwords inside URLs (`https://user:pw@host`) redacted. */
export function redactBody(body: unknown): unknown {
	if (typeof body === 'string') return redactUrlPasswords(body);
	if (Array.isArray(body)) return body.map(redactBody);
	if (typeof body === 'object' && body !== null) {
		return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, SECRET_KEYS.has(key.toLowerCase()) && value ? REDACTED : redactBody(value)]));
	}
	return body;
}

/** `scheme://user:password@host` → `scheme://user:REDACTED@host` (SIGNL4 carries Basic Auth in outbound-webhook URLs). */
export function redactUrlPasswords(text: string): string {
	return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]+@/gi, `$1${REDACTED}@`);
}
