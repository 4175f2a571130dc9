import type { IDataObject } from 'n8n-workflow';

/**
 * Where Enrich Incident takes the alerts' KQL from. An alert's `query` runs with the credential's rights over the
 * whole workspace and its rows end up in a Signl, so text that arrived with an item (a webhook body, an AI agent's
 * arguments, a Set node) must not decide what runs: by default the alerts are read from Microsoft Sentinel, by the
 * incident's name in its workspace, and their queries are the analytics rules' own. Pure: no n8n context.
 */

export type AlertSource = 'sentinel' | 'inputItem';

/**
 * True for the AI-tool variant of a node type. n8n derives `<name>Tool` from every `usableAsTool` node (the workflow
 * then holds e.g. `n8n-nodes-sentinel-signl4.azureLogAnalyticsTool`); this is the test n8n-workflow 2.41 applies
 * itself (`NodeHelpers.isToolType`: the part after the last dot ends in `Tool` or starts with `tool`).
 */
export function isAiToolNodeType(type: string): boolean {
	const name = type.split('.').pop() ?? '';
	return name.endsWith('Tool') || name.startsWith('tool');
}

export const TRUST_OPTION = 'Trust Queries in the Input Item';
export const TRUST_AS_TOOL_OPTION = 'Trust Queries in the Input Item When Used as a Tool';

export interface AlertSourceDecision {
	source: AlertSource;
	/** Set when the user asked to trust the item but the tool safeguard overrode it (shown as a warning). */
	note?: string;
}

/**
 * `options` are the node's Options: `trustItemQueries` and `trustItemQueriesAsTool` must be exactly `true` (a string
 * "true" from an expression does not count). (The earlier option "Always Read Alerts From Sentinel" is gone: reading
 * from Sentinel is what every workflow now gets unless it trusts its items, and n8n drops the old key on load.)
 */
export function chooseAlertSource(input: { nodeType: string; itemHasAlerts: boolean; options: IDataObject }): AlertSourceDecision {
	const { options } = input;
	if (options.trustItemQueries !== true || !input.itemHasAlerts) return { source: 'sentinel' };
	if (isAiToolNodeType(input.nodeType) && options.trustItemQueriesAsTool !== true) {
		return {
			source: 'sentinel',
			note: `The queries in the input item were not run: the node runs as an AI agent's tool. The alerts were read from Microsoft Sentinel instead (turn on '${TRUST_AS_TOOL_OPTION}' to change this).`,
		};
	}
	return { source: 'inputItem' };
}
