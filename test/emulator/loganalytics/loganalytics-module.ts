// Log Analytics query API (`/v1/workspaces/{workspaceId}/query`, OperationalInsights.json 2022-10-27): bearer
// tokens for the Log Analytics audience only, `Prefer: wait=N` (504 past it), typed tables with dynamic cells as JSON
// text, 200 + `PartialError` past the row limit, 400 `BadArgumentError` with `SyntaxError`/`SemanticError`,
// 403 `InsufficientAccessError`, 204 for a workspace without data, a counter of concurrently running queries, and —
// with limits enforced (core/limits.ts) — the service's 200 requests per 30 s per principal and its queue past 5
// concurrent queries.
import type { SentinelService } from '../arm/sentinel/sentinel-service';
import type { ArmTopology, WorkspaceInfo } from '../arm/topology';
import { isGuid, newGuid } from '../core/ids';
import { isPlainObject, json, parseJsonBody } from '../core/json';
import type { HttpResponse, RequestContext, RouteDefinition, ServiceErrorStyle } from '../core/http-types';
import { LimitsSwitch } from '../core/limits';
import type { ServiceModule } from '../core/service-module';
import type { IssuedToken, TokenStore } from '../entra/token-store';
import {
	KqlSemanticError,
	KqlSyntaxError,
	parseKql,
	referencedTables,
	runQuery,
	serializeCell,
	ticksFromDate,
	type Column,
	type QueryAst,
	type Table,
} from './kql';
import { RequestWindows } from './request-limit';
import { parseTimespan } from './timespan';
import { WorkspaceData } from './workspace-data';

/** Audiences the query API accepts (api.loganalytics.azure.com is the newer host name of the same service). */
export const LOG_ANALYTICS_AUDIENCES = ['https://api.loganalytics.io', 'https://api.loganalytics.azure.com'];

/** Default and maximum of `Prefer: wait` (seconds). */
const DEFAULT_WAIT_SECONDS = 180;
const MAX_WAIT_SECONDS = 600;

export interface LogAnalyticsSettings {
	/** Simulated execution time (ms) per base table a query reads; the key `*` applies to every table. */
	tableLatencyMs: Record<string, number>;
	/** Rows a result may have before the answer turns into a partial result (the real limit is 500,000). */
	maxResultRows: number;
	/** Workspace IDs (GUIDs) the principal has no read access to: 403 InsufficientAccessError. */
	deniedWorkspaces: string[];
	/** The service's limit of concurrently running queries per principal. */
	concurrencyLimit: number;
	/** Answer 429 instead of running a query that would exceed `concurrencyLimit` (default false: only count). */
	rejectOverConcurrencyLimit: boolean;
	/**
	 * Queue a query that would exceed `concurrencyLimit` until a running one finishes, as the service does: at most
	 * `queueCapacity` waiting (200), each for at most `queueTimeoutMs` (3 minutes), else 429 (wire-microsoft.md,
	 * "Limits"). Default false: only count, so tests see what a client sent at once. With limits enforced
	 * (`emu.limits`) the queue is on whatever this says.
	 */
	queueOverConcurrencyLimit: boolean;
	queueCapacity: number;
	queueTimeoutMs: number;
	/**
	 * The service's request-rate limit per principal: at most `requestLimit` (200) requests in any
	 * `requestWindowSeconds` (30); past it, and only with limits enforced, 429 `ThrottledError` with `Retry-After`.
	 */
	requestLimit: number;
	requestWindowSeconds: number;
}

export interface RecordedQuery {
	workspaceId: string;
	method: 'GET' | 'POST';
	query: string;
	timespan?: string;
	prefer?: string;
	status: number;
	rows?: number;
	at: string;
	durationMs: number;
}

export interface QueryResponseBody {
	tables: Array<{ name: string; columns: Column[]; rows: unknown[][] }>;
	error?: Record<string, unknown>;
	statistics?: Record<string, unknown>;
}

