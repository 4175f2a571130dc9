import type { IExecuteFunctions } from 'n8n-workflow';

import { settle } from '../concurrency';
import { armGet, ArmResponseError, OPERATIONAL_INSIGHTS_API_VERSION } from '../azure/armTransport';
import { forgetAzureSession, type AzureSession } from '../azure/credential';
import { sessionFor } from '../azure/session';
import type { WorkspaceRef } from '../azure/workspace';
import { LogsQueryError, runLogsQuery, type LogsQueryOutcome, type LogsQueryRequest } from './transport';

/** Where a query goes: a Log Analytics workspace ID (GUID) as given, or an ARM workspace whose ID is looked up. */
export type LogAnalyticsTarget = { kind: 'workspaceId'; workspaceId: string } | { kind: 'arm'; workspace: WorkspaceRef };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isWorkspaceGuid(value: string): boolean {
	return GUID.test(value.trim());
}

/**
 * The Log Analytics workspace ID (`properties.customerId`) of ARM workspaces, looked up once per workspace and
 * session: a workflow enriching hundreds of incidents reads it once, not per item. Concurrent lookups share one
 * request; a failed lookup is not cached.
 */
const workspaceIds = new Map<string, Map<string, Promise<string>>>();
const MAX_CACHED_PRINCIPALS = 32;

function lookupWorkspaceId(session: AzureSession, workspace: WorkspaceRef): Promise<string> {
	// Keyed by the session's fingerprint (principal + endpoints), so it survives a re-created session object.
	let perSession = workspaceIds.get(session.fingerprint);
	if (!perSession) {
		if (workspaceIds.size >= MAX_CACHED_PRINCIPALS) workspaceIds.delete(workspaceIds.keys().next().value as string);
		perSession = new Map();
		workspaceIds.set(session.fingerprint, perSession);
	}
	const key = workspace.armId.toLowerCase();
	const cached = perSession.get(key);
	if (cached) return cached;
	const lookup = armGet<{ properties?: { customerId?: string } }>(session, workspace.armId, OPERATIONAL_INSIGHTS_API_VERSION).then((resource) => {
		const id = resource?.properties?.customerId;
		if (!id || !GUID.test(id)) {
			throw new ArmResponseError(502, { error: { code: 'MissingCustomerId', message: 'Azure returned the workspace without its Log Analytics workspace ID' } });
		}
		return id.toLowerCase();
	});
	perSession.set(key, lookup);
	lookup.catch(() => perSession?.delete(key));
	return lookup;
}


/**
 * A credential session for Log Analytics queries. Like `SentinelConnection`, it signs in again once when the
 * service rejects the cached token (401): nothing ran, so repeating the query is safe.
 */
export class LogAnalyticsConnection {
	private constructor(
		private readonly context: IExecuteFunctions,
		private session: AzureSession,
		private readonly itemIndex?: number,
	) {}

	static async open(context: IExecuteFunctions, itemIndex?: number): Promise<LogAnalyticsConnection> {
		return new LogAnalyticsConnection(context, await sessionFor(context, itemIndex), itemIndex);
	}

	async workspaceId(target: LogAnalyticsTarget): Promise<string> {
		if (target.kind === 'workspaceId') return target.workspaceId.trim().toLowerCase();
		return lookupWorkspaceId(this.session, target.workspace);
	}

	async query(request: LogsQueryRequest): Promise<LogsQueryOutcome> {
		const first = await settle(() => runLogsQuery(this.session, request));
		if (first.ok) return first.value;
		if (!(first.error instanceof LogsQueryError) || first.error.statusCode !== 401) throw first.error;
		forgetAzureSession(this.session.fingerprint);
		this.session = await sessionFor(this.context, this.itemIndex);
		return await runLogsQuery(this.session, request);
	}
}
