import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

/**
 * Turns whatever the Azure SDKs threw into an n8n error a SOC engineer can act on.
 *
 * Never passes on an identity provider's error body (AADSTS descriptions can echo request details), a token
 * or a secret: messages are built from status codes, error codes and fixed text. Azure Resource Manager's own
 * validation messages (400/409) are kept, trimmed, because they name the field that was wrong.
 */
export interface AzureErrorContext {
	/** What was being done, e.g. "list incidents in workspace 'soc'". */
	action: string;
	itemIndex?: number;
	/** Which Azure API the call went to, for role hints. */
	api?: 'arm' | 'logAnalytics' | 'graph';
}

interface SdkLikeError {
	name?: string;
	message?: string;
	code?: string;
	statusCode?: number;
	details?: unknown;
	errorResponse?: { error?: string; errorDescription?: string };
	request?: { url?: string };
}

const aadstsHints: Record<string, string> = {
	'7000215': 'Entra ID rejected the client secret. Use the secret\'s Value (not its Secret ID) and check it has not been deleted.',
	'7000222': 'The client secret has expired. Create a new secret in the app registration and update the credential.',
	'90002': 'Entra ID does not know this tenant. Check the Tenant ID (Directory ID) in the credential.',
	'900023': 'The Tenant ID is not a valid tenant identifier. Use the Directory (tenant) ID GUID or a verified domain.',
	'700016': 'No app registration with this Client ID exists in the tenant. Check the Client ID and the Tenant ID.',
	'700027': 'Entra ID rejected the certificate. Upload this certificate to the app registration, or check it has not expired.',
	'700024': 'Entra ID rejected the certificate assertion as outside its validity time. Check the n8n host\'s clock.',
	'7000112': 'The app registration is disabled in this tenant.',
	'50034': 'The app registration or tenant could not be found.',
};

function identityText(error: SdkLikeError): string {
	return `${error.errorResponse?.error ?? ''} ${error.errorResponse?.errorDescription ?? ''} ${error.message ?? ''}`;
}

/** The AADSTS number, from "AADSTS7000215: …" or MSAL's "Error(s): 7000215 - …"; nothing else of the text is used. */
function aadstsCode(error: SdkLikeError): string | undefined {
	const text = identityText(error);
	return /AADSTS(\d+)/.exec(text)?.[1] ?? /Error\(s\):\s*(\d+)/.exec(text)?.[1];
}

const identityErrorNames = ['AuthenticationError', 'AuthenticationRequiredError', 'CredentialUnavailableError', 'AggregateAuthenticationError'];

function isIdentityError(error: SdkLikeError): boolean {
	return (
		identityErrorNames.includes(error.name ?? '') ||
		!!error.errorResponse ||
		/AADSTS\d+|invalid_client|unauthorized_client|invalid_request|endpoints_resolution_error/.test(error.message ?? '')
	);
}

function armErrorBody(error: SdkLikeError): { code?: string; message?: string } {
	const details = error.details as { error?: { code?: string; message?: string } } | undefined;
	if (details && typeof details === 'object' && details.error && typeof details.error === 'object') {
		return details.error;
	}
	return {};
}

function trimMessage(message: string | undefined): string {
	if (!message) return '';
	// Bearer tokens are long base64url runs; never let one through, whatever a service put in a message.
	const scrubbed = message.replace(/[A-Za-z0-9_-]{80,}(\.[A-Za-z0-9_-]+)*/g, '[redacted]');
	return scrubbed.length > 500 ? `${scrubbed.slice(0, 500)}…` : scrubbed;
}

function roleHint(api: AzureErrorContext['api']): string {
	switch (api) {
		case 'logAnalytics':
			return 'Give the service principal the Log Analytics Reader role on the workspace (or a custom role with query permission).';
		case 'graph':
			return 'Grant the app the SecurityIncident.Read.All (or .ReadWrite.All) application permission with admin consent.';
		default:
			return 'Give the service principal the Microsoft Sentinel Reader role (Microsoft Sentinel Responder to update incidents) on the workspace or its resource group.';
	}
}

/**
 * What each Azure action lets the nodes do, the setup script's part that grants it and the built-in role that has it,
 * so a 403 `AuthorizationFailed` (whose message names the action ARM checked) says what to give the principal.
 */
const actionNeeds: Record<string, { does: string; part: string; role: string }> = {
	'microsoft.securityinsights/incidents/read': { does: 'read incidents', part: 'poll', role: 'Microsoft Sentinel Reader' },
	'microsoft.securityinsights/incidents/write': { does: 'update incidents (status, owner, classification, tags)', part: 'writeback', role: 'Microsoft Sentinel Responder' },
	'microsoft.securityinsights/incidents/comments/read': { does: 'read incident comments', part: 'poll', role: 'Microsoft Sentinel Reader' },
	'microsoft.securityinsights/incidents/comments/write': { does: 'add comments to incidents', part: 'writeback', role: 'Microsoft Sentinel Responder' },
	'microsoft.securityinsights/incidents/alerts/read': { does: "read an incident's alerts", part: 'poll', role: 'Microsoft Sentinel Reader' },
	'microsoft.securityinsights/incidents/entities/read': { does: "read an incident's entities", part: 'poll', role: 'Microsoft Sentinel Reader' },
	'microsoft.operationalinsights/workspaces/read': { does: 'read the workspace', part: 'poll', role: 'Microsoft Sentinel Reader or Log Analytics Reader' },
	'microsoft.operationalinsights/workspaces/query/read': { does: 'query the workspace', part: 'enrich', role: 'Log Analytics Reader' },
};

