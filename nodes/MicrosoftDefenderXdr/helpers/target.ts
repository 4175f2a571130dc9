import { NodeOperationError, type IExecuteFunctions, type ILoadOptionsFunctions } from 'n8n-workflow';

import type { AzureSession } from '../../shared/azure/credential';
import { sessionFor } from '../../shared/azure/session';
import { toGraphNodeError } from '../../shared/graph/errors';
import { graphSessionFor } from '../../shared/graph/transport';

/** The credential's Azure session, refused up front in a cloud without the Graph security API. */
export async function defenderSession(context: IExecuteFunctions | ILoadOptionsFunctions, itemIndex?: number): Promise<AzureSession> {
	const session = await sessionFor(context, itemIndex);
	try {
		graphSessionFor(session);
	} catch (error) {
		throw toGraphNodeError(context.getNode(), error, { action: 'use Microsoft Defender XDR', permission: 'SecurityIncident.Read.All', itemIndex });
	}
	return session;
}

interface LocatorValue {
	mode?: string;
	value?: unknown;
}

/** An id from a portal link, whatever mode it was pasted into (the URL mode's own extraction covers only its mode). */
function fromPortalUrl(text: string, kind: 'incident' | 'alert'): string | undefined {
	const pattern = kind === 'incident' ? /^https:\/\/[^/]+\/incidents?2?\/(\d+)/i : /^https:\/\/[^/]+\/alerts\/([A-Za-z0-9_.:-]+)/i;
	return pattern.exec(text)?.[1];
}

/** The incident or alert ID the item's locator names. */
export function targetId(context: IExecuteFunctions, itemIndex: number, kind: 'incident' | 'alert'): string {
	const locator = context.getNodeParameter(kind, itemIndex, undefined, { extractValue: true }) as LocatorValue | string | number | undefined;
	const raw = typeof locator === 'object' && locator !== null ? locator.value : locator;
	const text = String(raw ?? '').trim();
	const id = fromPortalUrl(text, kind) ?? text;
	if (!id) {
		throw new NodeOperationError(context.getNode(), `No ${kind} ID given`, {
			description: `Choose the ${kind} in the node, or give an input item with ${kind === 'incident' ? 'incidentId' : 'alertId'} (as the Microsoft Defender XDR Trigger emits it).`,
			itemIndex,
		});
	}
	if (kind === 'incident' && !/^\d+$/.test(id)) {
		throw new NodeOperationError(context.getNode(), 'A Defender XDR incident ID is a whole number', {
			description: 'Give the number from the Defender portal (security.microsoft.com/incidents/{number}), not a Sentinel incident name (GUID).',
			itemIndex,
		});
	}
	return id;
}
