/** The ARM pacing estimate: a bucket known from an answer's header, refilled at the documented rate, one token a request. */
import { forgetArmPacing, noteArmAnswer, takeArmToken } from '../../../nodes/shared/azure/armPacing';

const KEY = 'principal|subscription|writes';

beforeEach(() => forgetArmPacing());

describe('ARM pacing', () => {
	it('holds nothing for a bucket no answer has described', () => {
		for (let i = 0; i < 500; i++) expect(takeArmToken(KEY, 'writes', 1000)).toBe(0);
	});

	it('an answer with tokens left: that many go at once, the next waits for the refill (10 writes a second)', () => {
		noteArmAnswer(KEY, 200, '3', 0);
		expect([takeArmToken(KEY, 'writes', 0), takeArmToken(KEY, 'writes', 0), takeArmToken(KEY, 'writes', 0)]).toEqual([0, 0, 0]);
		expect(takeArmToken(KEY, 'writes', 0)).toBe(100);
		expect(takeArmToken(KEY, 'writes', 0)).toBe(200);
		// Half a second later five tokens were due; two were promised to the held requests.
		expect(takeArmToken(KEY, 'writes', 500)).toBe(0);
	});

	it('reads refill 25 a second; a 429 empties the estimate', () => {
		const reads = 'principal|subscription|reads';
		noteArmAnswer(reads, 429, '180', 0);
		expect(takeArmToken(reads, 'reads', 0)).toBe(40);
		expect(takeArmToken(reads, 'reads', 40)).toBe(40);
	});

	it('ignores a missing or malformed header, and holds no request longer than 10 s', () => {
		noteArmAnswer(KEY, 200, undefined, 0);
		noteArmAnswer(KEY, 200, 'many', 0);
		expect(takeArmToken(KEY, 'writes', 0)).toBe(0);
		noteArmAnswer(KEY, 200, '0', 0);
		const holds = Array.from({ length: 120 }, () => takeArmToken(KEY, 'writes', 0));
		expect(Math.max(...holds)).toBeLessThanOrEqual(10_000);
		expect(holds.slice(0, 3)).toEqual([100, 200, 300]);
		expect(holds.at(-1)).toBe(0);
	});

	it('an answer sets the estimate again, less the requests still held (the header cannot have counted them)', () => {
		noteArmAnswer(KEY, 200, '0', 0);
		expect(takeArmToken(KEY, 'writes', 0)).toBe(100);
		noteArmAnswer(KEY, 200, '5', 50);
		expect(takeArmToken(KEY, 'writes', 50)).toBe(0);
	});
});
