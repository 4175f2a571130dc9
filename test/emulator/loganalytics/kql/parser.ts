// Recursive-descent parser for the emulator's KQL subset: `set` and `let` statements, tabular expressions (a table,
// `print` or a parenthesised query, then `|` operators) and scalar expressions with KQL's precedence
// (or < and < comparisons and string operators < additive < multiplicative < unary < postfix).
import type { DynamicValue, Expr, KqlType, NamedExpr, Operator, QueryAst, SortKey, Source, Span, Statement, TabularExpr } from './ast';
import { KqlSyntaxError } from './errors';
import { tokenize, type Token } from './lexer';
import { decodeTypedLiteral, LiteralError } from './literals';

/** Binary string/set operators, with their negated (`!`) and case-sensitive (`_cs`) spellings. */
export const STRING_OPERATORS = new Set([
	'has', 'has_cs', 'hasprefix', 'hasprefix_cs', 'hassuffix', 'hassuffix_cs', 'contains', 'contains_cs', 'startswith', 'startswith_cs',
	'endswith', 'endswith_cs', 'has_any', 'has_all',
]);
const NEGATABLE = new Set([...STRING_OPERATORS].filter((op) => !['has_any', 'has_all'].includes(op)));

const OPERATOR_NAMES = new Set(['where', 'filter', 'project', 'project-away', 'project-rename', 'extend', 'take', 'limit', 'summarize', 'sort', 'order', 'top', 'count', 'distinct']);

export function parseKql(text: string): QueryAst {
	return new Parser(text).parseQuery();
}

class Parser {
	private readonly tokens: Token[];
	private index = 0;

	constructor(private readonly text: string) {
		this.tokens = tokenize(text);
	}

	parseQuery(): QueryAst {
		const statements: Statement[] = [];
		while (!this.at('eof')) {
			if (this.isPunct(';')) {
				this.index++;
				continue;
			}
			statements.push(this.statement());
			if (!this.at('eof')) this.expectPunct(';');
		}
		if (!statements.some((statement) => statement.kind === 'query')) {
			throw new KqlSyntaxError('Query could not be parsed: the query has no tabular expression', 1, 0, '');
		}
		return { statements };
	}

	// ---- statements ----

	private statement(): Statement {
		const start = this.peek().start;
		if (this.isKeyword('set')) {
			this.index++;
			const name = this.dottedName();
			let value: Expr | undefined;
			if (this.isPunct('=')) {
				this.index++;
				value = this.expression();
			}
			return { kind: 'set', name, value, span: this.spanFrom(start) };
		}
		if (this.isKeyword('let')) {
			this.index++;
			const name = this.identifier();
			this.expectPunct('=');
			if (this.isPunct('(') && this.looksLikeFunctionDeclaration()) {
				this.fail('user-defined functions are not supported by the emulator');
			}
			const valueStart = this.peek().start;
			if (this.startsTabular()) {
				return { kind: 'let-tabular', name, value: this.tabular(), span: this.spanFrom(start) };
			}
			const value = this.expression();
			if (this.isPunct('|') && value.kind === 'name') {
				const query = this.pipeline({ kind: 'table', name: value.name, span: value.span }, valueStart);
				return { kind: 'let-tabular', name, value: query, span: this.spanFrom(start) };
			}
			return { kind: 'let', name, value, span: this.spanFrom(start) };
		}
		return { kind: 'query', query: this.tabular(), span: this.spanFrom(start) };
	}

	private looksLikeFunctionDeclaration(): boolean {
		// `let f = (a: long) { … }` — a parameter list followed by a body.
		let depth = 0;
		for (let k = this.index; k < this.tokens.length; k++) {
			const token = this.tokens[k];
			if (token.kind === 'punct' && token.text === '(') depth++;
			if (token.kind === 'punct' && token.text === ')' && --depth === 0) {
				const next = this.tokens[k + 1];
				return next?.kind === 'punct' && next.text === '{';
			}
		}
		return false;
	}

	private startsTabular(): boolean {
		return this.isKeyword('print') || (this.isPunct('(') && this.parenStartsTabular());
	}

	private parenStartsTabular(): boolean {
		let depth = 0;
		for (let k = this.index; k < this.tokens.length; k++) {
			const token = this.tokens[k];
			if (token.kind === 'punct' && (token.text === '(' || token.text === '[' || token.text === '{')) depth++;
			if (token.kind === 'punct' && (token.text === ')' || token.text === ']' || token.text === '}')) depth--;
			if (depth === 1 && token.kind === 'punct' && token.text === '|') return true;
			if (depth === 0) return false;
		}
		return false;
	}

