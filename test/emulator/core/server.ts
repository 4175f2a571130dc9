import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpMethod, HttpResponse, RequestContext, RouteDefinition, RouteHandler } from './http-types';
import type { RouteId } from './route-ids';
import { DEFAULT_429_RETRY_AFTER_SECONDS, FaultInjector } from './faults';
import { faultControlRoutes } from './fault-control';
import { JSON_CONTENT_TYPE, parseJsonBody } from './json';
import { RequestLog, redactBody, redactHeaders, redactPath, redactQuery } from './request-log';
import { Router, type RouteMatch } from './router';

const MAX_BODY_BYTES = 20 * 1024 * 1024;

export interface ControlRoute {
	method: HttpMethod;
	pattern: string;
	handler: RouteHandler;
}

export interface ServerConfig {
	host: string;
	port: number;
	keyPem: string;
	certPem: string;
	routes: RouteDefinition[];
	controlRoutes: ControlRoute[];
	/** Answer for requests that match no service route (ARM style). */
	unmatched: (ctx: RequestContext, match: RouteMatch<RouteDefinition>) => HttpResponse;
	faults: FaultInjector;
	log: RequestLog;
}

export interface RunningServer {
	port: number;
	close(): Promise<void>;
}

export const CONTROL_PREFIX = '/_emulator/';

