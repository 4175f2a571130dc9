/**
 * The emulator's Logs Ingestion route (`POST /dataCollectionRules/{id}/streams/{stream}?api-version=2023-01-01`),
 * spoken to over plain HTTPS: the token's audience, the rule and its publisher role, the stream and its columns,
 * gzip, the 1 MB limit (413), 429 with Retry-After under enforced limits, the error body, and rows read back by KQL.
 */
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { startEmulator, type Emulator } from '../../emulator';
import { ruleSpecFromTemplate } from '../../emulator/loganalytics/ingestion/template-rule';
import { httpsRequest, type RawResponse } from '../../helpers/https';

const TEMPLATE = path.resolve(__dirname, '../../../deploy/signl4-history/azuredeploy.json');

let emu: Emulator;
let ruleId: string;

beforeAll(async () => {
	emu = await startEmulator();
	ruleId = emu.ingestion.defineRule(ruleSpecFromTemplate(TEMPLATE)).immutableId;
});

afterAll(() => emu.stop());

afterEach(() => {
	emu.faults.clear();
	emu.limits.set('reported');
	emu.limits.reset();
	emu.ingestion.settings.requestsPerMinute = 12_000;
	emu.ingestion.clearUploads();
	emu.logAnalytics.clearRows('SIGNL4_CL');
});

async function token(resource: string): Promise<string> {
	const form = new URLSearchParams({
		grant_type: 'client_credentials',
		client_id: emu.principal.clientId,
		client_secret: emu.principal.clientSecret,
		scope: `${resource}/.default`,
	}).toString();
	const answer = await httpsRequest(new URL(`${emu.url}/${emu.principal.tenantId}/oauth2/v2.0/token`), {
		method: 'POST',
		ca: emu.caPem,
		headers: { 'content-type': 'application/x-www-form-urlencoded' },
	}, form);
	return (answer.json as { access_token: string }).access_token;
}

async function upload(body: Buffer | string, options: { rule?: string; stream?: string; gzip?: boolean; resource?: string; apiVersion?: string } = {}): Promise<RawResponse> {
	const payload = options.gzip ? gzipSync(body) : Buffer.from(body);
	const url = new URL(`${emu.url}/dataCollectionRules/${options.rule ?? ruleId}/streams/${options.stream ?? 'Custom-SIGNL4_CL'}?api-version=${options.apiVersion ?? '2023-01-01'}`);
	return httpsRequest(url, {
		method: 'POST',
		ca: emu.caPem,
		headers: {
			authorization: `Bearer ${await token(options.resource ?? 'https://monitor.azure.com')}`,
			'content-type': 'application/json',
			...(options.gzip ? { 'content-encoding': 'gzip' } : {}),
		},
	}, payload);
}

const row = (signl: string, event: string, at: string) => ({ TimeGenerated: at, EventType: event, SignlId: signl, Severity: 'High', User: 'adele', NotAColumn: 'dropped' });

