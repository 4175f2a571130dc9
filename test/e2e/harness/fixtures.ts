import { randomUUID } from 'node:crypto';

/**
 * A credential as `n8n import:credentials` takes it. `data` is plaintext here; n8n encrypts it with the instance's
 * encryption key on import. `id` is fixed by the test so workflows can reference it.
 */
export interface CredentialFixture {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface WorkflowNodeFixture {
	/** n8n wants a UUID per node; generated when omitted. */
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	position?: [number, number];
	disabled?: boolean;
	/** Webhook-based nodes need one; it is part of their production URL when `path` is not set. */
	webhookId?: string;
}

export type WorkflowConnections = Record<
	string,
	{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
>;

/** A workflow as `n8n import:workflow` takes it. Imported workflows are inactive; tests activate them via the API. */
export interface WorkflowFixture {
	id: string;
	name: string;
	nodes: WorkflowNodeFixture[];
	connections: WorkflowConnections;
	settings?: Record<string, unknown>;
	staticData?: Record<string, unknown> | null;
}

/** n8n's ids are 16 characters of [0-9a-zA-Z]; fixed ids in that shape keep the fixtures realistic. */
export function fixtureId(label: string): string {
	const cleaned = label.replace(/[^0-9a-zA-Z]/g, '');
	if (cleaned.length === 0 || cleaned.length > 16) {
		throw new Error(`fixture id label must have 1-16 alphanumerics, got '${label}'`);
	}
	return cleaned.padEnd(16, '0');
}

/** The `credentials` entry of a node that uses this credential. */
export function useCredential(credential: CredentialFixture): Record<string, { id: string; name: string }> {
	return { [credential.type]: { id: credential.id, name: credential.name } };
}

/**
 * A workflow whose nodes run one after another (main output 0 → main input 0), laid out left to right. Most e2e
 * cases are "trigger → something", so this keeps them free of connection boilerplate.
 */
export function linearWorkflow(options: {
	id: string;
	name: string;
	nodes: WorkflowNodeFixture[];
	settings?: Record<string, unknown>;
}): WorkflowFixture {
	const nodes = options.nodes.map((node, index) => ({
		...node,
		id: node.id ?? randomUUID(),
		position: node.position ?? ([index * 220, 0] as [number, number]),
	}));
	const connections: WorkflowConnections = {};
	for (let index = 0; index + 1 < nodes.length; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id: options.id,
		name: options.name,
		nodes,
		connections,
		settings: { executionOrder: 'v1', ...options.settings },
	};
}

/** Built-in node that passes its input through unchanged: the harmless end of "trigger → something" workflows. */
export function noOpNode(name = 'No Operation'): WorkflowNodeFixture {
	return { name, type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} };
}
