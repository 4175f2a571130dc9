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
	 * The IDs this credential's writes carry in Sentinel: the application (client) ID, which Azure records as the
	 * incident's `systemData.lastModifiedBy`, and the service principal's object ID (the token's `oid` claim), which
	 * is the `author.objectId` of its comments. Only the token's public claims are read; the token is not kept.
	 */
	async ownIds(): Promise<string[]> {
		const ids = [this.session.clientId];
		try {
			const token = await this.session.credential.getToken(this.session.endpoints.armScope);
			const payload = token?.token.split('.')[1];
			if (payload) {
				const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { oid?: unknown; appid?: unknown; azp?: unknown };
				for (const claim of [claims.oid, claims.appid, claims.azp]) if (typeof claim === 'string' && claim) ids.push(claim);
			}
		} catch {
			// Without the claims, comments written by this credential are recognised by nothing but the application ID.
		}
		return ids;
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
