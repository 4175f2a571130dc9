import { newGuid, randomToken } from '../core/ids';
import type { EmulatorTls } from '../core/tls';

/** The app registration (service principal) the project authenticates as. */
export interface Principal {
	tenantId: string;
	clientId: string;
	clientSecret: string;
	/** Client certificate + private key PEM, as `ClientCertificateCredential` takes it. */
	certificatePem: string;
	objectId: string;
	displayName: string;
}

export interface RegisteredCertificate {
	certPem: string;
	publicKeyPem: string;
	thumbprintSha1: string;
	thumbprintSha256: string;
	notBefore: Date;
	notAfter: Date;
}

/**
 * Audiences (resource ids) the emulated tenant can issue tokens for, as `scope=<resource>/.default` names them.
 * Service modules that need their own audience add it here.
 */
export const KNOWN_RESOURCES = [
	'https://management.azure.com',
	'https://management.core.windows.net',
	'https://api.loganalytics.io',
	'https://api.loganalytics.azure.com',
	'https://graph.microsoft.com',
];

export class Directory {
	readonly tenantId = newGuid();
	readonly tenantDomain = 'sentinelemulator.onmicrosoft.com';
	readonly tenantDisplayName = 'Sentinel Emulator';
	readonly principal: Principal;
	/** Further app registrations added by tests (`emu.identity.addPrincipal`), e.g. to see per-principal limits. */
	readonly otherPrincipals: Principal[] = [];
	readonly certificate: RegisteredCertificate;
	readonly resources = new Set(KNOWN_RESOURCES);

	constructor(private readonly tls: EmulatorTls) {
		this.principal = this.newPrincipal('n8n-sentinel-signl4 (emulator)');
		this.certificate = {
			certPem: tls.client.certPem,
			publicKeyPem: tls.client.publicKeyPem,
			thumbprintSha1: tls.client.thumbprintSha1,
			thumbprintSha256: tls.client.thumbprintSha256,
			notBefore: new Date(Date.now() - 60 * 60 * 1000),
			notAfter: new Date(Date.now() + 365 * 24 * 60 * 60 * 1000),
		};
	}

	/** Tenants are addressed by GUID or by their verified domain. */
	isOwnTenant(tenant: string): boolean {
		const lower = tenant.toLowerCase();
		return lower === this.tenantId || lower === this.tenantDomain;
	}

	findClient(clientId: string): Principal | undefined {
		const id = clientId.toLowerCase();
		return [this.principal, ...this.otherPrincipals].find((principal) => principal.clientId === id);
	}

	/** Registers another app (own client id, secret and object id; the same client certificate) in the tenant. */
	addPrincipal(displayName = `second app ${this.otherPrincipals.length + 1} (emulator)`): Principal {
		const principal = this.newPrincipal(displayName);
		this.otherPrincipals.push(principal);
		return principal;
	}

	private newPrincipal(displayName: string): Principal {
		return {
			tenantId: this.tenantId,
			clientId: newGuid(),
			// Shape of real Entra secrets: 3 chars, `8Q~`, then 34 chars.
			clientSecret: `Emu8Q~${randomToken(30).replace(/[-_]/g, 'x').slice(0, 34)}`,
			certificatePem: `${this.tls.client.certPem.trim()}\n${this.tls.client.keyPem.trim()}\n`,
			objectId: newGuid(),
			displayName,
		};
	}
}

/** `https://management.azure.com/` and `https://management.azure.com` name the same resource. */
export function normaliseResource(resource: string): string {
	return resource.replace(/\/+$/, '').toLowerCase();
}