	// ---- tabular expressions ----

	private tabular(): TabularExpr {
		const start = this.peek().start;
		let source: Source;
		if (this.isKeyword('print')) {
			this.index++;
			source = { kind: 'print', columns: this.namedList(), span: this.spanFrom(start) };
		} else if (this.isPunct('(')) {
			this.index++;
			const query = this.tabular();
			this.expectPunct(')');
			source = { kind: 'subquery', query, span: this.spanFrom(start) };
		} else {
			const token = this.peek();
			const name = this.identifier();
			source = { kind: 'table', name, span: { start: token.start, end: this.tokens[this.index - 1].end } };
		}
		return this.pipeline(source, start);
	}

	private pipeline(source: Source, start: number): TabularExpr {
		const operators: Operator[] = [];
		while (this.isPunct('|')) {
			this.index++;
			operators.push(this.operator());
		}
		return { source, operators, span: this.spanFrom(start) };
	}

	private operatorName(): string {
		const token = this.peek();
		if (token.kind !== 'ident' || token.quoted) this.fail();
		this.index++;
		let name = token.text.toLowerCase();
		// `project-away`: the hyphenated operator names are one word with no spaces around the dash.
		const dash = this.peek();
		const next = this.tokens[this.index + 1];
		if (dash.kind === 'punct' && dash.text === '-' && !dash.spaced && next?.kind === 'ident' && !next.spaced) {
			name = `${name}-${next.text.toLowerCase()}`;
			this.index += 2;
		}
		return name;
	}

	private operator(): Operator {
		const start = this.peek().start;
		const nameToken = this.peek();
		const name = this.operatorName();
		if (!OPERATOR_NAMES.has(name)) {
			throw new KqlSyntaxError(`Query could not be parsed at '${nameToken.text}' on line [${nameToken.line},${nameToken.pos}]`, nameToken.line, nameToken.pos, nameToken.text);
		}
		switch (name) {
			case 'where':
			case 'filter':
				return { kind: 'where', predicate: this.expression(), span: this.spanFrom(start) };
			case 'project':
				return { kind: 'project', columns: this.namedList(), span: this.spanFrom(start) };
			case 'extend':
				return { kind: 'extend', columns: this.namedList(), span: this.spanFrom(start) };
			case 'project-away': {
				const names = [this.identifier()];
				while (this.isPunct(',')) {
					this.index++;
					names.push(this.identifier());
				}
				return { kind: 'project-away', names, span: this.spanFrom(start) };
			}
			case 'project-rename': {
				const renames: Array<{ name: string; from: string }> = [];
				do {
					if (renames.length) this.index++;
					const newName = this.identifier();
					this.expectPunct('=');
					renames.push({ name: newName, from: this.identifier() });
				} while (this.isPunct(','));
				return { kind: 'project-rename', renames, span: this.spanFrom(start) };
			}
			case 'take':
			case 'limit':
				return { kind: 'take', count: this.expression(), span: this.spanFrom(start) };
			case 'count':
				return { kind: 'count', span: this.spanFrom(start) };
			case 'distinct':
				return { kind: 'distinct', columns: this.namedList(), span: this.spanFrom(start) };
			case 'summarize': {
				const aggregates = this.isKeyword('by') ? [] : this.namedList();
				let by: NamedExpr[] = [];
				if (this.isKeyword('by')) {
					this.index++;
					by = this.namedList();
				}
				return { kind: 'summarize', aggregates, by, span: this.spanFrom(start) };
			}
			case 'sort':
			case 'order': {
				this.expectKeyword('by');
				const keys = [this.sortKey()];
				while (this.isPunct(',')) {
					this.index++;
					keys.push(this.sortKey());
				}
				return { kind: 'sort', keys, span: this.spanFrom(start) };
			}
			case 'top': {
				const count = this.expression();
				this.expectKeyword('by');
				return { kind: 'top', count, key: this.sortKey(), span: this.spanFrom(start) };
			}
			default:
				return this.fail();
		}
	}

