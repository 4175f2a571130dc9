import { randomToken } from '../core/ids';

export interface IssuedToken {
	token: string;
	tenantId: string;
	clientId: string;
	/** Object id of the service principal the token represents. */
	objectId: string;
	appDisplayName: string;
	/** Normalised resource (audience) the token was requested for, e.g. `https://management.azure.com`. */
	audience: string;
	grant: 'client_secret' | 'client_assertion';
	issuedAt: Date;
	expiresAt: Date;
}

export type TokenCheck =
	| { ok: true; token: IssuedToken }
	| { ok: false; reason: 'unknown' }
	| { ok: false; reason: 'expired'; token: IssuedToken };

/** Tokens are opaque random strings; this store is the only place that knows what they mean. */
export class TokenStore {
	private readonly tokens = new Map<string, IssuedToken>();

	constructor(public lifetimeSeconds: number) {}

	issue(fields: Omit<IssuedToken, 'token' | 'issuedAt' | 'expiresAt'>): IssuedToken {
		const issuedAt = new Date();
		const issued: IssuedToken = {
			...fields,
			token: randomToken(64),
			issuedAt,
			expiresAt: new Date(issuedAt.getTime() + this.lifetimeSeconds * 1000),
		};
		this.tokens.set(issued.token, issued);
		return issued;
	}

	check(token: string, now = new Date()): TokenCheck {
		const issued = this.tokens.get(token);
		if (!issued) return { ok: false, reason: 'unknown' };
		if (issued.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', token: issued };
		return { ok: true, token: issued };
	}

	/** Every token issued so far is now expired (clients holding cached tokens get 401 ExpiredAuthenticationToken). */
	expireAll(): void {
		const past = new Date(Date.now() - 1000);
		for (const issued of this.tokens.values()) {
			if (issued.expiresAt > past) issued.expiresAt = past;
		}
	}
}
