/**
 * Azure Log Analytics → Record → Send, run through n8n-core against the emulator's Logs Ingestion route: column
 * mapping, requests under 1 MB (gzipped), 429 waited out and sent again, refused requests failing only their own
 * items, messages an engineer can act on (403 → Monitoring Metrics Publisher), and the pure mapping helpers.
 */
import path from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { findTargetProblem, parseColumnList, RecordMappingError, toRecord } from '../../../nodes/AzureLogAnalytics/helpers/records';
import { monitorAudience } from '../../../nodes/shared/azure/logsIngestion';
import { startEmulator, type Emulator } from '../../emulator';
import { ruleSpecFromTemplate } from '../../emulator/loganalytics/ingestion/template-rule';
import { run } from './support';

jest.setTimeout(120_000);

const TEMPLATE = path.resolve(__dirname, '../../../deploy/signl4-history/azuredeploy.json');
const NOW = new Date('2026-05-01T08:00:00.000Z');

describe('record mapping', () => {
	it('sends every field, or only the chosen ones, and fills TimeGenerated when missing', () => {
		const json = { EventType: 'alertAcknowledged', SignlId: 's1', User: 'adele', nested: { a: 1 } };
		expect(toRecord(json, { mode: 'all' }, { fillTimeGenerated: true, now: NOW })).toEqual({ ...json, TimeGenerated: '2026-05-01T08:00:00.000Z' });
		expect(toRecord(json, { mode: 'selected', columns: ['SignlId', 'Missing'] }, { fillTimeGenerated: true, now: NOW })).toEqual({ SignlId: 's1', TimeGenerated: '2026-05-01T08:00:00.000Z' });
		expect(toRecord(json, { mode: 'selected', columns: ['SignlId'] }, { fillTimeGenerated: false, now: NOW })).toEqual({ SignlId: 's1' });
		expect(toRecord({ TimeGenerated: '' }, { mode: 'all' }, { fillTimeGenerated: true, now: NOW })).toEqual({ TimeGenerated: '2026-05-01T08:00:00.000Z' });
	});

	it('keeps a given TimeGenerated (as ISO text) and refuses one that is not a time', () => {
		expect(toRecord({ TimeGenerated: '2026-04-30T22:15:00+02:00' }, { mode: 'all' }, { fillTimeGenerated: true, now: NOW })).toEqual({ TimeGenerated: '2026-04-30T20:15:00.000Z' });
		expect(toRecord({ TimeGenerated: Date.UTC(2026, 0, 2) }, { mode: 'all' }, { fillTimeGenerated: true, now: NOW })).toEqual({ TimeGenerated: '2026-01-02T00:00:00.000Z' });
		expect(() => toRecord({ TimeGenerated: 'yesterday' }, { mode: 'all' }, { fillTimeGenerated: true, now: NOW })).toThrow(RecordMappingError);
	});

	it('reads a column list and refuses names Log Analytics cannot have', () => {
		expect(parseColumnList(' TimeGenerated, EventType ,\nSignlId,,EventType ')).toEqual(['TimeGenerated', 'EventType', 'SignlId']);
		expect(() => parseColumnList('Event Type')).toThrow("'Event Type' is not a valid column name");
		expect(() => parseColumnList('1st')).toThrow(RecordMappingError);
	});

	it('names what is wrong with the endpoint, rule ID or stream', () => {
		const good = { endpoint: 'https://dce-1.westeurope-1.ingest.monitor.azure.com', ruleId: 'dcr-0123456789abcdef0123456789abcdef', stream: 'Custom-SIGNL4_CL' };
		expect(findTargetProblem(good)).toBeUndefined();
		expect(findTargetProblem({ ...good, endpoint: 'http://dce' })).toMatch(/must be an https:\/\/ URL/);
		expect(findTargetProblem({ ...good, ruleId: 'signl4-history-dcr' })).toMatch(/immutable ID, 'dcr-' and 32 hexadecimal digits/);
		expect(findTargetProblem({ ...good, stream: 'SIGNL4_CL' })).toMatch(/Custom-SIGNL4_CL/);
	});

	it('asks for the Azure Monitor audience of the credential\'s cloud (a custom cloud keeps the public one)', () => {
		expect(monitorAudience({ arm: 'https://management.azure.com' })).toBe('https://monitor.azure.com');
		expect(monitorAudience({ arm: 'https://management.usgovcloudapi.net' })).toBe('https://monitor.azure.us');
		expect(monitorAudience({ arm: 'https://management.chinacloudapi.cn' })).toBe('https://monitor.azure.cn');
		expect(monitorAudience({ arm: 'https://127.0.0.1:8443' })).toBe('https://monitor.azure.com');
	});
});

