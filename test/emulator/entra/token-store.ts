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
	/** Application permissions (app-role values) on the audience, as the `roles` claim carries them. */
	roles?: string[];
	issuedAt: Date;
	expiresAt: Date;
}

export type TokenCheck =
	| { ok: true; token: IssuedToken }
	| { ok: false; reason: 'unknown' }
	| { ok: false; reason: 'expired'; token: IssuedToken };

/**
 * An access token shaped like Entra ID's v1 tokens for an application: a JWT whose payload carries the claims real
 * tokens carry (`aud`, `iss`, `appid`, `oid`, `tid`, `idtyp`…), so clients that read their own identity from it see
 * what they would see in Azure. The signature is random bytes: this store is the only place that decides whether a
 * token is valid, by looking the whole string up.
 */
function jwtShaped(fields: Omit<IssuedToken, 'token' | 'issuedAt' | 'expiresAt'>, issuedAt: Date, lifetimeSeconds: number): string {
	const seconds = Math.floor(issuedAt.getTime() / 1000);
	const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
	const header = { typ: 'JWT', alg: 'RS256', kid: 'emulator' };
	const payload = {
		aud: fields.audience,
		iss: `https://sts.windows.net/${fields.tenantId}/`,
		iat: seconds,
		nbf: seconds,
		exp: seconds + lifetimeSeconds,
		appid: fields.clientId,
		appidacr: fields.grant === 'client_assertion' ? '2' : '1',
		idp: `https://sts.windows.net/${fields.tenantId}/`,
		idtyp: 'app',
		oid: fields.objectId,
		sub: fields.objectId,
		tid: fields.tenantId,
		...(fields.roles?.length ? { roles: fields.roles } : {}),
		ver: '1.0',
	};
	return `${segment(header)}.${segment(payload)}.${randomToken(64)}`;
}

/** Tokens are looked up whole; this store is the only place that knows what they mean. */
export class TokenStore {
	private readonly tokens = new Map<string, IssuedToken>();

	/** Application permissions of a principal on an audience (set by the emulator from Graph's app-role assignments). */
	rolesFor: (objectId: string, audience: string) => string[] = () => [];

	constructor(public lifetimeSeconds: number) {}

	issue(requested: Omit<IssuedToken, 'token' | 'issuedAt' | 'expiresAt'>): IssuedToken {
		const issuedAt = new Date();
		const roles = requested.roles ?? this.rolesFor(requested.objectId, requested.audience);
		const fields = { ...requested, ...(roles.length ? { roles } : {}) };
		const issued: IssuedToken = {
			...fields,
			token: jwtShaped(fields, issuedAt, this.lifetimeSeconds),
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
