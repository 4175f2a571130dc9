import type { LoggedRouteId, RouteId } from './route-ids';

export interface RecordedRequest {
	route: LoggedRouteId;
	method: string;
	/** Decoded path without query string. */
	path: string;
	query: Record<string, string>;
	/** Request headers; `authorization` is redacted to its scheme. */
	headers: Record<string, string>;
	/** Parsed JSON; form bodies as their urlencoded text (secret values redacted); other text raw; `undefined` when empty. */
	body: unknown;
	/** Status answered; 0 when the connection was dropped by a fault. */
	status: number;
	/** ISO timestamp of arrival. */
	at: string;
	/** Set when a fault fired for this request: `status`, `latency`, `drop` or `expiredToken`. */
	fault?: string;
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

export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		const text = Array.isArray(value) ? value.join(', ') : value;
		out[name] = name === 'authorization' ? `${text.split(' ')[0]} [redacted]` : text;
	}
	return out;
}
