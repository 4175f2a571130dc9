/** HTTP helpers for talking to the emulator (its own CA) and a local receiver for SIGNL4's outbound callbacks. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Emulator } from '../../emulator';
import { httpsRequest, type RawResponse } from '../../helpers/https';

export type Reply = RawResponse;

export function call(emu: Emulator, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
	return httpsRequest(new URL(path, emu.url), { method, headers: options.headers, ca: emu.caPem }, options.body);
}

export const postJson = (emu: Emulator, path: string, body: unknown, headers: Record<string, string> = {}) =>
	call(emu, 'POST', path, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

export interface Received {
	headers: http.IncomingHttpHeaders;
	body: Record<string, unknown>;
}

/** A plain HTTP server that records what is POSTed to it and answers with `status` (default 200). */
export async function startReceiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
	const received: Received[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown> });
			res.writeHead(status(), { 'content-type': 'application/json' });
			res.end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
		received,
		close: () => new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
