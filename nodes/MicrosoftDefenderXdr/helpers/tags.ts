/**
 * Graph replaces an incident's `customTags` as a whole list on PATCH, so adding or removing tags means sending the
 * full list: the current tags, without those to remove, plus those to add. Tags compare without regard to case (the
 * Defender portal shows `Phishing` and `phishing` as one tag); an existing tag keeps its spelling.
 */
export function mergeTags(current: string[], add: string[], remove: string[]): string[] {
	const removing = new Set(remove.map((tag) => tag.toLowerCase()));
	const merged = current.filter((tag) => !removing.has(tag.toLowerCase()));
	const present = new Set(merged.map((tag) => tag.toLowerCase()));
	for (const tag of add) {
		if (removing.has(tag.toLowerCase()) || present.has(tag.toLowerCase())) continue;
		merged.push(tag);
		present.add(tag.toLowerCase());
	}
	return merged;
}

/** Whether `tags` has every tag to add and none to remove. */
export function tagsApplied(tags: string[], add: string[], remove: string[]): boolean {
	const have = new Set(tags.map((tag) => tag.toLowerCase()));
	const removing = new Set(remove.map((tag) => tag.toLowerCase()));
	return add.every((tag) => removing.has(tag.toLowerCase()) || have.has(tag.toLowerCase())) && remove.every((tag) => !have.has(tag.toLowerCase()));
}

/** A comma- or newline-separated list as typed in the node, or an array from an expression. */
export function parseTagList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,\n]/);
	return [...new Set(parts.map((tag) => tag.trim()).filter(Boolean))];
}
