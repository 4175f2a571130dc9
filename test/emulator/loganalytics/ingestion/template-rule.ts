// A data collection rule for the emulator read from an ARM template (deploy/signl4-history/azuredeploy.json): its
// stream declarations (inline or through one `variables('…')`), output table and transform, so the emulator
// validates uploads against the very rule the template deploys.
import { readFileSync } from 'node:fs';

import type { Column, KqlType } from '../kql';
import type { DataCollectionRuleSpec } from './ingestion-module';

const STREAM_TYPES: Record<string, KqlType> = { string: 'string', int: 'int', long: 'long', real: 'real', boolean: 'bool', datetime: 'datetime', dynamic: 'dynamic' };

interface Template {
	variables?: Record<string, unknown>;
	resources: Array<{ type: string; properties?: Record<string, unknown> }>;
}

function resolve(template: Template, value: unknown): unknown {
	const reference = typeof value === 'string' ? /^\[variables\('([^']+)'\)\]$/.exec(value) : null;
	return reference ? template.variables?.[reference[1]] : value;
}

export function ruleSpecFromTemplate(templatePath: string, overrides: Partial<DataCollectionRuleSpec> = {}): DataCollectionRuleSpec {
	const template = JSON.parse(readFileSync(templatePath, 'utf8')) as Template;
	const rule = template.resources.find((resource) => resource.type.toLowerCase() === 'microsoft.insights/datacollectionrules');
	if (!rule?.properties) throw new Error(`${templatePath} has no data collection rule`);
	const declarations = rule.properties.streamDeclarations as Record<string, { columns: unknown }>;
	const streams: Record<string, Column[]> = {};
	for (const [stream, declaration] of Object.entries(declarations)) {
		const columns = resolve(template, declaration.columns) as Array<{ name: string; type: string }>;
		streams[stream] = columns.map((column) => {
			const type = STREAM_TYPES[column.type.toLowerCase()];
			if (!type) throw new Error(`stream ${stream}: column ${column.name} has type ${column.type}, which a stream cannot declare`);
			return { name: column.name, type };
		});
	}
	const flow = (rule.properties.dataFlows as Array<{ outputStream?: string; transformKql?: string }>)[0];
	const output = String(resolve(template, flow.outputStream) ?? '');
	const outputTable = output.replace(/^Custom-/, '');
	return { streams, outputTable, transformKql: flow.transformKql ?? 'source', ...overrides };
}