describe('Send Records against the emulator', () => {
	let emu: Emulator;
	let ruleId: string;

	beforeAll(async () => {
		emu = await startEmulator();
		ruleId = emu.ingestion.defineRule(ruleSpecFromTemplate(TEMPLATE)).immutableId;
	});

	afterAll(() => emu.stop());

	afterEach(() => {
		emu.faults.clear();
		emu.clearRequests();
		emu.ingestion.clearUploads();
		emu.logAnalytics.clearRows('SIGNL4_CL');
	});

	function parameters(overrides: INodeParameters = {}): INodeParameters {
		return { resource: 'record', operation: 'send', endpoint: emu.url, ruleId, stream: 'Custom-SIGNL4_CL', columns: 'all', options: {}, ...overrides };
	}

	const event = (i: number, extra: IDataObject = {}): IDataObject => ({
		TimeGenerated: new Date(Date.UTC(2026, 4, 1, 8, 0, i)).toISOString(),
		EventType: 'alertAnnotated',
		SignlId: `signl-${i}`,
		Severity: 'Medium',
		Text: `note ${i}`,
		...extra,
	});

	it('writes one row per item and outputs each item as accepted', async () => {
		const result = await run(emu, parameters(), [event(1), event(2, { EventType: 'alertClosed' })]);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.logsIngestion)).toEqual([
			{ status: 'accepted', stream: 'Custom-SIGNL4_CL' },
			{ status: 'accepted', stream: 'Custom-SIGNL4_CL' },
		]);
		expect(emu.logAnalytics.rows('SIGNL4_CL').map((row) => [row.SignlId, row.EventType, row.TimeGenerated])).toEqual([
			['signl-1', 'alertAnnotated', '2026-05-01T08:00:01.0000000Z'],
			['signl-2', 'alertClosed', '2026-05-01T08:00:02.0000000Z'],
		]);
		expect(emu.ingestion.uploads).toEqual([expect.objectContaining({ status: 204, gzip: true, records: 2 })]);
	});

	it('sends only the selected fields', async () => {
		await run(emu, parameters({ columns: 'selected', fields: 'TimeGenerated, SignlId' }), [event(3)]);
		expect(emu.logAnalytics.rows('SIGNL4_CL')[0]).toEqual(expect.objectContaining({ SignlId: 'signl-3', EventType: '', Severity: '', Text: '' }));
	});

	it('cuts ~2.6 MB of records into gzipped requests under 1 MB and writes every row once', async () => {
		const items = Array.from({ length: 1300 }, (_, i) => event(i % 60, { SignlId: `bulk-${i}`, Text: `${i} `.padEnd(2000, 'x') }));
		const result = await run(emu, parameters({ options: { maxConcurrency: 3 } }), items);
		expect(result.error).toBeUndefined();
		const uploads = emu.ingestion.uploads;
		console.log(`batching: ${items.length} records, ${uploads.length} requests, unzipped ${uploads.map((u) => u.unzippedBytes.toLocaleString('en-US')).join(' / ')} bytes, sent ${uploads.map((u) => u.bytes.toLocaleString('en-US')).join(' / ')} bytes`);
		expect(uploads.length).toBeGreaterThanOrEqual(3);
		expect(uploads.every((u) => u.status === 204 && u.gzip && u.unzippedBytes < 1_000_000)).toBe(true);
		const ids = emu.logAnalytics.rows('SIGNL4_CL').map((row) => row.SignlId);
		expect(ids).toHaveLength(1300);
		expect(new Set(ids).size).toBe(1300);
	});

	it('waits out a 429 for its Retry-After and sends those records again, once', async () => {
		emu.faults.add({ route: 'ingestion.upload', kind: 'status', status: 429, retryAfterSeconds: 1, times: 1 });
		const result = await run(emu, parameters(), [event(4), event(5)]);
		expect(result.error).toBeUndefined();
		expect(emu.ingestion.uploads.map((u) => u.status)).toEqual([204]);
		expect(emu.requests.filter((r) => r.route === 'ingestion.upload').map((r) => r.status)).toEqual([429, 204]);
		expect(emu.logAnalytics.rows('SIGNL4_CL').map((row) => row.SignlId)).toEqual(['signl-4', 'signl-5']);
	});

	it('gives up after 3 resends when Azure keeps throttling, and never waits past 60 s: nothing written, the wait named', async () => {
		emu.faults.add({ route: 'ingestion.upload', kind: 'status', status: 429, retryAfterSeconds: 1, times: 10 });
		const persistent = await run(emu, parameters(), [event(12)]);
		expect(emu.requests.filter((r) => r.route === 'ingestion.upload').map((r) => r.status)).toEqual([429, 429, 429, 429]);
		expect(persistent.error?.message).toBe('Azure Monitor kept throttling the records (429), asking to wait 1 s');
		emu.faults.clear();
		emu.clearRequests();
		emu.faults.add({ route: 'ingestion.upload', kind: 'status', status: 429, retryAfterSeconds: 120, times: 1 });
		const long = await run(emu, parameters(), [event(13)]);
		expect(emu.requests.filter((r) => r.route === 'ingestion.upload')).toHaveLength(1);
		expect(long.error?.message).toBe('Azure Monitor kept throttling the records (429), asking to wait 120 s');
		expect(emu.logAnalytics.rows('SIGNL4_CL')).toEqual([]);
	});

	it('never sends again after a 500 (the rows may be written): those items fail, the others are written', async () => {
		const items = Array.from({ length: 900 }, (_, i) => event(i % 60, { SignlId: `half-${i}`, Text: ''.padEnd(2000, 'y') }));
		emu.faults.add({ route: 'ingestion.upload', kind: 'status', status: 500, times: 1 });
		const result = await run(emu, parameters({ options: { maxConcurrency: 1 } }), items, true);
		const failed = result.items.filter((item) => (item.json.logsIngestion as IDataObject).status === 'failed');
		const accepted = result.items.filter((item) => (item.json.logsIngestion as IDataObject).status === 'accepted');
		console.log(`partial failure: ${failed.length} items failed (first request, 500), ${accepted.length} accepted`);
		expect(failed.length).toBeGreaterThan(0);
		expect(accepted.length).toBeGreaterThan(0);
		expect(failed[0].json.error).toBe('Azure Monitor answered HTTP 500 (InternalServerError) to the records');
		expect(failed[0].json.description).toMatch(/not sent again/);
		expect(emu.requests.filter((r) => r.route === 'ingestion.upload').length).toBe(emu.ingestion.uploads.length + 1);
		expect(emu.logAnalytics.rows('SIGNL4_CL')).toHaveLength(accepted.length);
		expect(result.items.map((item) => (item.pairedItem as { item: number }).item)).toEqual(items.map((_, i) => i));
	});

	it('signs in afresh once when Azure refuses the cached token (401), then writes the records', async () => {
		await run(emu, parameters(), [event(14)]);
		emu.identity.expireAllTokens();
		emu.clearRequests();
		const result = await run(emu, parameters(), [event(15)]);
		expect(result.error).toBeUndefined();
		expect(emu.requests.filter((r) => r.route === 'ingestion.upload').map((r) => r.status)).toEqual([401, 204]);
		expect(emu.requests.filter((r) => r.route === 'token')).toHaveLength(1);
		expect(emu.logAnalytics.rows('SIGNL4_CL').map((row) => row.SignlId)).toEqual(['signl-14', 'signl-15']);
	});

	it('says the principal needs Monitoring Metrics Publisher when the rule refuses it (403)', async () => {
		const locked = emu.ingestion.defineRule({ ...ruleSpecFromTemplate(TEMPLATE), publishers: [] });
		const result = await run(emu, parameters({ ruleId: locked.immutableId }), [event(6)]);
		expect(result.error?.message).toBe(`The service principal may not send records to the data collection rule ${locked.immutableId} (OperationFailed)`);
		expect(result.error?.description).toMatch(/Monitoring Metrics Publisher role on the data collection rule/);
		expect(result.error?.description).toMatch(/1 of 1 records were not written; 0 were/);
	});

	it('explains an unknown rule (404) and an undeclared stream (400)', async () => {
		const unknown = await run(emu, parameters({ ruleId: 'dcr-ffffffffffffffffffffffffffffffff' }), [event(7)]);
		expect(unknown.error?.message).toBe('Azure Monitor does not know the data collection rule dcr-ffffffffffffffffffffffffffffffff at this endpoint (NotFound)');
		const stream = await run(emu, parameters({ stream: 'Custom-Other_CL' }), [event(7)]);
		expect(stream.error?.message).toMatch(/^Azure Monitor rejected the records \(InvalidStream\): Stream 'Custom-Other_CL' is not defined/);
		expect(emu.logAnalytics.rows('SIGNL4_CL')).toEqual([]);
	});

	it('fails only the item that is too large for one request, and the item whose TimeGenerated is not a time', async () => {
		const items = [event(8), event(9, { Text: 'z'.repeat(1_100_000) }), event(10, { TimeGenerated: 'soon' })];
		const result = await run(emu, parameters(), items, true);
		expect(result.items.map((item) => (item.json.logsIngestion as IDataObject).status)).toEqual(['accepted', 'failed', 'failed']);
		expect(result.items[1].json.error).toBe('A record is too large for the Logs Ingestion API (RecordTooLarge)');
		expect(result.items[2].json.error).toBe("TimeGenerated 'soon' is not a date and time (use ISO 8601, e.g. 2026-05-01T08:30:00Z)");
		expect(emu.logAnalytics.rows('SIGNL4_CL').map((row) => row.SignlId)).toEqual(['signl-8']);
	});

	it('refuses settings it can tell are wrong before sending anything', async () => {
		const result = await run(emu, parameters({ ruleId: 'signl4-history-dcr' }), [event(11)]);
		expect(result.error?.message).toMatch(/^The Rule Immutable ID must be the data collection rule's immutable ID/);
		expect(emu.ingestion.uploads).toEqual([]);
	});
});
