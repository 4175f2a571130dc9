import { newGuid } from '../core/ids';

export interface WorkspaceInfo {
	subscriptionId: string;
	resourceGroup: string;
	name: string;
	/** Log Analytics workspace GUID (`properties.customerId`), used by the query API. */
	customerId: string;
	location: string;
	armId: string;
	createdDate: string;
	/** Only Sentinel-enabled workspaces answer the `Microsoft.SecurityInsights` routes. */
	sentinelEnabled: boolean;
}

export interface SubscriptionInfo {
	subscriptionId: string;
	displayName: string;
	tenantId: string;
	resourceGroups: string[];
}

/**
 * What the principal can see in ARM: one subscription with two Log Analytics workspaces in different resource
 * groups (a picker has something to choose from); only the first holds incidents unless seeded otherwise.
 */
export class ArmTopology {
	readonly subscriptions: SubscriptionInfo[];
	readonly workspaces: WorkspaceInfo[];

	constructor(tenantId: string) {
		const subscriptionId = newGuid();
		this.subscriptions = [
			{ subscriptionId, displayName: 'Contoso Security Operations (emulator)', tenantId, resourceGroups: ['rg-sentinel-prod', 'rg-sentinel-dev'] },
		];
		const created = new Date(Date.now() - 400 * 24 * 60 * 60 * 1000).toISOString();
		this.workspaces = [
			workspace(subscriptionId, 'rg-sentinel-prod', 'law-sentinel-prod', 'westeurope', created),
			workspace(subscriptionId, 'rg-sentinel-dev', 'law-sentinel-dev', 'westeurope', created),
		];
	}

	get defaultWorkspace(): WorkspaceInfo {
		return this.workspaces[0];
	}

	findSubscription(subscriptionId: string): SubscriptionInfo | undefined {
		return this.subscriptions.find((sub) => sub.subscriptionId === subscriptionId.toLowerCase());
	}

	hasResourceGroup(subscription: SubscriptionInfo, resourceGroup: string): boolean {
		return subscription.resourceGroups.some((rg) => rg.toLowerCase() === resourceGroup.toLowerCase());
	}

	findWorkspace(subscriptionId: string, resourceGroup: string, name: string): WorkspaceInfo | undefined {
		return this.workspaces.find(
			(ws) =>
				ws.subscriptionId === subscriptionId.toLowerCase() &&
				ws.resourceGroup.toLowerCase() === resourceGroup.toLowerCase() &&
				ws.name.toLowerCase() === name.toLowerCase(),
		);
	}

	findWorkspaceByName(name: string): WorkspaceInfo | undefined {
		return this.workspaces.find((ws) => ws.name.toLowerCase() === name.toLowerCase());
	}
}

function workspace(subscriptionId: string, resourceGroup: string, name: string, location: string, createdDate: string): WorkspaceInfo {
	return {
		subscriptionId,
		resourceGroup,
		name,
		customerId: newGuid(),
		location,
		armId: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${name}`,
		createdDate,
		sentinelEnabled: true,
	};
}
