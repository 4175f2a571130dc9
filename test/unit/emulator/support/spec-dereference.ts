// Child-process helper for spec-contract.ts: @apidevtools/json-schema-ref-parser is ESM-only, which Jest on
// Node 20 cannot load, so dereferencing runs here (under `node --import tsx`) and the result goes out as JSON.
// Discriminator bases are tagged with `x-contract-base` because object identity does not survive JSON.
import SwaggerParser from '@apidevtools/swagger-parser';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Schema = Record<string, unknown>;

export interface DereferencedContract {
	operations: Record<string, Record<string, { schema?: Schema }>>;
	definitions: Record<string, Schema>;
	discriminators: Record<string, { field: string; subtypes: Record<string, string> }>;
}

async function main(specDir: string): Promise<void> {
	const entityTypesFile = path.join(specDir, 'common/EntityTypes.json');
	const entityDefinitions = Object.keys((JSON.parse(readFileSync(entityTypesFile, 'utf8')) as { definitions: Schema }).definitions);
	const definitions: Record<string, Schema> = { CloudError: { $ref: '../../../common/2.0/types.json#/definitions/CloudError' } };
	for (const name of entityDefinitions) definitions[name] = { $ref: `./common/EntityTypes.json#/definitions/${name}` };
	const root = { swagger: '2.0', info: { title: 'contract', version: '1' }, paths: {}, definitions, 'x-incidents': { $ref: './Incidents.json' } };

	const api = (await new SwaggerParser().dereference(path.join(specDir, '__contract-root__.json'), root as never, {
		resolve: {
			// Incidents.json links x-ms-examples files that were not copied (see the specs README); read them as {}.
			missingExamples: {
				order: 1,
				canRead: /[\\/]examples[\\/]/i,
				read: (file: { url: string }) => {
					const filePath = decodeURIComponent(file.url.replace(/^file:\/\//, ''));
					return existsSync(filePath) ? readFileSync(filePath) : '{}';
				},
			},
		},
	} as never)) as unknown as {
		definitions: Record<string, Schema>;
		'x-incidents': { paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, { schema?: Schema }> }>> };
	};

	const out: DereferencedContract = { operations: {}, definitions: api.definitions, discriminators: {} };
	for (const pathItem of Object.values(api['x-incidents'].paths)) {
		for (const operation of Object.values(pathItem)) {
			if (operation?.operationId && operation.responses) out.operations[operation.operationId] = operation.responses;
		}
	}
	for (const [name, schema] of Object.entries(api.definitions)) {
		const base = (Array.isArray(schema.allOf) ? (schema.allOf as Schema[]) : []).find((member) => typeof member.discriminator === 'string');
		if (!base) continue;
		const baseName = Object.entries(api.definitions).find(([, candidate]) => candidate === base)?.[0] ?? 'base';
		base['x-contract-base'] = baseName;
		const entry = (out.discriminators[baseName] ??= { field: base.discriminator as string, subtypes: {} });
		entry.subtypes[(schema['x-ms-discriminator-value'] as string | undefined) ?? name] = name;
	}
	process.stdout.write(JSON.stringify(out));
}

main(process.argv[2]).catch((error) => {
	process.stderr.write(String(error?.stack ?? error));
	process.exit(1);
});
