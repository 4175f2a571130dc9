// Azure Monitor Logs Ingestion API: the data collection endpoint's route
// `POST /dataCollectionRules/{immutableId}/streams/{stream}?api-version=2023-01-01` (the SDK's only operation,
// @azure/monitor-ingestion 1.2.0). What it checks, as the service does (Microsoft Learn, "Logs Ingestion API in Azure
// Monitor" and "Azure Monitor service limits", Logs Ingestion API):
// - a bearer token for the Azure Monitor audience (https://monitor.azure.com), and the *Monitoring Metrics Publisher*
//   role of the principal on the rule (403 otherwise);
// - the rule (404 for an unknown immutable ID) and the stream it declares (400 InvalidStream);
// - a JSON array body, plain or `Content-Encoding: gzip`, of at most 1 MB both as sent and unzipped (413);
// - with limits enforced (core/limits.ts): the rule's requests per minute (12,000 by default), else 429 with
//   Retry-After.
// Accepted records answer 204 and land in the rule's output table of the emulated workspace, through the rule's
// transform (only `source` and `source | project-away …` are understood): fields the stream does not declare are
// dropped and a record without a readable TimeGenerated is dropped (the real service logs that in DCRLogErrors).
import { gunzipSync } from 'node:zlib';

import { newGuid } from '../../core/ids';
import { isPlainObject, json, parseJsonBody } from '../../core/json';
import type { HttpResponse, RequestContext, RouteDefinition, ServiceErrorStyle } from '../../core/http-types';
import { LimitsSwitch, retryAfterSeconds } from '../../core/limits';
import type { ServiceModule } from '../../core/service-module';
import type { IssuedToken, TokenStore } from '../../entra/token-store';
import type { Column, KqlType } from '../kql';
import type { LogAnalyticsApi } from '../loganalytics-module';

/** The audience of ingestion tokens (the SDK's KnownMonitorAudience.AzurePublicCloud). */
export const MONITOR_AUDIENCE = 'https://monitor.azure.com';
export const INGESTION_API_VERSION = '2023-01-01';
/** "Maximum size of API call: 1 MB, compressed and uncompressed" (Azure Monitor service limits). */
export const MAX_CALL_BYTES = 1024 * 1024;

const STREAM_COLUMN_TYPES: KqlType[] = ['string', 'int', 'long', 'real', 'bool', 'datetime', 'dynamic'];

export interface DataCollectionRuleSpec {
	/** `dcr-` and 32 hex digits; generated when left out. */
	immutableId?: string;
	/** Stream name → its declared columns (`Custom-SIGNL4_CL`: [{ name, type }]). */
	streams: Record<string, Column[]>;
	/** Table the rule's data flow writes to (e.g. SIGNL4_CL). */
	outputTable: string;
	/** Workspace name or ID; default the Sentinel workspace. */
	workspace?: string;
	/** The data flow's transformKql; `source` by default. */
	transformKql?: string;
	/** Object IDs with Monitoring Metrics Publisher on the rule; default the emulator's principal. */
	publishers?: string[];
}

export interface DataCollectionRule extends Required<Omit<DataCollectionRuleSpec, 'workspace'>> {
	workspace?: string;
}

export interface IngestionSettings {
	/** "Requests per minute per DCR: 12,000" (Azure Monitor service limits); enforced only with limits enforced. */
	requestsPerMinute: number;
}

export interface RecordedUpload {
	ruleId: string;
	stream: string;
	status: number;
	code?: string;
	gzip: boolean;
	/** Bytes as sent and unzipped. */
	bytes: number;
	unzippedBytes: number;
	records: number;
	written: number;
	dropped: number;
	at: string;
}

/** `emulator.ingestion`: data collection rules, the uploads received, the rate setting. */
export interface IngestionApi {
	readonly settings: IngestionSettings;
	defineRule(spec: DataCollectionRuleSpec): DataCollectionRule;
	rules(): DataCollectionRule[];
	readonly uploads: RecordedUpload[];
	clearUploads(): void;
}

export class IngestionModule implements ServiceModule, IngestionApi {
	readonly name = 'ingestion';
	readonly settings: IngestionSettings = { requestsPerMinute: 12_000 };
	readonly uploads: RecordedUpload[] = [];
	private readonly byId = new Map<string, DataCollectionRule>();
	/** Per rule: times (ms) of the requests in the last minute. */
	private readonly minute = new Map<string, number[]>();

	constructor(
		private readonly tokens: TokenStore,
		private readonly logAnalytics: LogAnalyticsApi,
		private readonly defaultPublisher: string,
		private readonly limits: LimitsSwitch = new LimitsSwitch('reported'),
	) {}

