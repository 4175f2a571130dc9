// The subset of OData v4 `$filter` clients use against Sentinel list APIs: comparisons, and/or/not, parentheses,
// string functions (contains, startswith, endswith, tolower, toupper, trim), quoted strings with '' escaping,
// unquoted datetimes and GUIDs, numbers, booleans, null. Anything else is a 400 with an ASP.NET-OData-style message.

export class ODataError extends Error {}

type ComparisonOperator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterNode =
	| { type: 'logical'; op: 'and' | 'or'; left: FilterNode; right: FilterNode }
	| { type: 'not'; operand: FilterNode }
	| { type: 'compare'; op: ComparisonOperator; left: FilterNode; right: FilterNode }
	| { type: 'call'; name: FunctionName; args: FilterNode[] }
	| { type: 'property'; path: string }
	| { type: 'literal'; value: LiteralValue };

type LiteralValue = string | number | boolean | null | { datetime: number };
type FunctionName = (typeof FUNCTIONS)[number];

const FUNCTIONS = ['contains', 'startswith', 'endswith', 'tolower', 'toupper', 'trim'] as const;
const ARITY: Record<FunctionName, number> = { contains: 2, startswith: 2, endswith: 2, tolower: 1, toupper: 1, trim: 1 };
const COMPARISONS: readonly string[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];

interface Token {
	kind: 'string' | 'datetime' | 'guid' | 'number' | 'word' | 'path' | '(' | ')' | ',';
	text: string;
	position: number;
}

const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;
const NUMBER = /^-?\d+(?:\.\d+)?(?![\w])/;
const PATH = /^[A-Za-z_$][\w$]*(?:\/[A-Za-z_$][\w$]*)*/;

function syntaxError(filter: string, position: number): ODataError {
	return new ODataError(`The query specified in the URI is not valid. Syntax error at position ${position} in '${filter}'.`);
}

function tokenize(filter: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < filter.length) {
		const ch = filter[i];
		if (/\s/.test(ch)) {
			i++;
			continue;
		}
		if (ch === '(' || ch === ')' || ch === ',') {
			tokens.push({ kind: ch, text: ch, position: i });
			i++;
			continue;
		}
		if (ch === "'") {
			let j = i + 1;
			let text = '';
			for (;;) {
				if (j >= filter.length) throw new ODataError(`The query specified in the URI is not valid. There is an unterminated string literal at position ${i} in '${filter}'.`);
				if (filter[j] === "'") {
					if (filter[j + 1] === "'") {
						text += "'";
						j += 2;
						continue;
					}
					break;
				}
				text += filter[j++];
			}
			tokens.push({ kind: 'string', text, position: i });
			i = j + 1;
			continue;
		}
		const rest = filter.slice(i);
		const match =
			(DATETIME.exec(rest) && { kind: 'datetime' as const, m: DATETIME.exec(rest) }) ||
			(GUID.exec(rest) && { kind: 'guid' as const, m: GUID.exec(rest) }) ||
			(NUMBER.exec(rest) && { kind: 'number' as const, m: NUMBER.exec(rest) }) ||
			(PATH.exec(rest) && { kind: 'path' as const, m: PATH.exec(rest) });
		if (!match || !match.m) throw syntaxError(filter, i);
		const text = match.m[0];
		const kind = match.kind === 'path' && !text.includes('/') ? 'word' : match.kind;
		tokens.push({ kind, text, position: i });
		i += text.length;
	}
	return tokens;
}

