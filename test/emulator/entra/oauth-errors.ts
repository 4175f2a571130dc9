import { newGuid, spacedUtc } from '../core/ids';
import { json } from '../core/json';
import type { HttpResponse } from '../core/http-types';

export const ENTRA_HEADERS = {
	'cache-control': 'no-store, no-cache',
	pragma: 'no-cache',
	'x-content-type-options': 'nosniff',
	'x-ms-ests-server': '2.1.21000.0 - WEULR1 ProdSlices',
};

/**
 * Entra ID (AADSTS) error body: `error`, `error_description` ending in Trace/Correlation/Timestamp lines,
 * `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri` — as observed from login.microsoftonline.com.
 */
export function aadError(
	status: number,
	error: string,
	code: number,
	description: string,
	options: { origin: string; correlationId?: string; headers?: Record<string, string | number> },
): HttpResponse {
	const traceId = newGuid();
	const correlationId = options.correlationId ?? newGuid();
	const timestamp = spacedUtc(new Date());
	return json(
		status,
		{
			error,
			error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
			error_codes: [code],
			timestamp,
			trace_id: traceId,
			correlation_id: correlationId,
			error_uri: `${options.origin}/error?code=${code}`,
		},
		{ ...ENTRA_HEADERS, 'x-ms-request-id': traceId, ...(options.headers ?? {}) },
	);
}
