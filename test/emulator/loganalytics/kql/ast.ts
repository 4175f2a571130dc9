// Syntax tree of the KQL subset the emulator runs. Spans are offsets into the query text, so tests can show which
// part of a received query a node came from.

export type KqlType = 'bool' | 'datetime' | 'dynamic' | 'int' | 'long' | 'real' | 'string' | 'guid' | 'decimal' | 'timespan';

export interface Span {
	start: number;
	end: number;
}

/**
 * A literal's value. Exact representations: long/int as bigint, datetime and timespan as 100 ns ticks (datetime
 * since the Unix epoch), dynamic as the JSON value, real as a JS number, null for a typed null.
 */
export type LiteralValue = string | boolean | number | bigint | null | DynamicValue;
export type DynamicValue = null | boolean | number | string | DynamicValue[] | { [key: string]: DynamicValue };

export type Expr =
	| { kind: 'literal'; type: KqlType; value: LiteralValue; span: Span }
	| { kind: 'name'; name: string; span: Span }
	| { kind: 'star'; span: Span }
	| { kind: 'call'; name: string; args: Expr[]; span: Span }
	| { kind: 'unary'; op: '-' | '+'; operand: Expr; span: Span }
	| { kind: 'binary'; op: string; left: Expr; right: Expr; span: Span }
	| { kind: 'between'; operand: Expr; low: Expr; high: Expr; negated: boolean; span: Span }
	| { kind: 'in'; operand: Expr; list: Expr[]; negated: boolean; caseInsensitive: boolean; span: Span }
	| { kind: 'member'; target: Expr; name: string; span: Span }
	| { kind: 'index'; target: Expr; index: Expr; span: Span };

/** `Name = expr` or a bare expression in project/extend/summarize/print. */
export interface NamedExpr {
	name?: string;
	expr: Expr;
}

export interface SortKey {
	expr: Expr;
	descending: boolean;
	nullsFirst: boolean;
}

export type Operator =
	| { kind: 'where'; predicate: Expr; span: Span }
	| { kind: 'project'; columns: NamedExpr[]; span: Span }
	| { kind: 'project-away'; names: string[]; span: Span }
	| { kind: 'project-rename'; renames: Array<{ name: string; from: string }>; span: Span }
	| { kind: 'extend'; columns: NamedExpr[]; span: Span }
	| { kind: 'take'; count: Expr; span: Span }
	| { kind: 'summarize'; aggregates: NamedExpr[]; by: NamedExpr[]; span: Span }
	| { kind: 'sort'; keys: SortKey[]; span: Span }
	| { kind: 'top'; count: Expr; key: SortKey; span: Span }
	| { kind: 'count'; span: Span }
	| { kind: 'distinct'; columns: NamedExpr[]; span: Span };

export type Source =
	| { kind: 'table'; name: string; span: Span }
	| { kind: 'print'; columns: NamedExpr[]; span: Span }
	| { kind: 'subquery'; query: TabularExpr; span: Span };

export interface TabularExpr {
	source: Source;
	operators: Operator[];
	span: Span;
}

export type Statement =
	| { kind: 'set'; name: string; value?: Expr; span: Span }
	| { kind: 'let'; name: string; value: Expr; span: Span }
	| { kind: 'let-tabular'; name: string; value: TabularExpr; span: Span }
	| { kind: 'query'; query: TabularExpr; span: Span };

export interface QueryAst {
	statements: Statement[];
}