	private sortKey(): SortKey {
		const expr = this.expression();
		let descending = true;
		if (this.isKeyword('asc') || this.isKeyword('desc')) {
			descending = this.peek().text.toLowerCase() === 'desc';
			this.index++;
		}
		let nullsFirst = !descending;
		if (this.isKeyword('nulls')) {
			this.index++;
			if (!this.isKeyword('first') && !this.isKeyword('last')) this.fail();
			nullsFirst = this.peek().text.toLowerCase() === 'first';
			this.index++;
		}
		return { expr, descending, nullsFirst };
	}

	private namedList(): NamedExpr[] {
		const list = [this.namedExpr()];
		while (this.isPunct(',')) {
			this.index++;
			list.push(this.namedExpr());
		}
		return list;
	}

	private namedExpr(): NamedExpr {
		const bracketed = this.bracketedAt();
		const after = this.tokens[this.index + 3];
		if (bracketed !== undefined && after?.kind === 'punct' && after.text === '=') {
			this.index += 4;
			return { name: bracketed, expr: this.expression() };
		}
		const token = this.peek();
		const next = this.tokens[this.index + 1];
		if (token.kind === 'ident' && next?.kind === 'punct' && next.text === '=') {
			this.index += 2;
			return { name: token.text, expr: this.expression() };
		}
		return { expr: this.expression() };
	}

	// ---- scalar expressions ----

	expression(): Expr {
		return this.orExpr();
	}

	private orExpr(): Expr {
		let left = this.andExpr();
		while (this.isKeyword('or')) {
			this.index++;
			const right = this.andExpr();
			left = { kind: 'binary', op: 'or', left, right, span: join(left.span, right.span) };
		}
		return left;
	}

	private andExpr(): Expr {
		let left = this.comparison();
		while (this.isKeyword('and')) {
			this.index++;
			const right = this.comparison();
			left = { kind: 'binary', op: 'and', left, right, span: join(left.span, right.span) };
		}
		return left;
	}

	private comparison(): Expr {
		let left = this.additive();
		for (;;) {
			const token = this.peek();
			if (token.kind === 'punct' && ['==', '!=', '<>', '<', '<=', '>', '>=', '=~', '!~'].includes(token.text)) {
				this.index++;
				const right = this.additive();
				left = { kind: 'binary', op: token.text === '<>' ? '!=' : token.text, left, right, span: join(left.span, right.span) };
				continue;
			}
			let negated = false;
			let opToken = token;
			if (token.kind === 'punct' && token.text === '!') {
				const next = this.tokens[this.index + 1];
				if (next?.kind !== 'ident' || next.spaced) break;
				negated = true;
				opToken = next;
			}
			if (opToken.kind !== 'ident' || opToken.quoted) break;
			const word = opToken.text.toLowerCase();
			if (word === 'in') {
				this.index += negated ? 2 : 1;
				let caseInsensitive = false;
				if (this.isPunct('~') && !this.peek().spaced) {
					caseInsensitive = true;
					this.index++;
				}
				const list = this.parenthesisedList();
				left = { kind: 'in', operand: left, list: list.items, negated, caseInsensitive, span: join(left.span, list.span) };
				continue;
			}
			if (word === 'between') {
				this.index += negated ? 2 : 1;
				const open = this.expectPunct('(');
				const low = this.additive();
				this.expectPunct('..');
				const high = this.additive();
				const close = this.expectPunct(')');
				left = { kind: 'between', operand: left, low, high, negated, span: { start: left.span.start, end: Math.max(close.end, open.end) } };
				continue;
			}
			if (word === 'matches' && !negated) {
				this.index++;
				this.expectKeyword('regex');
				const right = this.additive();
				left = { kind: 'binary', op: 'matches regex', left, right, span: join(left.span, right.span) };
				continue;
			}
			if (STRING_OPERATORS.has(word) && (!negated || NEGATABLE.has(word))) {
				this.index += negated ? 2 : 1;
				if (word === 'has_any' || word === 'has_all') {
					const list = this.parenthesisedList();
					left = { kind: 'call', name: word, args: [left, ...list.items], span: join(left.span, list.span) };
					continue;
				}
				const right = this.additive();
				left = { kind: 'binary', op: negated ? `!${word}` : word, left, right, span: join(left.span, right.span) };
				continue;
			}
			break;
		}
		return left;
	}

	private parenthesisedList(): { items: Expr[]; span: Span } {
		const open = this.expectPunct('(');
		const items: Expr[] = [];
		if (!this.isPunct(')')) {
			items.push(this.expression());
			while (this.isPunct(',')) {
				this.index++;
				items.push(this.expression());
			}
		}
		const close = this.expectPunct(')');
		return { items, span: { start: open.start, end: close.end } };
	}