describe('Logs Ingestion route', () => {
	it('accepts a gzipped JSON array with 204, keeps only the stream\'s columns, and KQL reads the rows back', async () => {
		const records = [row('s1', 'alertCreated', '2026-05-01T08:00:00Z'), row('s1', 'alertAcknowledged', '2026-05-01T08:04:30Z')];
		const answer = await upload(JSON.stringify(records), { gzip: true });
		expect(answer.status).toBe(204);
		const result = emu.logAnalytics.query('SIGNL4_CL | where SignlId == "s1" | summarize First = min(TimeGenerated), Last = max(TimeGenerated) | project Mtta = Last - First');
		expect(result.tables[0].rows).toEqual([['00:04:30']]);
		const columns = emu.logAnalytics.tables().find((table) => table.name === 'SIGNL4_CL')?.columns.map((column) => column.name);
		expect(columns).toContain('IncidentNumber');
		expect(columns).not.toContain('NotAColumn');
		expect(emu.ingestion.uploads).toEqual([expect.objectContaining({ status: 204, gzip: true, records: 2, written: 2, dropped: 0 })]);
	});

	it('drops a record without a readable TimeGenerated (the transform cannot time it) and writes the others', async () => {
		const answer = await upload(JSON.stringify([row('s2', 'alertCreated', 'not a time'), { EventType: 'alertClosed', SignlId: 's2' }, row('s2', 'alertClosed', '2026-05-01T09:00:00Z')]));
		expect(answer.status).toBe(204);
		expect(emu.logAnalytics.rows('SIGNL4_CL').map((r) => r.EventType)).toEqual(['alertClosed']);
		expect(emu.ingestion.uploads[0]).toEqual(expect.objectContaining({ records: 3, written: 1, dropped: 2 }));
	});

	it.each([
		['an unknown rule', { rule: 'dcr-00000000000000000000000000000000' }, 404, 'NotFound'],
		['a stream the rule does not declare', { stream: 'Custom-Other_CL' }, 400, 'InvalidStream'],
		['another api-version', { apiVersion: '2021-11-01-preview' }, 400, 'InvalidApiVersion'],
		['a token for Log Analytics queries', { resource: 'https://api.loganalytics.io' }, 401, 'InvalidTokenAudience'],
	])('refuses %s and writes nothing', async (_label, options, status, code) => {
		const answer = await upload(JSON.stringify([row('s3', 'alertCreated', '2026-05-01T08:00:00Z')]), options);
		expect(answer.status).toBe(status);
		expect(answer.json).toEqual({ error: { code, message: expect.any(String) } });
		expect(emu.logAnalytics.rows('SIGNL4_CL')).toEqual([]);
	});

	it('answers 403 OperationFailed when the principal lacks Monitoring Metrics Publisher on the rule', async () => {
		const other = emu.ingestion.defineRule({ ...ruleSpecFromTemplate(TEMPLATE), publishers: ['11111111-1111-1111-1111-111111111111'] });
		const answer = await upload(JSON.stringify([row('s4', 'alertCreated', '2026-05-01T08:00:00Z')]), { rule: other.immutableId });
		expect(answer.status).toBe(403);
		expect((answer.json as { error: { code: string; message: string } }).error).toEqual({
			code: 'OperationFailed',
			message: `The authentication token provided does not have access to ingest data for the data collection rule with immutable Id '${other.immutableId}'.`,
		});
	});

	it('answers 400 when the body is not a JSON array', async () => {
		const answer = await upload(JSON.stringify({ TimeGenerated: '2026-05-01T08:00:00Z' }));
		expect(answer.status).toBe(400);
		expect((answer.json as { error: { code: string } }).error.code).toBe('InvalidPayload');
	});

	it('answers 413 ContentLengthLimitExceeded past 1 MB, as sent or once unzipped', async () => {
		const big = JSON.stringify(Array.from({ length: 1100 }, (_, i) => ({ ...row(`s${i}`, 'alertAnnotated', '2026-05-01T08:00:00Z'), Text: 'x'.repeat(1000) })));
		console.log(`413 case: ${big.length.toLocaleString('en-US')} bytes of JSON, ${gzipSync(big).length.toLocaleString('en-US')} gzipped`);
		for (const gzip of [false, true]) {
			const answer = await upload(big, { gzip });
			expect(answer.status).toBe(413);
			expect((answer.json as { error: { code: string; message: string } }).error).toEqual({
				code: 'ContentLengthLimitExceeded',
				message: expect.stringMatching(/^Maximum allowed content length: 1048576 bytes \(1 MB\)\. Provided content length: \d+ bytes\.$/),
			});
		}
		expect(emu.logAnalytics.rows('SIGNL4_CL')).toEqual([]);
	});

	it('with limits enforced, answers 429 with Retry-After past the rule\'s requests per minute; reported limits only count', async () => {
		emu.ingestion.settings.requestsPerMinute = 2;
		const body = JSON.stringify([row('s5', 'alertCreated', '2026-05-01T08:00:00Z')]);
		for (let i = 0; i < 3; i++) expect((await upload(body)).status).toBe(204);
		emu.limits.set('enforced');
		const refused = await upload(body);
		expect(refused.status).toBe(429);
		expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
		expect((refused.json as { error: { code: string } }).error.code).toBe('TooManyRequests');
		expect(emu.logAnalytics.rows('SIGNL4_CL')).toHaveLength(3);
	});

	it('serves the control API: define a rule and read the uploads', async () => {
		const define = await httpsRequest(new URL(`${emu.url}/_emulator/ingestion/rules`), { method: 'POST', ca: emu.caPem, headers: { 'content-type': 'application/json' } },
			JSON.stringify({ streams: { 'Custom-Demo_CL': [{ name: 'TimeGenerated', type: 'datetime' }, { name: 'Message', type: 'string' }] }, outputTable: 'Demo_CL' }));
		expect(define.status).toBe(201);
		const id = (define.json as { immutableId: string }).immutableId;
		expect(id).toMatch(/^dcr-[0-9a-f]{32}$/);
		expect((await upload(JSON.stringify([{ TimeGenerated: '2026-05-01T08:00:00Z', Message: 'hello' }]), { rule: id, stream: 'Custom-Demo_CL' })).status).toBe(204);
		const uploads = await httpsRequest(new URL(`${emu.url}/_emulator/ingestion/uploads`), { method: 'GET', ca: emu.caPem });
		expect((uploads.json as { value: Array<{ ruleId: string; written: number }> }).value).toEqual([expect.objectContaining({ ruleId: id, written: 1 })]);
		expect(emu.logAnalytics.rows('Demo_CL')).toEqual([{ TimeGenerated: '2026-05-01T08:00:00.0000000Z', Message: 'hello' }]);
	});
});
