/** HTTP helpers for talking to the emulator (its own CA) and a local receiver for SIGNL4's outbound callbacks. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

import type { Emulator } from '../../emulator';

export interface Reply {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	json: unknown;
}

export function call(emu: Emulator, method: string, path: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Reply> {
	const url = new URL(path, emu.url);
	return new Promise((resolve, reject) => {
		const request = https.request(url, { method, headers: options.headers, ca: emu.caPem }, (response) => {
			const chunks: Buffer[] = [];
			response.on('data', (chunk: Buffer) => chunks.push(chunk));
			response.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: response.statusCode ?? 0, headers: response.headers, text, json });
			});
		});
		request.on('error', reject);
		if (options.body !== undefined) request.write(options.body);
		request.end();
	});
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
