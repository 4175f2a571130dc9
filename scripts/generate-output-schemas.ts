/**
 * Writes the output schemas n8n's editor shows before a node has run, inferred from real items the nodes produce
 * against the emulator: `<node>/__schema__/v1.0.0.json` for the trigger, `<node>/__schema__/v1.0.0/<resource>/
 * <operation>.json` for the action nodes (the editor asks for exactly these paths; a missing one is an HTTP 404 in
 * the browser). The SIGNL4 nodes' schemas are written by hand and not touched here. Run after changing an output
 * shape: `npx tsx scripts/generate-output-schemas.ts`.
 */
import '../test/bench/env';

import * as fs from 'node:fs';
import * as path from 'node:path';

import type { IDataObject, INodeParameters, INodeType } from 'n8n-workflow';

import type * as LogAnalyticsModule from '../nodes/AzureLogAnalytics/AzureLogAnalytics.node';
import type * as SentinelModule from '../nodes/MicrosoftSentinel/MicrosoftSentinel.node';
import type * as TriggerModule from '../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node';
import type * as DefenderModule from '../nodes/MicrosoftDefenderXdr/MicrosoftDefenderXdr.node';
import type * as DefenderTriggerModule from '../nodes/MicrosoftDefenderXdrTrigger/MicrosoftDefenderXdrTrigger.node';
import { startEmulator, type Emulator } from '../test/emulator';
import { emulatorCredential, triggerParameters } from '../test/helpers/azureFixtures';
import { PollHarness, runNode } from '../test/helpers/n8nHarness';

// tsx resolves a bare `….node` specifier as a native addon; name the TypeScript files explicitly.
/* eslint-disable @typescript-eslint/no-require-imports */
const { MicrosoftSentinelTrigger } = require(path.join(__dirname, '../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node.ts')) as typeof TriggerModule;
const { MicrosoftSentinel } = require(path.join(__dirname, '../nodes/MicrosoftSentinel/MicrosoftSentinel.node.ts')) as typeof SentinelModule;
const { AzureLogAnalytics } = require(path.join(__dirname, '../nodes/AzureLogAnalytics/AzureLogAnalytics.node.ts')) as typeof LogAnalyticsModule;
const { MicrosoftDefenderXdr } = require(path.join(__dirname, '../nodes/MicrosoftDefenderXdr/MicrosoftDefenderXdr.node.ts')) as typeof DefenderModule;
const { MicrosoftDefenderXdrTrigger } = require(path.join(__dirname, '../nodes/MicrosoftDefenderXdrTrigger/MicrosoftDefenderXdrTrigger.node.ts')) as typeof DefenderTriggerModule;
/* eslint-enable @typescript-eslint/no-require-imports */

type Schema = { type: string; properties?: Record<string, Schema>; items?: Schema };

const nodesDir = path.join(__dirname, '../nodes');

/**
 * Merges the shapes of several samples: union of object keys, first non-null type wins. A field that is null in
 * every sample (an unclassified incident's classification, a comment author without e-mail, MITRE techniques the
 * alerts did not name) is text or a list of text in all of these nodes' outputs, so that is what it is declared as.
 */
function infer(values: unknown[]): Schema {
	const present = values.filter((v) => v !== null && v !== undefined);
	if (present.length === 0) return { type: 'string' };
	const sample = present[0];
	if (Array.isArray(sample)) return { type: 'array', items: infer(present.flatMap((v) => v as unknown[])) };
	if (typeof sample === 'object') {
		const keys = [...new Set(present.flatMap((v) => Object.keys(v as object)))];
		return { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, infer(present.map((v) => (v as Record<string, unknown>)[k]))])) };
	}
	return { type: typeof sample === 'number' ? 'number' : typeof sample === 'boolean' ? 'boolean' : 'string' };
}

/** Keys whose content is open-ended (documented in the README, not listed field by field). */
const OPEN_ENDED = new Set(['raw', 'rows']);

function openUp(schema: Schema, depth = 0): Schema {
	if (schema.type === 'array' && schema.items) return { ...schema, items: openUp(schema.items, depth) };
	if (schema.type !== 'object' || !schema.properties) return schema;
	const properties: Record<string, Schema> = {};
	for (const [key, value] of Object.entries(schema.properties)) {
		if (OPEN_ENDED.has(key) && depth > 0) properties[key] = value.type === 'array' ? { type: 'array', items: { type: 'object' } } : { type: 'object' };
		else if (key === 'raw') properties[key] = { type: 'object' };
		else properties[key] = openUp(value, depth + 1);
	}
	return { ...schema, properties };
}

