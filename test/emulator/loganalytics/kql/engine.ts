// Runs a parsed KQL query over in-memory tables. Expressions are compiled once per operator against the input
// columns, which gives every result column its KQL type and reports unknown names as semantic errors the way the
// real service does ("'where' operator: Failed to resolve scalar expression named 'X'").
import type { Expr, KqlType, LiteralValue, NamedExpr, Operator, QueryAst, SortKey, Source, TabularExpr } from './ast';
import { KqlSemanticError } from './errors';
import { TICKS_PER_MS } from './lexer';
import { TICKS_PER_DAY } from './literals';
import { compareValues, convert, isNumericType, toKqlString, valuesEqual, type Column, type Row, type Table, type Value } from './values';

export interface EngineContext {
	/** `now()` in ticks since the epoch; `set query_now` overrides it. */
	now: bigint;
	/** A base table by name (already restricted to the request's timespan), or undefined when it does not exist. */
	table(name: string): Table | undefined;
}

interface Compiled {
	type: KqlType;
	eval(row: Row): Value;
}

interface Scope {
	scalars: Map<string, { type: KqlType; value: Value }>;
	tabulars: Map<string, { query: TabularExpr; scope: Scope }>;
	ctx: EngineContext;
	/** Operator being compiled, for error messages. */
	operator: string;
}

export interface QueryRun {
	tables: Table[];
	/** Base tables the query read. */
	tablesRead: string[];
	now: bigint;
}

export function runQuery(ast: QueryAst, ctx: EngineContext): QueryRun {
	const scope: Scope = { scalars: new Map(), tabulars: new Map(), ctx, operator: 'let' };
	const tables: Table[] = [];
	const read = new Set<string>();
	const context: EngineContext = {
		now: ctx.now,
		table: (name) => {
			const table = ctx.table(name);
			if (table) read.add(name);
			return table;
		},
	};
	scope.ctx = context;
	for (const statement of ast.statements) {
		switch (statement.kind) {
			case 'set':
				if (statement.name.toLowerCase() === 'query_now' && statement.value) {
					const now = compileExpr(statement.value, [], { ...scope, operator: 'set' });
					if (now.type !== 'datetime') throw new KqlSemanticError("'set query_now' needs a datetime value");
					context.now = now.eval({}) as bigint;
				}
				break;
			case 'let': {
				if (statement.value.kind === 'name' && resolvesToTable(statement.value.name, scope)) {
					scope.tabulars.set(statement.name, { query: { source: { kind: 'table', name: statement.value.name, span: statement.value.span }, operators: [], span: statement.value.span }, scope: snapshot(scope) });
					break;
				}
				const compiled = compileExpr(statement.value, [], { ...scope, operator: 'let' });
				scope.scalars.set(statement.name, { type: compiled.type, value: compiled.eval({}) });
				scope.tabulars.delete(statement.name);
				break;
			}
			case 'let-tabular':
				scope.tabulars.set(statement.name, { query: statement.value, scope: snapshot(scope) });
				scope.scalars.delete(statement.name);
				break;
			case 'query': {
				const table = evaluateTabular(statement.query, scope);
				tables.push({ ...table, name: tables.length === 0 ? 'PrimaryResult' : `Table_${tables.length}` });
				break;
			}
		}
	}
	return { tables, tablesRead: [...read], now: context.now };
}

/** Names of the base tables a query refers to (for cost simulation), without running it. */
export function referencedTables(ast: QueryAst): string[] {
	const names = new Set<string>();
	const lets = new Set<string>();
	const visit = (query: TabularExpr) => {
		if (query.source.kind === 'table' && !lets.has(query.source.name)) names.add(query.source.name);
		if (query.source.kind === 'subquery') visit(query.source.query);
	};
	for (const statement of ast.statements) {
		if (statement.kind === 'let-tabular') {
			visit(statement.value);
			lets.add(statement.name);
		}
		if (statement.kind === 'let' && statement.value.kind === 'name' && !lets.has(statement.value.name)) {
			lets.add(statement.name);
		}
		if (statement.kind === 'query') visit(statement.query);
	}
	return [...names];
}

function snapshot(scope: Scope): Scope {
	return { ...scope, scalars: new Map(scope.scalars), tabulars: new Map(scope.tabulars) };
}

function resolvesToTable(name: string, scope: Scope): boolean {
	return !scope.scalars.has(name) && (scope.tabulars.has(name) || scope.ctx.table(name) !== undefined);
}

// ---------------------------------------------------------------------------------------------------------------
// Tabular evaluation

function evaluateTabular(query: TabularExpr, scope: Scope): Table {
	let table = evaluateSource(query.source, scope);
	for (const operator of query.operators) table = applyOperator(operator, table, scope);
	return table;
}

