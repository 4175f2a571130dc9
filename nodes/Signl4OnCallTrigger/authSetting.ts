import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

const CREDENTIAL_OF: Record<string, { type: string; label: string }> = {
	basicAuth: { type: 'signl4TriggerBasicAuthApi', label: 'SIGNL4 Trigger Basic Auth API' },
	headerAuth: { type: 'signl4TriggerHeaderAuthApi', label: 'SIGNL4 Trigger Header Auth API' },
};

/**
 * Refuses activation when the chosen authentication has no usable credential. Authentication defaults to Basic Auth,
 * so a trigger nobody configured (or one from before that default, which relied on "None" without saying so) does not
 * silently accept anyone's callbacks: the user either picks a credential or sets Authentication to None explicitly.
 */
export async function assertAuthenticationUsable(this: IHookFunctions): Promise<void> {
	const mode = String(this.getNodeParameter('authentication', 'basicAuth'));
	const needed = CREDENTIAL_OF[mode];
	if (!needed) return;
	const refuse = (message: string) =>
		new NodeOperationError(this.getNode(), message, {
			description: `Choose a ${needed.label} credential in the trigger, or set Authentication to None on purpose (then anyone who knows the URL can act on your incidents).`,
		});
	if (!this.getNode().credentials?.[needed.type]) {
		throw refuse(`The SIGNL4 trigger '${this.getNode().name}' has no ${needed.label} credential`);
	}
	try {
		await this.getCredentials(needed.type);
	} catch {
		// The credential's own error may name its contents; say only which one could not be used.
		throw refuse(`The ${needed.label} credential of the SIGNL4 trigger '${this.getNode().name}' cannot be used`);
	}
}