/** `emulator.logAnalytics`: the seeded tables, switches, the concurrency counter and the queries received. */
export interface LogAnalyticsApi {
	readonly settings: LogAnalyticsSettings;
	/**
	 * Queries running right now, the most that ever ran at once (since the last reset), and the service's limit; with
	 * queueing on, the queries waiting now, the most that ever waited at once, and how many were queued or refused;
	 * `queueing`: whether queries past the limit wait (the setting, or limits enforced).
	 */
	readonly concurrency: { current: number; max: number; limit: number; queueing: boolean; queued: number; maxQueued: number; queuedTotal: number; refusedTotal: number };
	resetConcurrency(): void;
	/** Every query request that reached the engine or was answered by it (newest last). */
	readonly queries: RecordedQuery[];
	clearQueries(): void;
	/** Tables of a workspace (name or workspace ID; default the Sentinel workspace) with their row counts. */
	tables(workspace?: string): Array<{ name: string; columns: Column[]; rowCount: number }>;
	/** A table's rows serialised as the API would send them (datetime as ISO text, dynamic as values). */
	rows(table: string, options?: { workspace?: string }): Array<Record<string, unknown>>;
	insertRows(table: string, rows: Array<Record<string, unknown>>, options?: { workspace?: string; columns?: Column[] }): number;
	clearRows(table?: string, options?: { workspace?: string }): void;
	/** Runs KQL in process exactly as the endpoint would (no latency, limits or faults): what the tables hold. */
	query(text: string, options?: { workspace?: string; timespan?: string }): QueryResponseBody;
	parse(text: string): QueryAst;
}

export class LogAnalyticsModule implements ServiceModule, LogAnalyticsApi {
	readonly name = 'loganalytics';
	readonly settings: LogAnalyticsSettings = {
		tableLatencyMs: {},
		maxResultRows: 500_000,
		deniedWorkspaces: [],
		concurrencyLimit: 5,
		rejectOverConcurrencyLimit: false,
		queueOverConcurrencyLimit: false,
		queueCapacity: 200,
		queueTimeoutMs: 180_000,
		requestLimit: 200,
		requestWindowSeconds: 30,
	};
	/** Requests per principal in the rate-limit window (counted in both limit modes, refused only when enforced). */
	readonly requestWindows: RequestWindows;
	readonly queries: RecordedQuery[] = [];
	private readonly data = new Map<string, WorkspaceData>();
	private running = 0;
	private maxRunning = 0;
	/** Queries waiting for a slot (queueing on), oldest first. */
	private readonly waiting: Array<() => void> = [];
	private maxQueued = 0;
	private queuedTotal = 0;
	private refusedTotal = 0;

	constructor(
		private readonly tokens: TokenStore,
		private readonly topology: ArmTopology,
		sentinel: SentinelService,
		private readonly tenantId: string,
		seed = 1,
		private readonly limits: LimitsSwitch = new LimitsSwitch('reported'),
	) {
		this.requestWindows = new RequestWindows(limits.now);
		topology.workspaces.forEach((workspace, index) => {
			// Only the Sentinel workspace holds data; the second one answers 204, as an empty workspace does.
			const withData = index === 0;
			this.data.set(
				workspace.customerId,
				new WorkspaceData(workspace, withData ? () => sentinel.store(workspace).all() : undefined, withData ? 7331 + seed : undefined),
			);
		});
	}

	get concurrency() {
		return {
			current: this.running,
			max: this.maxRunning,
			limit: this.settings.concurrencyLimit,
			queueing: this.queueing,
			queued: this.waiting.length,
			maxQueued: this.maxQueued,
			queuedTotal: this.queuedTotal,
			refusedTotal: this.refusedTotal,
		};
	}

	resetConcurrency(): void {
		this.maxRunning = this.running;
		this.maxQueued = this.waiting.length;
		this.queuedTotal = 0;
		this.refusedTotal = 0;
	}

	/**
	 * Waits for a slot (queueing on): `free` when one is free now, `handedOver` when a finishing query passed its slot
	 * on (it stays counted as running), false when the queue is full or the wait passed `queueTimeoutMs`.
	 */
	private async slot(): Promise<'free' | 'handedOver' | false> {
		if (this.running < this.settings.concurrencyLimit) return 'free';
		if (this.waiting.length >= this.settings.queueCapacity) return false;
		this.queuedTotal++;
		return await new Promise<'handedOver' | false>((resolve) => {
			const wake = () => {
				clearTimeout(timer);
				resolve('handedOver');
			};
			const timer = setTimeout(() => {
				const index = this.waiting.indexOf(wake);
				if (index >= 0) this.waiting.splice(index, 1);
				resolve(false);
			}, this.settings.queueTimeoutMs);
			this.waiting.push(wake);
			this.maxQueued = Math.max(this.maxQueued, this.waiting.length);
		});
	}

	clearQueries(): void {
		this.queries.length = 0;
	}