function evaluateSource(source: Source, scope: Scope): Table {
	switch (source.kind) {
		case 'subquery':
			return evaluateTabular(source.query, scope);
		case 'print': {
			const row: Row = {};
			const columns: Column[] = [];
			source.columns.forEach((named, index) => {
				const compiled = compileExpr(named.expr, [], { ...scope, operator: 'print' });
				const name = named.name ?? `print_${index}`;
				columns.push({ name, type: compiled.type });
				row[name] = compiled.eval({});
			});
			return { columns, rows: [row] };
		}
		case 'table': {
			const tabular = scope.tabulars.get(source.name);
			if (tabular) return evaluateTabular(tabular.query, tabular.scope);
			const table = scope.ctx.table(source.name);
			if (!table) throw new KqlSemanticError(`Failed to resolve table or column expression named '${source.name}'`);
			return { columns: table.columns, rows: table.rows };
		}
	}
}

function operatorScope(scope: Scope, operator: string): Scope {
	return { ...scope, operator };
}

function columnName(named: NamedExpr, index: number, fallbackPrefix = 'Column'): string {
	if (named.name) return named.name;
	if (named.expr.kind === 'name') return named.expr.name;
	if (named.expr.kind === 'member') return named.expr.name;
	if (named.expr.kind === 'call') {
		const first = named.expr.args.find((arg) => arg.kind === 'name');
		if (named.expr.name === 'bin' || named.expr.name === 'floor') {
			if (first?.kind === 'name') return first.name;
		}
	}
	return `${fallbackPrefix}${index + 1}`;
}

function applyOperator(operator: Operator, input: Table, outer: Scope): Table {
	const scope = operatorScope(outer, operator.kind);
	switch (operator.kind) {
		case 'where': {
			const predicate = compileExpr(operator.predicate, input.columns, scope);
			if (predicate.type !== 'bool') throw new KqlSemanticError("'where' operator: the predicate must be a boolean expression", 'SEM0025');
			return { columns: input.columns, rows: input.rows.filter((row) => predicate.eval(row) === true) };
		}
		case 'project': {
			const compiled = operator.columns.map((named, index) => ({ name: columnName(named, index), expr: compileExpr(named.expr, input.columns, scope) }));
			return {
				columns: compiled.map((c) => ({ name: c.name, type: c.expr.type })),
				rows: input.rows.map((row) => Object.fromEntries(compiled.map((c) => [c.name, c.expr.eval(row)]))),
			};
		}
		case 'extend': {
			const compiled = operator.columns.map((named, index) => ({ name: columnName(named, index), expr: compileExpr(named.expr, input.columns, scope) }));
			const columns = [...input.columns];
			for (const c of compiled) {
				const existing = columns.findIndex((column) => column.name === c.name);
				if (existing >= 0) columns[existing] = { name: c.name, type: c.expr.type };
				else columns.push({ name: c.name, type: c.expr.type });
			}
			return {
				columns,
				rows: input.rows.map((row) => {
					const out = { ...row };
					for (const c of compiled) out[c.name] = c.expr.eval(row);
					return out;
				}),
			};
		}
		case 'project-away': {
			for (const name of operator.names) requireColumn(input.columns, name, scope);
			const away = new Set(operator.names);
			const columns = input.columns.filter((column) => !away.has(column.name));
			return { columns, rows: input.rows.map((row) => pick(row, columns)) };
		}
		case 'project-rename': {
			const renames = new Map(operator.renames.map((r) => [requireColumn(input.columns, r.from, scope).name, r.name]));
			const columns = input.columns.map((column) => ({ ...column, name: renames.get(column.name) ?? column.name }));
			return {
				columns,
				rows: input.rows.map((row) => Object.fromEntries(input.columns.map((column) => [renames.get(column.name) ?? column.name, row[column.name]]))),
			};
		}
		case 'take': {
			const count = constantCount(operator.count, scope);
			return { columns: input.columns, rows: input.rows.slice(0, count) };
		}
		case 'count':
			return { columns: [{ name: 'Count', type: 'long' }], rows: [{ Count: input.rows.length }] };
		case 'distinct': {
			const compiled = operator.columns.map((named, index) => ({ name: columnName(named, index), expr: compileExpr(named.expr, input.columns, scope) }));
			const seen = new Set<string>();
			const rows: Row[] = [];
			for (const row of input.rows) {
				const out = Object.fromEntries(compiled.map((c) => [c.name, c.expr.eval(row)]));
				const key = stableKey(compiled.map((c) => out[c.name]));
				if (seen.has(key)) continue;
				seen.add(key);
				rows.push(out);
			}
			return { columns: compiled.map((c) => ({ name: c.name, type: c.expr.type })), rows };
		}
		case 'sort':
			return { columns: input.columns, rows: sortRows(input.rows, operator.keys, input.columns, scope) };
		case 'top': {
			const count = constantCount(operator.count, scope);
			return { columns: input.columns, rows: sortRows(input.rows, [operator.key], input.columns, scope).slice(0, count) };
		}
		case 'summarize':
			return summarize(operator, input, scope);
	}
}

