import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { armGetAll, OPERATIONAL_INSIGHTS_API_VERSION, SUBSCRIPTIONS_API_VERSION } from '../azure/armTransport';
import { toNodeError } from '../azure/errors';
import { sessionFor } from '../azure/session';
import { parseWorkspaceId, workspacePortalUrl } from '../azure/workspace';

interface ArmSubscription {
	subscriptionId: string;
	displayName?: string;
	state?: string;
}

interface ArmWorkspace {
	id: string;
	name: string;
}

/** Workspaces the service principal can see, across every subscription it can see. */
export async function searchWorkspaces(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const session = await sessionFor(this);
	try {
		const subscriptions = await armGetAll<ArmSubscription>(session, '/subscriptions', SUBSCRIPTIONS_API_VERSION);
		const needle = (filter ?? '').trim().toLowerCase();
		const results: INodeListSearchResult['results'] = [];
		for (const subscription of subscriptions.filter((s) => s.state === undefined || s.state === 'Enabled')) {
			const workspaces = await armGetAll<ArmWorkspace>(
				session,
				`/subscriptions/${encodeURIComponent(subscription.subscriptionId)}/providers/Microsoft.OperationalInsights/workspaces`,
				OPERATIONAL_INSIGHTS_API_VERSION,
			);
			for (const workspace of workspaces) {
				const ref = parseWorkspaceId(workspace.id);
				if (!ref) continue;
				const label = `${ref.workspaceName} (${ref.resourceGroup}, ${subscription.displayName ?? ref.subscriptionId})`;
				if (needle && !label.toLowerCase().includes(needle)) continue;
				results.push({ name: label, value: ref.armId, url: workspacePortalUrl(session.endpoints.portal, ref) });
			}
		}
		results.sort((a, b) => a.name.localeCompare(b.name));
		return { results };
	} catch (error) {
		throw toNodeError(this.getNode(), error, { action: 'list the workspaces the service principal can see' });
	}
}
