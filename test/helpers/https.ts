/** One plain HTTPS request, buffered: status, headers, text and (when the text is JSON) the parsed body. */
import type http from 'node:http';
import https from 'node:https';

export interface RawResponse {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	/** The parsed body, or undefined when the body is empty or not JSON. */
	json: unknown;
}

export function httpsRequest(url: URL, options: https.RequestOptions, payload?: string | Buffer): Promise<RawResponse> {
	return new Promise((resolve, reject) => {
		const req = https.request(url, options, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (chunk: Buffer) => chunks.push(chunk));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json: unknown;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
			});
		});
		req.on('error', reject);
		req.end(payload);
	});
}
