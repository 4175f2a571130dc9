import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RequestPolicy } from './context';
import { hasApiKey } from './context';
import { findAlertsByExternalId } from './lookup';

/**
 * "Exactly one Signl" when the same incident is sent more than once. The Microsoft Sentinel Trigger emits an
 * incident again when the workflow did not confirm it (its execution failed, n8n was killed between raising the
 * Signl and tagging the incident); its item then says `delivery.attempt > 1`. Before raising a Signl for such an
 * item the node asks SIGNL4 (REST API, API key) whether one with the same external ID exists since the first
 * emission. A first emission skips the check: nobody can have sent it before.
 */

export type PriorCheck = 'redeliveries' | 'always' | 'never';

export interface PriorSignl {
	found: IDataObject | undefined;
	/** Why no check ran, when none did. */
	skipped?: string;
}

/** `delivery` as the Microsoft Sentinel Trigger writes it, when the item carries one. */
export function deliveryOf(item: IDataObject): { attempt: number; firstEmittedAt?: string } | undefined {
	const delivery = item.delivery as IDataObject | undefined;
	if (!delivery || typeof delivery !== 'object' || typeof delivery.attempt !== 'number') return undefined;
	return { attempt: delivery.attempt, firstEmittedAt: typeof delivery.firstEmittedAt === 'string' ? delivery.firstEmittedAt : undefined };
}

export function needsPriorCheck(mode: PriorCheck, item: IDataObject): boolean {
	if (mode === 'never') return false;
	if (mode === 'always') return true;
	return (deliveryOf(item)?.attempt ?? 1) > 1;
}

/** Searches from five minutes before the first emission (or the last `fallbackHours`), so clock skew cannot hide it. */
export async function findPriorSignl(
	this: IExecuteFunctions,
	itemIndex: number,
	externalId: string,
	item: IDataObject,
	policy: RequestPolicy,
	fallbackHours = 48,
): Promise<PriorSignl> {
	if (!(await hasApiKey.call(this))) {
		return { found: undefined, skipped: 'no API key in the SIGNL4 credential, so SIGNL4 could not be asked for an earlier Signl' };
	}
	const first = Date.parse(deliveryOf(item)?.firstEmittedAt ?? '');
	const since = Number.isFinite(first) ? first - 5 * 60_000 : Date.now() - fallbackHours * 3_600_000;
	const windowHours = Math.max(1, Math.ceil((Date.now() - since) / 3_600_000));
	const found = await findAlertsByExternalId.call(this, itemIndex, externalId, { windowHours, createdSince: new Date(since).toISOString(), policy });
	return { found: found[0] };
}