function write(file: string, schema: Schema): void {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...schema }, null, '\t')}\n`);
	process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

function writeInferred(file: string, items: IDataObject[]): void {
	if (items.length === 0) throw new Error(`no items to infer ${file} from`);
	write(file, openUp(infer(items)));
}

async function run(emu: Emulator, nodeType: INodeType, typeName: string, parameters: INodeParameters, input: IDataObject[]): Promise<IDataObject[]> {
	const result = await runNode({
		nodeType,
		typeName,
		parameters,
		credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
		input,
	});
	if (result.error) throw new Error(`${typeName} ${String(parameters.operation)}: ${result.error.message}`);
	return result.items.map((item) => item.json);
}

async function main(): Promise<void> {
	const emu = await startEmulator();
	try {
		emu.sentinel.seed(30, { createdWithinMinutes: 120 });

		// Microsoft Sentinel Trigger: every incident of the workspace, with alerts and entities.
		const trigger = new PollHarness({
			nodeType: new MicrosoftSentinelTrigger(),
			typeName: 'n8n-nodes-sentinel-signl4.microsoftSentinelTrigger',
			parameters: triggerParameters(emu, { statuses: [] }),
			credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
		});
		const incidents = ((await trigger.poll())?.[0] ?? []).map((item) => item.json);
		writeInferred(path.join(nodesDir, 'MicrosoftSentinelTrigger/__schema__/v1.0.0.json'), incidents);

		// Microsoft Sentinel: each operation on trigger items, as "trigger → Microsoft Sentinel" runs it.
		const sentinel = new MicrosoftSentinel();
		const sentinelType = 'n8n-nodes-sentinel-signl4.microsoftSentinel';
		const sample = incidents.slice(0, 8);
		const open = incidents.filter((incident) => incident.status !== 'Closed').slice(0, 4);
		const sentinelRuns: Record<string, () => Promise<IDataObject[]>> = {
			get: async () => [
				...(await run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'get' }, sample)),
				...(await run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'get', options: { includeAlerts: true, includeEntities: true } }, sample)),
			],
			getMany: () =>
				run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'getMany', workspace: { __rl: true, mode: 'id', value: emu.workspace.armId }, returnAll: true }, [{}]),
			update: () =>
				run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'update', status: 'Active', ownerAction: 'email', owner: emu.sentinel.users[1].email, tagAction: 'add', tags: 'SIGNL4' }, open),
			addComment: () =>
				run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'addComment', message: 'The on-call team was alerted in SIGNL4.', format: 'plainText', options: {} }, open),
			getAlerts: () => run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'getAlerts' }, sample),
			getEntities: () => run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'getEntities', output: 'perEntity' }, sample),
			getComments: () => run(emu, sentinel, sentinelType, { resource: 'incident', operation: 'getComments' }, open),
		};
		for (const [operation, produce] of Object.entries(sentinelRuns)) {
			writeInferred(path.join(nodesDir, `MicrosoftSentinel/__schema__/v1.0.0/incident/${operation}.json`), await produce());
		}

		// Azure Log Analytics: Enrich Incident on trigger items. Run Query outputs the columns of the user's query, so
		// its schema says only that items are objects (the editor then lists nothing rather than wrong fields).
		const enriched = await run(emu, new AzureLogAnalytics(), 'n8n-nodes-sentinel-signl4.azureLogAnalytics', { resource: 'incident', operation: 'enrich', options: {} }, sample);
		writeInferred(path.join(nodesDir, 'AzureLogAnalytics/__schema__/v1.0.0/incident/enrich.json'), enriched);
		write(path.join(nodesDir, 'AzureLogAnalytics/__schema__/v1.0.0/query/run.json'), { type: 'object', properties: {} });

		await writeDefenderSchemas(emu);
	} finally {
		await emu.stop();
	}
}

/** Microsoft Defender XDR Trigger (incidents and alerts, one schema) and every Microsoft Defender XDR operation. */
async function writeDefenderSchemas(emu: Emulator): Promise<void> {
	emu.defender.seed(20, 120);
	const poll = async (watch: 'incidents' | 'alerts') => {
		const harness = new PollHarness({
			nodeType: new MicrosoftDefenderXdrTrigger(),
			typeName: 'n8n-nodes-sentinel-signl4.microsoftDefenderXdrTrigger',
			parameters: { watch, incidentStatuses: [], alertStatuses: [], severities: [], serviceSources: [], maxAgeHours: 24, event: 'created', options: {} },
			credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
		});
		return ((await harness.poll())?.[0] ?? []).map((item) => item.json);
	};
	const incidents = await poll('incidents');
	const alerts = await poll('alerts');
	writeInferred(path.join(nodesDir, 'MicrosoftDefenderXdrTrigger/__schema__/v1.0.0.json'), [...incidents, ...alerts]);

	const defender = new MicrosoftDefenderXdr();
	const type = 'n8n-nodes-sentinel-signl4.microsoftDefenderXdr';
	const sample = incidents.slice(0, 6);
	const alertSample = alerts.slice(0, 6);
	const open = incidents.filter((incident) => incident.status !== 'resolved').slice(0, 3);
	const openAlerts = alerts.filter((alert) => alert.status !== 'resolved').slice(0, 3);
	const runs: Record<string, () => Promise<IDataObject[]>> = {
		'incident/get': () => run(emu, defender, type, { resource: 'incident', operation: 'get', options: { includeAlerts: true } }, sample),
		'incident/getMany': () => run(emu, defender, type, { resource: 'incident', operation: 'getMany', returnAll: true, filters: {} }, [{}]),
		'incident/update': () =>
			run(emu, defender, type, { resource: 'incident', operation: 'update', updateFields: { status: 'inProgress', assignedTo: 'analyst@contoso.com', tagsToAdd: 'SIGNL4' } }, open),
		'incident/addComment': () => run(emu, defender, type, { resource: 'incident', operation: 'addComment', comment: 'Alerted in SIGNL4.', options: {} }, open),
		'incident/getAlerts': () => run(emu, defender, type, { resource: 'incident', operation: 'getAlerts' }, sample),
		'alert/get': () => run(emu, defender, type, { resource: 'alert', operation: 'get' }, alertSample),
		'alert/getMany': () => run(emu, defender, type, { resource: 'alert', operation: 'getMany', returnAll: true, filters: {} }, [{}]),
		'alert/update': () => run(emu, defender, type, { resource: 'alert', operation: 'update', updateFields: { status: 'inProgress', assignedTo: 'analyst@contoso.com' } }, openAlerts),
		'alert/addComment': () => run(emu, defender, type, { resource: 'alert', operation: 'addComment', comment: 'Alerted in SIGNL4.', options: {} }, openAlerts),
	};
	for (const [operation, produce] of Object.entries(runs)) {
		writeInferred(path.join(nodesDir, `MicrosoftDefenderXdr/__schema__/v1.0.0/${operation}.json`), await produce());
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
	process.exit(1);
});