	readonly errorStyle: ServiceErrorStyle = {
		faultResponse: (_ctx, fault) => this.faultResponse(fault.status, fault.retryAfterSeconds),
		expiredTokenResponse: (ctx) => this.unauthorized(ctx, 'The access token has expired.'),
	};

	routes(): RouteDefinition[] {
		return [
			{ id: 'loganalytics.query', method: 'POST', pattern: '/v1/workspaces/{workspaceId}/query', errorStyle: this.errorStyle, handler: (ctx) => this.handle(ctx, 'POST') },
			{ id: 'loganalytics.query-get', method: 'GET', pattern: '/v1/workspaces/{workspaceId}/query', errorStyle: this.errorStyle, handler: (ctx) => this.handle(ctx, 'GET') },
		];
	}

	// ---- in-process API ----

	private workspaceData(workspace?: string): WorkspaceData {
		const info = workspace ? this.findWorkspace(workspace) : this.topology.defaultWorkspace;
		const data = info ? this.data.get(info.customerId) : undefined;
		if (!data) throw new Error(`Unknown workspace '${workspace}'`);
		return data;
	}

	private findWorkspace(nameOrId: string): WorkspaceInfo | undefined {
		const key = nameOrId.toLowerCase();
		return this.topology.workspaces.find((ws) => ws.customerId === key || ws.name.toLowerCase() === key);
	}

	tables(workspace?: string): Array<{ name: string; columns: Column[]; rowCount: number }> {
		const data = this.workspaceData(workspace);
		return data.tableNames().map((name) => {
			const table = data.table(name) as Table;
			return { name, columns: table.columns, rowCount: table.rows.length };
		});
	}

	rows(table: string, options: { workspace?: string } = {}): Array<Record<string, unknown>> {
		const found = this.workspaceData(options.workspace).table(table);
		if (!found) throw new Error(`Unknown table '${table}'`);
		return found.rows.map((row) =>
			Object.fromEntries(
				found.columns.map((column) => [column.name, column.type === 'dynamic' ? (row[column.name] ?? null) : serializeCell(row[column.name], column.type)]),
			),
		);
	}

	insertRows(table: string, rows: Array<Record<string, unknown>>, options: { workspace?: string; columns?: Column[] } = {}): number {
		return this.workspaceData(options.workspace).insert(table, rows, options.columns);
	}

	clearRows(table?: string, options: { workspace?: string } = {}): void {
		this.workspaceData(options.workspace).clear(table);
	}

	parse(text: string): QueryAst {
		return parseKql(text);
	}

	query(text: string, options: { workspace?: string; timespan?: string } = {}): QueryResponseBody {
		const window = options.timespan ? parseTimespan(options.timespan) : undefined;
		if (options.timespan && !window) throw new Error(`Invalid timespan '${options.timespan}'`);
		return this.execute(parseKql(text), this.workspaceData(options.workspace), window, Number.MAX_SAFE_INTEGER).body;
	}

	private execute(ast: QueryAst, data: WorkspaceData, window: { start: bigint; end: bigint } | undefined, maxRows: number): { body: QueryResponseBody; rows: number } {
		const run = runQuery(ast, { now: ticksFromDate(new Date()), table: (name) => data.table(name, window) });
		let truncated = false;
		let total = 0;
		const tables = run.tables.map((table) => {
			total += table.rows.length;
			const rows = table.rows.length > maxRows ? ((truncated = true), table.rows.slice(0, maxRows)) : table.rows;
			return {
				name: table.name ?? 'PrimaryResult',
				columns: table.columns.map((column) => ({ name: column.name, type: column.type })),
				rows: rows.map((row) => table.columns.map((column) => serializeCell(row[column.name], column.type))),
			};
		});
		const body: QueryResponseBody = { tables };
		if (truncated) {
			body.error = {
				code: 'PartialError',
				message: 'There were some errors when processing your query.',
				details: [
					{
						code: 'EngineError',
						message: 'Something went wrong processing your query on the server.',
						innererror: {
							code: '-2133196797',
							message: `Query result set has exceeded the internal record count limit ${maxRows} (E_QUERY_RESULT_SET_TOO_LARGE; see https://aka.ms/kustoquerylimits)`,
							severity: 2,
							severityName: 'Error',
						},
					},
				],
			};
		}
		return { body, rows: total };
	}

	// ---- HTTP ----

	/** Queries over the concurrency limit wait in the service's queue (the setting, or limits enforced). */
	get queueing(): boolean {
		return this.settings.queueOverConcurrencyLimit || this.limits.enforced;
	}

