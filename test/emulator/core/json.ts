import type { HttpResponse } from './http-types';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function json(status: number, body: unknown, headers: Record<string, string | number> = {}): HttpResponse {
	return { status, body, headers: { 'content-type': JSON_CONTENT_TYPE, ...headers } };
}

/** ARM/Sentinel `CloudError`: `{"error":{"code","message"}}` (securityinsights common/2.0/types.json). */
export function cloudError(
	status: number,
	code: string,
	message: string,
	headers: Record<string, string | number> = {},
): HttpResponse {
	return json(status, { error: { code, message } }, headers);
}

export type ParsedJson = { ok: true; value: unknown } | { ok: false; message: string };

export function parseJsonBody(raw: Buffer): ParsedJson {
	const text = raw.toString('utf8');
	if (text.trim() === '') return { ok: true, value: undefined };
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch (error) {
		return { ok: false, message: (error as Error).message };
	}
}

/** Body of a control-API request (`/_emulator/…`): empty means `{}`; anything but a JSON object throws. */
export function readObjectBody(raw: Buffer): Record<string, unknown> {
	const parsed = parseJsonBody(raw);
	if (!parsed.ok) throw new Error(`Body is not JSON: ${parsed.message}`);
	if (parsed.value === undefined) return {};
	if (!isPlainObject(parsed.value)) throw new Error('Body must be a JSON object');
	return parsed.value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
