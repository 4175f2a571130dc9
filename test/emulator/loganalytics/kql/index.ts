// The emulator's small KQL engine: parse (exact literal values, spans), run over in-memory tables, and compare
// query structure (what the injection tests use to prove a parameter value never changed a query's shape).
import type { QueryAst, TabularExpr } from './ast';

export type { DynamicValue, Expr, KqlType, LiteralValue, QueryAst, Statement, TabularExpr } from './ast';
export { KqlSemanticError, KqlSyntaxError } from './errors';
export { parseKql } from './parser';
export { runQuery, referencedTables, hasTerm, type EngineContext, type QueryRun } from './engine';
export { tokenize } from './lexer';
export { decodeTypedLiteral, formatDatetime, formatTimespan, parseDatetimeText, parseTimespanText, ticksFromDate, dateFromTicks } from './literals';
export { serializeCell, type Column, type Row, type Table, type Value } from './values';

/** The syntax tree without source positions: two queries with the same shape and values compare equal. */
export function stripSpans<T>(node: T): T {
	return JSON.parse(
		JSON.stringify(node, (key, value) => (key === 'span' ? undefined : typeof value === 'bigint' ? `${value}n` : value)),
	) as T;
}

/** One line per statement: `let name = <type literal>`, `set name`, or `Table | where | project`. */
export function describeStructure(ast: QueryAst): string[] {
	return ast.statements.map((statement) => {
		switch (statement.kind) {
			case 'set':
				return `set ${statement.name}`;
			case 'let':
				return `let ${statement.name} = ${statement.value.kind === 'literal' ? `<${statement.value.type} literal>` : `<${statement.value.kind}>`}`;
			case 'let-tabular':
				return `let ${statement.name} = ${describeTabular(statement.value)}`;
			case 'query':
				return describeTabular(statement.query);
		}
	});
}

function describeTabular(query: TabularExpr): string {
	const source =
		query.source.kind === 'table' ? query.source.name : query.source.kind === 'print' ? 'print' : `(${describeTabular(query.source.query)})`;
	return [source, ...query.operators.map((operator) => operator.kind)].join(' | ');
}
