/**
 * What every hostile case must end in: a clear error (NodeOperationError / NodeApiError with an actionable message,
 * no stack trace, no secret, no JavaScript internals), n8n refusing the parameters before the run, or a specific
 * correct outcome the case asserts itself. Also: no unhandled promise rejection while a file's cases run, and a
 * count of the cases printed at the end of each file.
 */
import type { ExecutionError } from 'n8n-workflow';

import type { NodeRun } from '../../helpers/n8nHarness';

export type Outcome =
	| { kind: 'error'; name: string; message: string; description: string; httpCode?: string | number | null; error: ExecutionError }
	| { kind: 'refused'; message: string }
	| { kind: 'ok'; run: NodeRun };

/** Runs a node; n8n's own refusal of invalid parameters (WorkflowHasIssuesError, before anything runs) is an outcome too. */
export async function outcomeOf(running: Promise<NodeRun>): Promise<Outcome> {
	let run: NodeRun;
	try {
		run = await running;
	} catch (error) {
		const e = error as Error;
		if (e?.name === 'WorkflowHasIssuesError') return { kind: 'refused', message: e.message };
		throw error;
	}
	if (!run.error) return { kind: 'ok', run };
	const error = run.error as ExecutionError & { httpCode?: string | number | null; description?: string | null };
	return { kind: 'error', name: error.name, message: error.message, description: error.description ?? '', httpCode: error.httpCode, error };
}

/** Words that betray a crash or an unhelpful message rather than a deliberate one. */
const INTERNALS = /\bat \S+ \(|\n\s+at |TypeError|ReferenceError|RangeError|URIError|SyntaxError|Cannot read propert|is not a function|undefined|\[object Object\]|NaN\b/;

/**
 * A clear error: one of n8n's node errors, with a message matching `message`, neither message nor description carrying
 * a stack trace, JavaScript internals or any of `secrets`.
 */
export function expectClearError(outcome: Outcome, message: RegExp, secrets: string[] = []): void {
	if (outcome.kind !== 'error') throw new Error(`expected a node error matching ${message}, got ${outcome.kind === 'refused' ? `refused: ${outcome.message}` : 'success'}`);
	expect(['NodeOperationError', 'NodeApiError']).toContain(outcome.name);
	expect(outcome.message).toMatch(message);
	for (const text of [outcome.message, outcome.description]) {
		expect(text).not.toMatch(INTERNALS);
		for (const secret of secrets.filter(Boolean)) expect(text).not.toContain(secret);
	}
}

/** n8n refused to run the node because a parameter fails its own validation (the editor shows the same issue). */
export function expectRefused(outcome: Outcome, issue: RegExp): void {
	if (outcome.kind !== 'refused') throw new Error(`expected n8n to refuse the parameters (${issue}), got ${outcome.kind === 'error' ? `error: ${outcome.message}` : 'success'}`);
	expect(outcome.message).toMatch(issue);
}

/** Counts a file's cases and prints the count when the file is done; watches for unhandled rejections meanwhile. */
export function hostileSuite(name: string): { count(n?: number): void } {
	let cases = 0;
	const rejections: unknown[] = [];
	const onRejection = (reason: unknown) => rejections.push(reason);
	beforeAll(() => {
		process.on('unhandledRejection', onRejection);
	});
	afterAll(async () => {
		// Give stray promises a moment to settle before looking.
		await new Promise((resolve) => setImmediate(resolve));
		process.off('unhandledRejection', onRejection);
		// eslint-disable-next-line no-console
		console.log(`hostile cases in ${name}: ${cases}`);
		expect(rejections).toEqual([]);
	});
	return {
		count(n = 1) {
			cases += n;
		},
	};
}
