import {
	LOOKBACK_MS,
	inRanges,
	stateFigures,
	classifyIncident,
	emptyState,
	planPoll,
	pollQuery,
	pruneState,
	readState,
	sampleQuery,
	type CursorIncident,
	type CursorState,
} from '../../../nodes/MicrosoftSentinelTrigger/cursor';

const WS = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/soc/providers/Microsoft.OperationalInsights/workspaces/soc-ws';
const NOW = Date.parse('2026-11-23T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (n: number) => n * 60_000;

function incident(number: number, createdAgoMin: number, modifiedAgoMin: number): CursorIncident {
	return { incidentNumber: number, createdTimeUtc: iso(NOW - minutes(createdAgoMin)), lastModifiedTimeUtc: iso(NOW - minutes(modifiedAgoMin)) };
}

const filters = { statuses: ['New'], severities: ['High', 'Medium'], maxAgeHours: 24 };
const plan = (state: CursorState, incidents: CursorIncident[], extra: Partial<Parameters<typeof planPoll>[2]> = {}) =>
	planPoll(state, incidents, { events: 'created', maxAgeHours: 24, maxPerPoll: 0, nowMs: NOW, ...extra });

describe('trigger cursor: queries', () => {
	it('first poll looks back exactly the maximum age, ordered by modification time', () => {
		const q = pollQuery(emptyState(WS), filters, NOW);
		expect(q.filter).toBe(
			"properties/createdTimeUtc ge 2026-11-22T12:00:00.000Z and properties/status eq 'New' and (properties/severity eq 'High' or properties/severity eq 'Medium')",
		);
		expect(q.orderby).toBe('properties/lastModifiedTimeUtc asc');
	});

	it('later polls ask from the watermark minus the look-back', () => {
		const state: CursorState = { ...emptyState(WS), watermark: NOW - minutes(3) };
		const q = pollQuery(state, { ...filters, statuses: [], severities: [], additionalFilter: "properties/providerName eq 'Azure Sentinel'" }, NOW);
		expect(q.filter).toBe(
			`properties/createdTimeUtc ge 2026-11-22T12:00:00.000Z and properties/lastModifiedTimeUtc ge ${iso(NOW - minutes(3) - LOOKBACK_MS)} and (properties/providerName eq 'Azure Sentinel')`,
		);
	});

	it('also asks for every number above the highest processed, in the same query', () => {
		const state: CursorState = { ...emptyState(WS), watermark: NOW - minutes(3), maxNumber: 41 };
		expect(pollQuery(state, { ...filters, statuses: [], severities: [] }, NOW).filter).toBe(
			`properties/createdTimeUtc ge 2026-11-22T12:00:00.000Z and (properties/lastModifiedTimeUtc ge ${iso(NOW - minutes(3) - LOOKBACK_MS)} or properties/incidentNumber gt 41)`,
		);
		expect(plan(state, [incident(45, 30, 120), incident(43, 30, 20)]).next.maxNumber).toBe(45);
	});

	it('quotes string values the OData way', () => {
		expect(pollQuery(emptyState(WS), { ...filters, statuses: ["O'Brien"] }, NOW).filter).toContain("properties/status eq 'O''Brien'");
	});

	it('the sample query asks for the newest incident whatever its age', () => {
		expect(sampleQuery({ ...filters, statuses: [], severities: [] })).toEqual({ filter: undefined, orderby: 'properties/createdTimeUtc desc' });
	});
});

describe('trigger cursor: planning a poll', () => {
	it('emits every incident once, whatever order numbers and creation times are in', () => {
		// #12 was created before #11 (creation order differs from number order); delivery is oldest first.
		const first = plan(emptyState(WS), [incident(11, 30, 20), incident(12, 40, 10)]);
		expect(first.emit.map((e) => [e.incident.incidentNumber, e.event])).toEqual([
			[12, 'created'],
			[11, 'created'],
		]);
		expect(first.next.watermark).toBe(NOW - minutes(10));
		// The look-back returns both again plus a newcomer with a lower creation time than either.
		const second = plan(first.next, [incident(11, 30, 20), incident(12, 40, 10), incident(13, 50, 5)]);
		expect(second.emit.map((e) => e.incident.incidentNumber)).toEqual([13]);
	});

	it('emits updates only in new-and-updated mode, once per change', () => {
		const first = plan(emptyState(WS), [incident(1, 60, 60)], { events: 'createdOrUpdated' });
		const changed = incident(1, 60, 2);
		const second = plan(first.next, [changed], { events: 'createdOrUpdated' });
		expect(second.emit.map((e) => e.event)).toEqual(['updated']);
		expect(plan(second.next, [changed], { events: 'createdOrUpdated' }).emit).toEqual([]);
		expect(plan(first.next, [changed], { events: 'created' }).emit).toEqual([]);
	});

	it('an incident that starts matching after an update is emitted as new (no minimum-severity trap)', () => {
		// #5 did not match at creation so it was never returned; it is returned once raised to High.
		const state = plan(emptyState(WS), [incident(6, 30, 30)]).next;
		expect(plan(state, [incident(5, 35, 1)]).emit.map((e) => [e.incident.incidentNumber, e.event])).toEqual([[5, 'created']]);
	});

	it('stops at the cap and moves the watermark only as far as it processed', () => {
		const incidents = [1, 2, 3, 4, 5].map((n) => incident(n, 60, 50 - n));
		const first = plan(emptyState(WS), incidents, { maxPerPoll: 2 });
		expect(first.emit.map((e) => e.incident.incidentNumber)).toEqual([1, 2]);
		expect(first.capped).toBe(true);
		expect(first.next.watermark).toBe(NOW - minutes(48));
		const second = plan(first.next, incidents.slice(0), { maxPerPoll: 2 });
		expect(second.emit.map((e) => e.incident.incidentNumber)).toEqual([3, 4]);
		const third = plan(second.next, incidents, { maxPerPoll: 2 });
		expect(third.emit.map((e) => e.incident.incidentNumber)).toEqual([5]);
		expect(third.capped).toBe(false);
	});

	it('emits the most severe first, oldest first within a severity, and a cap takes the most severe', () => {
		const severities = ['Low', 'High', 'Informational', 'Medium', 'High', 'Low', 'Medium', 'High'];
		// Listed in modification order; created in number order (#1 oldest).
		const storm = severities.map((severity, i) => ({ ...incident(i + 1, 60 - i, 40 - i), severity }));
		const all = plan(emptyState(WS), storm);
		expect(all.emit.map((e) => `${e.incident.severity}#${e.incident.incidentNumber}`)).toEqual([
			'High#2', 'High#5', 'High#8', 'Medium#4', 'Medium#7', 'Low#1', 'Low#6', 'Informational#3',
		]);
		expect(all.capped).toBe(false);
		expect(all.next.watermark).toBe(NOW - minutes(33));

		// Capped at 3: the three Highs, although five incidents are listed before the last of them. The watermark stays
		// before #1 (the first one left), so the next poll's query returns the rest again.
		const first = plan(emptyState(WS), storm, { maxPerPoll: 3 });
		expect(first.emit.map((e) => e.incident.incidentNumber)).toEqual([2, 5, 8]);
		expect(first.capped).toBe(true);
		expect(first.next.watermark).toBeUndefined();
		const second = plan(first.next, storm, { maxPerPoll: 3 });
		expect(second.emit.map((e) => e.incident.incidentNumber)).toEqual([4, 7, 1]);
		expect(second.next.watermark).toBe(NOW - minutes(39));
		const third = plan(second.next, storm.slice(2), { maxPerPoll: 3 });
		expect(third.emit.map((e) => e.incident.incidentNumber)).toEqual([6, 3]);
		expect(third.capped).toBe(false);
		expect(plan(third.next, storm, { maxPerPoll: 3 }).emit).toEqual([]);
	});

	it('emits an incident the listing returned twice (it changed while paging) once', () => {
		const result = plan(emptyState(WS), [incident(1, 10, 9), incident(2, 10, 8), incident(1, 10, 7)], { events: 'createdOrUpdated' });
		expect(result.emit.map((e) => e.incident.incidentNumber)).toEqual([1, 2]);
	});

	it('skips excluded incidents but still moves past them', () => {
		const result = plan(emptyState(WS), [incident(1, 10, 9), incident(2, 10, 8)], { isExcluded: (i) => i.incidentNumber === 1 });
		expect(result.emit.map((e) => e.incident.incidentNumber)).toEqual([2]);
		expect(inRanges(result.next.emitted, 1)).toBe(false);
		expect(result.next.watermark).toBe(NOW - minutes(8));
	});

	it('an empty poll keeps the cursor where it was', () => {
		const state: CursorState = {
			...emptyState(WS),
			watermark: NOW - minutes(5),
			emitted: [[3, 3, Math.floor((NOW - minutes(60)) / 1000)]],
			recent: { '3': NOW - minutes(5) },
		};
		const result = plan(state, [], { events: 'createdOrUpdated' });
		expect(result.emit).toEqual([]);
		expect(result.next).toEqual(state);
	});

	it('classifies by number, so a re-listed incident is recognised', () => {
		const state = plan(emptyState(WS), [incident(7, 10, 10)]).next;
		expect(classifyIncident(state, incident(7, 10, 10), 'created')).toBeUndefined();
		expect(classifyIncident(state, incident(8, 10, 10), 'created')).toBe('created');
	});
});

describe('trigger cursor: state bound and persistence', () => {
	it('forgets incidents older than the maximum age', () => {
		const state: CursorState = {
			...emptyState(WS),
			emitted: [
				[1, 1, Math.floor((NOW - minutes(25 * 60)) / 1000)],
				[5, 5, Math.floor((NOW - minutes(60)) / 1000)],
			],
		};
		expect(pruneState(state, NOW, 24).emitted).toEqual([[5, 5, Math.floor((NOW - minutes(60)) / 1000)]]);
	});

	it('keeps modification times only for what the look-back can return unchanged', () => {
		const first = plan(emptyState(WS), [incident(1, 60, 50), incident(2, 60, 1)], { events: 'createdOrUpdated' });
		// #1 was modified 50 minutes ago, 49 before the watermark: only a new change can bring it back.
		expect(Object.keys(first.next.recent)).toEqual(['2']);
		// ... and when it does come back changed, it is an update, not a new incident.
		expect(plan(first.next, [incident(1, 60, 0)], { events: 'createdOrUpdated' }).emit.map((e) => e.event)).toEqual(['updated']);
		expect(plan(first.next, [incident(1, 60, 0)]).emit).toEqual([]);
		// #2 returned unchanged by the look-back is not an update.
		expect(plan(first.next, [incident(2, 60, 1)], { events: 'createdOrUpdated' }).emit).toEqual([]);
	});

	it.each([5_500, 20_000])('a burst of %i incidents: each emitted once across polls, changes while New never come back as new, state printed', (size) => {
		// A storm created within 30 minutes, read in polls of 1,000; then every incident is touched again (the
		// workflow tags it) and the look-back returns all of them.
		const storm = Array.from({ length: size }, (_, i) => incident(i + 1, 30 - (i * 30) / size, 30 - (i * 30) / size));
		const touched = storm.map((i) => ({ ...i, lastModifiedTimeUtc: iso(NOW) }));
		for (const events of ['created', 'createdOrUpdated'] as const) {
			let state = emptyState(WS);
			const emitted = new Map<number, number>();
			for (let offset = 0; offset < size; offset += 1000) {
				const result = plan(state, storm.slice(offset, offset + 1000), { events });
				for (const { incident: i } of result.emit) emitted.set(i.incidentNumber, (emitted.get(i.incidentNumber) ?? 0) + 1);
				state = result.next;
			}
			const again = plan(state, touched, { events });
			const duplicates = [...emitted.values()].filter((count) => count > 1).length + again.emit.filter((e) => e.event === 'created').length;
			const figures = stateFigures(again.next);
			const later = stateFigures(pruneState({ ...again.next, watermark: NOW + LOOKBACK_MS + 1 }, NOW, 24, events));
			console.log(
				`burst of ${size} (${events}): ${emitted.size} emitted, ${duplicates} duplicates; state ${figures.bytes} bytes (${figures.ranges} range(s), ${figures.recent} modification times), ${later.bytes} bytes once the look-back has passed`,
			);
			expect(emitted.size).toBe(size);
			expect(duplicates).toBe(0);
			// Consecutive numbers are one range: what is kept for good does not grow with the storm.
			expect(figures.ranges).toBe(1);
			expect(later.bytes).toBeLessThan(300);
			if (events === 'created') {
				expect(again.emit).toEqual([]);
				expect(figures.bytes).toBeLessThan(300);
			} else {
				// Every touched incident is one update, and only the look-back's worth of times is kept.
				expect(again.emit).toHaveLength(size);
				expect(figures.recent).toBe(size);
			}
		}
	});

	it('numbers emitted with gaps stay exact, and merge when the gaps fill', () => {
		let state = plan(emptyState(WS), [1, 3, 5, 7].map((n) => incident(n, 10, 10 - n / 10))).next;
		expect(state.emitted.map(([a, b]) => [a, b])).toEqual([
			[1, 1],
			[3, 3],
			[5, 5],
			[7, 7],
		]);
		expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => inRanges(state.emitted, n))).toEqual([true, false, true, false, true, false, true, false]);
		state = plan(state, [2, 4, 6].map((n) => incident(n, 10, 5))).next;
		expect(state.emitted.map(([a, b]) => [a, b])).toEqual([[1, 7]]);
	});

	it.each([
		['nothing', undefined, undefined],
		['a legacy flat cursor', { lastId: 3 }, 'the saved cursor has an unknown format'],
		['another workspace', { v: 2, workspace: '/other', emitted: [] }, 'the workspace changed'],
	])('starts fresh from %s', (_label, stored, reset) => {
		const read = readState(stored, WS);
		expect(read.state).toEqual(emptyState(WS));
		expect(read.reset).toBe(reset);
	});

	it('converts a version 1 cursor without forgetting an incident', () => {
		const created = Math.floor((NOW - minutes(30)) / 1000);
		const read = readState({ v: 1, workspace: WS, watermark: NOW, maxNumber: 9, seen: { '7': [created, NOW - 1], '8': [created, NOW], '9': 'x' } }, WS);
		expect(read.reset).toBeUndefined();
		expect(read.state).toEqual({ ...emptyState(WS), watermark: NOW, maxNumber: 9, emitted: [[7, 8, created]], recent: { '7': NOW - 1, '8': NOW } });
	});

	it('drops corrupted entries and keeps good ones', () => {
		const read = readState(
			{
				v: 2,
				workspace: WS,
				watermark: 'yesterday',
				emitted: [[1, 2, 5], 'x', [4, 3, 1], [6, 6]],
				recent: { '1': 7, '2': 'x' },
				pending: { '1': ['name', 'c', 1, 2, 1], '2': ['name', 'x', 1, 2, 1], '3': [1, 'c', 1, 2, 1] },
				abandoned: [[4, 2], 'x'],
			},
			WS,
		);
		expect(read.state).toEqual({
			...emptyState(WS),
			emitted: [[1, 2, 5]],
			recent: { '1': 7 },
			pending: { '1': ['name', 'c', 1, 2, 1] },
			abandoned: [[4, 2]],
		});
	});

	it('round-trips through JSON as n8n stores static data', () => {
		const state = plan(emptyState(WS), [incident(1, 10, 5)]).next;
		expect(readState(JSON.parse(JSON.stringify(state)), WS).state).toEqual(state);
	});
});
