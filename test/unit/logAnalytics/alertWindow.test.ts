/**
 * The window Enrich Incident re-runs an alert's query over (helpers/enrichment.ts `alertWindow`): the recorded query
 * window when it is usable, else the rule's query period up to the alert's time, else 24 hours before it. Every
 * expected instant below is written out by hand, not computed by the code under test.
 */
import { execFileSync } from 'child_process';
import { join } from 'path';

import { alertWindow, parseAlertTime, parseQueryPeriod, type AlertInput } from '../../../nodes/AzureLogAnalytics/helpers/enrichment';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const PERIOD_NOTE = "The alert has no query start time; used the rule's query period up to the alert's time.";
const DEFAULT_NOTE = 'The alert does not record its query window; used the 24 hours before the alert.';

type Case = [label: string, alert: AlertInput, start: string, end: string, note: string | undefined];

const cases: Case[] = [
	['recorded window, Sentinel text', { queryStartTimeUtc: '2024-05-01 07:30:00Z', queryEndTimeUtc: '2024-05-02 07:30:00Z' }, '2024-05-01T07:30:00.000Z', '2024-05-02T07:30:00.000Z', undefined],
	['recorded window, ISO with fractions', { queryStartTimeUtc: '2024-05-01T07:30:00.1234567Z', queryEndTimeUtc: '2024-05-01T08:30:00.5Z' }, '2024-05-01T07:30:00.123Z', '2024-05-01T08:30:00.500Z', undefined],
	['recorded window with an offset', { queryStartTimeUtc: '2024-05-01T09:30:00+02:00', queryEndTimeUtc: '2024-05-01T10:30:00+02:00' }, '2024-05-01T07:30:00.000Z', '2024-05-01T08:30:00.000Z', undefined],
	['recorded window wins over period and alert times', { queryStartTimeUtc: '2024-05-01 07:30:00Z', queryEndTimeUtc: '2024-05-01 08:00:00Z', queryPeriod: '1.00:00:00', endTimeUtc: '2024-06-01T00:00:00Z' }, '2024-05-01T07:30:00.000Z', '2024-05-01T08:00:00.000Z', undefined],
	['padded with blanks', { queryStartTimeUtc: '  2024-05-01 07:30:00Z ', queryEndTimeUtc: '\t2024-05-01 08:30:00Z\n' }, '2024-05-01T07:30:00.000Z', '2024-05-01T08:30:00.000Z', undefined],
	['only the end: period back from it', { queryEndTimeUtc: '2024-05-02 07:30:00Z', queryPeriod: '1.00:00:00' }, '2024-05-01T07:30:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['start after end: period back from the end', { queryStartTimeUtc: '2024-05-02 09:00:00Z', queryEndTimeUtc: '2024-05-02 07:30:00Z', queryPeriod: '05:00:00' }, '2024-05-02T02:30:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['start equal to end: period back from the end', { queryStartTimeUtc: '2024-05-02 07:30:00Z', queryEndTimeUtc: '2024-05-02 07:30:00Z', queryPeriod: '01:00:00' }, '2024-05-02T06:30:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['only the start: anchored at the alert end', { queryStartTimeUtc: '2024-05-02 01:00:00Z', endTimeUtc: '2024-05-02T07:30:00Z', queryPeriod: '02:00:00' }, '2024-05-02T05:30:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['no window: alert end time and period', { endTimeUtc: '2024-05-02T07:30:00Z', queryPeriod: '14.00:00:00' }, '2024-04-18T07:30:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['no end time: generation time and period', { timeGenerated: '2024-05-02T07:30:00Z', queryPeriod: '00:30:00' }, '2024-05-02T07:00:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['alert end time is preferred to generation time', { endTimeUtc: '2024-05-02T07:30:00Z', timeGenerated: '2024-05-02T09:00:00Z', queryPeriod: '01:00:00' }, '2024-05-02T06:30:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['period with seconds and fraction', { endTimeUtc: '2024-05-02T07:30:00Z', queryPeriod: '01:30:15.9990000' }, '2024-05-02T05:59:45.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['period of more than 24 hours written as hours', { endTimeUtc: '2024-05-02T07:30:00Z', queryPeriod: '36:00:00' }, '2024-04-30T19:30:00.000Z', '2024-05-02T07:30:00.000Z', PERIOD_NOTE],
	['no window, no period: 24 hours before the alert', { endTimeUtc: '2024-05-02T07:30:00Z' }, '2024-05-01T07:30:00.000Z', '2024-05-02T07:30:00.000Z', DEFAULT_NOTE],
	['a zero period counts as none', { endTimeUtc: '2024-05-02T07:30:00Z', queryPeriod: '00:00:00' }, '2024-05-01T07:30:00.000Z', '2024-05-02T07:30:00.000Z', DEFAULT_NOTE],
	['a period that is not a .NET timespan counts as none', { endTimeUtc: '2024-05-02T07:30:00Z', queryPeriod: 'PT1H' }, '2024-05-01T07:30:00.000Z', '2024-05-02T07:30:00.000Z', DEFAULT_NOTE],
	['a period that is a number counts as none', { endTimeUtc: '2024-05-02T07:30:00Z', queryPeriod: 3600 }, '2024-05-01T07:30:00.000Z', '2024-05-02T07:30:00.000Z', DEFAULT_NOTE],
	['nothing at all: 24 hours before now', {}, '2026-03-09T12:00:00.000Z', '2026-03-10T12:00:00.000Z', DEFAULT_NOTE],
	['nothing usable: garbage times', { queryStartTimeUtc: 'yesterday', queryEndTimeUtc: 'today', endTimeUtc: '', timeGenerated: '   ' }, '2026-03-09T12:00:00.000Z', '2026-03-10T12:00:00.000Z', DEFAULT_NOTE],
	['times of the wrong type are ignored', { queryStartTimeUtc: 1714548600000, queryEndTimeUtc: { at: 'x' }, endTimeUtc: null, queryPeriod: '01:00:00' }, '2026-03-10T11:00:00.000Z', '2026-03-10T12:00:00.000Z', PERIOD_NOTE],
	['a time without a zone is UTC (the fields are named …UTC)', { queryStartTimeUtc: '2024-05-01 07:30:00', queryEndTimeUtc: '2024-05-01T08:30:00' }, '2024-05-01T07:30:00.000Z', '2024-05-01T08:30:00.000Z', undefined],
];

describe('alertWindow', () => {
	test.each(cases)('%s', (_label, alert, start, end, note) => {
		const window = alertWindow(alert, NOW);
		expect(window.start.toISOString()).toBe(start);
		expect(window.end.toISOString()).toBe(end);
		expect(window.note).toBe(note);
		expect(window.start.getTime()).toBeLessThan(window.end.getTime());
	});

	// Jest cannot change the zone of its own process, so the zone-less case also runs in Node processes whose TZ differs.
	test.each(['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'])('the zone rule holds on an n8n host in %s', (zone) => {
		const module = join(__dirname, '../../../nodes/AzureLogAnalytics/helpers/enrichment.ts');
		const script = `const { alertWindow } = require(${JSON.stringify(module)}); const w = alertWindow({ queryStartTimeUtc: '2024-05-01 07:30:00', queryEndTimeUtc: '2024-05-01T08:30:00' }); console.log(JSON.stringify([new Date(2024, 4, 1).getTimezoneOffset(), w.start.toISOString(), w.end.toISOString()]));`;
		const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { env: { ...process.env, TZ: zone }, encoding: 'utf8' });
		const [offset, start, end] = JSON.parse(output.trim().split('\n').pop() as string) as [number, string, string];
		expect(offset).not.toBe(0);
		expect([start, end]).toEqual(['2024-05-01T07:30:00.000Z', '2024-05-01T08:30:00.000Z']);
	});
});

describe('parseQueryPeriod', () => {
	test.each([
		['00:05:00', 300_000],
		['05:00:00', 18_000_000],
		['1.00:00:00', 86_400_000],
		['14.00:00:00', 1_209_600_000],
		['2.03:04:05', ((2 * 24 + 3) * 60 + 4) * 60_000 + 5_000],
		['01:00:00.1234567', 3_600_000],
		[' 01:00:00 ', 3_600_000],
		['1:00:00', 3_600_000],
		['01:00', undefined],
		['1d', undefined],
		['-01:00:00', undefined],
		['', undefined],
		[undefined, undefined],
		[42, undefined],
	])('%j → %j', (text, ms) => {
		expect(parseQueryPeriod(text)).toBe(ms);
	});
});

describe('parseAlertTime', () => {
	test.each([
		['2020-03-28 18:45:59Z', '2020-03-28T18:45:59.000Z'],
		['2020-03-28T18:45:59.9999999Z', '2020-03-28T18:45:59.999Z'],
		['2020-03-28 18:45:59', '2020-03-28T18:45:59.000Z'],
		['2020-03-28T20:45:59+02:00', '2020-03-28T18:45:59.000Z'],
		['2020-03-28', '2020-03-28T00:00:00.000Z'],
		['28/03/2020', undefined],
		['', undefined],
		[17, undefined],
	])('%j → %j', (text, iso) => {
		expect(parseAlertTime(text)?.toISOString()).toBe(iso);
	});
});
