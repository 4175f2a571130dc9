/**
 * Writes the output schemas n8n's editor shows before a node has run (`<node>/__schema__/v<version>.json`), inferred
 * from real items the nodes produce against the emulator. Run after changing an output shape:
 * `npx tsx scripts/generate-output-schemas.ts`.
 */
import '../test/bench/env';

import * as fs from 'node:fs';
import * as path from 'node:path';

import type * as TriggerModule from '../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node';
import { startEmulator } from '../test/emulator';
import { emulatorCredential, triggerParameters } from '../test/helpers/azureFixtures';
import { PollHarness } from '../test/helpers/n8nHarness';

// tsx resolves a bare `….node` specifier as a native addon; name the TypeScript file explicitly.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MicrosoftSentinelTrigger } = require(path.join(__dirname, '../nodes/MicrosoftSentinelTrigger/MicrosoftSentinelTrigger.node.ts')) as typeof TriggerModule;

type Schema = { type: string; properties?: Record<string, Schema>; items?: Schema };

/** Merges the shapes of several samples: union of object keys, first non-null type wins. */
function infer(values: unknown[]): Schema {
	const present = values.filter((v) => v !== null && v !== undefined);
	if (present.length === 0) return { type: 'null' };
	const sample = present[0];
	if (Array.isArray(sample)) return { type: 'array', items: infer(present.flatMap((v) => v as unknown[])) };
	if (typeof sample === 'object') {
		const keys = [...new Set(present.flatMap((v) => Object.keys(v as object)))];
		return { type: 'object', properties: Object.fromEntries(keys.map((k) => [k, infer(present.map((v) => (v as Record<string, unknown>)[k]))])) };
	}
	return { type: typeof sample === 'number' ? 'number' : typeof sample === 'boolean' ? 'boolean' : 'string' };
}

function write(file: string, items: unknown[]): void {
	const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...infer(items) };
	// `raw` is the ARM resource as served: documented in the README, too large and open-ended to list here.
	if (schema.properties?.raw) schema.properties.raw = { type: 'object' };
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(schema, null, '\t')}\n`);
	process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

async function main(): Promise<void> {
	const emu = await startEmulator();
	try {
		emu.sentinel.seed(30, { createdWithinMinutes: 120 });
		const harness = new PollHarness({
			nodeType: new MicrosoftSentinelTrigger(),
			typeName: 'n8n-nodes-sentinel-signl4.microsoftSentinelTrigger',
			parameters: triggerParameters(emu, { statuses: [] }),
			credentials: { sentinelSignl4AzureApi: emulatorCredential(emu) },
		});
		const result = await harness.poll();
		write(path.join(__dirname, '../nodes/MicrosoftSentinelTrigger/__schema__/v1.0.0.json'), (result?.[0] ?? []).map((i) => i.json));
	} finally {
		await emu.stop();
	}
}

void main();
