// One switch for the service limits the emulator enforces the way the real services do (tracker issue 11):
// `enforced` answers 429 when Resource Manager's token buckets are empty (per subscription, principal and operation
// type) and when a principal passes Log Analytics' 200 requests per 30 s, and queues Log Analytics queries past 5 at
// once; `reported` only counts (ARM's `x-ms-ratelimit-remaining-*` headers still fall and refill). SIGNL4's plan
// windows are enforced in both modes (signl4/throttle.ts).

export type LimitsMode = 'enforced' | 'reported';

export const LIMITS_MODES: readonly LimitsMode[] = ['enforced', 'reported'];

export function isLimitsMode(value: unknown): value is LimitsMode {
	return typeof value === 'string' && (LIMITS_MODES as readonly string[]).includes(value);
}

/** Shared by the modules that enforce limits: the mode, and the clock every limit is measured on. */
export class LimitsSwitch {
	constructor(
		public mode: LimitsMode,
		/** Milliseconds since the epoch; tests may pass a clock they move themselves. */
		readonly now: () => number = Date.now,
	) {}

	get enforced(): boolean {
		return this.mode === 'enforced';
	}
}

/** Whole seconds a client is told to wait (`Retry-After`): rounded up, at least 1. */
export function retryAfterSeconds(waitMs: number): number {
	return Math.max(1, Math.ceil(waitMs / 1000));
}
