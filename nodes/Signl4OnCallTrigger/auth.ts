import { createHash, timingSafeEqual } from 'crypto';

/**
 * The checks of n8n's Webhook node (Basic Auth, Header Auth), made here because community nodes cannot use n8n's
 * own webhook-auth credentials. Comparisons are constant-time over SHA-256 digests, so neither content nor length
 * of the expected secret leaks through timing.
 */

export type AuthVerdict = { ok: true } | { ok: false; message: string; challenge?: string };

function same(a: string, b: string): boolean {
	const left = createHash('sha256').update(a, 'utf8').digest();
	const right = createHash('sha256').update(b, 'utf8').digest();
	return timingSafeEqual(left, right);
}

function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (key.toLowerCase() !== wanted) continue;
		return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
	}
	return undefined;
}

export function checkBasicAuth(headers: Record<string, unknown>, user: string, password: string): AuthVerdict {
	const challenge = 'Basic realm="SIGNL4 Trigger"';
	const header = headerValue(headers, 'authorization');
	const match = header ? /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header) : null;
	if (!match) return { ok: false, message: 'Authorization is required', challenge };
	const decoded = Buffer.from(match[1], 'base64').toString('utf8');
	const colon = decoded.indexOf(':');
	if (colon < 0) return { ok: false, message: 'Authorization data is wrong', challenge };
	// Both halves are always compared, so a wrong user name costs the same time as a wrong password.
	const userOk = same(decoded.slice(0, colon), user);
	const passwordOk = same(decoded.slice(colon + 1), password);
	return userOk && passwordOk ? { ok: true } : { ok: false, message: 'Authorization data is wrong', challenge };
}

export function checkHeaderAuth(headers: Record<string, unknown>, name: string, value: string): AuthVerdict {
	const received = headerValue(headers, name);
	if (received === undefined) return { ok: false, message: 'Authorization is required' };
	return same(received, value) ? { ok: true } : { ok: false, message: 'Authorization data is wrong' };
}
