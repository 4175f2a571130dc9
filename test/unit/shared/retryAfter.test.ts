/** The one Retry-After reader for Resource Manager (the Sentinel node's retries) and Log Analytics (its transport). */
import { retryAfterMs } from '../../../nodes/shared/azure/retryAfter';

const NOW = Date.parse('2026-12-02T08:00:00Z');
const from = (headers: Record<string, string>) => (name: string) => headers[name];

describe('retryAfterMs', () => {
	it.each([
		['seconds', { 'retry-after': '7' }, 7000],
		['fractional seconds, padded', { 'retry-after': ' 1.5 ' }, 1500],
		['an HTTP date', { 'retry-after': 'Wed, 02 Dec 2026 08:00:30 GMT' }, 30_000],
		['an HTTP date in the past', { 'retry-after': 'Wed, 02 Dec 2026 07:59:00 GMT' }, 0],
		['retry-after-ms first', { 'retry-after-ms': '250', 'retry-after': '9' }, 250],
		['x-ms-retry-after-ms', { 'x-ms-retry-after-ms': '1200' }, 1200],
		['an empty ms header falls back to Retry-After', { 'retry-after-ms': '', 'retry-after': '2' }, 2000],
		['nothing', {}, undefined],
		['garbage', { 'retry-after': 'soon' }, undefined],
	])('%s', (_label, headers, expected) => {
		expect(retryAfterMs(from(headers), NOW)).toBe(expected);
	});
});
