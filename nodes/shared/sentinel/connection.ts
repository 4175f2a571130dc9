import type { SecurityInsights } from '@azure/arm-securityinsight';
import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';

import { getSentinelClient } from '../azure/armTransport';
import { settle } from '../concurrency';
import { forgetAzureSession, type AzureSession } from '../azure/credential';
import { toNodeError } from '../azure/errors';
import { sessionFor } from '../azure/session';
import type { WorkspaceRef } from '../azure/workspace';

/**
 * A workspace plus an authenticated Sentinel client. `call` retries once with a new sign-in when Azure rejects
 * the cached token (revoked, or expired early through clock skew): a 401 means the request was not carried out,
 * so repeating it is safe for reads and writes alike.
 */
export class SentinelConnection {
	private constructor(
		private readonly context: IExecuteFunctions | IPollFunctions,
		readonly workspace: WorkspaceRef,
		private session: AzureSession,
		private client: SecurityInsights,
		private readonly itemIndex?: number,
	) {}

	static async open(context: IExecuteFunctions | IPollFunctions, workspace: WorkspaceRef, itemIndex?: number): Promise<SentinelConnection> {
		const session = await sessionFor(context, itemIndex);
		const client = await getSentinelClient(session, workspace.subscriptionId);
		return new SentinelConnection(context, workspace, session, client, itemIndex);
	}

	get armEndpoint(): string {
		return this.session.endpoints.arm;
	}

	get portal(): string {
		return this.session.endpoints.portal;
	}

	/**
	 * Runs one Sentinel call; `action` says what it does, for the error message ("list incidents in …").
	 * Failures leave as NodeApiError / NodeOperationError with actionable, sanitised text.
	 */
	async call<T>(action: string, operation: (client: SecurityInsights) => Promise<T>): Promise<T> {
		let outcome = await settle(() => operation(this.client));
		if (!outcome.ok && (outcome.error as { statusCode?: number }).statusCode === 401) {
			forgetAzureSession(this.session.fingerprint);
			this.session = await sessionFor(this.context, this.itemIndex);
			this.client = await getSentinelClient(this.session, this.workspace.subscriptionId);
			outcome = await settle(() => operation(this.client));
		}
		if (outcome.ok) return outcome.value;
		throw toNodeError(this.context.getNode(), outcome.error, { action, itemIndex: this.itemIndex });
	}
}
