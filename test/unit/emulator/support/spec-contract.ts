// Validates emulator responses against the official Sentinel OpenAPI 2.0 spec (../shared/specs). OpenAPI 2 is
// turned into JSON Schema 2019-09 for ajv: `x-ms-*` vendor keys dropped, `discriminator`/`kind` dispatched to the
// subtype schemas of common/EntityTypes.json, objects closed with `unevaluatedProperties: false` (a field the spec
// does not know is a drift), and `null` accepted for optional properties (ARM serialises unset values as null).
import Ajv2019, { type ValidateFunction } from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DereferencedContract } from './spec-dereference';

export const SPECS_ROOT = path.resolve(__dirname, '../../../../../shared/specs');
export const SENTINEL_SPEC_DIR = path.join(
	SPECS_ROOT,
	'specification/securityinsights/resource-manager/Microsoft.SecurityInsights/stable/2025-09-01',
);

type Schema = Record<string, unknown>;

interface Discriminator {
	field: string;
	subtypes: Map<string, Schema>;
}

/** Marks a discriminator base in the dereferenced JSON (set by spec-dereference.ts). */
const BASE_MARKER = 'x-contract-base';

export class SentinelContract {
	private readonly ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
	private readonly validators = new Map<string, ValidateFunction>();
	private readonly memo = new Map<Schema, Map<string, Schema>>();

	private readonly operations: Map<string, Record<string, { schema?: Schema }>>;
	private readonly definitions: Record<string, Schema>;
	private readonly discriminators = new Map<string, Discriminator>();

	constructor(contract: DereferencedContract) {
		this.operations = new Map(Object.entries(contract.operations));
		this.definitions = contract.definitions;
		for (const [base, { field, subtypes }] of Object.entries(contract.discriminators)) {
			const mapping = new Map(Object.entries(subtypes).map(([value, name]) => [value, contract.definitions[name]] as const));
			this.discriminators.set(base, { field, subtypes: mapping });
		}
		addFormats(this.ajv);
		// ARM resource ids: absolute paths starting at /subscriptions or a provider scope.
		this.ajv.addFormat('arm-id', /^\/(subscriptions|providers)\/.+/i);
	}

	/** Validation errors of `body` against the response schema of `operationId` for `status` (or `default`). */
	errors(operationId: string, status: number | 'default', body: unknown): string[] {
		return this.run(`${operationId}:${status}`, () => {
			const responses = this.operations.get(operationId);
			if (!responses) throw new Error(`Unknown operationId '${operationId}'`);
			const response = responses[String(status)] ?? responses.default;
			if (!response?.schema) throw new Error(`No schema for ${operationId} ${status}`);
			return response.schema;
		}, body);
	}

	/** Validation errors against a named definition (e.g. `CloudError`, `Entity`). */
	definitionErrors(name: string, body: unknown): string[] {
		return this.run(`definition:${name}`, () => {
			const schema = this.definitions[name];
			if (!schema) throw new Error(`Unknown definition '${name}'`);
			return schema;
		}, body);
	}

	private run(key: string, schema: () => Schema, body: unknown): string[] {
		let validate = this.validators.get(key);
		if (!validate) {
			validate = this.ajv.compile(this.convert(schema(), true, true));
			this.validators.set(key, validate);
		}
		if (validate(body)) return [];
		return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
	}

	/**
	 * @param closed add `unevaluatedProperties: false` (not for allOf members, whose siblings add properties)
	 * @param dispatch expand a discriminator base into its subtypes (not when a subtype's allOf refers to its base)
	 */
	private convert(node: Schema, closed: boolean, dispatch: boolean): Schema {
		const key = `${closed}:${dispatch}`;
		const cached = this.memo.get(node)?.get(key);
		if (cached) return cached;
		const out: Schema = {};
		if (!this.memo.has(node)) this.memo.set(node, new Map());
		this.memo.get(node)?.set(key, out);

		const marker = node[BASE_MARKER];
		const discriminator = dispatch && typeof marker === 'string' ? this.discriminators.get(marker) : undefined;
		if (discriminator) {
			const branches = [...discriminator.subtypes].map(([value, subtype]) => ({
				if: { properties: { [discriminator.field]: { const: value } }, required: [discriminator.field] },
				then: this.convert(subtype, false, false),
			}));
			Object.assign(out, { allOf: [this.convert(node, false, false), ...branches] });
			if (closed) out.unevaluatedProperties = false;
			return out;
		}

		const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
		for (const [name, value] of Object.entries(node)) {
			if (name.startsWith('x-') || name === 'discriminator' || name === 'example') continue;
			if (name === 'properties' && isSchema(value)) {
				out.properties = Object.fromEntries(
					Object.entries(value).map(([prop, schema]) => {
						const converted = this.convert(schema as Schema, true, true);
						return [prop, required.has(prop) ? converted : nullable(converted)];
					}),
				);
			} else if (name === 'items' && isSchema(value)) {
				out.items = this.convert(value, true, true);
			} else if (name === 'allOf' && Array.isArray(value)) {
				out.allOf = value.map((member) => this.convert(member as Schema, false, false));
			} else if (name === 'additionalProperties' && isSchema(value)) {
				out.additionalProperties = this.convert(value, true, true);
			} else {
				out[name] = value;
			}
		}
		// A bare `{type: object}` is a free-form bag; only objects that list properties are closed.
		const declaresProperties = node.properties !== undefined || node.allOf !== undefined;
		if (closed && declaresProperties && node.additionalProperties === undefined) out.unevaluatedProperties = false;
		if (node['x-nullable'] === true) {
			// Rewrite in place: `out` may already be referenced through the memo.
			const copy = { ...out };
			for (const key of Object.keys(out)) delete out[key];
			Object.assign(out, nullable(copy));
		}
		return out;
	}
}

function isSchema(value: unknown): value is Schema {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nullable(schema: Schema): Schema {
	const type = schema.type;
	if (typeof type === 'string' && type !== 'object' && type !== 'array') {
		return { ...schema, type: [type, 'null'], ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}) };
	}
	return { anyOf: [schema, { type: 'null' }] };
}

const execFileAsync = promisify(execFile);
let loading: Promise<SentinelContract> | undefined;

/** Incidents.json dereferenced together with every EntityTypes.json definition (for the discriminator). */
export function loadSentinelContract(): Promise<SentinelContract> {
	loading ??= execFileAsync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'spec-dereference.ts'), SENTINEL_SPEC_DIR], {
		cwd: path.resolve(__dirname, '../../../..'),
		maxBuffer: 256 * 1024 * 1024,
	}).then(({ stdout }) => new SentinelContract(JSON.parse(stdout) as DereferencedContract));
	return loading;
}
