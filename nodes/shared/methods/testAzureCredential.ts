import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

import { armGet, SUBSCRIPTIONS_API_VERSION } from '../azure/armTransport';
import { findCredentialProblem, getAzureSession, toServicePrincipal } from '../azure/credential';
import { describeAzureError } from '../azure/errors';

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
