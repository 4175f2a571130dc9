import { constants, createPublicKey, verify } from 'node:crypto';
import type { RegisteredCertificate } from './directory';

export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Allowed clock skew between the client and the emulated Entra ID. */
const SKEW_SECONDS = 300;

export type AssertionFailure = { status: number; error: string; code: number; description: string };

interface JwtParts {
	header: Record<string, unknown>;
	payload: Record<string, unknown>;
	signingInput: string;
	signature: Buffer;
}

/**
 * Verifies a client assertion the way Entra ID does for the certificate grant:
 * RS256 with `x5t` (SHA-1 thumbprint) or PS256 with `x5t#S256` (SHA-256 thumbprint; what msal-node 3+ and
 * @azure/identity 4.13 send), signature against the registered certificate, `aud` = token endpoint,
 * `iss` = `sub` = client id, `exp`/`nbf` within skew.
 */
export function verifyClientAssertion(
	assertion: string,
	expected: { clientId: string; tokenEndpointPath: string; certificate: RegisteredCertificate },
	now = new Date(),
): AssertionFailure | undefined {
	const parts = parseJwt(assertion);
	if (!parts) {
		return { status: 400, error: 'invalid_request', code: 50027, description: 'JWT token is invalid or malformed.' };
	}
	const { header, payload } = parts;
	const cert = expected.certificate;
	const sha1 = typeof header.x5t === 'string' ? thumbprintHex(header.x5t) : undefined;
	const sha256 = typeof header['x5t#S256'] === 'string' ? thumbprintHex(header['x5t#S256']) : undefined;
	const presented = sha256 ?? sha1 ?? '';
	const keyMatches = sha256 ? sha256 === cert.thumbprintSha256 : sha1 === cert.thumbprintSha1;
	if (!keyMatches) {
		return invalidSignature(
			`[Reason - The key was not found., Thumbprint of key used by client: '${presented}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${expected.clientId}'.]`,
		);
	}
	if (header.alg !== 'RS256' && header.alg !== 'PS256') {
		return invalidSignature(`[Reason - The signing algorithm '${String(header.alg)}' is not supported.]`);
	}
	const publicKey = createPublicKey(cert.publicKeyPem);
	const signatureValid =
		header.alg === 'RS256'
			? verify('sha256', Buffer.from(parts.signingInput), publicKey, parts.signature)
			: verify(
					'sha256',
					Buffer.from(parts.signingInput),
					{ key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO },
					parts.signature,
				);
	if (!signatureValid) {
		return invalidSignature(
			`[Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${presented}', Found key 'Start=${cert.notBefore.toISOString()}, End=${cert.notAfter.toISOString()}']`,
		);
	}
	if (payload.iss !== expected.clientId || payload.sub !== expected.clientId) {
		return {
			status: 401,
			error: 'invalid_client',
			code: 700021,
			description: "Client assertion application identifier doesn't match 'client_id' parameter.",
		};
	}
	if (!audienceMatches(payload.aud, expected.tokenEndpointPath)) {
		return invalidSignature(
			`[Reason - The audience claim '${String(payload.aud)}' does not match the token endpoint of this tenant.]`,
		);
	}
	const nowSeconds = Math.floor(now.getTime() / 1000);
	const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
	const nbf = typeof payload.nbf === 'number' ? payload.nbf : undefined;
	if (exp === undefined || exp + SKEW_SECONDS < nowSeconds || (nbf !== undefined && nbf - SKEW_SECONDS > nowSeconds)) {
		return {
			status: 401,
			error: 'invalid_client',
			code: 700024,
			description: `Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${nbf ? new Date(nbf * 1000).toISOString() : '1970-01-01T00:00:00.000Z'}, expiry time of assertion ${exp ? new Date(exp * 1000).toISOString() : 'missing'}.`,
		};
	}
	return undefined;
}

function invalidSignature(reason: string): AssertionFailure {
	return {
		status: 401,
		error: 'invalid_client',
		code: 700027,
		description: `Client assertion failed signature validation. ${reason}`,
	};
}

function parseJwt(token: string): JwtParts | undefined {
	const segments = token.split('.');
	if (segments.length !== 3) return undefined;
	try {
		const header = JSON.parse(Buffer.from(segments[0], 'base64url').toString('utf8')) as Record<string, unknown>;
		const payload = JSON.parse(Buffer.from(segments[1], 'base64url').toString('utf8')) as Record<string, unknown>;
		if (typeof header !== 'object' || typeof payload !== 'object' || !header || !payload) return undefined;
		return { header, payload, signingInput: `${segments[0]}.${segments[1]}`, signature: Buffer.from(segments[2], 'base64url') };
	} catch {
		return undefined;
	}
}

function thumbprintHex(base64url: string): string {
	return Buffer.from(base64url, 'base64url').toString('hex').toUpperCase();
}

/** Entra accepts the token endpoint URL as audience; host spelling (localhost / 127.0.0.1) does not matter here. */
function audienceMatches(aud: unknown, tokenEndpointPath: string): boolean {
	const audiences = Array.isArray(aud) ? aud : [aud];
	return audiences.some((value) => {
		if (typeof value !== 'string') return false;
		try {
			return new URL(value).pathname.toLowerCase() === tokenEndpointPath.toLowerCase();
		} catch {
			return false;
		}
	});
}
