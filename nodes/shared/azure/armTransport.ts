import type { SecurityInsights } from '@azure/arm-securityinsight';
import type { ServiceClient } from '@azure/core-client';

import { armPacingPolicy } from './armPacing';
import type { AzureSession } from './credential';
import { loadAzureSdk } from './sdk';

/**
 * The one place that knows how to talk to Azure Resource Manager: SDK clients per session, the Sentinel
 * api-version, retry limits, same-origin paging and path-segment validation.
 */

/**
 * Latest stable Sentinel API. The SDK (1.0.0-beta.6) defaults to 2022-09-01-preview; its `apiVersion` option adds a
 * policy that rewrites the query parameter on every request, nextLinks included.
 */
export const SENTINEL_API_VERSION = '2025-09-01';
export const OPERATIONAL_INSIGHTS_API_VERSION = '2023-09-01';
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

/**
 * Retries: the SDK's policies honour Retry-After on 429/503 and back off exponentially on other 5xx and
 * socket errors. Three attempts keep a poll well inside its minute; a poll that still fails is reported and
 * the next one resumes from the last committed cursor.
 */
const retryOptions = { maxRetries: 3, retryDelayInMs: 800, maxRetryDelayInMs: 20_000 };

/** Inside the retry loop, so every attempt waits for a token of its bucket (see armPacing.ts). */
function pacing(session: AzureSession) {
	return [{ policy: armPacingPolicy(session.fingerprint), position: 'perRetry' as const }];
}

const sentinelClients = new WeakMap<AzureSession, Map<string, SecurityInsights>>();
const armClients = new WeakMap<AzureSession, ServiceClient>();

export async function getSentinelClient(session: AzureSession, subscriptionId: string): Promise<SecurityInsights> {
	// Load first so the cache check and the insert below cannot interleave with a concurrent call.
	const sdk = await loadAzureSdk();
	let perSubscription = sentinelClients.get(session);
	if (!perSubscription) {
		perSubscription = new Map();
		sentinelClients.set(session, perSubscription);
	}
	const cached = perSubscription.get(subscriptionId);
	if (cached) return cached;
	const client = new sdk.SecurityInsights(session.credential, subscriptionId, {
		endpoint: session.endpoints.arm,
		// Without this the SDK derives the token audience from `endpoint`, which is wrong for custom endpoints.
		credentialScopes: [session.endpoints.armScope],
		apiVersion: SENTINEL_API_VERSION,
		tlsOptions: session.tlsOptions,
		retryOptions,
		additionalPolicies: pacing(session),
		userAgentOptions: { userAgentPrefix: 'n8n-nodes-sentinel-signl4' },
	});
	perSubscription.set(subscriptionId, client);
	return client;
}

async function getArmClient(session: AzureSession): Promise<ServiceClient> {
	const sdk = await loadAzureSdk();
	const cached = armClients.get(session);
	if (cached) return cached;
	const client = new sdk.ServiceClient({
		endpoint: session.endpoints.arm,
		credential: session.credential,
		credentialScopes: [session.endpoints.armScope],
		tlsOptions: session.tlsOptions,
		retryOptions,
		additionalPolicies: pacing(session),
		userAgentOptions: { userAgentPrefix: 'n8n-nodes-sentinel-signl4' },
	});
	armClients.set(session, client);
	return client;
}

/** An error shaped like the SDK's RestError, for responses the generic client does not throw on. */
export class ArmResponseError extends Error {
	readonly name = 'RestError';

	constructor(
		readonly statusCode: number,
		readonly details: unknown,
		readonly code?: string,
	) {
		super(`Azure Resource Manager returned ${statusCode}${code ? ` (${code})` : ''}`);
	}
}

/**
 * A nextLink is followed only on the origin the first request went to: the bearer token must never be sent
 * to a host a response named.
 */
export function assertSameOrigin(nextLink: string, origin: string): void {
	if (!URL.canParse(nextLink)) {
		throw new ArmResponseError(502, { error: { code: 'InvalidNextLink', message: 'Azure returned a malformed nextLink' } });
	}
	if (new URL(nextLink).origin !== new URL(origin).origin) {
		throw new ArmResponseError(502, {
			error: { code: 'UntrustedNextLink', message: 'Azure returned a nextLink on another host; paging stopped' },
		});
	}
}

/** GET a JSON document from ARM (path relative to the ARM endpoint, or an absolute same-origin link). */
export async function armGet<T>(session: AzureSession, pathOrLink: string, apiVersion?: string): Promise<T> {
	const sdk = await loadAzureSdk();
	const client = await getArmClient(session);
	let url: string;
	if (/^https:\/\//i.test(pathOrLink)) {
		assertSameOrigin(pathOrLink, session.endpoints.arm);
		url = pathOrLink;
	} else {
		const target = new URL(session.endpoints.arm + pathOrLink);
		if (apiVersion) target.searchParams.set('api-version', apiVersion);
		url = target.toString();
	}
	const response = await client.sendRequest(sdk.createPipelineRequest({ url, method: 'GET' }));
	let body: unknown;
	try {
		body = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined;
	} catch {
		body = undefined;
	}
	if (response.status < 200 || response.status >= 300) {
		const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
		throw new ArmResponseError(response.status, body, code);
	}
	return body as T;
}

/** Follows `nextLink`s (same origin only), at most `maxPages` pages. */
export async function armGetAll<T>(session: AzureSession, path: string, apiVersion: string, maxPages = 50): Promise<T[]> {
	const items: T[] = [];
	let link: string | undefined = path;
	let pages = 0;
	// `while (link)` and not `!== undefined`: a literal null or '' nextLink must end the loop, not repeat it.
	while (link && pages < maxPages) {
		const page: { value?: T[]; nextLink?: string | null } = await armGet(session, link, pages === 0 ? apiVersion : undefined);
		items.push(...(page.value ?? []));
		link = page.nextLink ?? undefined;
		pages++;
	}
	return items;
}

/** Half a surrogate pair cannot be percent-encoded; `.` and `..` would address another resource once in a path. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function isPathSafe(value: string): boolean {
	if (/^\.{1,2}$/.test(value) || LONE_SURROGATE.test(value)) return false;
	for (const char of value) {
		if (char.charCodeAt(0) < 0x20 || '/\\?#%'.includes(char)) return false;
	}
	return true;
}

/** Validates an id before it is put into a URL path; the message never echoes the value. */
export function assertPathSegment(value: string, what: string): string {
	if (!value || !isPathSafe(value) || value.length > 256) {
		throw new ArmResponseError(400, { error: { code: 'InvalidIdentifier', message: `The ${what} contains characters that cannot be part of an Azure resource path` } });
	}
	return value;
}
