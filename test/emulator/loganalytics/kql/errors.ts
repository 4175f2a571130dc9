// The two kinds of query errors Log Analytics reports under `BadArgumentError` (wire-microsoft.md §2).

/** The text is not KQL: Log Analytics answers 400 with innererror `SyntaxError` / `SYN0002`. */
export class KqlSyntaxError extends Error {
	constructor(
		message: string,
		readonly line: number,
		readonly pos: number,
		readonly token: string,
	) {
		super(message);
		this.name = 'KqlSyntaxError';
	}
}

/** Valid KQL that cannot run (unknown table or column, wrong types): innererror `SemanticError`. */
export class KqlSemanticError extends Error {
	constructor(
		message: string,
		/** `SEM0100` (unresolved name) and friends, as the real service reports them. */
		readonly code = 'SEM0100',
	) {
		super(message);
		this.name = 'KqlSemanticError';
	}
}