function pick(row: Row, columns: Column[]): Row {
	return Object.fromEntries(columns.map((column) => [column.name, row[column.name]]));
}

function requireColumn(columns: Column[], name: string, scope: Scope): Column {
	const column = columns.find((c) => c.name === name);
	if (!column) throw new KqlSemanticError(`'${scope.operator}' operator: Failed to resolve column or scalar expression named '${name}'`);
	return column;
}

function constantCount(expr: Expr, scope: Scope): number {
	const compiled = compileExpr(expr, [], scope);
	if (!isNumericType(compiled.type)) throw new KqlSemanticError(`'${scope.operator}' operator: the row count must be a number`);
	const value = Number(compiled.eval({}));
	return Math.max(0, Math.trunc(value));
}

function sortRows(rows: Row[], keys: SortKey[], columns: Column[], scope: Scope): Row[] {
	const compiled = keys.map((key) => ({ ...key, value: compileExpr(key.expr, columns, scope) }));
	const decorated = rows.map((row, index) => ({ row, index, values: compiled.map((key) => key.value.eval(row)) }));
	decorated.sort((a, b) => {
		for (let k = 0; k < compiled.length; k++) {
			const key = compiled[k];
			const va = a.values[k];
			const vb = b.values[k];
			const aNull = va === null || va === undefined;
			const bNull = vb === null || vb === undefined;
			if (aNull || bNull) {
				if (aNull && bNull) continue;
				return (aNull ? -1 : 1) * (key.nullsFirst ? 1 : -1);
			}
			const order = compareValues(va, vb) ?? 0;
			if (order !== 0) return key.descending ? -order : order;
		}
		return a.index - b.index;
	});
	return decorated.map((entry) => entry.row);
}

function stableKey(values: Value[]): string {
	return JSON.stringify(values, (_key, value) => (typeof value === 'bigint' ? `${value}n` : value));
}

// ---------------------------------------------------------------------------------------------------------------
// summarize

interface Aggregator {
	name: string;
	type: KqlType;
	create(): { add(row: Row): void; result(): Value };
}

const DEFAULT_SET_SIZE = 1_048_576;

function compileAggregate(named: NamedExpr, columns: Column[], scope: Scope): Aggregator {
	const expr = named.expr;
	if (expr.kind !== 'call') throw new KqlSemanticError(`'summarize' operator: ${describe(expr)} is not an aggregation function`, 'SEM0107');
	const argName = expr.args[0]?.kind === 'name' ? expr.args[0].name : '';
	const arg = (index: number) => {
		const a = expr.args[index];
		if (!a) throw new KqlSemanticError(`'summarize' operator: ${expr.name}() expects more arguments`, 'SEM0219');
		return compileExpr(a, columns, scope);
	};
	const predicate = (index: number) => {
		const p = arg(index);
		if (p.type !== 'bool') throw new KqlSemanticError(`'summarize' operator: ${expr.name}() expects a boolean predicate`);
		return p;
	};
	const nameOr = (fallback: string) => named.name ?? fallback;
	switch (expr.name) {
		case 'count': {
			return { name: nameOr('count_'), type: 'long', create: () => { let n = 0; return { add: () => void n++, result: () => n }; } };
		}
		case 'countif': {
			const p = predicate(0);
			return { name: nameOr('countif_'), type: 'long', create: () => { let n = 0; return { add: (row) => void (p.eval(row) === true && n++), result: () => n }; } };
		}
		case 'dcount':
		case 'dcountif': {
			const value = arg(0);
			const p = expr.name === 'dcountif' ? predicate(1) : undefined;
			return {
				name: nameOr(`${expr.name}_${argName}`),
				type: 'long',
				create: () => {
					const seen = new Set<string>();
					return {
						add: (row) => {
							if (p && p.eval(row) !== true) return;
							const v = value.eval(row);
							if (v !== null && v !== undefined) seen.add(stableKey([v]));
						},
						result: () => seen.size,
					};
				},
			};
		}
		case 'sum':
		case 'sumif': {
			const value = arg(0);
			const p = expr.name === 'sumif' ? predicate(1) : undefined;
			const type: KqlType = value.type === 'int' || value.type === 'long' ? 'long' : value.type === 'timespan' ? 'timespan' : 'real';
			return {
				name: nameOr(`${expr.name}_${argName}`),
				type,
				create: () => {
					let total: number | bigint = type === 'timespan' ? 0n : 0;
					return {
						add: (row) => {
							if (p && p.eval(row) !== true) return;
							const v = value.eval(row);
							if (typeof v === 'bigint' && typeof total === 'bigint') total += v;
							else if (typeof v === 'number' && typeof total === 'number') total += v;
						},
						result: () => total,
					};
				},
			};
		}
		case 'avg':
		case 'avgif': {
			const value = arg(0);
			const p = expr.name === 'avgif' ? predicate(1) : undefined;
			return {
				name: nameOr(`${expr.name}_${argName}`),
				type: 'real',
				create: () => {
					let total = 0;
					let n = 0;
					return {
						add: (row) => {
							if (p && p.eval(row) !== true) return;
							const v = value.eval(row);
							if (typeof v === 'number') {
								total += v;
								n++;
							}
						},
						result: () => (n ? total / n : null),
					};
				},
			};
		}
		case 'min':
		case 'max':
		case 'minif':
		case 'maxif': {
			const value = arg(0);
			const p = expr.name.endsWith('if') ? predicate(1) : undefined;
			const wantMax = expr.name.startsWith('max');
			return {
				name: nameOr(`${expr.name}_${argName}`),
				type: value.type,
				create: () => {
					let best: Value = null;
					return {
						add: (row) => {
							if (p && p.eval(row) !== true) return;
							const v = value.eval(row);
							if (v === null || v === undefined) return;
							const order = compareValues(v, best);
							if (best === null || (order !== undefined && (wantMax ? order > 0 : order < 0))) best = v;
						},
						result: () => best,
					};
				},
			};
		}
		case 'make_set':
		case 'make_list':
		case 'make_set_if':
		case 'make_list_if': {
			const value = arg(0);
			const isSet = expr.name.startsWith('make_set');
			const withPredicate = expr.name.endsWith('_if');
			const p = withPredicate ? predicate(1) : undefined;
			const maxArg = expr.args[withPredicate ? 2 : 1];
			const max = maxArg ? constantCount(maxArg, scope) : DEFAULT_SET_SIZE;
			return {
				name: nameOr(`${isSet ? 'set' : 'list'}_${argName}`),
				type: 'dynamic',
				create: () => {
					const items: Value[] = [];
					const seen = new Set<string>();
					return {
						add: (row) => {
							if (p && p.eval(row) !== true) return;
							if (items.length >= max) return;
							const v = value.eval(row);
							if (v === null || v === undefined) return;
							const out = value.type === 'dynamic' ? v : typeof v === 'bigint' ? toKqlString(v, value.type) : v;
							if (isSet) {
								const key = stableKey([out]);
								if (seen.has(key)) return;
								seen.add(key);
							}
							items.push(out);
						},
						result: () => items,
					};
				},
			};
		}
		case 'any':
		case 'take_any': {
			const value = arg(0);
			return {
				name: nameOr(argName || `${expr.name}_`),
				type: value.type,
				create: () => {
					let found: Value = null;
					let set = false;
					return {
						add: (row) => {
							if (set) return;
							found = value.eval(row);
							set = true;
						},
						result: () => found,
					};
				},
			};
		}
		default:
			throw new KqlSemanticError(`'summarize' operator: Failed to resolve aggregation function named '${expr.name}'`, 'SEM0260');
	}
}

