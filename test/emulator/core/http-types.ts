import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggedRouteId, RouteId } from './route-ids';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Everything a handler needs about one request. */
export interface RequestContext {
	readonly req: IncomingMessage;
	readonly res: ServerResponse;
	readonly method: string;
	/** Raw path (still percent-encoded), without query string. */
	readonly rawPath: string;
	readonly url: URL;
	/** Decoded query parameters; a repeated key keeps the first value. */
	readonly query: Record<string, string>;
	/** Decoded path parameters from the route pattern. */
	readonly params: Record<string, string>;
	readonly headers: IncomingMessage['headers'];
	readonly rawBody: Buffer;
	/** Origin the client used (`https://127.0.0.1:PORT` or `https://localhost:PORT`). */
	readonly origin: string;
	route: LoggedRouteId;
	/** Parsed body recorded in the request log; handlers may replace it (e.g. redact secrets). */
	loggedBody: unknown;
	/** Kind of fault that answered/affected this request, for the request log. */
	fault?: string;
	/** Ids of the faults that fired (as `faults.add` returned them), for the request log. */
	faultIds?: string[];
}

export interface HttpResponse {
	status: number;
	headers?: Record<string, string | number>;
	/** JSON-serialised unless a string/Buffer; `undefined` = empty body. */
	body?: unknown;
}

export type RouteHandler = (ctx: RequestContext) => HttpResponse | Promise<HttpResponse>;

/** Formats error answers for faults (and unmatched requests) in the style of the owning service. */
export interface ServiceErrorStyle {
	faultResponse(ctx: RequestContext, fault: { status: number; retryAfterSeconds?: number }): HttpResponse;
	expiredTokenResponse(ctx: RequestContext): HttpResponse;
}

export interface RouteDefinition {
	id: RouteId;
	method: HttpMethod;
	/** Pattern like `/subscriptions/{subscriptionId}/…`; literal segments match case-insensitively (as ARM does). */
	pattern: string;
	handler: RouteHandler;
	errorStyle: ServiceErrorStyle;
}