	private async handle(ctx: RequestContext, method: 'GET' | 'POST'): Promise<HttpResponse> {
		const auth = this.authenticate(ctx);
		if ('status' in auth) return auth;

		// The request-rate limit applies to every authenticated request, before the workspace or query is looked at.
		const rate = this.requestWindows.take(auth.objectId, this.settings.requestLimit, this.settings.requestWindowSeconds * 1000, this.limits.enforced);
		if (!rate.allowed) return this.faultResponse(429, rate.retryAfterSeconds);

		const workspaceId = ctx.params.workspaceId;
		if (!isGuid(workspaceId)) {
			return this.error(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'InvalidWorkspaceId', message: `'${workspaceId}' is not a valid workspace ID (a GUID).` });
		}
		const data = this.data.get(workspaceId.toLowerCase());
		if (!data) return this.error(404, 'WorkspaceNotFoundError', `Workspace '${workspaceId}' could not be found`);
		if (this.settings.deniedWorkspaces.map((id) => id.toLowerCase()).includes(workspaceId.toLowerCase())) return this.faultResponse(403);

		let query: unknown;
		let timespan: unknown;
		if (method === 'POST') {
			const parsed = parseJsonBody(ctx.rawBody);
			if (!parsed.ok || !isPlainObject(parsed.value)) {
				return this.error(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'InvalidBody', message: 'The request body must be a JSON object with a query.' });
			}
			query = parsed.value.query;
			timespan = parsed.value.timespan;
		} else {
			query = ctx.query.query;
			timespan = ctx.query.timespan;
		}
		if (typeof query !== 'string' || query.trim() === '') {
			return this.error(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'QueryValidationError', message: "The 'query' property is required." });
		}
		const prefer = headerText(ctx.headers.prefer);
		const record: RecordedQuery = {
			workspaceId,
			method,
			query,
			...(typeof timespan === 'string' ? { timespan } : {}),
			...(prefer ? { prefer } : {}),
			status: 0,
			at: new Date().toISOString(),
			durationMs: 0,
		};
		this.queries.push(record);
		const started = Date.now();
		const finish = (response: HttpResponse, rows?: number) => {
			record.status = response.status;
			record.durationMs = Date.now() - started;
			if (rows !== undefined) record.rows = rows;
			return response;
		};

		let window: { start: bigint; end: bigint } | undefined;
		if (timespan !== undefined && timespan !== null) {
			window = typeof timespan === 'string' ? parseTimespan(timespan) : undefined;
			if (!window) {
				return finish(this.error(400, 'BadArgumentError', 'The request had some invalid properties', { code: 'InvalidTimespan', message: `'${String(timespan)}' is not a valid ISO 8601 timespan.` }));
			}
		}
		const preferences = parsePrefer(prefer);

		let ast: QueryAst;
		try {
			ast = parseKql(query);
		} catch (error) {
			return finish(this.queryError(error));
		}
		if (!data.hasData) return finish({ status: 204 });

		if (this.settings.rejectOverConcurrencyLimit && this.running >= this.settings.concurrencyLimit) {
			this.refusedTotal++;
			return finish(this.faultResponse(429, 1));
		}
		const slot = this.queueing ? await this.slot() : 'free';
		if (!slot) {
			this.refusedTotal++;
			return finish(this.faultResponse(429, 1));
		}
		if (slot === 'free') this.running++;
		this.maxRunning = Math.max(this.maxRunning, this.running);
		try {
			const latency = referencedTables(ast).reduce(
				(sum, table) => sum + (this.settings.tableLatencyMs[table] ?? this.settings.tableLatencyMs['*'] ?? 0),
				0,
			);
			const waitMs = Math.min(preferences.wait ?? DEFAULT_WAIT_SECONDS, MAX_WAIT_SECONDS) * 1000;
			if (latency > waitMs) {
				await sleep(waitMs);
				return finish(this.faultResponse(504));
			}
			if (latency > 0) await sleep(latency);
			let result: { body: QueryResponseBody; rows: number };
			try {
				result = this.execute(ast, data, window, this.settings.maxResultRows);
			} catch (error) {
				return finish(this.queryError(error));
			}
			if (preferences.statistics) {
				result.body.statistics = { query: { executionTime: (Date.now() - started) / 1000, resourceUsage: { cache: {}, cpu: {}, memory: {} } } };
			}
			const headers: Record<string, string> = {};
			const applied = [preferences.wait !== undefined ? `wait=${Math.min(preferences.wait, MAX_WAIT_SECONDS)}` : '', preferences.statistics ? 'include-statistics=true' : '']
				.filter(Boolean)
				.join(',');
			if (applied) headers['preference-applied'] = applied;
			return finish(json(200, result.body, headers), result.rows);
		} finally {
			// The slot passes to the oldest waiting query, if any, without ever being free for a newcomer in between.
			const next = this.waiting.shift();
			if (next) next();
			else this.running--;
		}
	}

	private authenticate(ctx: RequestContext): HttpResponse | IssuedToken {
		const header = headerText(ctx.headers.authorization);
		const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
		if (!match) return this.unauthorized(ctx, 'Valid authentication was not provided');
		const check = this.tokens.check(match[1]);
		if (!check.ok && check.reason === 'unknown') return this.error(403, 'InvalidAuthenticationToken', 'The provided authentication token is not valid.');
		if (!check.ok) return this.unauthorized(ctx, 'The access token has expired.');
		if (!LOG_ANALYTICS_AUDIENCES.includes(check.token.audience)) {
			// A token for Resource Manager (or Graph) is not accepted here, as on the real service.
			return this.error(
				403,
				'InvalidAuthenticationTokenAudience',
				`The access token has been obtained for wrong audience or resource '${check.token.audience}'. It should exactly match with one of the allowed audiences '${LOG_ANALYTICS_AUDIENCES.join("','")}'.`,
			);
		}
		return check.token;
	}

	private unauthorized(ctx: RequestContext, message: string): HttpResponse {
		return this.error(401, 'AuthenticationFailed', message, undefined, {
			'www-authenticate': `Bearer authorization_uri="${ctx.origin}/${this.tenantId}", error="invalid_token", error_description="${message}"`,
		});
	}

	private queryError(error: unknown): HttpResponse {
		if (error instanceof KqlSyntaxError) {
			return this.error(400, 'BadArgumentError', 'The request had some invalid properties', {
				code: 'SyntaxError',
				message: 'A recognition error occurred in the query.',
				innererror: { code: 'SYN0002', message: error.message, line: error.line, pos: error.pos, token: error.token },
			});
		}
		if (error instanceof KqlSemanticError) {
			return this.error(400, 'BadArgumentError', 'The request had some invalid properties', {
				code: 'SemanticError',
				message: 'A semantic error occurred.',
				innererror: { code: error.code, message: error.message },
			});
		}
		throw error;
	}

	private faultResponse(status: number, retryAfterSeconds?: number): HttpResponse {
		const headers: Record<string, string> = retryAfterSeconds !== undefined ? { 'retry-after': String(retryAfterSeconds) } : {};
		switch (status) {
			case 403:
				return this.error(403, 'InsufficientAccessError', 'The provided credentials have insufficient access to perform the requested operation');
			case 429:
				return this.error(429, 'ThrottledError', 'Your request has been throttled because too many requests or queries were sent. Please retry later.', undefined, headers);
			case 504:
				return this.error(504, 'GatewayTimeout', 'The query exceeded the server timeout set by the Prefer: wait header (or the default of 3 minutes) and was cancelled.', undefined, headers);
			case 503:
				return this.error(503, 'ServiceUnavailableError', 'The service is temporarily unavailable. Please retry later.', undefined, headers);
			default:
				return this.error(status, status >= 500 ? 'InternalServerError' : 'BadRequest', `The service answered ${status}.`, undefined, headers);
		}
	}

	private error(status: number, code: string, message: string, innererror?: Record<string, unknown>, headers: Record<string, string> = {}): HttpResponse {
		return json(status, { error: { message, code, correlationId: newGuid(), ...(innererror ? { innererror } : {}) } }, headers);
	}
}

function headerText(value: string | string[] | undefined): string | undefined {
	return Array.isArray(value) ? value.join(',') : value;
}

/** `Prefer: wait=30, include-statistics=true, include-render=true` (several headers or comma-separated). */
export function parsePrefer(header: string | undefined): { wait?: number; statistics: boolean; render: boolean } {
	const out: { wait?: number; statistics: boolean; render: boolean } = { statistics: false, render: false };
	for (const part of (header ?? '').split(',')) {
		const [key, value] = part.split('=').map((s) => s.trim().toLowerCase());
		if (key === 'wait' && /^\d+$/.test(value ?? '')) out.wait = Number(value);
		if (key === 'include-statistics') out.statistics = value === 'true';
		if (key === 'include-render') out.render = value === 'true';
	}
	return out;
}

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
