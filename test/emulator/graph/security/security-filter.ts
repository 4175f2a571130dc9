// `$filter` of Graph's security lists, on the properties the v1.0 docs list as filterable ("List incidents":
// assignedTo, classification, createdDateTime, determination, lastUpdateDateTime, severity, status; "List alerts_v2":
// the same plus serviceSource). Comparisons eq/ne/gt/ge/lt/le, `in (…)`, `and`/`or`/`not` and parentheses;
// enum and string literals quoted ('…', '' escapes a quote), DateTimeOffset literals bare (2024-05-01T00:00:00Z), `null`.
// Anything else is a 400 with OData's own wording.

export type FilterFieldType = { kind: 'enum'; members: readonly string[] } | { kind: 'datetime' } | { kind: 'string' };

export type FilterPredicate = (item: Record<string, unknown>) => boolean;

export class FilterError extends Error {}

type Token = { kind: 'punct'; value: '(' | ')' | ',' } | { kind: 'string'; value: string } | { kind: 'word'; value: string };

const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export function parseFilter(text: string, fields: Record<string, FilterFieldType>, typeName: string): FilterPredicate {
	const tokens = tokenize(text);
	let index = 0;
	const peek = () => tokens[index];
	const next = () => tokens[index++];
	const isWord = (token: Token | undefined, word: string) => token?.kind === 'word' && token.value.toLowerCase() === word;

	const parseOr = (): FilterPredicate => {
		let left = parseAnd();
		while (isWord(peek(), 'or')) {
			next();
			const right = parseAnd();
			const l = left;
			left = (item) => l(item) || right(item);
		}
		return left;
	};
	const parseAnd = (): FilterPredicate => {
		let left = parseUnary();
		while (isWord(peek(), 'and')) {
			next();
			const right = parseUnary();
			const l = left;
			left = (item) => l(item) && right(item);
		}
		return left;
	};
	const parseUnary = (): FilterPredicate => {
		const token = peek();
		if (isWord(token, 'not')) {
			next();
			const inner = parseUnary();
			return (item) => !inner(item);
		}
		if (token?.kind === 'punct' && token.value === '(') {
			next();
			const inner = parseOr();
			const close = next();
			if (close?.kind !== 'punct' || close.value !== ')') throw new FilterError("Invalid filter clause: ')' or operator expected.");
			return inner;
		}
		return parseComparison();
	};
	const parseComparison = (): FilterPredicate => {
		const fieldToken = next();
		if (fieldToken?.kind !== 'word') throw new FilterError('Invalid filter clause: a property name was expected.');
		const name = Object.keys(fields).find((candidate) => candidate.toLowerCase() === fieldToken.value.toLowerCase());
		if (!name) throw new FilterError(`Invalid filter clause: Could not find a property named '${fieldToken.value}' on type '${typeName}'.`);
		const field = fields[name];
		const operator = next();
		if (operator?.kind !== 'word') throw new FilterError(`Invalid filter clause: an operator was expected after '${name}'.`);
		const op = operator.value.toLowerCase();
		if (op === 'in') {
			const open = next();
			if (open?.kind !== 'punct' || open.value !== '(') throw new FilterError("Invalid filter clause: '(' expected after 'in'.");
			const values: Array<string | number | null> = [];
			for (;;) {
				values.push(literal(next(), field, name));
				const separator = next();
				if (separator?.kind === 'punct' && separator.value === ')') break;
				if (separator?.kind !== 'punct' || separator.value !== ',') throw new FilterError("Invalid filter clause: ',' or ')' expected.");
			}
			return (item) => values.some((value) => compare(item[name], 'eq', value, field));
		}
		if (!OPERATORS.has(op)) throw new FilterError(`Invalid filter clause: The operator '${operator.value}' is not supported.`);
		if (field.kind === 'enum' && op !== 'eq' && op !== 'ne') {
			throw new FilterError(`Invalid filter clause: The operator '${op}' is not supported for the enum property '${name}'.`);
		}
		const value = literal(next(), field, name);
		return (item) => compare(item[name], op, value, field);
	};

	if (!tokens.length) throw new FilterError('Invalid filter clause: the expression is empty.');
	const predicate = parseOr();
	if (index < tokens.length) throw new FilterError(`Invalid filter clause: Syntax error at position ${text.length}: unexpected '${String(tokens[index].value)}'.`);
	return predicate;
}

function literal(token: Token | undefined, field: FilterFieldType, name: string): string | number | null {
	if (!token) throw new FilterError('Invalid filter clause: a value was expected.');
	if (token.kind === 'word' && token.value.toLowerCase() === 'null') return null;
	if (field.kind === 'datetime') {
		if (token.kind !== 'word' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/i.test(token.value)) {
			throw new FilterError(`Invalid filter clause: The value for property '${name}' must be a DateTimeOffset literal such as 2024-05-01T00:00:00Z (unquoted).`);
		}
		return Date.parse(token.value);
	}
	if (token.kind !== 'string') throw new FilterError(`Invalid filter clause: A quoted string was expected for property '${name}'.`);
	if (field.kind === 'enum' && !field.members.includes(token.value)) {
		throw new FilterError(`Invalid filter clause: The string '${token.value}' is not a valid enumeration value for property '${name}'.`);
	}
	return token.value;
}

function compare(actual: unknown, op: string, expected: string | number | null, field: FilterFieldType): boolean {
	if (expected === null || actual === null || actual === undefined) {
		const bothNull = (actual === null || actual === undefined) && expected === null;
		return op === 'eq' ? bothNull : op === 'ne' ? !bothNull : false;
	}
	let left: string | number;
	let right: string | number = expected;
	if (field.kind === 'datetime') {
		left = Date.parse(String(actual));
	} else if (field.kind === 'string') {
		// Graph compares these strings (UPNs) case-insensitively.
		left = String(actual).toLowerCase();
		right = String(expected).toLowerCase();
	} else {
		left = String(actual);
	}
	switch (op) {
		case 'eq':
			return left === right;
		case 'ne':
			return left !== right;
		case 'gt':
			return left > right;
		case 'ge':
			return left >= right;
		case 'lt':
			return left < right;
		default:
			return left <= right;
	}
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < text.length) {
		const char = text[i];
		if (/\s/.test(char)) {
			i++;
		} else if (char === '(' || char === ')' || char === ',') {
			tokens.push({ kind: 'punct', value: char });
			i++;
		} else if (char === "'") {
			let value = '';
			i++;
			for (;;) {
				if (i >= text.length) throw new FilterError('Invalid filter clause: Unterminated string literal.');
				if (text[i] === "'") {
					if (text[i + 1] === "'") {
						value += "'";
						i += 2;
						continue;
					}
					i++;
					break;
				}
				value += text[i++];
			}
			tokens.push({ kind: 'string', value });
		} else {
			const match = /^[A-Za-z0-9_.:+\-/]+/.exec(text.slice(i));
			if (!match) throw new FilterError(`Invalid filter clause: Syntax error: character '${char}' is not valid at position ${i}.`);
			tokens.push({ kind: 'word', value: match[0] });
			i += match[0].length;
		}
	}
	return tokens;
}
