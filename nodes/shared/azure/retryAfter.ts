/**
 * The wait an Azure service asked for, in milliseconds: `retry-after-ms` / `x-ms-retry-after-ms`, else `Retry-After`
 * in seconds or as an HTTP date. `header` looks a header up case-insensitively, whatever the response's shape.
 */
export function retryAfterMs(header: (name: string) => string | undefined, nowMs = Date.now()): number | undefined {
	for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
		const value = header(name);
		const ms = Number(value);
		if (value !== undefined && value.trim() !== '' && Number.isFinite(ms) && ms >= 0) return ms;
	}
	const value = header('retry-after')?.trim();
	if (!value) return undefined;
	if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
	const at = Date.parse(value);
	return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