function summarize(operator: Extract<Operator, { kind: 'summarize' }>, input: Table, scope: Scope): Table {
	const keys = operator.by.map((named, index) => ({ name: columnName(named, index), expr: compileExpr(named.expr, input.columns, scope) }));
	const aggregates = operator.aggregates.map((named) => compileAggregate(named, input.columns, scope));
	const groups = new Map<string, { keyValues: Value[]; states: Array<ReturnType<Aggregator['create']>> }>();
	for (const row of input.rows) {
		const keyValues = keys.map((key) => key.expr.eval(row));
		const groupKey = stableKey(keyValues);
		let group = groups.get(groupKey);
		if (!group) {
			group = { keyValues, states: aggregates.map((aggregate) => aggregate.create()) };
			groups.set(groupKey, group);
		}
		for (const state of group.states) state.add(row);
	}
	if (keys.length === 0 && groups.size === 0) groups.set('', { keyValues: [], states: aggregates.map((aggregate) => aggregate.create()) });
	const columns: Column[] = [...keys.map((key) => ({ name: key.name, type: key.expr.type })), ...aggregates.map((a) => ({ name: a.name, type: a.type }))];
	const rows = [...groups.values()].map((group) => {
		const row: Row = {};
		keys.forEach((key, index) => (row[key.name] = group.keyValues[index]));
		aggregates.forEach((aggregate, index) => (row[aggregate.name] = group.states[index].result()));
		return row;
	});
	return { columns, rows };
}

// ---------------------------------------------------------------------------------------------------------------
// Scalar expressions

function describe(expr: Expr): string {
	return expr.kind === 'call' ? `${expr.name}()` : expr.kind === 'name' ? expr.name : 'the expression';
}

function constant(type: KqlType, value: Value): Compiled {
	return { type, eval: () => value };
}

/** Runtime value of a literal: exact bigints become numbers except for datetime/timespan ticks. */
export function literalRuntimeValue(type: KqlType, value: LiteralValue): Value {
	if (typeof value === 'bigint' && (type === 'long' || type === 'int')) return Number(value);
	return value;
}

