import { checkAttachment, supportedContentType } from '../../../nodes/Signl4OnCall/helpers/attachments';
import { checkBasicAuth, checkHeaderAuth } from '../../../nodes/Signl4OnCallTrigger/auth';
import { MAX_ENTRIES, MAX_AGE_MS, claimInProcess, isDuplicate, isStale, readState, remember, resetInProcessGuard } from '../../../nodes/Signl4OnCallTrigger/dedup';
import { DEFAULT_RATE_LIMIT_WAIT_MS, RESET_MARGIN_MS, rateLimitWaitMs, readRateLimit } from '../../../nodes/shared/signl4/rateLimit';
import { buildMultipart } from '../../../nodes/shared/signl4/multipart';
import { describeSignl4Status, signl4ErrorBody } from '../../../nodes/shared/signl4/errors';

describe('rate-limit headers', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');
	test('waits until X-RateLimit-Reset (unix seconds) plus a margin', () => {
		expect(rateLimitWaitMs({ 'X-RateLimit-Reset': String(now / 1000 + 7) }, now)).toBe(7000 + RESET_MARGIN_MS);
	});
	test('Retry-After (seconds or date) when it is later', () => {
		expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(now / 1000 + 1), 'retry-after': '5' }, now)).toBe(5000);
		expect(rateLimitWaitMs({ 'retry-after': new Date(now + 3000).toUTCString() }, now)).toBe(3000);
	});
	test('a reset in the past still waits the margin; no headers → the 15-second window', () => {
		expect(rateLimitWaitMs({ 'x-ratelimit-reset': String(now / 1000 - 30) }, now)).toBe(RESET_MARGIN_MS);
		expect(rateLimitWaitMs({}, now)).toBe(DEFAULT_RATE_LIMIT_WAIT_MS);
	});
	test('readRateLimit', () => {
		expect(readRateLimit({ 'X-RateLimit-Limit': '150', 'X-RateLimit-Remaining': '149', 'X-RateLimit-Reset': '1767225615' })).toEqual({
			limit: 150,
			remaining: 149,
			resetsAt: '2026-01-01T00:00:15.000Z',
		});
		expect(readRateLimit({ 'content-type': 'x' })).toBeUndefined();
	});
});

describe('attachments', () => {
	const MB = 1024 * 1024;
	test.each([
		['image/png', 'a.png', 'image/png'],
		['application/octet-stream', 'report.pdf', 'application/pdf'],
		[undefined, 'clip.mov', 'video/quicktime'],
		['audio/x-m4a', undefined, 'audio/x-m4a'],
		['text/plain; charset=utf-8', 'log.txt', 'text/plain'],
	])('%s %s → %s', (mime, file, expected) => expect(supportedContentType(mime, file)).toBe(expected));

	test('unsupported types and files over 4 MB are refused with the reason', () => {
		expect(checkAttachment({ property: 'data', fileName: 'x.exe', mimeType: 'application/x-msdownload', size: 10 })).toMatchObject({ ok: false, reason: expect.stringContaining('SIGNL4 accepts PNG') });
		expect(checkAttachment({ property: 'data', fileName: 'big.png', mimeType: 'image/png', size: 4 * MB + 1 })).toMatchObject({ ok: false, reason: expect.stringContaining('4.0 MB; SIGNL4 accepts at most 4 MB') });
		expect(checkAttachment({ property: 'data', fileName: 'ok.png', mimeType: 'image/png', size: 4 * MB })).toEqual({ ok: true, contentType: 'image/png', fileName: 'ok.png' });
		expect(checkAttachment({ property: 'shot', mimeType: 'image/jpeg', size: 1 })).toEqual({ ok: true, contentType: 'image/jpeg', fileName: 'shot.jpg' });
		expect(checkAttachment({ property: 'shot', mimeType: 'image/jpeg', size: 0 })).toMatchObject({ ok: false });
	});

	test('multipart body: fields and files, escaped names, closing boundary', () => {
		const { body, contentType } = buildMultipart([['Title', 'Hi'], ['a"b', 'ä']], [{ field: 'Attachment1', fileName: 'x.png', contentType: 'image/png', data: Buffer.from([1, 2, 3]) }]);
		const boundary = /boundary=(.+)$/.exec(contentType)![1];
		const text = body.toString('latin1');
		expect(text).toContain(`--${boundary}\r\nContent-Disposition: form-data; name="Title"`);
		expect(text).toContain('name="a\\"b"');
		expect(text).toContain('filename="x.png"\r\nContent-Type: image/png\r\n\r\n\u0001\u0002\u0003\r\n');
		expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
	});
});

