/**
 * The correlation key between a Microsoft Defender XDR incident or alert (Microsoft Graph security API) and its
 * Signl: SIGNL4's `X-S4-ExternalID`, echoed back as `alert.externalEventId` in every callback, so one SIGNL4 team's
 * single outbound webhook can be routed to Sentinel or to Defender XDR by the ID alone.
 *
 * Format: `defender:<tenantId>:incident:<id>` or `defender:<tenantId>:alert:<id>`.
 *
 * - Tenant-qualified: incident IDs are small numbers per tenant (`"2972395"`), so an MSSP's two customers can have the
 *   same one; the tenant (a GUID, lower case) keeps them apart and says which tenant to write back to.
 * - The kind says which Graph collection the ID belongs to (`incidents` or `alerts_v2`).
 * - Graph's IDs are kept as written (alert IDs such as `da637578995287051192_756343937` mix letters and digits);
 *   they never contain `:`. Anything outside letters, digits, `_`, `-` and `.` is refused, so a parsed ID is safe as a
 *   URL path segment.
 * - Distinct from the Sentinel IDs (`sentinel:…`, see `../sentinel/externalId.ts`): neither parser accepts the other's.
 */

export const DEFENDER_EXTERNAL_ID_PREFIX = 'defender';
const MAX_LENGTH = 255;

export type DefenderKind = 'incident' | 'alert';

export interface DefenderRef {
	tenantId: string;
	kind: DefenderKind;
	/** The incident's or alert's Graph ID. */
	id: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const GRAPH_ID = /^[\w.-]{1,128}$/;

export class DefenderExternalIdError extends Error {}

function check(ref: DefenderRef): DefenderRef {
	const normalised: DefenderRef = {
		tenantId: String(ref.tenantId ?? '').trim().toLowerCase(),
		kind: ref.kind,
		id: String(ref.id ?? '').trim(),
	};
	// Messages name the part, never the value: these strings come from input items.
	if (!GUID.test(normalised.tenantId)) throw new DefenderExternalIdError('the tenant ID is not a GUID');
	if (normalised.kind !== 'incident' && normalised.kind !== 'alert') throw new DefenderExternalIdError('the kind is neither incident nor alert');
	if (!GRAPH_ID.test(normalised.id)) throw new DefenderExternalIdError(`the ${normalised.kind} ID is not a Microsoft Graph security ID`);
	return normalised;
}

export function formatDefenderExternalId(ref: DefenderRef): string {
	const p = check(ref);
	return [DEFENDER_EXTERNAL_ID_PREFIX, p.tenantId, p.kind, p.id].join(':');
}

/** The reference in an ID made by `formatDefenderExternalId`; undefined for any other string. */
export function parseDefenderExternalId(externalId: unknown): DefenderRef | undefined {
	if (typeof externalId !== 'string' || externalId.length > MAX_LENGTH) return undefined;
	const parts = externalId.trim().split(':');
	if (parts.length !== 4 || parts[0].toLowerCase() !== DEFENDER_EXTERNAL_ID_PREFIX) return undefined;
	try {
		return check({ tenantId: parts[1], kind: parts[2] as DefenderKind, id: parts[3] });
	} catch {
		return undefined;
	}
}

type Json = Record<string, unknown>;

/**
 * The kind of a Defender XDR item: as the Microsoft Defender XDR Trigger labels it (`source`, `kind`), else a Graph security incident (`incidentWebUrl` + `displayName`, as the Microsoft
 * Defender XDR Trigger and node emit it) or an alerts_v2 alert (`alertWebUrl` + `title`). Sentinel items
 * (`incidentName`) are never taken for Defender ones.
 */
export function defenderKindOf(item: Json): DefenderKind | undefined {
	if (typeof item.incidentName === 'string') return undefined;
	// The Microsoft Defender XDR Trigger says what it emitted.
	if (item.source === 'defenderXdr' && (item.kind === 'incident' || item.kind === 'alert')) return item.kind;
	const odataType = typeof item['@odata.type'] === 'string' ? (item['@odata.type'] as string) : '';
	if (odataType.endsWith('security.incident') || (typeof item.incidentWebUrl === 'string' && typeof item.displayName === 'string' && item.alertWebUrl === undefined)) {
		return 'incident';
	}
	if (odataType.endsWith('security.alert') || (typeof item.alertWebUrl === 'string' && typeof item.title === 'string')) return 'alert';
	return undefined;
}

/** The reference of a Defender XDR item, or undefined when the item is not one or lacks its tenant or ID. */
export function defenderRefFromItem(item: Json): DefenderRef | undefined {
	const kind = defenderKindOf(item);
	if (!kind || (typeof item.id !== 'string' && typeof item.id !== 'number') || typeof item.tenantId !== 'string') return undefined;
	return { tenantId: item.tenantId, kind, id: String(item.id) };
}