export async function startHttpsServer(config: ServerConfig): Promise<RunningServer> {
	const serviceRouter = new Router<RouteDefinition>();
	config.routes.forEach((route) => serviceRouter.add(route));
	const controlRouter = new Router<ControlRoute>();
	const issuedTokens: string[] = [];
	[...faultControlRoutes(config.faults), issuedTokensRoute(issuedTokens), ...config.controlRoutes].forEach((route) => controlRouter.add(route));

	const server = https.createServer({ key: config.keyPem, cert: config.certPem }, (req, res) => {
		handle(req, res, config, serviceRouter, controlRouter, issuedTokens).catch((error) => {
			// A handler bug must not take the emulator down; answer like ARM's generic 500.
			console.error('[emulator] handler failed', error);
			if (!res.headersSent) {
				writeResponse(res, {
					status: 500,
					headers: { 'content-type': JSON_CONTENT_TYPE },
					body: { error: { code: 'InternalServerError', message: String((error as Error)?.message ?? error) } },
				});
			}
		});
	});
	// Clients keep sockets alive between calls; never let an idle one hold `stop()`.
	server.keepAliveTimeout = 5000;

	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(config.port, config.host, () => {
			server.off('error', reject);
			resolve();
		});
	});

	return {
		port: (server.address() as AddressInfo).port,
		close: () =>
			new Promise<void>((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

async function handle(
	req: IncomingMessage,
	res: ServerResponse,
	config: ServerConfig,
	serviceRouter: Router<RouteDefinition>,
	controlRouter: Router<ControlRoute>,
	issuedTokens: string[],
): Promise<void> {
	const arrivedAt = new Date();
	const rawBody = await readBody(req);
	const origin = `https://${req.headers.host ?? `${config.host}:${(req.socket.localPort ?? 0).toString()}`}`;
	const url = new URL(req.url ?? '/', origin);
	const rawPath = (req.url ?? '/').split('?')[0];
	const ctx: RequestContext = {
		req,
		res,
		method: (req.method ?? 'GET').toUpperCase(),
		rawPath,
		url,
		query: firstValues(url.searchParams),
		params: {},
		headers: req.headers,
		rawBody,
		origin,
		route: 'unmatched',
		loggedBody: describeBody(req, rawBody),
	};

	if (rawPath.startsWith(CONTROL_PREFIX) || rawPath === CONTROL_PREFIX.slice(0, -1)) {
		writeResponse(res, await handleControl(ctx, controlRouter));
		return;
	}

	const match = serviceRouter.match(ctx.method, rawPath);
	let response: HttpResponse;
	if (match.kind !== 'matched') {
		response = config.unmatched(ctx, match);
	} else {
		const route = match.route;
		ctx.route = route.id;
		Object.assign(ctx.params, match.params);
		const plan = config.faults.plan(route.id);
		if (plan.fired.length) {
			ctx.fault = plan.fired.join('+');
			ctx.faultIds = plan.faultIds;
		}
		if (plan.delayMs > 0) await sleep(plan.delayMs);
		const terminal = plan.terminal;
		if (terminal?.kind === 'drop') {
			record(config.log, ctx, 0, arrivedAt);
			req.socket.destroy();
			return;
		}
		if (terminal?.kind === 'status') {
			response = route.errorStyle.faultResponse(ctx, {
				status: terminal.status ?? 500,
				retryAfterSeconds: terminal.retryAfterSeconds,
			});
			// A throttled answer always says when to come back, whatever the service's own error style adds.
			if (response.status === 429 && !hasHeader(response.headers ?? {}, 'retry-after')) {
				response = { ...response, headers: { ...response.headers, 'retry-after': String(terminal.retryAfterSeconds ?? DEFAULT_429_RETRY_AFTER_SECONDS) } };
			}
		} else if (terminal?.kind === 'expiredToken') {
			response = route.errorStyle.expiredTokenResponse(ctx);
		} else {
			response = await route.handler(ctx);
			rememberIssuedToken(issuedTokens, route.id, response);
			if (terminal?.kind === 'lostResponse') {
				// The handler ran (state changed); the client never hears about it.
				record(config.log, ctx, 0, arrivedAt);
				req.socket.destroy();
				return;
			}
		}
	}
	record(config.log, ctx, response.status, arrivedAt);
	writeResponse(res, response);
}

/** At most this many access tokens are remembered for leak checks (the oldest are forgotten first). */
const MAX_REMEMBERED_TOKENS = 10_000;

/** Remembers each access token the token endpoint hands out, so a test can check that none ends up where it should not. */
function rememberIssuedToken(issuedTokens: string[], route: RouteId, response: HttpResponse): void {
	if (route !== 'token' || response.status !== 200) return;
	const token = (response.body as { access_token?: unknown } | undefined)?.access_token;
	if (typeof token !== 'string') return;
	issuedTokens.push(token);
	if (issuedTokens.length > MAX_REMEMBERED_TOKENS) issuedTokens.splice(0, issuedTokens.length - MAX_REMEMBERED_TOKENS);
}

/** `GET /_emulator/identity/issued-tokens`: every access token issued so far (leak checks; the control API is loopback-only). */
function issuedTokensRoute(issuedTokens: string[]): ControlRoute {
	return {
		method: 'GET',
		pattern: '/_emulator/identity/issued-tokens',
		handler: () => ({ status: 200, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { value: [...issuedTokens] } }),
	};
}

async function handleControl(ctx: RequestContext, router: Router<ControlRoute>): Promise<HttpResponse> {
	// The control API has no auth; only callers on this machine may use it.
	const remote = ctx.req.socket.remoteAddress ?? '';
	if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(remote)) {
		return { status: 403, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { error: 'control API is loopback-only' } };
	}
	const match = router.match(ctx.method, ctx.rawPath);
	if (match.kind !== 'matched') {
		return {
			status: match.kind === 'method-not-allowed' ? 405 : 404,
			headers: { 'content-type': JSON_CONTENT_TYPE },
			body: { error: `No control endpoint ${ctx.method} ${ctx.rawPath}` },
		};
	}
	Object.assign(ctx.params, match.params);
	try {
		return await match.route.handler(ctx);
	} catch (error) {
		return { status: 400, headers: { 'content-type': JSON_CONTENT_TYPE }, body: { error: (error as Error).message } };
	}
}

/** Logs the request with its secrets redacted: path segments that are secrets, secret headers, query values, URL passwords. */
function record(log: RequestLog, ctx: RequestContext, status: number, at: Date): void {
	log.record({
		route: ctx.route,
		method: ctx.method,
		path: redactPath(ctx.rawPath, ctx.params),
		query: redactQuery(ctx.query),
		headers: redactHeaders(ctx.headers),
		body: redactBody(ctx.loggedBody),
		status,
		at: at.toISOString(),
		...(ctx.fault ? { fault: ctx.fault } : {}),
		...(ctx.faultIds ? { faultIds: ctx.faultIds } : {}),
	});
}

export function writeResponse(res: ServerResponse, response: HttpResponse): void {
	let payload: Buffer | undefined;
	const headers: Record<string, string | number> = { ...(response.headers ?? {}) };
	if (response.body === undefined) {
		payload = undefined;
	} else if (Buffer.isBuffer(response.body)) {
		payload = response.body;
	} else if (typeof response.body === 'string') {
		payload = Buffer.from(response.body, 'utf8');
	} else {
		payload = Buffer.from(JSON.stringify(response.body), 'utf8');
		if (!hasHeader(headers, 'content-type')) headers['content-type'] = JSON_CONTENT_TYPE;
	}
	headers['content-length'] = payload ? payload.length : 0;
	res.writeHead(response.status, headers);
	res.end(payload);
}

function hasHeader(headers: Record<string, unknown>, name: string): boolean {
	return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_BODY_BYTES) {
				reject(new Error('request body too large'));
				req.destroy();
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

function describeBody(req: IncomingMessage, raw: Buffer): unknown {
	if (raw.length === 0) return undefined;
	const type = String(req.headers['content-type'] ?? '');
	if (type.includes('application/x-www-form-urlencoded')) return raw.toString('utf8');
	const parsed = parseJsonBody(raw);
	return parsed.ok ? parsed.value : raw.toString('utf8');
}

function firstValues(params: URLSearchParams): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of params) {
		if (!(key in out)) out[key] = value;
	}
	return out;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