	readonly errorStyle: ServiceErrorStyle = {
		faultResponse: (_ctx, fault) => this.faultResponse(fault.status, fault.retryAfterSeconds),
		expiredTokenResponse: () => this.error(401, 'InvalidToken', 'The access token has expired.'),
	};

	routes(): RouteDefinition[] {
		return [
			{
				id: 'ingestion.upload',
				method: 'POST',
				pattern: '/dataCollectionRules/{ruleId}/streams/{stream}',
				errorStyle: this.errorStyle,
				handler: (ctx) => this.upload(ctx),
			},
		];
	}

	defineRule(spec: DataCollectionRuleSpec): DataCollectionRule {
		const immutableId = (spec.immutableId ?? `dcr-${newGuid().replace(/-/g, '')}`).toLowerCase();
		if (!/^dcr-[0-9a-f]{32}$/.test(immutableId)) throw new Error(`immutableId must be 'dcr-' and 32 hex digits, not '${immutableId}'`);
		if (!spec.outputTable || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(spec.outputTable)) throw new Error('outputTable must be a table name');
		if (!isPlainObject(spec.streams) || Object.keys(spec.streams).length === 0) throw new Error('streams must name at least one stream with its columns');
		for (const [stream, columns] of Object.entries(spec.streams)) {
			if (!/^(Custom|Microsoft)-[A-Za-z0-9_]+$/.test(stream)) throw new Error(`stream '${stream}' must start with Custom- or Microsoft-`);
			if (!Array.isArray(columns) || columns.some((column) => !column?.name || !STREAM_COLUMN_TYPES.includes(column.type))) {
				throw new Error(`stream '${stream}' needs columns [{ name, type }] with types ${STREAM_COLUMN_TYPES.join(', ')}`);
			}
		}
		const rule: DataCollectionRule = {
			immutableId,
			streams: spec.streams,
			outputTable: spec.outputTable,
			workspace: spec.workspace,
			transformKql: spec.transformKql ?? 'source',
			publishers: (spec.publishers ?? [this.defaultPublisher]).map((id) => id.toLowerCase()),
		};
		this.byId.set(immutableId, rule);
		return rule;
	}

	rules(): DataCollectionRule[] {
		return [...this.byId.values()];
	}

	clearUploads(): void {
		this.uploads.length = 0;
	}

	private upload(ctx: RequestContext): HttpResponse {
		const ruleId = ctx.params.ruleId.toLowerCase();
		const stream = ctx.params.stream;
		const gzip = /gzip/i.test(String(ctx.headers['content-encoding'] ?? ''));
		const record = (status: number, extra: Partial<RecordedUpload> = {}) =>
			this.uploads.push({ ruleId, stream, status, gzip, bytes: ctx.rawBody.length, unzippedBytes: ctx.rawBody.length, records: 0, written: 0, dropped: 0, at: new Date().toISOString(), ...extra });
		const refuse = (response: HttpResponse, extra: Partial<RecordedUpload> = {}) => {
			record(response.status, { code: (response.body as { error?: { code?: string } })?.error?.code, ...extra });
			return response;
		};

		const auth = this.authenticate(ctx);
		if ('status' in auth) return refuse(auth);
		if (ctx.query['api-version'] !== INGESTION_API_VERSION) {
			return refuse(this.error(400, 'InvalidApiVersion', `The api-version '${ctx.query['api-version'] ?? ''}' is not supported; use '${INGESTION_API_VERSION}'.`));
		}
		const rule = this.byId.get(ruleId);
		if (!rule) return refuse(this.error(404, 'NotFound', `Data collection rule with immutable Id '${ctx.params.ruleId}' not found.`));
		if (!rule.publishers.includes(auth.objectId.toLowerCase())) {
			return refuse(
				this.error(403, 'OperationFailed', `The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${ctx.params.ruleId}'.`),
			);
		}
		const throttled = this.takeRequest(ruleId);
		if (throttled !== undefined) return refuse(this.faultResponse(429, throttled));
		if (ctx.rawBody.length > MAX_CALL_BYTES) return refuse(this.tooLarge(ctx.rawBody.length));
		let body = ctx.rawBody;
		if (gzip) {
			try {
				body = gunzipSync(ctx.rawBody, { maxOutputLength: MAX_CALL_BYTES + 1 });
			} catch (error) {
				if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return refuse(this.tooLarge(MAX_CALL_BYTES + 1));
				return refuse(this.error(400, 'InvalidContentEncoding', 'The request body could not be decompressed with the declared Content-Encoding gzip.'));
			}
		}
		if (body.length > MAX_CALL_BYTES) return refuse(this.tooLarge(body.length), { unzippedBytes: body.length });
		const columns = rule.streams[stream];
		if (!columns) {
			return refuse(this.error(400, 'InvalidStream', `Stream '${stream}' is not defined in the data collection rule '${ctx.params.ruleId}'.`), { unzippedBytes: body.length });
		}
		const parsed = parseJsonBody(body);
		if (!parsed.ok || !Array.isArray(parsed.value)) {
			return refuse(this.error(400, 'InvalidPayload', 'The request body must be a JSON array of records.'), { unzippedBytes: body.length });
		}
		const records = parsed.value;
		const rows: Array<Record<string, unknown>> = [];
		let dropped = 0;
		const kept = this.keptColumns(rule, columns);
		for (const item of records) {
			if (!isPlainObject(item) || !readableTime(item.TimeGenerated)) {
				dropped++;
				continue;
			}
			rows.push(Object.fromEntries(kept.map((column) => [column.name, item[column.name]])));
		}
		if (rows.length) this.logAnalytics.insertRows(rule.outputTable, rows, { workspace: rule.workspace, columns: kept });
		record(204, { unzippedBytes: body.length, records: records.length, written: rows.length, dropped });
		return { status: 204 };
	}

