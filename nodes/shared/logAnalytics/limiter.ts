/**
 * Log Analytics runs at most 5 queries at once per principal and queues the rest (then answers 429 after about
 * 3 minutes in its queue). Queueing here instead keeps every query inside the service's limit, whichever item,
 * alert or concurrently running execution it comes from: one limiter per key (the credential session) for the
 * whole n8n process.
 */
export const LOG_ANALYTICS_CONCURRENCY = 5;

export type Release = () => void;

export class QueryLimiter {
	private active = 0;
	private readonly waiting: Array<() => void> = [];

	constructor(readonly limit: number) {}

	get running(): number {
		return this.active;
	}

	get queued(): number {
		return this.waiting.length;
	}

	/** Resolves when a slot is free; call the returned function exactly once to free it again. */
	async acquire(): Promise<Release> {
		if (this.active < this.limit) {
			this.active++;
		} else {
			// The releasing caller hands its slot over directly, so `active` never exceeds the limit.
			await new Promise<void>((resolve) => this.waiting.push(resolve));
		}
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const next = this.waiting.shift();
			if (next) next();
			else this.active--;
		};
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		const release = await this.acquire();
		try {
			return await task();
		} finally {
			release();
		}
	}
}

const limiters = new Map<string, QueryLimiter>();

/** The process-wide limiter for one principal (keyed by the credential session's fingerprint). */
export function limiterFor(key: string, limit = LOG_ANALYTICS_CONCURRENCY): QueryLimiter {
	let limiter = limiters.get(key);
	if (!limiter) {
		limiter = new QueryLimiter(limit);
		limiters.set(key, limiter);
	}
	// Idle limiters of credentials no longer in use are dropped so the map stays small.
	if (limiters.size > 64) {
		for (const [other, candidate] of limiters) {
			if (other !== key && candidate.running === 0 && candidate.queued === 0) limiters.delete(other);
		}
	}
	return limiter;
}
