import { randomBytes, randomUUID } from 'node:crypto';

export function newGuid(): string {
	return randomUUID();
}

/** Opaque URL-safe random string, used for access tokens and secrets. */
export function randomToken(bytes = 48): string {
	return randomBytes(bytes).toString('base64url');
}

export function isGuid(value: unknown): value is string {
	return typeof value === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

/** Timestamp in the `2020-03-28 18:45:59Z` form Entra ID and scheduled-rule alerts use. */
export function spacedUtc(date: Date): string {
	return date.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/** ISO 8601 with 7 fractional digits, the way ARM/.NET serialises DateTime. */
export function dotnetIso(date: Date): string {
	return date.toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** `5/14/2023 1:23:45 PM`, the .NET invariant format ARM puts into token-expiry messages. */
export function dotnetInvariant(date: Date): string {
	const hours = date.getUTCHours();
	const hour12 = hours % 12 === 0 ? 12 : hours % 12;
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()} ${hour12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
}
