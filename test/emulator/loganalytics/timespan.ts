// The query API's `timespan`: an ISO 8601 duration (`PT1H`, `P1DT12H`, `P2W`) ending now, or an interval
// `start/end`, `start/duration` or `duration/end` (wire-microsoft.md §2).
import { parseDatetimeText, ticksFromDate } from './kql';

const TICKS_PER_SECOND = 10_000_000n;

export function parseIsoDuration(text: string): bigint | undefined {
	const match = /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
	if (!match || text.trim().toUpperCase() === 'P' || /T$/i.test(text.trim())) return undefined;
	const [, weeks, days, hours, minutes, seconds] = match;
	const total = Number(weeks ?? 0) * 604_800 + Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes ?? 0) * 60 + Number(seconds ?? 0);
	return BigInt(Math.round(total * 1000)) * (TICKS_PER_SECOND / 1000n);
}

function parseInstant(text: string): bigint | undefined {
	try {
		const ticks = parseDatetimeText(text);
		return ticks ?? undefined;
	} catch {
		const ms = Date.parse(text);
		return Number.isNaN(ms) ? undefined : ticksFromDate(ms);
	}
}

/** `[start, end]` in ticks, or undefined when the text is not a valid timespan. */
export function parseTimespan(text: string, now: Date = new Date()): { start: bigint; end: bigint } | undefined {
	const parts = text.trim().split('/');
	if (parts.length === 1) {
		const duration = parseIsoDuration(parts[0]);
		if (duration === undefined) return undefined;
		const end = ticksFromDate(now);
		return { start: end - duration, end };
	}
	if (parts.length !== 2) return undefined;
	const [a, b] = parts;
	const startInstant = parseInstant(a);
	const endInstant = parseInstant(b);
	if (startInstant !== undefined && endInstant !== undefined) return startInstant <= endInstant ? { start: startInstant, end: endInstant } : undefined;
	if (startInstant !== undefined) {
		const duration = parseIsoDuration(b);
		return duration === undefined ? undefined : { start: startInstant, end: startInstant + duration };
	}
	if (endInstant !== undefined) {
		const duration = parseIsoDuration(a);
		return duration === undefined ? undefined : { start: endInstant - duration, end: endInstant };
	}
	return undefined;
}
