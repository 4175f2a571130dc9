// The contract of Microsoft Graph's security namespace, read from the CSDL (`../shared/specs/graph/
// security-v1.0.csdl.xml`): enum members, complex and entity types with their base types, properties (type,
// nullability) and navigation properties. `errors(typeName, value)` lists every way a JSON value breaks it: a
// property the type does not declare, a value of the wrong type, a string that is not a member of its enum, a null
// where the CSDL says Nullable="false", an `@odata.type` that is not the declared type or one derived from it.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const GRAPH_SECURITY_CSDL = path.resolve(__dirname, '../../../../shared/specs/graph/security-v1.0.csdl.xml');

interface PropertyDef {
	type: string;
	nullable: boolean;
}

interface StructuredType {
	name: string;
	baseType?: string;
	open: boolean;
	properties: Map<string, PropertyDef>;
}

export interface GraphSecurityContract {
	enumMembers(name: string): string[];
	hasType(name: string): boolean;
	/** Violations of `value` against `self.<typeName>` (empty = conforms). */
	errors(typeName: string, value: unknown): string[];
}

/** Attributes of one XML start tag. */
function attributes(tag: string): Record<string, string> {
	const out: Record<string, string> = {};
	for (const match of tag.matchAll(/(\w+)="([^"]*)"/g)) out[match[1]] = match[2];
	return out;
}

export function loadGraphSecurityContract(file = GRAPH_SECURITY_CSDL): GraphSecurityContract {
	const xml = readFileSync(file, 'utf8');
	const enums = new Map<string, string[]>();
	for (const match of xml.matchAll(/<EnumType\s+([^>]*?)>([\s\S]*?)<\/EnumType>/g)) {
		enums.set(attributes(match[1]).Name, [...match[2].matchAll(/<Member\s+([^>]*?)\/?>/g)].map((member) => attributes(member[1]).Name));
	}
	const types = new Map<string, StructuredType>();
	// `graph.entity` lives in the microsoft.graph schema, not in this file: it contributes `id`.
	types.set('graph.entity', { name: 'graph.entity', open: false, properties: new Map([['id', { type: 'Edm.String', nullable: false }]]) });
	for (const match of xml.matchAll(/<(EntityType|ComplexType)\s+([^>]*?)(\/>|>([\s\S]*?)<\/\1>)/g)) {
		const attrs = attributes(match[2]);
		const properties = new Map<string, PropertyDef>();
		for (const property of (match[4] ?? '').matchAll(/<(Property|NavigationProperty)\s+([^>]*?)\/?>/g)) {
			const p = attributes(property[2]);
			properties.set(p.Name, { type: p.Type, nullable: p.Nullable !== 'false' });
		}
		types.set(`self.${attrs.Name}`, { name: `self.${attrs.Name}`, baseType: attrs.BaseType, open: attrs.OpenType === 'true', properties });
	}

	const lineage = (name: string): StructuredType[] => {
		const chain: StructuredType[] = [];
		for (let current = types.get(name); current; current = current.baseType ? types.get(current.baseType) : undefined) chain.push(current);
		return chain;
	};
	const qualified = (odataType: string) => `self.${odataType.replace(/^#?microsoft\.graph\.security\./, '')}`;

	const check = (typeRef: string, value: unknown, where: string, nullable: boolean, out: string[]): void => {
		if (value === null) {
			if (!nullable) out.push(`${where}: null, but the CSDL says Nullable="false"`);
			return;
		}
		const collection = /^Collection\((.+)\)$/.exec(typeRef);
		if (collection) {
			if (!Array.isArray(value)) {
				out.push(`${where}: expected ${typeRef}, got ${typeof value}`);
				return;
			}
			value.forEach((item, index) => check(collection[1], item, `${where}[${index}]`, false, out));
			return;
		}
		switch (typeRef) {
			case 'Edm.String':
				if (typeof value !== 'string') out.push(`${where}: expected Edm.String, got ${typeof value}`);
				return;
			case 'Edm.Boolean':
				if (typeof value !== 'boolean') out.push(`${where}: expected Edm.Boolean, got ${typeof value}`);
				return;
			case 'Edm.Int32':
			case 'Edm.Int64':
				if (!Number.isInteger(value)) out.push(`${where}: expected ${typeRef}, got ${JSON.stringify(value)}`);
				return;
			case 'Edm.Double':
				if (typeof value !== 'number') out.push(`${where}: expected Edm.Double, got ${typeof value}`);
				return;
			case 'Edm.Guid':
				if (typeof value !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) out.push(`${where}: expected Edm.Guid, got ${JSON.stringify(value)}`);
				return;
			case 'Edm.DateTimeOffset':
				if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/.test(value)) out.push(`${where}: expected Edm.DateTimeOffset, got ${JSON.stringify(value)}`);
				return;
		}
		const enumName = typeRef.replace(/^self\./, '');
		if (typeRef.startsWith('self.') && enums.has(enumName)) {
			const members = enums.get(enumName)!;
			const parts = typeof value === 'string' ? value.split(',').map((part) => part.trim()) : [];
			if (typeof value !== 'string' || parts.some((part) => !members.includes(part))) out.push(`${where}: ${JSON.stringify(value)} is not a member of ${typeRef} (${members.join(', ')})`);
			return;
		}
		if (!types.has(typeRef)) {
			out.push(`${where}: type ${typeRef} is not in the CSDL`);
			return;
		}
		if (typeof value !== 'object' || Array.isArray(value)) {
			out.push(`${where}: expected ${typeRef} (an object), got ${JSON.stringify(value)}`);
			return;
		}
		const object = value as Record<string, unknown>;
		let actual = typeRef;
		if (typeof object['@odata.type'] === 'string') {
			actual = qualified(object['@odata.type']);
			if (!types.has(actual)) {
				out.push(`${where}: @odata.type ${object['@odata.type']} is not in the CSDL`);
				return;
			}
			if (!lineage(actual).some((type) => type.name === typeRef)) out.push(`${where}: @odata.type ${object['@odata.type']} does not derive from ${typeRef}`);
		}
		const chain = lineage(actual);
		const open = chain.some((type) => type.open);
		for (const [key, item] of Object.entries(object)) {
			if (key.startsWith('@odata.')) continue;
			const property = chain.map((type) => type.properties.get(key)).find((found) => found);
			if (!property) {
				if (!open) out.push(`${where}.${key}: not a property of ${actual}`);
				continue;
			}
			check(property.type, item, `${where}.${key}`, property.nullable, out);
		}
	};

	return {
		enumMembers: (name) => [...(enums.get(name) ?? [])],
		hasType: (name) => types.has(`self.${name}`),
		errors: (typeName, value) => {
			const out: string[] = [];
			check(`self.${typeName}`, value, typeName, false, out);
			return out;
		},
	};
}