/** Parses a `$filter` expression; throws ODataError with an Azure-shaped message on anything unsupported. */
export function parseFilter(filter: string): FilterNode {
	const tokens = tokenize(filter);
	let index = 0;
	const peek = () => tokens[index];
	const isWord = (token: Token | undefined, word: string) => token?.kind === 'word' && token.text.toLowerCase() === word;
	const fail = (token?: Token) => syntaxError(filter, token ? token.position : filter.length);

	const parseOr = (): FilterNode => {
		let left = parseAnd();
		while (isWord(peek(), 'or')) {
			index++;
			left = { type: 'logical', op: 'or', left, right: parseAnd() };
		}
		return left;
	};
	const parseAnd = (): FilterNode => {
		let left = parseUnary();
		while (isWord(peek(), 'and')) {
			index++;
			left = { type: 'logical', op: 'and', left, right: parseUnary() };
		}
		return left;
	};
	const parseUnary = (): FilterNode => {
		if (isWord(peek(), 'not')) {
			index++;
			return { type: 'not', operand: parseUnary() };
		}
		const left = parseOperand();
		const next = peek();
		if (next?.kind === 'word' && COMPARISONS.includes(next.text.toLowerCase())) {
			index++;
			return { type: 'compare', op: next.text.toLowerCase() as ComparisonOperator, left, right: parseOperand() };
		}
		if (next?.kind === 'word' && ['add', 'sub', 'mul', 'div', 'mod', 'has', 'in'].includes(next.text.toLowerCase())) {
			throw new ODataError(`The query specified in the URI is not valid. The operator '${next.text}' is not supported.`);
		}
		return left;
	};
	const parseOperand = (): FilterNode => {
		const token = peek();
		if (!token) throw fail();
		index++;
		switch (token.kind) {
			case '(': {
				const inner = parseOr();
				if (peek()?.kind !== ')') throw fail(peek());
				index++;
				return inner;
			}
			case 'string':
				return { type: 'literal', value: token.text };
			case 'guid':
				return { type: 'literal', value: token.text };
			case 'number':
				return { type: 'literal', value: Number(token.text) };
			case 'datetime': {
				const ms = Date.parse(token.text);
				if (Number.isNaN(ms)) throw fail(token);
				return { type: 'literal', value: { datetime: ms } };
			}
			case 'path':
				if (peek()?.kind === '(') throw unknownFunction(token.text);
				return { type: 'property', path: token.text };
			case 'word': {
				const word = token.text.toLowerCase();
				if (word === 'true' || word === 'false') return { type: 'literal', value: word === 'true' };
				if (word === 'null') return { type: 'literal', value: null };
				if (peek()?.kind === '(') return parseCall(token);
				if (['and', 'or', 'not', ...COMPARISONS].includes(word)) throw fail(token);
				return { type: 'property', path: token.text };
			}
			default:
				throw fail(token);
		}
	};
	const parseCall = (nameToken: Token): FilterNode => {
		const name = nameToken.text.toLowerCase();
		if (!(FUNCTIONS as readonly string[]).includes(name)) throw unknownFunction(nameToken.text);
		index++; // (
		const args: FilterNode[] = [];
		if (peek()?.kind !== ')') {
			args.push(parseOr());
			while (peek()?.kind === ',') {
				index++;
				args.push(parseOr());
			}
		}
		if (peek()?.kind !== ')') throw fail(peek());
		index++;
		const fn = name as FunctionName;
		if (args.length !== ARITY[fn]) {
			throw new ODataError(`The query specified in the URI is not valid. No function signature for the function with name '${fn}' matches the specified arguments.`);
		}
		return { type: 'call', name: fn, args };
	};

	if (tokens.length === 0) throw fail();
	const tree = parseOr();
	if (index < tokens.length) throw fail(tokens[index]);
	return tree;
}

function unknownFunction(name: string): ODataError {
	return new ODataError(
		`The query specified in the URI is not valid. An unknown function with name '${name}' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.`,
	);
}

/** Which paths may be filtered on, and which of them hold datetimes. */
export interface FilterSchema {
	typeName: string;
	properties: Record<string, 'string' | 'number' | 'datetime' | 'boolean'>;
}

/** Throws ODataError for unknown properties, so bad filters fail before any evaluation. */
export function checkProperties(node: FilterNode, schema: FilterSchema): void {
	switch (node.type) {
		case 'logical':
			checkProperties(node.left, schema);
			checkProperties(node.right, schema);
			return;
		case 'not':
			checkProperties(node.operand, schema);
			return;
		case 'compare':
			checkProperties(node.left, schema);
			checkProperties(node.right, schema);
			return;
		case 'call':
			node.args.forEach((arg) => checkProperties(arg, schema));
			return;
		case 'property':
			if (!(node.path in schema.properties)) {
				throw new ODataError(`The query specified in the URI is not valid. Could not find a property named '${node.path}' on type '${schema.typeName}'.`);
			}
			return;
		case 'literal':
			return;
	}
}

