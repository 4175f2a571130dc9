import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { SIGNL4_CREDENTIAL } from '../../shared/signl4/constants';
import { DEFAULT_RATE_LIMIT_POLICY, signl4Request, pathSegment, type RateLimitPolicy } from '../../shared/signl4/transport';
import { DefenderExternalIdError, defenderKindOf, defenderRefFromItem, formatDefenderExternalId } from '../../shared/defender/externalId';
import { ExternalIdError, formatExternalId, incidentRefFromItem } from '../../shared/sentinel/externalId';

/** Per-item parameter reading shared by the operations. */

export interface RequestPolicy {
	timeoutMs: number;
	rateLimit: RateLimitPolicy;
}

export function requestPolicy(options: IDataObject): RequestPolicy {
	const timeout = Number(options.timeoutSeconds ?? 30);
	const wait = Number(options.maxRateLimitWaitSeconds ?? DEFAULT_RATE_LIMIT_POLICY.maxWaitSeconds);
	return {
		timeoutMs: Math.max(1, Number.isFinite(timeout) ? timeout : 30) * 1000,
		rateLimit: { maxWaitSeconds: Number.isFinite(wait) ? Math.max(0, wait) : 60, maxRetries: DEFAULT_RATE_LIMIT_POLICY.maxRetries },
	};
}

/** The external ID chosen by the `externalIdSource` / `externalId` parameters for this item. */
export function resolveExternalId(this: IExecuteFunctions, itemIndex: number): string {
	const source = this.getNodeParameter('externalIdSource', itemIndex, 'incident') as string;
	if (source === 'custom') {
		const value = String(this.getNodeParameter('externalId', itemIndex, '') ?? '').trim();
		if (!value) throw new NodeOperationError(this.getNode(), 'The custom external ID is empty', { itemIndex });
		return value;
	}
	const item = this.getInputData()[itemIndex]?.json ?? {};
	const ref = incidentRefFromItem(item);
	if (!ref) {
		const defender = defenderRefFromItem(item);
		if (defender) {
			try {
				return formatDefenderExternalId(defender);
			} catch (error) {
				throw new NodeOperationError(this.getNode(), `Cannot build the Defender XDR ${defender.kind}'s external ID: ${(error as DefenderExternalIdError).message}`, { itemIndex });
			}
		}
		throw new NodeOperationError(
			this.getNode(),
			defenderKindOf(item) ? `The Defender XDR ${defenderKindOf(item)} in the input item has no id or tenantId` : 'The input item is neither a Microsoft Sentinel incident nor a Defender XDR incident or alert',
			{
				itemIndex,
				description:
					"External ID 'From the Incident' needs incidentName and workspace (subscriptionId, resourceGroup, name) in the item, as the Microsoft Sentinel Trigger and the SIGNL4 On-Call Trigger emit them, or a Defender XDR incident or alert with its id and tenantId, as Microsoft Graph returns them. Choose 'Custom' to enter an external ID.",
			},
		);
	}
	try {
		return formatExternalId(ref);
	} catch (error) {
		throw new NodeOperationError(this.getNode(), `Cannot build the incident's external ID: ${(error as ExternalIdError).message}`, { itemIndex });
	}
}

export async function hasApiKey(this: IExecuteFunctions): Promise<boolean> {
	const credentials = await this.getCredentials(SIGNL4_CREDENTIAL);
	return typeof credentials.apiKey === 'string' && credentials.apiKey.trim() !== '';
}

export async function requireApiKey(this: IExecuteFunctions, itemIndex: number, what: string): Promise<void> {
	if (!(await hasApiKey.call(this))) {
		throw new NodeOperationError(this.getNode(), `${what} needs an API key in the SIGNL4 credential`, {
			itemIndex,
			description:
				"The team secret only reaches SIGNL4's webhook, which can raise, acknowledge and resolve alerts by external ID. Create an API key in the SIGNL4 portal (Integrations → API) and add it to the credential.",
		});
	}
}

/** A SIGNL4 user ID for `userId` fields: IDs pass through, e-mail addresses are looked up (`GET /users/{email}`). */
export async function resolveUserId(
	this: IExecuteFunctions,
	itemIndex: number,
	user: string,
	policy: RequestPolicy,
): Promise<string | undefined> {
	const value = user.trim();
	if (!value) return undefined;
	if (!value.includes('@')) return value;
	const response = await signl4Request<IDataObject>(this, {
		channel: 'api',
		method: 'GET',
		path: `/users/${pathSegment(value, 'user e-mail address', this, itemIndex)}`,
		action: 'look up the acting user by e-mail',
		itemIndex,
		acceptStatuses: [404],
		timeoutMs: policy.timeoutMs,
		rateLimit: policy.rateLimit,
	});
	const id = response.statusCode === 200 ? response.body?.id : undefined;
	if (typeof id !== 'string' || !id) {
		throw new NodeOperationError(this.getNode(), 'No SIGNL4 user with that e-mail address in this team', { itemIndex });
	}
	return id;
}
