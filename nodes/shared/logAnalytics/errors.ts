import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { describeAzureError } from '../azure/errors';
import { LogsQueryError, MAX_RETRY_AFTER_SECONDS } from './transport';

/**
 * Log Analytics' own error answers turned into text an operator can act on. Query errors keep the service's
 * innermost message (it names the token and line that failed to parse, or the column it could not resolve) —
 * trimmed, never a token; everything else (sign-in, network, generic statuses) goes through `describeAzureError`.
 */

export interface LogsErrorDescription {
	message: string;
	description?: string;
	httpCode?: string;
	/** Short machine-friendly reason: `SyntaxError`, `SemanticError`, `InsufficientAccessError`, `429`… */
	code?: string;
}

function trimServiceText(text: string | undefined, max = 300): string {
	if (!text) return '';
	const scrubbed = text.replace(/[A-Za-z0-9_-]{80,}(\.[A-Za-z0-9_-]+)*/g, '[redacted]').replace(/\s+/g, ' ').trim();
	return scrubbed.length > max ? `${scrubbed.slice(0, max)}…` : scrubbed;
}

export function describeLogsError(error: unknown, action: string): LogsErrorDescription {
	if (!(error instanceof LogsQueryError) || error.statusCode === undefined) {
		const described = describeAzureError(error, { action, api: 'logAnalytics' });
		return { ...described, code: (error as { code?: string } | undefined)?.code ?? described.httpCode };
	}
	const status = error.statusCode;
	const service = error.serviceError;
	const codes = service?.codes ?? [];
	const httpCode = String(status);
	if (status === 400 && (codes.includes('SyntaxError') || codes.includes('SemanticError'))) {
		const kind = codes.includes('SyntaxError') ? 'SyntaxError' : 'SemanticError';
		return {
			message: `The query is not valid KQL (${kind}): ${trimServiceText(service?.innermost?.message) || 'no details given'}`,
			description: kind === 'SyntaxError' ? `Correct the query's syntax (while trying to ${action}).` : `Check table and column names and types (while trying to ${action}).`,
			httpCode,
			code: kind,
		};
	}
	if (status === 403 && codes.includes('InvalidAuthenticationTokenAudience')) {
		return {
			message: 'Log Analytics did not accept the token: it was issued for another service (InvalidAuthenticationTokenAudience)',
			description: "The credential's Azure Cloud decides the token's audience. Check it matches the Log Analytics endpoint (Custom Endpoints keep the public cloud's audiences).",
			httpCode,
			code: 'InvalidAuthenticationTokenAudience',
		};
	}
	if (status === 403) {
		return {
			message: `The service principal is not allowed to ${action} (${service?.code ?? 'Forbidden'})`,
			description: 'Give the service principal the Log Analytics Reader role on the workspace (or a custom role with Microsoft.OperationalInsights/workspaces/query/read).',
			httpCode,
			code: service?.code ?? 'Forbidden',
		};
	}
	if (status === 404) {
		return {
			message: `Log Analytics does not know this workspace (${service?.code ?? 'NotFound'})`,
			description: "Check the workspace ID (the GUID on the workspace's Overview page, not its name), or pick the workspace by resource ID.",
			httpCode,
			code: service?.code ?? 'NotFound',
		};
	}
	if (status === 429) {
		const waited = error.retryAfterSeconds;
		return {
			message:
				waited !== undefined && waited > MAX_RETRY_AFTER_SECONDS
					? `Log Analytics is throttling queries (429) and asked to wait ${Math.round(waited)} s`
					: 'Log Analytics is throttling queries (429) and the retries allowed by Retry-After ran out',
			description: `Log Analytics allows 5 concurrent queries and 200 requests per 30 s per principal. Run fewer queries at once, or retry later (while trying to ${action}).`,
			httpCode,
			code: '429',
		};
	}
	if (status === 400) {
		return {
			message: `Log Analytics rejected the request (${service?.code ?? 'BadRequest'}): ${trimServiceText(service?.innermost?.message ?? service?.message) || 'bad request'}`,
			description: `While trying to ${action}.`,
			httpCode,
			code: service?.innermost?.code ?? service?.code,
		};
	}
	const described = describeAzureError(error, { action, api: 'logAnalytics' });
	return { ...described, code: service?.code ?? httpCode };
}

export function toLogsNodeError(node: INode, error: unknown, action: string, itemIndex?: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const { message, description, httpCode } = describeLogsError(error, action);
	const response: JsonObject = { message };
	if (httpCode) response.httpCode = httpCode;
	return new NodeApiError(node, response, { message, description, httpCode, itemIndex });
}
