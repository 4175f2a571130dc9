import { NodeOperationError, type IExecuteFunctions, type ILoadOptionsFunctions, type IPollFunctions } from 'n8n-workflow';

import { AZURE_CREDENTIAL_TYPE, findCredentialProblem, getAzureSession, toServicePrincipal, type AzureSession } from './credential';

type AzureCallerContext = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

/** The Azure session for the node's credential, after checking the credential for fixable problems. */
export async function sessionFor(context: AzureCallerContext, itemIndex?: number): Promise<AzureSession> {
	const data = await context.getCredentials(AZURE_CREDENTIAL_TYPE, itemIndex);
	const principal = toServicePrincipal(data);
	const problem = findCredentialProblem(principal);
	if (problem) {
		throw new NodeOperationError(context.getNode(), problem, {
			description: 'Open the Azure Service Principal credential and correct it.',
			itemIndex,
		});
	}
	return getAzureSession(principal);
}
