// The Log Analytics query API's contract (OperationalInsights.json 2022-10-27, ../shared/specs) as a validator, for
// the tests that check the emulator's Log Analytics answers against the official spec.
import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { SPECS_ROOT } from './spec-contract';

const SPEC = path.join(SPECS_ROOT, 'specification/operationalinsights/data-plane/Microsoft.OperationalInsights/stable/2022-10-27/OperationalInsights.json');

type Schema = Record<string, unknown>;

/**
 * The spec's definitions as JSON Schema. Success bodies are closed (`additionalProperties: false` on the result,
 * table and column objects: an unknown field is drift). Two adjustments, both spec quirks: row cells are declared
 * `type: object` but are scalars in every real answer, so cells may be any JSON value; and error objects stay open,
 * as the real service adds `correlationId` and, on syntax errors, `line`/`pos`/`token`.
 */
export function loadLogAnalyticsContract(): { validate(definition: string, body: unknown): string[] } {
	const spec = JSON.parse(readFileSync(SPEC, 'utf8')) as { definitions: Record<string, Schema> };
	const definitions = structuredClone(spec.definitions);
	for (const name of ['queryResults', 'table', 'column']) definitions[name] = { ...definitions[name], additionalProperties: false };
	const table = definitions.table as { properties: { rows: { items: Schema } } };
	table.properties.rows.items = { type: 'array', items: {} };
	const ajv = new Ajv({ allErrors: true, strict: false });
	ajv.addSchema({ $id: 'la', definitions });
	const validators = new Map<string, ValidateFunction>();
	return {
		validate(definition, body) {
			let validator = validators.get(definition);
			if (!validator) {
				validator = ajv.compile({ $ref: `la#/definitions/${definition}` });
				validators.set(definition, validator);
			}
			return validator(body) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
		},
	};
}
