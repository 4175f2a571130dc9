import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { describeAzureError } from '../azure/errors';
import { GraphResponseError, GraphUnavailableError } from './transport';

/**
 * Graph's application permissions for the security API. Read.All reads; ReadWrite.All also updates and comments.
 * Application permissions take effect only after an administrator grants admin consent for the tenant.
 */
export type GraphSecurityPermission =
	| 'SecurityIncident.Read.All'
	| 'SecurityIncident.ReadWrite.All'
	| 'SecurityAlert.Read.All'
	| 'SecurityAlert.ReadWrite.All';

export interface GraphErrorContext {
	/** What was being done, e.g. "update Defender XDR incident 42". */
	action: string;
	/** The permission the call needs, named on a 403. */
	permission: GraphSecurityPermission;
	/** The incident or alert the call addressed, named on a 404. */
	target?: { kind: 'incident' | 'alert'; id: string };
	itemIndex?: number;
}

/** Graph's own message, trimmed and with anything token-like removed; only used where it names a rejected field. */
function trimGraphMessage(message: string | undefined): string {
	if (!message) return '';
	const scrubbed = message.replace(/[A-Za-z0-9_-]{80,}(\.[A-Za-z0-9_-]+)*/g, '[redacted]');
	return scrubbed.length > 300 ? `${scrubbed.slice(0, 300)}…` : scrubbed;
}

function seconds(ms: number): string {
	return `${Math.ceil(ms / 1000)} s`;
}

const networkFailures: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	ECONNRESET: 'the connection was dropped',
	EPIPE: 'the connection was dropped',
	ETIMEDOUT: 'the connection timed out',
	REQUEST_SEND_ERROR: 'the request could not be sent',
};

export function describeGraphError(error: unknown, context: GraphErrorContext): { message: string; description?: string; httpCode?: string } {
	if (!(error instanceof GraphResponseError)) {
		// Sign-in failures (AADSTS codes), TLS trust and other socket failures: the Azure mapper already words them
		// without the identity provider's text.
		return describeAzureError(error, { action: context.action, itemIndex: context.itemIndex, api: 'graph' });
	}
	const where = `while trying to ${context.action}`;
	const codeText = error.code ? ` (${error.code})` : '';
	const { target } = context;
	switch (error.status) {
		case 0:
			return {
				// Words, not the code itself: n8n replaces a message containing a Node.js error code with its own text.
				message: `Could not reach Microsoft Graph: ${networkFailures[error.code] ?? 'the request failed'}`,
				description: `Check the n8n host's network access and the credential's cloud and Graph endpoint (${where}). A comment is not sent again automatically: check the ${target?.kind ?? 'item'} before retrying.`,
			};
		case 400:
			return { message: `Microsoft Graph rejected the request${codeText}: ${trimGraphMessage(error.graphMessage) || 'bad request'}`, description: where, httpCode: '400' };
		case 401:
			return {
				message: `Microsoft Graph did not accept the token of the Azure Service Principal credential${codeText}`,
				description: `Check the credential's tenant and cloud (the token must be for Microsoft Graph of the same cloud), then retry (${context.action}).`,
				httpCode: '401',
			};
		case 403:
			return {
				message: `The app registration lacks the Microsoft Graph application permission ${context.permission}${codeText}`,
				description:
					`Add the application permission ${context.permission} (Microsoft Graph) to the app registration of the Azure Service Principal credential, ` +
					`then an administrator must grant admin consent for the tenant (Entra ID > App registrations > API permissions > Grant admin consent). ` +
					`Could not ${context.action}.`,
				httpCode: '403',
			};
		case 404:
			return {
				message: target ? `Defender XDR ${target.kind} '${target.id}' was not found${codeText}` : `Not found${codeText}: could not ${context.action}`,
				description: target
					? `Check the ${target.kind} ID (the number or ID in the Defender portal's ${target.kind} URL) and that the credential's tenant is the one that holds it.`
					: where,
				httpCode: '404',
			};
		case 429:
			return {
				message: `Microsoft Graph is throttling requests (429)${error.retryAfterMs !== undefined ? ` and asked to wait ${seconds(error.retryAfterMs)}` : ''}, longer than this node waits`,
				description: `Could not ${context.action}. Try again later; a trigger's next poll resumes from its last good cursor.`,
				httpCode: '429',
			};
		default:
			return {
				message: `Microsoft Graph returned HTTP ${error.status}${codeText} ${where}`,
				description:
					error.status >= 500
						? 'A temporary Microsoft Graph fault. Try again; a comment is not sent twice automatically, so check the item first.'
						: trimGraphMessage(error.graphMessage),
				httpCode: String(error.status),
			};
	}
}

/** Whatever the Graph transport threw, as an n8n error: a refused cloud is the user's choice to fix, the rest is the API's answer. */
export function toGraphNodeError(node: INode, error: unknown, context: GraphErrorContext): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof GraphUnavailableError) {
		return new NodeOperationError(node, error.message, {
			description: "Change the credential's Azure cloud, or use the Microsoft Sentinel nodes in Azure China.",
			itemIndex: context.itemIndex,
		});
	}
	if (error instanceof GraphResponseError && error.code === 'InvalidIdentifier') {
		return new NodeOperationError(node, error.graphMessage ?? 'Invalid identifier', { itemIndex: context.itemIndex });
	}
	const { message, description, httpCode } = describeGraphError(error, context);
	const response: JsonObject = { message };
	if (httpCode) response.httpCode = httpCode;
	return new NodeApiError(node, response, { message, description, httpCode, itemIndex: context.itemIndex });
}
