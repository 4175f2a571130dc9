import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { armGet, SUBSCRIPTIONS_API_VERSION } from '../azure/armTransport';
import { findCredentialProblem, getAzureSession, toServicePrincipal } from '../azure/credential';
import { describeAzureError } from '../azure/errors';
import { describeGraphError } from '../graph/errors';
import { GraphUnavailableError, graphRequest, graphSessionFor } from '../graph/transport';

export const AZURE_CREDENTIAL_TEST = 'sentinelSignl4AzureApiTest';

/**
 * Really signs in (a fresh session, so a revoked secret cannot pass on a cached token) and reads the
 * subscriptions the principal can see from Resource Manager. Messages come from `describeAzureError`, which
 * never repeats the secret or the identity provider's error text.
 */
export async function testAzureCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const principal = toServicePrincipal(credential.data ?? {});
	const problem = findCredentialProblem(principal);
	if (problem) return { status: 'Error', message: problem };
	try {
		const session = await getAzureSession(principal, { fresh: true });
		const subscriptions = await armGet<{ value?: unknown[] }>(session, '/subscriptions', SUBSCRIPTIONS_API_VERSION);
		if (!subscriptions.value?.length) {
			return {
				status: 'Error',
				message:
					'Signed in, but the service principal has no role in any subscription. Give it the Microsoft Sentinel Reader role (Responder to update incidents) on the workspace\'s resource group.',
			};
		}
		return { status: 'OK', message: `Connection successful: the service principal can see ${subscriptions.value.length} subscription(s)` };
	} catch (error) {
		const { message, description } = describeAzureError(error, { action: 'read subscriptions from Azure Resource Manager' });
		return { status: 'Error', message: description ? `${message}. ${description}` : message };
	}
}

export const AZURE_GRAPH_CREDENTIAL_TEST = 'sentinelSignl4AzureGraphTest';

/** What the Defender XDR nodes do, and the Graph application permissions that allow it (ReadWrite includes Read). */
const graphNeeds = [
	{ does: 'read incidents', any: ['SecurityIncident.Read.All', 'SecurityIncident.ReadWrite.All'], name: 'SecurityIncident.Read.All' },
	{ does: 'update and comment on incidents', any: ['SecurityIncident.ReadWrite.All'], name: 'SecurityIncident.ReadWrite.All' },
	{ does: 'read alerts', any: ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'], name: 'SecurityAlert.Read.All' },
	{ does: 'update and comment on alerts', any: ['SecurityAlert.ReadWrite.All'], name: 'SecurityAlert.ReadWrite.All' },
];

/** The `roles` claim of an access token (its payload decoded, not verified: only to name what is missing). */
export function tokenRoles(token: string): string[] | undefined {
	const payload = token.split('.')[1];
	if (!payload) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
		return Array.isArray(claims.roles) ? claims.roles.map(String) : [];
	} catch {
		return undefined;
	}
}

/**
 * The Graph permissions the Defender XDR nodes need and the roles lack, worded for the credential test; undefined
 * when all are there. A token without `roles` has no application permission at all.
 */
export function missingGraphPermissions(roles: string[]): string | undefined {
	const missing = graphNeeds.filter((need) => !need.any.some((role) => roles.includes(role)));
	if (!missing.length) return undefined;
	// ReadWrite covers Read: name the ReadWrite permission once when both of a kind are missing.
	const names = missing.filter((need) => !(need.name.endsWith('.Read.All') && missing.some((other) => other.name === need.name.replace('.Read.All', '.ReadWrite.All'))));
	const list = names.map((need) => need.name.replace('.Read.All', '.Read.All (or .ReadWrite.All)'));
	return (
		`Signed in, but the app registration lacks the Microsoft Graph application permission${list.length > 1 ? 's' : ''} ${list.join(', ')}: ` +
		`the Defender XDR nodes cannot ${missing.map((need) => need.does).join(', ')}. ` +
		'Add them under API permissions (Microsoft Graph, Application permissions) and have an administrator grant admin consent for the tenant.'
	);
}

/**
 * The credential test of the Microsoft Defender XDR nodes: signs in for Microsoft Graph (a fresh session), names any
 * missing Graph application permission from the token's roles before a call can fail on it, then lists one incident
 * to prove the security API answers.
 */
export async function testAzureGraphCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const principal = toServicePrincipal(credential.data ?? {});
	const problem = findCredentialProblem(principal);
	if (problem) return { status: 'Error', message: problem };
	try {
		const session = await getAzureSession(principal, { fresh: true });
		graphSessionFor(session);
		const token = await session.credential.getToken(session.endpoints.graphScope);
		const roles = token ? tokenRoles(token.token) : undefined;
		if (roles === undefined) return { status: 'Error', message: 'Signed in, but the Microsoft Graph token could not be read' };
		const missing = missingGraphPermissions(roles);
		if (missing) return { status: 'Error', message: missing };
		await graphRequest(session, { method: 'GET', path: '/security/incidents', qs: { $top: 1 } });
		return { status: 'OK', message: 'Connection successful: Microsoft Graph grants the Defender XDR permissions and the security API answers' };
	} catch (error) {
		if (error instanceof GraphUnavailableError) return { status: 'Error', message: error.message };
		const { message, description } = describeGraphError(error, { action: 'list Defender XDR incidents', permission: 'SecurityIncident.Read.All' });
		return { status: 'Error', message: description ? `${message}. ${description}` : message };
	}
}