	private additive(): Expr {
		let left = this.multiplicative();
		while (this.isPunct('+') || this.isPunct('-')) {
			const op = this.next().text;
			const right = this.multiplicative();
			left = { kind: 'binary', op, left, right, span: join(left.span, right.span) };
		}
		return left;
	}

	private multiplicative(): Expr {
		let left = this.unary();
		while (this.isPunct('*') || this.isPunct('/') || this.isPunct('%')) {
			const op = this.next().text;
			const right = this.unary();
			left = { kind: 'binary', op, left, right, span: join(left.span, right.span) };
		}
		return left;
	}

	private unary(): Expr {
		if (this.isPunct('-') || this.isPunct('+')) {
			const token = this.next();
			const operand = this.unary();
			if (operand.kind === 'literal' && token.text === '-' && (typeof operand.value === 'number' || typeof operand.value === 'bigint')) {
				return { ...operand, value: -operand.value as never, span: { start: token.start, end: operand.span.end } };
			}
			return { kind: 'unary', op: token.text as '-' | '+', operand, span: { start: token.start, end: operand.span.end } };
		}
		return this.postfix();
	}

	private postfix(): Expr {
		let expr = this.primary();
		for (;;) {
			if (this.isPunct('.') && this.tokens[this.index + 1]?.kind === 'ident') {
				this.index++;
				const name = this.next();
				expr = { kind: 'member', target: expr, name: name.text, span: { start: expr.span.start, end: name.end } };
				continue;
			}
			if (this.isPunct('[')) {
				this.index++;
				const index = this.expression();
				const close = this.expectPunct(']');
				expr = { kind: 'index', target: expr, index, span: { start: expr.span.start, end: close.end } };
				continue;
			}
			return expr;
		}
	}

	private primary(): Expr {
		const token = this.peek();
		const span = { start: token.start, end: token.end };
		switch (token.kind) {
			case 'string':
				this.index++;
				return { kind: 'literal', type: 'string', value: token.value ?? '', span };
			case 'long':
				this.index++;
				return { kind: 'literal', type: 'long', value: BigInt(token.text), span };
			case 'real':
				this.index++;
				return { kind: 'literal', type: 'real', value: Number(token.text), span };
			case 'timespan':
				this.index++;
				return { kind: 'literal', type: 'timespan', value: token.ticks ?? 0n, span };
			case 'typed': {
				this.index++;
				try {
					return { kind: 'literal', type: token.text as KqlType, value: decodeTypedLiteral(token.text as KqlType, token.value ?? ''), span };
				} catch (error) {
					if (error instanceof LiteralError) {
						throw new KqlSyntaxError(`${error.message} [line:position=${token.line}:${token.pos}]`, token.line, token.pos, this.text.slice(token.start, token.end));
					}
					throw error;
				}
			}
			case 'punct': {
				if (token.text === '(') {
					this.index++;
					const inner = this.expression();
					this.expectPunct(')');
					return inner;
				}
				if (token.text === '*') {
					this.index++;
					return { kind: 'star', span };
				}
				const bracketed = this.bracketedAt();
				if (bracketed !== undefined) {
					const close = this.tokens[this.index + 2];
					this.index += 3;
					return { kind: 'name', name: bracketed, span: { start: token.start, end: close.end } };
				}
				return this.fail();
			}
			case 'ident': {
				this.index++;
				const lower = token.text.toLowerCase();
				if (!token.quoted && (token.text === 'true' || token.text === 'false' || token.text === 'TRUE' || token.text === 'FALSE' || token.text === 'True' || token.text === 'False')) {
					return { kind: 'literal', type: 'bool', value: lower === 'true', span };
				}
				if (!token.quoted && lower === 'dynamic' && this.isPunct('(')) {
					this.index++;
					const value = this.dynamicValue();
					const close = this.expectPunct(')');
					return { kind: 'literal', type: 'dynamic', value, span: { start: token.start, end: close.end } };
				}
				if (!token.quoted && this.isPunct('(')) {
					this.index++;
					const args: Expr[] = [];
					if (!this.isPunct(')')) {
						args.push(this.expression());
						while (this.isPunct(',')) {
							this.index++;
							args.push(this.expression());
						}
					}
					const close = this.expectPunct(')');
					return { kind: 'call', name: lower, args, span: { start: token.start, end: close.end } };
				}
				return { kind: 'name', name: token.text, span };
			}
			default:
				return this.fail();
		}
	}