/** "…does not have authorization to perform action 'X' over scope 'Y'…" → the action and the scope. */
function deniedAction(message: string | undefined): { action: string; scope?: string } | undefined {
	const match = /perform action '([^']+)'(?: over scope '([^']+)')?/i.exec(message ?? '');
	return match ? { action: match[1], scope: match[2] } : undefined;
}

function missingActionHint(action: string): { message: string; description: string } {
	const need = actionNeeds[action.toLowerCase()];
	const what = need?.does ?? `perform ${action}`;
	return {
		message: `The service principal may not ${what}: its roles on the workspace lack ${action}`,
		description:
			`Give it that action: rerun scripts/setup-azure.sh with --grant including '${need?.part ?? 'the part that needs it'}' ` +
			`(it updates the custom role), or add ${action} to its custom role${need ? `, or assign the built-in role ${need.role}` : ''} on the workspace. Role changes can take a few minutes to apply.`,
	};
}

/**
 * Socket failures in words. Not the codes themselves: n8n replaces any error message that contains a Node.js error
 * code (ECONNREFUSED…) with its own generic text, which would hide the hint.
 */
const networkFailures: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name was not found',
	EAI_AGAIN: 'the host name could not be resolved',
	ECONNRESET: 'the connection was dropped',
	EPIPE: 'the connection was dropped',
	ETIMEDOUT: 'the connection timed out',
	ESOCKETTIMEDOUT: 'the connection timed out',
	REQUEST_SEND_ERROR: 'the request could not be sent',
};

function networkMessage(error: SdkLikeError): string | undefined {
	const code = error.code ?? '';
	if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code) || /certificate/i.test(error.message ?? '')) {
		return 'The TLS certificate of the Azure endpoint is not trusted. If a proxy inspects TLS, put its CA certificate in the credential\'s Extra CA Certificate field.';
	}
	const what = networkFailures[code];
	if (what) {
		return `Could not reach Azure: ${what}. Check the n8n host's network access and the credential's cloud and endpoints.`;
	}
	return undefined;
}

export function describeAzureError(error: unknown, context: AzureErrorContext): { message: string; description?: string; httpCode?: string } {
	const err = (error ?? {}) as SdkLikeError;

	if (isIdentityError(err)) {
		const code = aadstsCode(err);
		const text = identityText(err);
		let hint = code ? aadstsHints[code] : undefined;
		if (!hint && /endpoints_resolution_error|openid/i.test(text)) {
			// Entra answers an unknown tenant's discovery document with an error, which MSAL reports only as this.
			hint = "Entra ID has no sign-in endpoints for this tenant. Check the Tenant ID, and the credential's Azure cloud or authority host.";
		}
		if (!hint) {
			const network = networkMessage(err);
			hint = network ?? 'Entra ID refused to issue a token for the service principal. Check the tenant ID, client ID and secret or certificate.';
		}
		return {
			message: `Could not sign in to Azure${code ? ` (AADSTS${code})` : ''}`,
			description: `${hint} (while trying to ${context.action})`,
			httpCode: err.statusCode ? String(err.statusCode) : undefined,
		};
	}

	const status = err.statusCode;
	const body = armErrorBody(err);
	const code = body.code ?? err.code;
	const where = `while trying to ${context.action}`;
	if (status === undefined) {
		const network = networkMessage(err);
		// Unknown failures are named by class and code only: their text may carry request details.
		const kind = [err.name, networkFailures[err.code ?? ''] ?? (/^E[A-Z]+$/.test(err.code ?? '') ? undefined : err.code)].filter(Boolean).join(', ');
		return { message: network ?? `Azure request failed ${where}${kind ? ` (${kind})` : ''}`, description: network ? where : undefined };
	}
	const codeText = code ? ` (${code})` : '';
	switch (status) {
		case 400:
			return { message: `Azure rejected the request${codeText}: ${trimMessage(body.message) || 'bad request'}`, description: where, httpCode: '400' };
		case 401:
			return {
				message: `Azure did not accept the service principal's token${codeText}`,
				description: `Check that the credential's tenant and cloud match the workspace's, then retry (${context.action}).`,
				httpCode: '401',
			};
		case 403: {
			const denied = code === 'AuthorizationFailed' ? deniedAction(body.message) : undefined;
			if (denied) {
				const hint = missingActionHint(denied.action);
				return { message: hint.message, description: `${hint.description} (while trying to ${context.action})`, httpCode: '403' };
			}
			return { message: `The service principal is not allowed to ${context.action}${codeText}`, description: roleHint(context.api), httpCode: '403' };
		}
		case 404:
			return {
				message: `Not found${codeText}: could not ${context.action}`,
				description: 'Check the subscription, resource group and workspace (or incident) named in the node, and that the service principal can see them.',
				httpCode: '404',
			};
		case 409:
			return { message: `Azure reported a conflict${codeText}: ${trimMessage(body.message) || 'the resource was changed by someone else'}`, description: where, httpCode: '409' };
		case 429:
			return {
				message: 'Azure is throttling requests (429) and the retries allowed by Retry-After ran out',
				description: `Could not ${context.action}. Try again later: a trigger's next poll starts from its last good cursor, and a write is re-read before it is repeated.`,
				httpCode: '429',
			};
		default:
			return {
				message: `Azure returned HTTP ${status}${codeText} ${where}`,
				description: status >= 500 ? 'A temporary Azure fault. Try again: a trigger\'s next poll starts from its last good cursor.' : trimMessage(body.message),
				httpCode: String(status),
			};
	}
}

export function toNodeError(node: INode, error: unknown, context: AzureErrorContext): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const { message, description, httpCode } = describeAzureError(error, context);
	const response: JsonObject = { message };
	if (httpCode) response.httpCode = httpCode;
	return new NodeApiError(node, response, { message, description, httpCode, itemIndex: context.itemIndex });
}
