import { json } from '../core/json';
import type { ArmPipeline } from './arm-pipeline';
import type { RouteDefinition } from '../core/http-types';
import { OPERATIONAL_INSIGHTS_API_VERSIONS, SUBSCRIPTIONS_API_VERSIONS } from './api-versions';
import type { ArmTopology, SubscriptionInfo, WorkspaceInfo } from './topology';

const WORKSPACES = '/providers/Microsoft.OperationalInsights/workspaces';

/** Subscriptions and Log Analytics workspaces: what a workspace picker lists. */
export function resourceRoutes(pipeline: ArmPipeline, topology: ArmTopology): RouteDefinition[] {
	return [
		pipeline.route({
			id: 'subscriptions.list',
			method: 'GET',
			pattern: '/subscriptions',
			apiVersions: SUBSCRIPTIONS_API_VERSIONS,
			scope: 'tenant',
			handler: () => {
				const value = topology.subscriptions.map(subscriptionJson);
				return json(200, { value, count: { type: 'Total', value: value.length } });
			},
		}),
		pipeline.route({
			id: 'subscriptions.get',
			method: 'GET',
			pattern: '/subscriptions/{subscriptionId}',
			apiVersions: SUBSCRIPTIONS_API_VERSIONS,
			scope: 'subscription',
			handler: ({ subscription }) => json(200, subscriptionJson(subscription as SubscriptionInfo)),
		}),
		pipeline.route({
			id: 'workspaces.list',
			method: 'GET',
			pattern: `/subscriptions/{subscriptionId}${WORKSPACES}`,
			apiVersions: OPERATIONAL_INSIGHTS_API_VERSIONS,
			scope: 'subscription',
			handler: ({ subscription }) =>
				json(200, {
					value: topology.workspaces.filter((ws) => ws.subscriptionId === subscription?.subscriptionId).map(workspaceJson),
				}),
		}),
		pipeline.route({
			id: 'workspaces.get',
			method: 'GET',
			pattern: `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}${WORKSPACES}/{workspaceName}`,
			apiVersions: OPERATIONAL_INSIGHTS_API_VERSIONS,
			scope: 'workspace',
			handler: ({ workspace }) => json(200, workspaceJson(workspace as WorkspaceInfo)),
		}),
	];
}

function subscriptionJson(sub: SubscriptionInfo) {
	return {
		id: `/subscriptions/${sub.subscriptionId}`,
		authorizationSource: 'RoleBased',
		managedByTenants: [],
		subscriptionId: sub.subscriptionId,
		tenantId: sub.tenantId,
		displayName: sub.displayName,
		state: 'Enabled',
		subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
	};
}

function workspaceJson(ws: WorkspaceInfo) {
	return {
		properties: {
			customerId: ws.customerId,
			provisioningState: 'Succeeded',
			sku: { name: 'PerGB2018', lastSkuUpdate: ws.createdDate },
			retentionInDays: 90,
			features: { legacy: 0, searchVersion: 1, enableLogAccessUsingOnlyResourcePermissions: true },
			workspaceCapping: { dailyQuotaGb: -1, quotaNextResetTime: new Date(Date.now() + 6 * 3600_000).toISOString(), dataIngestionStatus: 'RespectQuota' },
			publicNetworkAccessForIngestion: 'Enabled',
			publicNetworkAccessForQuery: 'Enabled',
			createdDate: ws.createdDate,
			modifiedDate: ws.createdDate,
		},
		id: ws.armId,
		name: ws.name,
		type: 'Microsoft.OperationalInsights/workspaces',
		location: ws.location,
		tags: {},
		etag: '"0b00c2f0-0000-0d00-0000-65a0f0a00000"',
	};
}
