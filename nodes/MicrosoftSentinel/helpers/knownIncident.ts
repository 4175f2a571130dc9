import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import type { RawIncident } from '../../shared/sentinel/types';

/**
 * *Incident as Already Read*: Update and Add Comment start from a copy of the incident read earlier in the workflow
 * (the Microsoft Sentinel Trigger's `raw.incident`, mapped with an expression) instead of reading it first, saving
 * one Resource Manager call per item. Safe against staleness: an update's PUT carries that copy's etag, so if the
 * incident changed since, Azure refuses it (409) and the update reads the incident and tries again; a comment only
 * needs the incident's number. Not safe against a forged copy, whose fields an update would write back: map it only
 * from this package's trigger or node.
 */
export const knownIncidentProperty = (description: string): INodeProperties => ({
	displayName: 'Incident as Already Read',
	name: 'knownIncident',
	type: 'json',
	default: '',
	placeholder: "e.g. {{ $('New Sentinel incidents').item.json.raw.incident }}",
	description,
});

/**
 * The copy given in *Incident as Already Read*, when it is this incident (same name, same workspace) and complete
 * enough to write from; undefined when the field is empty or the copy is of no use (the operation then reads the
 * incident as usual). A value that is not an incident at all is refused: it is a mistake in the workflow.
 */
export function knownIncident(
	context: IExecuteFunctions,
	itemIndex: number,
	incidentName: string,
	workspaceArmId: string,
	parameter = 'knownIncident',
): RawIncident | undefined {
	let value = context.getNodeParameter(parameter, itemIndex, '') as unknown;
	if (value === '' || value === null || value === undefined) return undefined;
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			value = undefined;
		}
	}
	const raw = value as Partial<RawIncident> | undefined;
	const properties = raw?.properties as Partial<RawIncident['properties']> | undefined;
	const complete =
		!!raw &&
		typeof raw === 'object' &&
		typeof raw.name === 'string' &&
		typeof raw.id === 'string' &&
		typeof raw.etag === 'string' &&
		!!properties &&
		typeof properties.incidentNumber === 'number' &&
		typeof properties.title === 'string' &&
		typeof properties.severity === 'string' &&
		typeof properties.status === 'string';
	if (!complete) {
		throw new NodeOperationError(context.getNode(), 'Incident as Already Read is not a Microsoft Sentinel incident', {
			itemIndex,
			description:
				"Map the incident as the Microsoft Sentinel Trigger emits it in raw.incident (with its name, id, etag and properties), e.g. {{ $('New Sentinel incidents').item.json.raw.incident }}, or leave the field empty.",
		});
	}
	// Another incident's copy (the mapping points at the wrong node or item) is not used: the incident is read instead.
	if (raw.name!.toLowerCase() !== incidentName.toLowerCase()) return undefined;
	if (!raw.id!.toLowerCase().startsWith(`${workspaceArmId.toLowerCase()}/`)) return undefined;
	return raw as RawIncident;
}