	/** The JSON-like content of `dynamic(…)`: null, bools, numbers, strings, arrays and objects with string keys. */
	private dynamicValue(): DynamicValue {
		const token = this.peek();
		if (token.kind === 'punct' && token.text === '[') {
			this.index++;
			const items: DynamicValue[] = [];
			if (!this.isPunct(']')) {
				items.push(this.dynamicValue());
				while (this.isPunct(',')) {
					this.index++;
					items.push(this.dynamicValue());
				}
			}
			this.expectPunct(']');
			return items;
		}
		if (token.kind === 'punct' && token.text === '{') {
			this.index++;
			const object: Record<string, DynamicValue> = {};
			if (!this.isPunct('}')) {
				do {
					if (Object.keys(object).length) this.index++;
					const key = this.next();
					if (key.kind !== 'string' && !(key.kind === 'ident')) this.fail(undefined, key);
					this.expectPunct(':');
					const name = key.kind === 'string' ? (key.value ?? '') : key.text;
					Object.defineProperty(object, name, { value: this.dynamicValue(), enumerable: true, writable: true, configurable: true });
				} while (this.isPunct(','));
			}
			this.expectPunct('}');
			return object;
		}
		if (token.kind === 'punct' && (token.text === '-' || token.text === '+')) {
			this.index++;
			const number = this.next();
			if (number.kind !== 'long' && number.kind !== 'real') this.fail(undefined, number);
			return (token.text === '-' ? -1 : 1) * Number(number.text);
		}
		this.index++;
		switch (token.kind) {
			case 'string':
				return token.value ?? '';
			case 'long':
			case 'real':
				return Number(token.text);
			case 'ident':
				if (token.text === 'null') return null;
				if (token.text === 'true' || token.text === 'false') return token.text === 'true';
				return this.fail(undefined, token);
			default:
				return this.fail(undefined, token);
		}
	}

	// ---- token helpers ----

	/** `['name']` / `["name"]`: an identifier that may be a keyword or contain any character. */
	private bracketedAt(k = this.index): string | undefined {
		const open = this.tokens[k];
		const name = this.tokens[k + 1];
		const close = this.tokens[k + 2];
		if (open?.kind === 'punct' && open.text === '[' && name?.kind === 'string' && close?.kind === 'punct' && close.text === ']') return name.value ?? '';
		return undefined;
	}

	private peek(): Token {
		return this.tokens[this.index];
	}

	private next(): Token {
		return this.tokens[this.index++];
	}

	private at(kind: Token['kind']): boolean {
		return this.peek().kind === kind;
	}

	private isPunct(text: string): boolean {
		const token = this.peek();
		return token.kind === 'punct' && token.text === text;
	}

	private isKeyword(word: string): boolean {
		const token = this.peek();
		return token.kind === 'ident' && !token.quoted && token.text.toLowerCase() === word;
	}

	private expectPunct(text: string): Token {
		if (!this.isPunct(text)) this.fail();
		return this.next();
	}

	private expectKeyword(word: string): void {
		if (!this.isKeyword(word)) this.fail();
		this.index++;
	}

	private identifier(): string {
		const bracketed = this.bracketedAt();
		if (bracketed !== undefined) {
			this.index += 3;
			return bracketed;
		}
		const token = this.peek();
		if (token.kind !== 'ident') this.fail();
		this.index++;
		return token.text;
	}

	private dottedName(): string {
		let name = this.identifier();
		while (this.isPunct('.') && this.tokens[this.index + 1]?.kind === 'ident') {
			this.index++;
			name += `.${this.identifier()}`;
		}
		return name;
	}

	private spanFrom(start: number): Span {
		const previous = this.tokens[Math.max(0, this.index - 1)];
		return { start, end: Math.max(start, previous.end) };
	}

	private fail(detail?: string, at: Token = this.peek()): never {
		const shown = at.kind === 'eof' ? '<EOF>' : this.text.slice(at.start, at.end);
		const message = `Query could not be parsed at '${shown}' on line [${at.line},${at.pos}]${detail ? `: ${detail}` : ''}`;
		throw new KqlSyntaxError(message, at.line, at.pos, shown);
	}
}

function join(a: Span, b: Span): Span {
	return { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}