export function compileExpr(expr: Expr, columns: Column[], scope: Scope): Compiled {
	switch (expr.kind) {
		case 'literal':
			return constant(expr.type, literalRuntimeValue(expr.type, expr.value));
		case 'name': {
			const column = columns.find((c) => c.name === expr.name);
			if (column) return { type: column.type, eval: (row) => row[column.name] ?? null };
			const scalar = scope.scalars.get(expr.name);
			if (scalar) return constant(scalar.type, scalar.value);
			throw new KqlSemanticError(`'${scope.operator}' operator: Failed to resolve scalar expression named '${expr.name}'`);
		}
		case 'star':
			throw new KqlSemanticError(`'${scope.operator}' operator: '*' is not supported here by the emulator`);
		case 'member': {
			const target = compileExpr(expr.target, columns, scope);
			if (target.type !== 'dynamic') throw new KqlSemanticError(`'${scope.operator}' operator: member access needs a dynamic value`);
			return { type: 'dynamic', eval: (row) => dynamicMember(target.eval(row), expr.name) };
		}
		case 'index': {
			const target = compileExpr(expr.target, columns, scope);
			const index = compileExpr(expr.index, columns, scope);
			return {
				type: 'dynamic',
				eval: (row) => {
					const value = target.eval(row);
					const key = index.eval(row);
					if (typeof key === 'number') {
						if (!Array.isArray(value)) return null;
						const at = key < 0 ? value.length + key : key;
						return value[at] ?? null;
					}
					return typeof key === 'string' ? dynamicMember(value, key) : null;
				},
			};
		}
		case 'unary': {
			const operand = compileExpr(expr.operand, columns, scope);
			if (expr.op === '+') return operand;
			if (!isNumericType(operand.type) && operand.type !== 'timespan') throw new KqlSemanticError(`'${scope.operator}' operator: cannot negate a ${operand.type}`);
			return { type: operand.type, eval: (row) => negate(operand.eval(row)) };
		}
		case 'between': {
			const operand = compileExpr(expr.operand, columns, scope);
			const low = compileExpr(expr.low, columns, scope);
			const high = compileExpr(expr.high, columns, scope);
			return {
				type: 'bool',
				eval: (row) => {
					const value = operand.eval(row);
					const lo = compareValues(value, low.eval(row));
					const hi = compareValues(value, high.eval(row));
					if (lo === undefined || hi === undefined) return expr.negated ? null : false;
					const inside = lo >= 0 && hi <= 0;
					return expr.negated ? !inside : inside;
				},
			};
		}
		case 'in':
			return compileIn(expr, columns, scope);
		case 'binary':
			return compileBinary(expr, columns, scope);
		case 'call':
			return compileCall(expr, columns, scope);
	}
}

function dynamicMember(value: Value, name: string): Value {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
	return Object.prototype.hasOwnProperty.call(value, name) ? (value as Record<string, Value>)[name] : null;
}

function negate(value: Value): Value {
	if (typeof value === 'number') return -value;
	if (typeof value === 'bigint') return -value;
	return null;
}

function listValues(items: Expr[], columns: Column[], scope: Scope): Array<{ type: KqlType; eval(row: Row): Value }> {
	return items.map((item) => compileExpr(item, columns, scope));
}

function flatten(values: Array<{ type: KqlType; value: Value }>): Array<{ type: KqlType; value: Value }> {
	return values.flatMap((entry) => (entry.type === 'dynamic' && Array.isArray(entry.value) ? entry.value.map((value) => ({ type: 'dynamic' as KqlType, value })) : [entry]));
}

