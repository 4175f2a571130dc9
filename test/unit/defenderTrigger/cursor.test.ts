/**
 * The Defender XDR Trigger's cursor on its own: the `$filter` it sends Graph, what it emits, in which order, how far
 * the watermark moves, and what it remembers. The last cases drive it over a simulated Graph listing (newest first,
 * no `$orderby`, 50 per page with nextLinks, items that become visible after their timestamp) poll after poll.
 */
import {
	LOOKBACK_MS,
	SWEEP_INTERVAL_MS,
	classifyItem,
	emptyState,
	matchesServiceSources,
	planPoll,
	pollQuery,
	pruneState,
	readState,
	stateFigures,
	updatedMs,
	type CursorItem,
	type CursorState,
	type PlanOptions,
} from '../../../nodes/MicrosoftDefenderXdrTrigger/cursor';

const SCOPE = 'tenant-1/incidents';
const NOW = Date.parse('2026-11-23T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const minutes = (n: number) => n * 60_000;

function item(id: string | number, createdAgoMin: number, updatedAgoMin: number, severity = 'medium'): CursorItem {
	return { id: String(id), createdDateTime: iso(NOW - minutes(createdAgoMin)), lastUpdateDateTime: iso(NOW - minutes(updatedAgoMin)), severity };
}

const filters = { statuses: ['active'], severities: ['high', 'medium'], serviceSources: ['microsoftDefenderForEndpoint'], maxAgeHours: 24 };
const plan = (state: CursorState, items: CursorItem[], extra: Partial<PlanOptions> = {}) =>
	planPoll(state, items, { events: 'created', maxAgeHours: 24, maxPerPoll: 0, nowMs: NOW, listing: { sweep: false, key: '', startedAt: NOW }, ...extra });

describe('Defender XDR cursor: queries', () => {
	it('first poll lists the whole maximum age with Graph-side status and severity filters (no $orderby)', () => {
		const query = pollQuery('incidents', emptyState(SCOPE), filters, NOW);
		expect(query).toEqual({
			filter: "createdDateTime ge 2026-11-22T12:00:00.000Z and status eq 'active' and (severity eq 'high' or severity eq 'medium')",
			sweep: true,
		});
	});

	it('alerts also filter the service source at Graph (incidents cannot: their alerts are checked here)', () => {
		const query = pollQuery('alerts', emptyState('tenant-1/alerts'), { ...filters, statuses: ['new', 'inProgress'], severities: [] }, NOW);
		expect(query.filter).toBe(
			"createdDateTime ge 2026-11-22T12:00:00.000Z and (status eq 'new' or status eq 'inProgress') and serviceSource eq 'microsoftDefenderForEndpoint'",
		);
		expect(matchesServiceSources([{ serviceSource: 'microsoftDefenderForOffice365' }, { serviceSource: 'MicrosoftDefenderForEndpoint' }], filters.serviceSources)).toBe(true);
		expect(matchesServiceSources([{ serviceSource: 'microsoftDefenderForOffice365' }], filters.serviceSources)).toBe(false);
		expect(matchesServiceSources([], [])).toBe(true);
	});

	it('later polls ask from the watermark minus the look-back, and sweep the whole age once an interval', () => {
		const state: CursorState = { ...emptyState(SCOPE), watermark: NOW - minutes(3), lastSweep: NOW - minutes(5) };
		expect(pollQuery('incidents', state, { ...filters, statuses: [], severities: [] }, NOW)).toEqual({
			filter: `createdDateTime ge 2026-11-22T12:00:00.000Z and lastUpdateDateTime ge ${iso(NOW - minutes(3) - LOOKBACK_MS)}`,
			sweep: false,
			updatedSince: NOW - minutes(3) - LOOKBACK_MS,
		});
		// Settled (a whole look-back passed since the watermark moved, and a listing after that was read): no look-back.
		expect(pollQuery('incidents', { ...state, settled: true }, filters, NOW).updatedSince).toBe(NOW - minutes(3));
		const due = pollQuery('incidents', { ...state, lastSweep: NOW - SWEEP_INTERVAL_MS }, filters, NOW);
		expect(due.sweep).toBe(true);
		expect(due.filter).not.toContain('lastUpdateDateTime');
	});

	it('quotes values the OData way', () => {
		expect(pollQuery('incidents', emptyState(SCOPE), { ...filters, statuses: ["it's"], severities: [] }, NOW).filter).toContain("status eq 'it''s'");
	});
});

describe('Defender XDR cursor: planning a poll', () => {
	it('emits most severe first, then oldest first, whatever order Graph listed them in', () => {
		const listed = [item(5, 1, 1, 'low'), item(4, 2, 2, 'high'), item(10, 3, 3, 'medium'), item(9, 4, 4, 'high'), item(2, 5, 5, 'unknown'), item(1, 6, 6, 'informational')];
		const result = plan(emptyState(SCOPE), listed);
		expect(result.emit.map(({ item }) => item.id)).toEqual(['9', '4', '10', '5', '1', '2']);
		expect(result.emit.every(({ event }) => event === 'created')).toBe(true);
		expect(result.next.watermark).toBe(NOW - minutes(1));
	});

	it('emits an emitted item again only as an update, and only when its lastUpdateDateTime moved', () => {
		const first = plan(emptyState(SCOPE), [item(1, 30, 30)], { events: 'createdOrUpdated' });
		const same = item(1, 30, 30);
		const moved = item(1, 30, 2);
		expect(classifyItem(first.next, same, 'createdOrUpdated')).toBeUndefined();
		expect(classifyItem(first.next, moved, 'createdOrUpdated')).toBe('updated');
		expect(classifyItem(first.next, moved, 'created')).toBeUndefined();
		const second = plan(first.next, [same, moved], { events: 'createdOrUpdated' });
		// A listing that returns one ID twice while it pages: the newest version, once.
		expect(second.emit).toEqual([{ item: moved, event: 'updated' }]);
		expect(plan(second.next, [moved], { events: 'createdOrUpdated' }).emit).toEqual([]);
	});

	it('a cap keeps the most severe and holds the watermark so the rest come back next poll', () => {
		const listed = [item(1, 50, 40, 'low'), item(2, 50, 30, 'high'), item(3, 50, 20, 'low'), item(4, 50, 10, 'high')];
		const first = plan(emptyState(SCOPE), listed, { maxPerPoll: 2, listing: { sweep: true, key: '', startedAt: NOW } });
		expect(first.emit.map(({ item }) => item.id)).toEqual(['2', '4']);
		expect(first.capped).toBe(true);
		// The lowest lastUpdateDateTime left over, so the next query still returns both Lows; no sweep recorded yet.
		expect(first.next.watermark).toBe(NOW - minutes(40));
		expect(first.next.lastSweep).toBeUndefined();
		const second = plan(first.next, listed, { maxPerPoll: 2, listing: { sweep: true, key: '', startedAt: NOW } });
		expect(second.emit.map(({ item }) => item.id)).toEqual(['1', '3']);
		expect(second.next.watermark).toBe(NOW - minutes(10));
		expect(second.next.lastSweep).toBe(NOW);
	});

	it('a listing read in part continues from its nextLink and moves the watermark only at its end', () => {
		const page1 = [item(3, 5, 5), item(2, 9, 9)];
		const part = plan(emptyState(SCOPE), page1, { listing: { sweep: true, nextLink: 'https://graph/next?$skip=2', key: 'k', startedAt: NOW } });
		expect(part.next.watermark).toBeUndefined();
		expect(part.next.resume).toEqual({ link: 'https://graph/next?$skip=2', highest: NOW - minutes(5), sweep: true, key: 'k', startedAt: NOW });
		const end = plan(part.next, [item(1, 20, 20)], { listing: { sweep: true, key: 'k', startedAt: NOW } });
		expect(end.emit.map(({ item }) => item.id)).toEqual(['1']);
		expect(end.next.resume).toBeUndefined();
		expect(end.next.watermark).toBe(NOW - minutes(5));
		expect(end.next.lastSweep).toBe(NOW);
	});

	it('an alert without lastUpdateDateTime (nullable) counts by its creation time', () => {
		const alert: CursorItem = { id: 'da1_2', createdDateTime: iso(NOW - minutes(7)), lastUpdateDateTime: null, severity: 'low' };
		const result = plan(emptyState('tenant-1/alerts'), [alert, item('da3_4', 20, 20)]);
		expect(result.next.watermark).toBe(NOW - minutes(7));
		expect(result.next.emitted.da1_2).toEqual([Math.floor((NOW - minutes(7)) / 1000), NOW - minutes(7)]);
		expect(classifyItem(result.next, alert, 'createdOrUpdated')).toBeUndefined();
	});

	it('items the client-side filter excludes are not remembered, so a later match is still new', () => {
		const result = plan(emptyState(SCOPE), [item(1, 5, 5), item(2, 5, 5)], { isExcluded: (candidate) => candidate.id === '2' });
		expect(result.emit.map(({ item }) => item.id)).toEqual(['1']);
		expect(classifyItem(result.next, item(2, 5, 1), 'created')).toBe('created');
	});

	it('prunes what the maximum age filters out, never anything the query can still return', () => {
		const state: CursorState = { ...emptyState(SCOPE), emitted: { '1': [Math.floor((NOW - minutes(24 * 60 + 1)) / 1000), NOW], '2': [Math.floor((NOW - minutes(24 * 60 - 1)) / 1000), NOW] } };
		expect(Object.keys(pruneState(state, NOW, 24).emitted)).toEqual(['2']);
	});

	it('starts afresh for another tenant or resource, or an unknown format, and drops malformed entries', () => {
		const saved = { ...emptyState(SCOPE), watermark: NOW, emitted: { '1': [1, 2], bad: ['x', 2] } };
		expect(readState(saved, SCOPE).state).toEqual({ ...emptyState(SCOPE), watermark: NOW, emitted: { '1': [1, 2] } });
		expect(readState(saved, 'tenant-1/alerts')).toEqual({ state: emptyState('tenant-1/alerts'), reset: 'the tenant or the watched resource changed' });
		expect(readState({ v: 9 }, SCOPE).reset).toBe('the saved cursor has an unknown format');
		expect(readState(undefined, SCOPE)).toEqual({ state: emptyState(SCOPE) });
	});
});

/**
 * A small model of Graph's listing: `$filter` on createdDateTime / lastUpdateDateTime (ge), newest created first,
 * 50 per page with nextLinks, and items that become visible in the listing some time after their timestamp.
 */
interface SimItem extends CursorItem {
	visibleAt: number;
}

class SimulatedGraph {
	items = new Map<string, SimItem>();
	pages = 0;
	/** The listing being paged: its lower bound and when it started. */
	resumedSince = -Infinity;
	startedAt = 0;

	list(state: CursorState, nowMs: number, maxPages: number, maxAgeHours = 24) {
		const query = pollQuery('incidents', state, { statuses: [], severities: [], serviceSources: [], maxAgeHours }, nowMs);
		const createdSince = nowMs - maxAgeHours * 3_600_000;
		const updatedSince = state.resume ? this.resumedSince : (query.updatedSince ?? -Infinity);
		if (!state.resume) {
			this.resumedSince = updatedSince;
			this.startedAt = nowMs;
		}
		const matching = [...this.items.values()]
			.filter((i) => i.visibleAt <= nowMs && Date.parse(i.createdDateTime) >= createdSince && updatedMs(i) >= updatedSince)
			.sort((a, b) => Date.parse(b.createdDateTime) - Date.parse(a.createdDateTime));
		let offset = state.resume ? Number(state.resume.link) : 0;
		const sweep = state.resume ? state.resume.sweep : query.sweep;
		// A continued listing is the same snapshot Graph would page through with $skip.
		const read: SimItem[] = [];
		let page = 0;
		do {
			read.push(...matching.slice(offset, offset + 50).map((i) => ({ ...i })));
			offset += 50;
			page++;
		} while (page < maxPages && offset < matching.length);
		this.pages += page;
		return { read, sweep, startedAt: this.startedAt, nextLink: offset < matching.length ? String(offset) : undefined };
	}
}

function runPolls(
	graph: SimulatedGraph,
	polls: Array<{ at: number; before?: () => void }>,
	options: { events: 'created' | 'createdOrUpdated'; maxPages: number },
	initial: CursorState = emptyState(SCOPE),
) {
	let state = initial;
	const emitted: Array<{ id: string; event: string; lastUpdate: string }> = [];
	for (const { at, before } of polls) {
		before?.();
		const listing = graph.list(state, at, options.maxPages);
		const result = planPoll(state, listing.read, {
			events: options.events,
			maxAgeHours: 24,
			maxPerPoll: 0,
			nowMs: at,
			listing: { sweep: listing.sweep, nextLink: listing.nextLink, key: '', startedAt: listing.startedAt },
		});
		for (const { item, event } of result.emit) emitted.push({ id: item.id, event, lastUpdate: String(item.lastUpdateDateTime) });
		state = result.next;
	}
	return { emitted, state };
}

describe('Defender XDR cursor over a simulated Graph listing', () => {
	it('a burst of 500 incidents over several pages and polls, visible out of order: 0 duplicates, 0 misses', () => {
		const graph = new SimulatedGraph();
		const start = NOW;
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		const severities = ['high', 'medium', 'low', 'informational'];
		// 500 incidents created over 5 minutes, each visible up to 4 minutes after its timestamp (inside the look-back).
		for (let n = 1; n <= 500; n++) {
			const at = start + Math.floor(random() * minutes(5));
			graph.items.set(String(n), {
				id: String(n),
				createdDateTime: iso(at),
				lastUpdateDateTime: iso(at),
				severity: severities[n % 4],
				visibleAt: at + Math.floor(random() * minutes(4)),
			});
		}
		// A poll a minute for 40 minutes, at most 4 pages (200 items) a poll.
		const polls = Array.from({ length: 40 }, (_, i) => ({ at: start + minutes(i + 1) }));
		const { emitted, state } = runPolls(graph, polls, { events: 'created', maxPages: 4 });
		// Once the look-back has passed with nothing newer, an idle poll reads one page, not the burst's ten again.
		const pagesBefore = graph.pages;
		const idle = runPolls(graph, [{ at: start + minutes(41) }, { at: start + minutes(42) }], { events: 'created', maxPages: 4 }, state);
		expect(idle.emitted).toEqual([]);
		expect(graph.pages - pagesBefore).toBe(2);
		const ids = emitted.map((e) => e.id);
		const duplicates = ids.length - new Set(ids).size;
		const misses = [...graph.items.keys()].filter((id) => !ids.includes(id)).length;
		console.log(`burst of 500 over ${polls.length} polls (4 pages of 50 at most per poll, ${pagesBefore} pages read): emitted ${ids.length}, duplicates ${duplicates}, misses ${misses}, state ${stateFigures(state).bytes} bytes`);
		expect(duplicates).toBe(0);
		expect(misses).toBe(0);
		expect(state.settled).toBe(true);
	});

	it('updates that land out of order inside the look-back are each emitted once, none missed', () => {
		const graph = new SimulatedGraph();
		const start = NOW;
		for (let n = 1; n <= 60; n++) graph.items.set(String(n), { id: String(n), createdDateTime: iso(start - minutes(30)), lastUpdateDateTime: iso(start - minutes(30)), severity: 'high', visibleAt: start - minutes(30) });
		const update = (id: string, at: number, visibleAt: number) => {
			graph.items.set(id, { ...graph.items.get(id)!, lastUpdateDateTime: iso(at), visibleAt });
		};
		const polls = [
			{ at: start },
			// Updated at minute 1 but visible only at minute 6; one updated at minute 3 visible at once moves the watermark past it.
			{ at: start + minutes(4), before: () => { update('7', start + minutes(1), start + minutes(6)); update('8', start + minutes(3), start + minutes(3)); } },
			{ at: start + minutes(7) },
			{ at: start + minutes(8), before: () => update('7', start + minutes(8), start + minutes(8)) },
			{ at: start + minutes(30) },
		];
		const { emitted } = runPolls(graph, polls, { events: 'createdOrUpdated', maxPages: 20 });
		const updates = emitted.filter((e) => e.event === 'updated').map((e) => `${e.id}@${e.lastUpdate}`);
		expect(emitted.filter((e) => e.event === 'created')).toHaveLength(60);
		expect(updates).toEqual([`8@${iso(start + minutes(3))}`, `7@${iso(start + minutes(1))}`, `7@${iso(start + minutes(8))}`]);
	});

	it('an item that turns up later than the look-back is caught by the hourly sweep, once', () => {
		const graph = new SimulatedGraph();
		graph.items.set('1', { id: '1', createdDateTime: iso(NOW), lastUpdateDateTime: iso(NOW), severity: 'high', visibleAt: NOW });
		// Stamped at NOW + 1 min, visible 40 minutes later: past the look-back of every poll after the watermark moved on.
		graph.items.set('2', { id: '2', createdDateTime: iso(NOW + minutes(1)), lastUpdateDateTime: iso(NOW + minutes(1)), severity: 'low', visibleAt: NOW + minutes(41) });
		graph.items.set('3', { id: '3', createdDateTime: iso(NOW + minutes(20)), lastUpdateDateTime: iso(NOW + minutes(20)), severity: 'low', visibleAt: NOW + minutes(20) });
		const polls = Array.from({ length: 70 }, (_, i) => ({ at: NOW + minutes(i + 1) }));
		const { emitted } = runPolls(graph, polls, { events: 'created', maxPages: 20 });
		expect(emitted.map((e) => e.id)).toEqual(['1', '3', '2']);
	});

	it('state stays bounded: a day of 100 incidents an hour keeps one day, and prunes as they age out', () => {
		const graph = new SimulatedGraph();
		const hours = 30;
		for (let n = 0; n < hours * 100; n++) {
			const at = NOW + Math.floor((n / 100) * 3_600_000);
			graph.items.set(String(n + 1), { id: String(n + 1), createdDateTime: iso(at), lastUpdateDateTime: iso(at), severity: 'medium', visibleAt: at });
		}
		const polls = Array.from({ length: hours * 12 }, (_, i) => ({ at: NOW + minutes(5 * (i + 1)) }));
		const { emitted, state } = runPolls(graph, polls, { events: 'created', maxPages: 20 });
		const figures = stateFigures(state);
		console.log(`${hours} h at 100 incidents/h: emitted ${emitted.length}, state keeps ${figures.remembered} IDs in ${figures.bytes} bytes`);
		expect(new Set(emitted.map((e) => e.id)).size).toBe(emitted.length);
		expect(emitted).toHaveLength(hours * 100);
		// Only the last 24 hours' incidents are remembered.
		expect(figures.remembered).toBeLessThanOrEqual(24 * 100 + 1);
		expect(figures.remembered).toBeGreaterThanOrEqual(24 * 100 - 100);
	});
});
