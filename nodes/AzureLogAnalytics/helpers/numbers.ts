/** A whole number from a parameter value, `fallback` when it is missing or not a number, kept within [min, max]. */
export function clampInteger(value: unknown, fallback: number, min: number, max: number): number {
	const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
	if (!Number.isFinite(number)) return fallback;
	return Math.min(max, Math.max(min, Math.trunc(number)));
}