function compileIn(expr: Extract<Expr, { kind: 'in' }>, columns: Column[], scope: Scope): Compiled {
	const operand = compileExpr(expr.operand, columns, scope);
	const items = listValues(expr.list, columns, scope);
	return {
		type: 'bool',
		eval: (row) => {
			const value = operand.eval(row);
			if (value === null || value === undefined) return expr.negated;
			const candidates = flatten(items.map((item) => ({ type: item.type, value: item.eval(row) })));
			const found = candidates.some((candidate) => {
				if (expr.caseInsensitive) {
					return toKqlString(value, operand.type).toLowerCase() === toKqlString(candidate.value, candidate.type).toLowerCase();
				}
				return valuesEqual(value, candidate.value) === true;
			});
			return expr.negated ? !found : found;
		},
	};
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** KQL `has`: the term occurs with no letter or digit directly before or after it (terms are alphanumeric runs). */
export function hasTerm(haystack: string, term: string, caseSensitive: boolean): boolean {
	if (term === '') return true;
	const h = caseSensitive ? haystack : haystack.toLowerCase();
	const t = caseSensitive ? term : term.toLowerCase();
	let from = 0;
	for (;;) {
		const at = h.indexOf(t, from);
		if (at < 0) return false;
		const before = at === 0 ? '' : h[at - 1];
		const after = h[at + t.length] ?? '';
		const startsWord = WORD_CHAR.test(t[0]);
		const endsWord = WORD_CHAR.test(t[t.length - 1]);
		if ((!startsWord || !WORD_CHAR.test(before)) && (!endsWord || !WORD_CHAR.test(after))) return true;
		from = at + 1;
	}
}

function stringPredicate(op: string): ((a: string, b: string) => boolean) | undefined {
	const ci = (f: (a: string, b: string) => boolean) => (a: string, b: string) => f(a.toLowerCase(), b.toLowerCase());
	switch (op) {
		case 'has':
			return (a, b) => hasTerm(a, b, false);
		case 'has_cs':
			return (a, b) => hasTerm(a, b, true);
		case 'hasprefix':
			return ci((a, b) => a.split(/[^\p{L}\p{N}_]+/u).some((term) => term.startsWith(b)));
		case 'hasprefix_cs':
			return (a, b) => a.split(/[^\p{L}\p{N}_]+/u).some((term) => term.startsWith(b));
		case 'hassuffix':
			return ci((a, b) => a.split(/[^\p{L}\p{N}_]+/u).some((term) => term.endsWith(b)));
		case 'hassuffix_cs':
			return (a, b) => a.split(/[^\p{L}\p{N}_]+/u).some((term) => term.endsWith(b));
		case 'contains':
			return ci((a, b) => a.includes(b));
		case 'contains_cs':
			return (a, b) => a.includes(b);
		case 'startswith':
			return ci((a, b) => a.startsWith(b));
		case 'startswith_cs':
			return (a, b) => a.startsWith(b);
		case 'endswith':
			return ci((a, b) => a.endsWith(b));
		case 'endswith_cs':
			return (a, b) => a.endsWith(b);
		default:
			return undefined;
	}
}

function compileBinary(expr: Extract<Expr, { kind: 'binary' }>, columns: Column[], scope: Scope): Compiled {
	const left = compileExpr(expr.left, columns, scope);
	const right = compileExpr(expr.right, columns, scope);
	const op = expr.op;
	if (op === 'and' || op === 'or') {
		if (left.type !== 'bool' || right.type !== 'bool') throw new KqlSemanticError(`'${scope.operator}' operator: '${op}' needs boolean operands`);
		return op === 'and'
			? { type: 'bool', eval: (row) => left.eval(row) === true && right.eval(row) === true }
			: { type: 'bool', eval: (row) => left.eval(row) === true || right.eval(row) === true };
	}
	if (['==', '!=', '<', '<=', '>', '>='].includes(op)) {
		return {
			type: 'bool',
			eval: (row) => {
				const a = left.eval(row);
				const b = right.eval(row);
				if (op === '==' || op === '!=') {
					const equal = valuesEqual(a, b);
					if (equal === null) return null;
					return op === '==' ? equal : !equal;
				}
				const order = compareValues(a, b);
				if (order === undefined) return null;
				return op === '<' ? order < 0 : op === '<=' ? order <= 0 : op === '>' ? order > 0 : order >= 0;
			},
		};
	}
	if (op === '=~' || op === '!~') {
		return {
			type: 'bool',
			eval: (row) => {
				const equal = toKqlString(left.eval(row), left.type).toLowerCase() === toKqlString(right.eval(row), right.type).toLowerCase();
				return op === '=~' ? equal : !equal;
			},
		};
	}
	if (op === 'matches regex') {
		return {
			type: 'bool',
			eval: (row) => {
				const pattern = toKqlString(right.eval(row), right.type);
				try {
					return new RegExp(pattern).test(toKqlString(left.eval(row), left.type));
				} catch {
					return false;
				}
			},
		};
	}
	const negated = op.startsWith('!');
	const predicate = stringPredicate(negated ? op.slice(1) : op);
	if (predicate) {
		return {
			type: 'bool',
			eval: (row) => {
				const result = predicate(toKqlString(left.eval(row), left.type), toKqlString(right.eval(row), right.type));
				return negated ? !result : result;
			},
		};
	}
	return compileArithmetic(op, left, right, scope);
}

function compileArithmetic(op: string, left: Compiled, right: Compiled, scope: Scope): Compiled {
	const l = left.type;
	const r = right.type;
	const fail = () => {
		throw new KqlSemanticError(`'${scope.operator}' operator: cannot apply '${op}' to ${l} and ${r}`, 'SEM0002');
	};
	const bothNumeric = isNumericType(l) && isNumericType(r);
	const integral = (t: KqlType) => t === 'int' || t === 'long';
	if (bothNumeric) {
		const type: KqlType = integral(l) && integral(r) ? 'long' : 'real';
		return {
			type,
			eval: (row) => {
				const a = left.eval(row);
				const b = right.eval(row);
				if (typeof a !== 'number' || typeof b !== 'number') return null;
				switch (op) {
					case '+':
						return a + b;
					case '-':
						return a - b;
					case '*':
						return a * b;
					case '/':
						if (type === 'long') return b === 0 ? null : Math.trunc(a / b);
						return a / b;
					case '%':
						return b === 0 ? null : a % b;
					default:
						return null;
				}
			},
		};
	}
	const ticks = (f: (a: bigint, b: bigint) => bigint | null, type: KqlType): Compiled => ({
		type,
		eval: (row) => {
			const a = left.eval(row);
			const b = right.eval(row);
			return typeof a === 'bigint' && typeof b === 'bigint' ? f(a, b) : null;
		},
	});
	if (l === 'datetime' && r === 'datetime' && op === '-') return ticks((a, b) => a - b, 'timespan');
	if (l === 'datetime' && r === 'timespan' && (op === '+' || op === '-')) return ticks((a, b) => (op === '+' ? a + b : a - b), 'datetime');
	if (l === 'timespan' && r === 'datetime' && op === '+') return ticks((a, b) => a + b, 'datetime');
	if (l === 'timespan' && r === 'timespan') {
		if (op === '+' || op === '-') return ticks((a, b) => (op === '+' ? a + b : a - b), 'timespan');
		if (op === '/') return { type: 'real', eval: (row) => { const a = left.eval(row); const b = right.eval(row); return typeof a === 'bigint' && typeof b === 'bigint' && b !== 0n ? Number(a) / Number(b) : null; } };
	}
	if ((l === 'timespan' && isNumericType(r) && (op === '*' || op === '/')) || (isNumericType(l) && r === 'timespan' && op === '*')) {
		return {
			type: 'timespan',
			eval: (row) => {
				const a = left.eval(row);
				const b = right.eval(row);
				const span = typeof a === 'bigint' ? a : b;
				const factor = typeof a === 'number' ? a : b;
				if (typeof span !== 'bigint' || typeof factor !== 'number') return null;
				if (op === '/') return factor === 0 ? null : BigInt(Math.round(Number(span) / factor));
				return BigInt(Math.round(Number(span) * factor));
			},
		};
	}
	if (l === 'string' && r === 'string' && op === '+') fail();
	return fail();
}

// ---- functions ----

function compileCall(expr: Extract<Expr, { kind: 'call' }>, columns: Column[], scope: Scope): Compiled {
	const args = () => expr.args.map((arg) => compileExpr(arg, columns, scope));
	const arity = (min: number, max = min) => {
		if (expr.args.length < min || expr.args.length > max) {
			throw new KqlSemanticError(`'${scope.operator}' operator: ${expr.name}(): expected ${min === max ? min : `${min}-${max}`} arguments, got ${expr.args.length}`, 'SEM0219');
		}
		return args();
	};
	const unaryString = (f: (s: string) => Value, type: KqlType): Compiled => {
		const [a] = arity(1);
		return { type, eval: (row) => f(toKqlString(a.eval(row), a.type)) };
	};
	switch (expr.name) {
		case 'now': {
			const [offset] = arity(0, 1);
			if (offset && offset.type !== 'timespan') throw new KqlSemanticError('now(): the offset must be a timespan');
			return { type: 'datetime', eval: (row) => scope.ctx.now + ((offset?.eval(row) as bigint | undefined) ?? 0n) };
		}
		case 'ago': {
			const [span] = arity(1);
			if (span.type !== 'timespan') throw new KqlSemanticError('ago(): the argument must be a timespan');
			return { type: 'datetime', eval: (row) => { const s = span.eval(row); return typeof s === 'bigint' ? scope.ctx.now - s : null; } };
		}
		case 'bin':
		case 'floor': {
			const [value, size] = arity(2);
			return {
				type: value.type,
				eval: (row) => {
					const v = value.eval(row);
					const s = size.eval(row);
					if (typeof v === 'bigint' && typeof s === 'bigint' && s > 0n) return v - (((v % s) + s) % s);
					if (typeof v === 'number' && typeof s === 'number' && s > 0) return Math.floor(v / s) * s;
					return null;
				},
			};
		}
		case 'startofday': {
			const [value] = arity(1);
			return { type: 'datetime', eval: (row) => { const v = value.eval(row); return typeof v === 'bigint' ? v - (((v % TICKS_PER_DAY) + TICKS_PER_DAY) % TICKS_PER_DAY) : null; } };
		}
		case 'tolower':
			return unaryString((s) => s.toLowerCase(), 'string');
		case 'toupper':
			return unaryString((s) => s.toUpperCase(), 'string');
		case 'strlen':
			return unaryString((s) => [...s].length, 'long');
		case 'trim_start':
		case 'trim_end':
		case 'trim': {
			const [pattern, value] = arity(2);
			return {
				type: 'string',
				eval: (row) => {
					const p = toKqlString(pattern.eval(row), pattern.type);
					let s = toKqlString(value.eval(row), value.type);
					try {
						if (expr.name !== 'trim_end') s = s.replace(new RegExp(`^(?:${p})`), '');
						if (expr.name !== 'trim_start') s = s.replace(new RegExp(`(?:${p})$`), '');
					} catch {
						return null;
					}
					return s;
				},
			};
		}
		case 'tostring': {
			const [a] = arity(1);
			return { type: 'string', eval: (row) => toKqlString(a.eval(row), a.type) };
		}
		case 'toint':
		case 'tolong':
		case 'toreal':
		case 'todouble':
		case 'todecimal':
		case 'todatetime':
		case 'totimespan':
		case 'tobool':
		case 'toboolean':
		case 'toguid': {
			const [a] = arity(1);
			const to: KqlType = ({ toint: 'int', tolong: 'long', toreal: 'real', todouble: 'real', todecimal: 'decimal', todatetime: 'datetime', totimespan: 'timespan', tobool: 'bool', toboolean: 'bool', toguid: 'guid' } as const)[expr.name];
			return { type: to, eval: (row) => convert(a.eval(row), a.type, to) };
		}
		case 'parse_json':
		case 'todynamic': {
			const [a] = arity(1);
			return {
				type: 'dynamic',
				eval: (row) => {
					const v = a.eval(row);
					if (a.type === 'dynamic') return v;
					if (typeof v !== 'string') return v ?? null;
					try {
						return JSON.parse(v) as Value;
					} catch {
						return v;
					}
				},
			};
		}
		case 'isempty':
		case 'isnotempty': {
			const [a] = arity(1);
			return { type: 'bool', eval: (row) => { const v = a.eval(row); const empty = v === null || v === undefined || v === ''; return expr.name === 'isempty' ? empty : !empty; } };
		}
		case 'isnull':
		case 'isnotnull': {
			const [a] = arity(1);
			return { type: 'bool', eval: (row) => { const v = a.eval(row); const isNull = v === null || v === undefined; return expr.name === 'isnull' ? isNull : !isNull; } };
		}
		case 'not': {
			const [a] = arity(1);
			if (a.type !== 'bool') throw new KqlSemanticError('not(): the argument must be a boolean');
			return { type: 'bool', eval: (row) => { const v = a.eval(row); return v === null || v === undefined ? null : !v; } };
		}
		case 'strcat': {
			const parts = arity(1, 64);
			return { type: 'string', eval: (row) => parts.map((p) => toKqlString(p.eval(row), p.type)).join('') };
		}
		case 'iff':
		case 'iif': {
			const [condition, whenTrue, whenFalse] = arity(3);
			return { type: whenTrue.type, eval: (row) => (condition.eval(row) === true ? whenTrue.eval(row) : whenFalse.eval(row)) };
		}
		case 'coalesce': {
			const values = arity(1, 64);
			return { type: values[0].type, eval: (row) => { for (const v of values) { const x = v.eval(row); if (x !== null && x !== undefined && !(v.type === 'string' && x === '')) return x; } return null; } };
		}
		case 'abs': {
			const [a] = arity(1);
			return { type: a.type, eval: (row) => { const v = a.eval(row); return typeof v === 'number' ? Math.abs(v) : typeof v === 'bigint' ? (v < 0n ? -v : v) : null; } };
		}
		case 'round': {
			const [a, digits] = arity(1, 2);
			return { type: a.type, eval: (row) => { const v = a.eval(row); const d = Number(digits?.eval(row) ?? 0); return typeof v === 'number' ? Math.round(v * 10 ** d) / 10 ** d : null; } };
		}
		case 'array_length': {
			const [a] = arity(1);
			return { type: 'long', eval: (row) => { const v = a.eval(row); return Array.isArray(v) ? v.length : null; } };
		}
		case 'substring': {
			const [s, start, length] = arity(2, 3);
			return {
				type: 'string',
				eval: (row) => {
					const chars = [...toKqlString(s.eval(row), s.type)];
					const from = Math.max(0, Number(start.eval(row)));
					const count = length ? Number(length.eval(row)) : chars.length;
					return chars.slice(from, from + count).join('');
				},
			};
		}
		case 'split': {
			const [s, delimiter] = arity(2);
			return { type: 'dynamic', eval: (row) => toKqlString(s.eval(row), s.type).split(toKqlString(delimiter.eval(row), delimiter.type)) };
		}
		case 'has_any':
		case 'has_all': {
			const [value, ...list] = args();
			return {
				type: 'bool',
				eval: (row) => {
					const text = toKqlString(value.eval(row), value.type);
					const terms = flatten(list.map((item) => ({ type: item.type, value: item.eval(row) }))).map((t) => toKqlString(t.value, t.type === 'dynamic' && typeof t.value === 'string' ? 'string' : t.type));
					return expr.name === 'has_any' ? terms.some((t) => hasTerm(text, t, false)) : terms.every((t) => hasTerm(text, t, false));
				},
			};
		}
		case 'datetime_diff':
		case 'format_datetime':
		default:
			throw new KqlSemanticError(`'${scope.operator}' operator: Failed to resolve scalar expression named '${expr.name}'`);
	}
}

export { TICKS_PER_MS };