	/** The stream's columns after the transform (`source`, or `source | project-away A, B`). */
	private keptColumns(rule: DataCollectionRule, columns: Column[]): Column[] {
		const away = /^\s*source\s*\|\s*project-away\s+(.+)$/i.exec(rule.transformKql);
		if (!away) return columns;
		const removed = new Set(away[1].split(',').map((name) => name.trim()));
		return columns.filter((column) => !removed.has(column.name));
	}

	/** Seconds to wait when the rule's requests-per-minute limit is reached (limits enforced), else undefined. */
	private takeRequest(ruleId: string): number | undefined {
		const now = this.limits.now();
		const times = (this.minute.get(ruleId) ?? []).filter((at) => at > now - 60_000);
		this.minute.set(ruleId, times);
		if (this.limits.enforced && times.length >= this.settings.requestsPerMinute) {
			return retryAfterSeconds(times[times.length - this.settings.requestsPerMinute] + 60_000 - now);
		}
		times.push(now);
		return undefined;
	}

	private authenticate(ctx: RequestContext): HttpResponse | IssuedToken {
		const header = String(ctx.headers.authorization ?? '');
		const match = /^Bearer\s+(\S+)$/i.exec(header);
		if (!match) return this.error(401, 'InvalidToken', 'An authentication token is required.');
		const check = this.tokens.check(match[1]);
		if (!check.ok && check.reason === 'unknown') return this.error(401, 'InvalidToken', 'The provided authentication token is not valid.');
		if (!check.ok) return this.error(401, 'InvalidToken', 'The access token has expired.');
		if (check.token.audience.replace(/\/+$/, '') !== MONITOR_AUDIENCE) {
			return this.error(401, 'InvalidTokenAudience', `The access token was issued for '${check.token.audience}'; the Logs Ingestion API needs a token for '${MONITOR_AUDIENCE}'.`);
		}
		return check.token;
	}

	private tooLarge(bytes: number): HttpResponse {
		return this.error(413, 'ContentLengthLimitExceeded', `Maximum allowed content length: ${MAX_CALL_BYTES} bytes (1 MB). Provided content length: ${bytes} bytes.`);
	}

	private faultResponse(status: number, retryAfter?: number): HttpResponse {
		const headers: Record<string, string> = retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {};
		switch (status) {
			case 429:
				return this.error(429, 'TooManyRequests', 'The number of requests to the data collection rule exceeded the limit. Retry after the time in the Retry-After header.', headers);
			case 503:
				return this.error(503, 'ServiceUnavailable', 'The service is temporarily unavailable. Please retry later.', headers);
			case 403:
				return this.error(403, 'OperationFailed', 'The authentication token provided does not have access to ingest data for the data collection rule.', headers);
			default:
				return this.error(status, status >= 500 ? 'InternalServerError' : 'BadRequest', `The service answered ${status}.`, headers);
		}
	}

	private error(status: number, code: string, message: string, headers: Record<string, string> = {}): HttpResponse {
		return json(status, { error: { code, message } }, { 'x-ms-request-id': newGuid(), ...headers });
	}
}

function readableTime(value: unknown): boolean {
	if (typeof value !== 'string' || !value.trim()) return false;
	return !Number.isNaN(Date.parse(value));
}