type Value = string | number | boolean | null | undefined | { datetime: number };

export function evaluateFilter(node: FilterNode, item: unknown, schema: FilterSchema): boolean {
	return truthy(evaluate(node, item, schema));
}

function evaluate(node: FilterNode, item: unknown, schema: FilterSchema): Value {
	switch (node.type) {
		case 'logical': {
			const left = truthy(evaluate(node.left, item, schema));
			if (node.op === 'and') return left && truthy(evaluate(node.right, item, schema));
			return left || truthy(evaluate(node.right, item, schema));
		}
		case 'not':
			return !truthy(evaluate(node.operand, item, schema));
		case 'compare':
			return compare(node.op, evaluate(node.left, item, schema), evaluate(node.right, item, schema), isDatetime(node, schema));
		case 'call':
			return call(node.name, node.args.map((arg) => evaluate(arg, item, schema)));
		case 'property':
			return readPath(item, node.path);
		case 'literal':
			return node.value;
	}
}

function isDatetime(node: Extract<FilterNode, { type: 'compare' }>, schema: FilterSchema): boolean {
	const sides = [node.left, node.right];
	return sides.some((side) => side.type === 'property' && schema.properties[side.path] === 'datetime');
}

function compare(op: ComparisonOperator, left: Value, right: Value, datetime: boolean): boolean {
	if (left === undefined) left = null;
	if (right === undefined) right = null;
	if (left === null || right === null) {
		if (op === 'eq') return left === right;
		if (op === 'ne') return left !== right;
		return false;
	}
	const a = datetime ? toMillis(left) : comparable(left);
	const b = datetime ? toMillis(right) : comparable(right);
	if (a === undefined || b === undefined) return op === 'ne';
	switch (op) {
		case 'eq':
			return a === b;
		case 'ne':
			return a !== b;
		case 'gt':
			return a > b;
		case 'ge':
			return a >= b;
		case 'lt':
			return a < b;
		case 'le':
			return a <= b;
	}
}

function comparable(value: Exclude<Value, null | undefined>): string | number | boolean | undefined {
	if (typeof value === 'object') return value.datetime;
	return value;
}

function toMillis(value: Exclude<Value, null | undefined>): number | undefined {
	if (typeof value === 'object') return value.datetime;
	if (typeof value === 'string') {
		const ms = Date.parse(value);
		return Number.isNaN(ms) ? undefined : ms;
	}
	return undefined;
}

function call(name: FunctionName, args: Value[]): Value {
	const text = (value: Value) => (typeof value === 'string' ? value : value === null || value === undefined ? null : String(comparable(value)));
	const [first, second] = args.map(text);
	switch (name) {
		case 'tolower':
			return first === null ? null : first.toLowerCase();
		case 'toupper':
			return first === null ? null : first.toUpperCase();
		case 'trim':
			return first === null ? null : first.trim();
		case 'contains':
			return first !== null && second !== null && first.includes(second);
		case 'startswith':
			return first !== null && second !== null && first.startsWith(second);
		case 'endswith':
			return first !== null && second !== null && first.endsWith(second);
	}
}

function truthy(value: Value): boolean {
	return value === true;
}

export function readPath(item: unknown, path: string): Value {
	let current: unknown = item;
	for (const key of path.split('/')) {
		if (current === null || typeof current !== 'object') return undefined;
		current = (current as Record<string, unknown>)[key];
	}
	if (current === null || current === undefined) return current as null | undefined;
	if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') return current;
	return undefined;
}

/** Visits every comparison so list handlers can emulate known service quirks. */
export function mapComparisons(node: FilterNode, fn: (node: Extract<FilterNode, { type: 'compare' }>) => FilterNode): FilterNode {
	switch (node.type) {
		case 'logical':
			return { ...node, left: mapComparisons(node.left, fn), right: mapComparisons(node.right, fn) };
		case 'not':
			return { ...node, operand: mapComparisons(node.operand, fn) };
		case 'compare':
			return fn(node);
		default:
			return node;
	}
}
