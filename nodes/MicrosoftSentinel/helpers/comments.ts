/**
 * Incident comments: formatting and splitting.
 *
 * Microsoft Sentinel renders comment messages as HTML and Markdown (Microsoft Tech Community, "What's new: HTML and
 * Markdown support for incident comment"). So Markdown is sent as written, and plain text is escaped so that it
 * shows as typed: `&`, `<`, `>` become entities and line breaks become `<br>`.
 *
 * A comment holds at most 30,000 characters (UTF-16 code units, as the service counts) and an incident at most 100
 * comments. A longer message is split into several comments, in order, each starting with "(part i of n)"; cuts go
 * at a paragraph break, else a line break, else a space, and never inside an HTML entity, a `<br>`, or a surrogate
 * pair. A Markdown code block cut in two is closed at the end of one part and reopened at the start of the next.
 */
export const MAX_COMMENT_LENGTH = 30_000;
export const MAX_COMMENTS_PER_INCIDENT = 100;

export type CommentFormat = 'plainText' | 'markdown';

/** Half a surrogate pair (from a cut elsewhere) would show as garbage in the portal: it becomes U+FFFD. */
function wholeCharacters(text: string): string {
	return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function formatComment(text: string, format: CommentFormat): string {
	if (format === 'markdown') return wholeCharacters(text);
	return wholeCharacters(text)
		.replace(/&/g, '&amp;')
		.replace(/</g, '&lt;')
		.replace(/>/g, '&gt;')
		.replace(/\r\n?/g, '\n')
		.replace(/\n/g, '<br>\n');
}

function partHeader(index: number, total: number, format: CommentFormat): string {
	return format === 'markdown' ? `*(part ${index} of ${total})*\n\n` : `(part ${index} of ${total})<br>\n`;
}

/** Moves `cut` back so the text is not cut inside an entity, a `<br>`, or a surrogate pair. */
function safeCut(text: string, cut: number): number {
	let at = cut;
	const code = text.charCodeAt(at - 1);
	if (code >= 0xd800 && code <= 0xdbff) at -= 1;
	const amp = text.lastIndexOf('&', at - 1);
	if (amp >= 0 && at - amp < 10 && /^&[#a-zA-Z0-9]*$/.test(text.slice(amp, at))) at = amp;
	const lt = text.lastIndexOf('<', at - 1);
	if (lt >= 0 && at - lt < 5 && /^<b?r?$/i.test(text.slice(lt, at))) at = lt;
	return at > 0 ? at : cut;
}

/** Where to end a part of at most `budget` characters starting at `start`. */
function findCut(text: string, start: number, budget: number): number {
	const hardEnd = start + budget;
	if (hardEnd >= text.length) return text.length;
	const window = text.slice(start, hardEnd);
	const minimum = Math.floor(budget / 2);
	for (const separator of ['\n\n', '\n', ' ']) {
		const at = window.lastIndexOf(separator);
		if (at >= minimum) return start + at + separator.length;
	}
	return start + (safeCut(window, window.length) || window.length);
}

const FENCE = /^(\s{0,3})(`{3,}|~{3,})(.*)$/;

/** The opening line of a fenced code block left open at the end of `chunk` (given the one open at its start). */
function openFenceAfter(chunk: string, openAtStart: string | undefined): string | undefined {
	let open = openAtStart;
	for (const line of chunk.split('\n')) {
		const match = FENCE.exec(line);
		if (!match) continue;
		if (!open) open = line.trim();
		else if (match[2][0] === open[0] && match[3].trim() === '') open = undefined;
	}
	return open;
}

/**
 * The comments to post for one message: one when it fits, else numbered parts of at most `limit` characters each.
 * Throws on an empty message.
 */
export function splitComment(text: string, format: CommentFormat, limit = MAX_COMMENT_LENGTH): string[] {
	const formatted = formatComment(text, format);
	if (!formatted.trim()) throw new Error('The comment is empty');
	if (formatted.length <= limit) return [formatted];

	// The header's length depends on the number of parts; estimate generously, then check.
	for (let estimate = Math.ceil(formatted.length / limit) + 1; estimate < formatted.length * 2; estimate *= 2) {
		const parts = splitWithHeaders(formatted, format, limit, estimate);
		if (parts) return parts;
	}
	throw new Error('The comment could not be split into parts of the allowed size');
}

function splitWithHeaders(formatted: string, format: CommentFormat, limit: number, maxParts: number): string[] | undefined {
	const headerRoom = partHeader(maxParts, maxParts, format).length;
	const bodies: string[] = [];
	let start = 0;
	let openFence: string | undefined;
	while (start < formatted.length) {
		const reopen = openFence ? `${openFence}\n` : '';
		let budget = limit - headerRoom - reopen.length;
		let body = '';
		let end = start;
		let stillOpen: string | undefined;
		// A part that leaves a code block open needs room to close it; shrink and cut again when it does not fit.
		for (let tries = 0; tries < 4; tries++) {
			end = findCut(formatted, start, budget);
			const chunk = formatted.slice(start, end);
			stillOpen = format === 'markdown' && end < formatted.length ? openFenceAfter(chunk, openFence) : undefined;
			const close = stillOpen ? `${chunk.endsWith('\n') ? '' : '\n'}${FENCE.exec(stillOpen)?.[2] ?? '```'}` : '';
			body = `${reopen}${chunk}${close}`;
			const overflow = body.length - (limit - headerRoom);
			if (overflow <= 0) break;
			budget -= overflow;
		}
		bodies.push(body);
		openFence = stillOpen;
		start = end;
		if (bodies.length > maxParts) return undefined;
	}
	const parts = bodies.map((body, index) => `${partHeader(index + 1, bodies.length, format)}${body}`);
	return parts.every((part) => part.length <= limit) ? parts : undefined;
}

export type TooLongPolicy = 'split' | 'truncate';

function truncationMarker(omitted: number, format: CommentFormat): string {
	const text = `(truncated, ${omitted.toLocaleString('en-US')} characters omitted)`;
	return format === 'markdown' ? `\n\n*${text}*` : `\n\n${text}`;
}

/** Characters as a reader counts them: a surrogate pair (an emoji, say) is one. */
function countCharacters(text: string): number {
	return Array.from(text).length;
}

/** `text` cut to `cut` code units, moved back so a surrogate pair is never split. */
function cutAt(text: string, cut: number): string {
	const code = text.charCodeAt(cut - 1);
	return text.slice(0, code >= 0xd800 && code <= 0xdbff ? cut - 1 : cut);
}

/**
 * The one comment to post for a message that may be too long: as written when it fits, else its beginning with
 * "(truncated, N characters omitted)" at the end, within `limit` once formatted. N counts the characters of the
 * message that were left out. The cut is at a code-point boundary (preferring a line break or space near the end), and
 * a Markdown code block left open by the cut is closed before the marker. Throws on an empty message.
 */
export function truncateComment(text: string, format: CommentFormat, limit = MAX_COMMENT_LENGTH): string {
	const whole = formatComment(text, format);
	if (!whole.trim()) throw new Error('The comment is empty');
	if (whole.length <= limit) return whole;
	const build = (cut: number): string => {
		const kept = cutAt(text, cut);
		const fence = format === 'markdown' ? openFenceAfter(kept, undefined) : undefined;
		const close = fence ? `${kept.endsWith('\n') ? '' : '\n'}${FENCE.exec(fence)?.[2] ?? '```'}` : '';
		return formatComment(`${kept}${close}${truncationMarker(countCharacters(text) - countCharacters(kept), format)}`, format);
	};
	// Formatting only lengthens text, so the longest prefix that fits is found by bisection over the raw text.
	let low = 0;
	let high = Math.min(text.length, limit);
	while (low < high) {
		const middle = Math.ceil((low + high) / 2);
		if (build(middle).length <= limit) low = middle;
		else high = middle - 1;
	}
	// End at a word or line if one is close (within the last 200 characters), so the cut reads naturally.
	const kept = cutAt(text, low);
	const soft = Math.max(kept.lastIndexOf('\n'), kept.lastIndexOf(' '));
	const natural = soft > 0 && low - soft < 200 ? build(soft) : undefined;
	return natural && natural.length <= limit ? natural : build(low);
}
