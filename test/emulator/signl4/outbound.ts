// SIGNL4's outbound webhooks: every alert change is POSTed as JSON to each target. Targets are the outbound webhooks
// registered through the REST API (`/webhooks`; user:password in the URL becomes HTTP Basic auth) and targets added
// in process, which may also carry headers (for testing Header Auth; the real SIGNL4 cannot send custom headers).
//
// Test switches: duplicate delivery (same top-level `id`), holding callbacks and flushing them in reverse or shuffled
// order (out-of-order delivery), dropping the external ID. Failed deliveries are retried twice (SIGNL4's retry policy
// is undocumented; retries are one reason the same callback can arrive twice).
import { newGuid } from '../core/ids';

export interface OutboundTarget {
	id: string;
	url: string;
	name?: string;
	teamId?: string | null;
	enabled: boolean;
	/** From the URL's user info, or set in process. */
	basicAuth?: { user: string; password: string };
	headers?: Record<string, string>;
	/** 'api' = registered through REST /webhooks (visible there); 'emulator' = added in process or via the control API. */
	source: 'api' | 'emulator';
}

export interface OutboundBehaviour {
	/** Extra deliveries of every callback (same body, same `id`). */
	duplicates: number;
	/** Queue callbacks until `flush()`. */
	hold: boolean;
	/** Leave `alert.externalEventId` out (as for alerts raised without an external ID). */
	omitExternalId: boolean;
	/** Retries after a failed delivery (non-2xx or network error). */
	retries: number;
	retryDelayMs: number;
	/** Per-request timeout. */
	timeoutMs: number;
	/**
	 * Deliver each callback to all targets at the same moment (default false: one target after the other). With two
	 * targets that are two n8n processes, the same callback reaches both at once (queue-mode tests).
	 */
	parallelTargets: boolean;
}

export interface Delivery {
	callbackId: string;
	eventType: number;
	targetId: string;
	/** Target URL without user info. */
	url: string;
	attempt: number;
	copy: number;
	status: number;
	error?: string;
	responseBody?: string;
	at: string;
}

interface Pending {
	payload: Record<string, unknown>;
}

function redactUrl(url: string): string {
	try {
		const parsed = new URL(url);
		parsed.username = '';
		parsed.password = '';
		return parsed.toString();
	} catch {
		return '(invalid URL)';
	}
}

export function targetFromUrl(url: string, extra: Partial<OutboundTarget> = {}): OutboundTarget {
	const parsed = new URL(url);
	const basicAuth = parsed.username ? { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) } : undefined;
	return { id: newGuid(), url, enabled: true, source: 'emulator', ...(basicAuth ? { basicAuth } : {}), ...extra };
}

export class OutboundSender {
	readonly targets: OutboundTarget[] = [];
	readonly deliveries: Delivery[] = [];
	readonly behaviour: OutboundBehaviour = { duplicates: 0, hold: false, omitExternalId: false, retries: 2, retryDelayMs: 300, timeoutMs: 10_000, parallelTargets: false };
	private readonly held: Pending[] = [];
	private readonly inFlight = new Set<Promise<void>>();

	/** Called for every callback SIGNL4 would send. */
	emit(payload: Record<string, unknown>): void {
		const body = this.behaviour.omitExternalId ? withoutExternalId(payload) : payload;
		if (this.behaviour.hold) {
			this.held.push({ payload: body });
			return;
		}
		this.dispatch(body);
	}

	get heldCount(): number {
		return this.held.length;
	}

	/** Sends held callbacks: in arrival order, reversed (newest first) or shuffled. */
	flush(order: 'fifo' | 'reverse' | 'shuffle' = 'fifo'): number {
		const batch = this.held.splice(0, this.held.length);
		if (order === 'reverse') batch.reverse();
		if (order === 'shuffle') {
			for (let i = batch.length - 1; i > 0; i--) {
				const j = Math.floor(Math.random() * (i + 1));
				[batch[i], batch[j]] = [batch[j], batch[i]];
			}
		}
		// One after another, so the receiver sees exactly this order.
		const chain = batch.reduce<Promise<void>>((previous, pending) => previous.then(() => this.sendToAll(pending.payload)), Promise.resolve());
		this.track(chain);
		return batch.length;
	}

	/** Resolves when every delivery started so far (with retries) has finished. */
	async idle(): Promise<void> {
		while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
	}

	private dispatch(payload: Record<string, unknown>): void {
		this.track(this.sendToAll(payload));
	}

	private track(promise: Promise<void>): void {
		const tracked = promise.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
		this.inFlight.add(tracked);
	}

	private async sendToAll(payload: Record<string, unknown>): Promise<void> {
		const targets = this.targets.filter((target) => target.enabled);
		const toTarget = async (target: OutboundTarget) => {
			for (let copy = 0; copy <= this.behaviour.duplicates; copy++) await this.deliver(target, payload, copy);
		};
		if (this.behaviour.parallelTargets) {
			await Promise.all(targets.map(toTarget));
			return;
		}
		for (const target of targets) await toTarget(target);
	}

	private async deliver(target: OutboundTarget, payload: Record<string, unknown>, copy: number): Promise<void> {
		const url = new URL(target.url);
		url.username = '';
		url.password = '';
		const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'SIGNL4-emulator/1.0', ...(target.headers ?? {}) };
		if (target.basicAuth) headers.authorization = `Basic ${Buffer.from(`${target.basicAuth.user}:${target.basicAuth.password}`).toString('base64')}`;
		for (let attempt = 1; attempt <= this.behaviour.retries + 1; attempt++) {
			const record: Delivery = {
				callbackId: String(payload.id),
				eventType: Number(payload.eventType),
				targetId: target.id,
				url: redactUrl(target.url),
				attempt,
				copy,
				status: 0,
				at: new Date().toISOString(),
			};
			try {
				const response = await fetch(url, {
					method: 'POST',
					headers,
					body: JSON.stringify(payload),
					signal: AbortSignal.timeout(this.behaviour.timeoutMs),
				});
				record.status = response.status;
				record.responseBody = (await response.text()).slice(0, 500);
			} catch (error) {
				record.error = (error as Error).message;
			}
			this.deliveries.push(record);
			if (record.status >= 200 && record.status < 300) return;
			// A 4xx other than 408/429 will not get better by retrying (SIGNL4 behaviour undocumented; assumed).
			if (record.status >= 400 && record.status < 500 && ![408, 429].includes(record.status)) return;
			if (attempt <= this.behaviour.retries) await new Promise((resolve) => setTimeout(resolve, this.behaviour.retryDelayMs * attempt));
		}
	}

	clearDeliveries(): void {
		this.deliveries.length = 0;
	}

	reset(): void {
		this.held.length = 0;
		this.deliveries.length = 0;
		Object.assign(this.behaviour, { duplicates: 0, hold: false, omitExternalId: false, retries: 2, retryDelayMs: 300, timeoutMs: 10_000 });
	}
}

function withoutExternalId(payload: Record<string, unknown>): Record<string, unknown> {
	const alert = payload.alert as Record<string, unknown> | undefined;
	if (!alert) return payload;
	const { externalEventId: _omitted, ...rest } = alert;
	return { ...payload, alert: rest };
}
