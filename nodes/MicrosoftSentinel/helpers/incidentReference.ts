import { parseWorkspaceId, type WorkspaceRef } from '../../shared/azure/workspace';

/** What the Incident locator names, before any request. */
export type IncidentReference =
	| { kind: 'name'; name: string; workspace?: WorkspaceRef }
	| { kind: 'number'; number: number }
	| { kind: 'providerId'; providerIncidentId: string };

const INCIDENT_IN_RESOURCE_ID = /\/providers\/Microsoft\.SecurityInsights\/incidents\/([^/?#&'"\s]+)/i;
const DEFENDER_INCIDENT_LINK = /^https:\/\/security\.microsoft\.(?:com|us)\/incidents?\d*\/(\d+)(?:[/?#]|$)/i;

function decodeRepeatedly(text: string): string[] {
	const forms = [text];
	let candidate = text;
	// Portal links encode the resource ID once or twice.
	for (let i = 0; i < 3; i++) {
		try {
			const decoded = decodeURIComponent(candidate);
			if (decoded === candidate) break;
			forms.push(decoded);
			candidate = decoded;
		} catch {
			break;
		}
	}
	return forms;
}

/** An incident named inside a resource ID or an Azure portal link, with the workspace the ID names. */
function fromResourceId(text: string): IncidentReference | undefined {
	for (const form of decodeRepeatedly(text)) {
		const match = INCIDENT_IN_RESOURCE_ID.exec(form);
		if (match) return { kind: 'name', name: match[1], workspace: parseWorkspaceId(form) };
	}
	return undefined;
}

export type ReferenceResult = { ok: true; reference: IncidentReference } | { ok: false; message: string; description: string };

export function parseIncidentReference(mode: string | undefined, rawValue: unknown): ReferenceResult {
	const value = typeof rawValue === 'number' ? String(rawValue) : typeof rawValue === 'string' ? rawValue.trim() : '';
	if (!value) {
		return {
			ok: false,
			message: 'No incident given',
			description:
				mode === 'id'
					? "The Incident field is empty for this item. By default it reads the input item's incidentName (as the Microsoft Sentinel and SIGNL4 triggers emit it); for other input, choose the incident by name, number or portal link."
					: 'Fill in the Incident field.',
		};
	}
	switch (mode) {
		case 'number': {
			const digits = value.replace(/^#/, '');
			if (!/^\d+$/.test(digits) || Number(digits) < 1 || !Number.isSafeInteger(Number(digits))) {
				return { ok: false, message: 'The incident number must be a positive whole number', description: 'Incident numbers are shown in the portal as #1234; enter 1234.' };
			}
			return { ok: true, reference: { kind: 'number', number: Number(digits) } };
		}
		case 'url': {
			const fromId = fromResourceId(value);
			if (fromId) return { ok: true, reference: fromId };
			const defender = DEFENDER_INCIDENT_LINK.exec(value);
			if (defender) return { ok: true, reference: { kind: 'providerId', providerIncidentId: defender[1] } };
			return {
				ok: false,
				message: 'The link does not name a Microsoft Sentinel incident',
				description: 'Paste the incident link from the Azure portal (it contains …/providers/Microsoft.SecurityInsights/incidents/<GUID>) or from the Defender portal (security.microsoft.com/incidents/<number>).',
			};
		}
		default: {
			if (value.includes('/')) {
				const fromId = fromResourceId(value);
				if (fromId) return { ok: true, reference: fromId };
				return { ok: false, message: 'Not an incident name', description: 'Give the incident name (a GUID) or its full Azure resource ID.' };
			}
			// A dot segment would address another resource, half a surrogate pair cannot be put into a URL at all.
			const unusable = /^\.{1,2}$/.test(value) || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
			if (unusable || /[\\?#%\s]/.test(value) || value.length > 256 || [...value].some((char) => char.charCodeAt(0) < 0x20)) {
				return { ok: false, message: 'Not an incident name', description: 'An incident name is a GUID such as 73e01a99-5cd7-4139-a149-9f2736ff2ab5.' };
			}
			return { ok: true, reference: { kind: 'name', name: value } };
		}
	}
}
