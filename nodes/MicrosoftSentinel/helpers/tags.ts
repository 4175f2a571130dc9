/** Tag (label) changes. Tags are matched case-insensitively, so adding "SIGNL4" to an incident tagged "signl4" changes nothing. */
export type TagAction = 'add' | 'remove' | 'replace';

/** A comma- or newline-separated string, or an array (from an expression); trimmed, empty ones dropped, de-duplicated. */
export function parseTagList(input: unknown): string[] {
	const raw: unknown[] = Array.isArray(input) ? input : typeof input === 'string' ? input.split(/[,\n]/) : input === undefined || input === null ? [] : [input];
	return dedupe(raw.map((tag) => (typeof tag === 'string' ? tag : typeof tag === 'number' ? String(tag) : '')).map((tag) => tag.trim()).filter(Boolean));
}

function dedupe(tags: string[]): string[] {
	const seen = new Set<string>();
	return tags.filter((tag) => {
		const key = tag.toLowerCase();
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/** The incident's tags after the change; `current` keeps its order and spelling. */
export function applyTagChange(current: string[], action: TagAction, tags: string[]): string[] {
	const wanted = dedupe(tags);
	switch (action) {
		case 'add': {
			const have = new Set(current.map((tag) => tag.toLowerCase()));
			return [...current, ...wanted.filter((tag) => !have.has(tag.toLowerCase()))];
		}
		case 'remove': {
			const drop = new Set(wanted.map((tag) => tag.toLowerCase()));
			return current.filter((tag) => !drop.has(tag.toLowerCase()));
		}
		case 'replace':
			return wanted;
	}
}

/** Same tags, ignoring order (spelling counts: replacing "signl4" by "SIGNL4" is a change). */
export function sameTags(a: string[], b: string[]): boolean {
	if (a.length !== b.length) return false;
	const set = new Set(a);
	return b.every((tag) => set.has(tag));
}