describe('error messages never show SIGNL4 details (they can hold the secret)', () => {
	test('404 with code 3004', () => {
		const body = signl4ErrorBody({ requestId: 'r-1', code: 3004, details: 'An event source with ID s3cr3t was not found.', message: 'Error raising event.' });
		const described = describeSignl4Status(404, body, 'webhook', 'send the alert');
		expect(described.message).toContain('does not know the team or integration secret');
		expect(JSON.stringify(described)).not.toContain('s3cr3t');
		expect(described.description).toContain('r-1');
	});
	test.each([
		[401, 'rejected the API key'],
		[403, 'may not'],
		[409, 'current status does not allow it'],
		[400, 'as invalid'],
		[503, 'internal error'],
	])('%i', (status, text) => expect(describeSignl4Status(status, {}, 'api', 'close the alert').message).toContain(text));
});

describe('trigger authentication', () => {
	const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
	test('basic', () => {
		expect(checkBasicAuth(basic('signl4', 'pw-1234567890abcdef'), 'signl4', 'pw-1234567890abcdef')).toEqual({ ok: true });
		expect(checkBasicAuth(basic('signl4', 'wrong'), 'signl4', 'pw-1234567890abcdef')).toMatchObject({ ok: false, message: 'Authorization data is wrong', challenge: expect.stringContaining('Basic') });
		expect(checkBasicAuth(basic('other', 'pw-1234567890abcdef'), 'signl4', 'pw-1234567890abcdef')).toMatchObject({ ok: false });
		expect(checkBasicAuth({}, 'signl4', 'pw')).toMatchObject({ ok: false, message: 'Authorization is required' });
		expect(checkBasicAuth({ authorization: 'Bearer x' }, 'signl4', 'pw')).toMatchObject({ ok: false });
		expect(checkBasicAuth({ Authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }, 'signl4', 'pw')).toMatchObject({ ok: false });
	});
	test('header (name case-insensitive)', () => {
		expect(checkHeaderAuth({ 'x-webhook-secret': 'abc' }, 'X-Webhook-Secret', 'abc')).toEqual({ ok: true });
		expect(checkHeaderAuth({ 'x-webhook-secret': 'abd' }, 'X-Webhook-Secret', 'abc')).toMatchObject({ ok: false });
		expect(checkHeaderAuth({}, 'X-Webhook-Secret', 'abc')).toMatchObject({ ok: false, message: 'Authorization is required' });
	});
});

describe('duplicate and out-of-order guard state', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');
	test('remember, then duplicate; state is a new object', () => {
		const start = readState(undefined);
		const next = remember(start, { callbackId: 'a', alertId: 'x', statusTimeMs: now - 100 }, now);
		expect(isDuplicate(start, 'a')).toBe(false);
		expect(isDuplicate(next, 'a')).toBe(true);
		expect(next.latest).toEqual({ x: now - 100 });
	});
	test('stale: an older status change of the same alert', () => {
		const state = remember({}, { callbackId: 'close', alertId: 'x', statusTimeMs: now - 1000 }, now);
		expect(isStale(state, 'x', now - 2000)).toBe(true);
		expect(isStale(state, 'x', now - 1000)).toBe(false);
		expect(isStale(state, 'y', now - 2000)).toBe(false);
		expect(isStale(state, 'x', null)).toBe(false);
		expect(remember(state, { callbackId: 'ack', alertId: 'x', statusTimeMs: now - 2000 }, now).latest.x).toBe(now - 1000);
	});
	test('bounded by count and age; corrupted state is read as empty', () => {
		let state = readState({ seen: { old: now - MAX_AGE_MS - 1, bad: 'x' }, latest: 'nope' });
		expect(state.seen).toEqual({ old: now - MAX_AGE_MS - 1 });
		for (let i = 0; i < MAX_ENTRIES + 50; i++) state = remember(state, { callbackId: `id-${i}`, alertId: null, statusTimeMs: null }, now + i);
		expect(Object.keys(state.seen)).toHaveLength(MAX_ENTRIES);
		expect(isDuplicate(state, 'old')).toBe(false);
		expect(isDuplicate(state, 'id-0')).toBe(false);
		expect(isDuplicate(state, `id-${MAX_ENTRIES + 49}`)).toBe(true);
		expect(JSON.stringify(state).length).toBeLessThan(80_000);
	});
	test('in-process claim: first wins, per scope', () => {
		resetInProcessGuard();
		expect(claimInProcess('wf:node', 'a', now)).toBe(true);
		expect(claimInProcess('wf:node', 'a', now)).toBe(false);
		expect(claimInProcess('wf:other', 'a', now)).toBe(true);
		resetInProcessGuard();
		expect(claimInProcess('wf:node', 'a', now)).toBe(true);
	});
});
