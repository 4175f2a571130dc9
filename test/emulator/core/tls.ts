import { createHash, generateKeyPair, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

export interface KeyAndCert {
	keyPem: string;
	certPem: string;
}

export interface EmulatorTls {
	ca: KeyAndCert;
	server: KeyAndCert;
	/** Certificate registered on the app registration for the certificate grant (self-signed, like `New-SelfSignedCertificate`). */
	client: KeyAndCert & { thumbprintSha1: string; thumbprintSha256: string; publicKeyPem: string };
}

const generateKeyPairAsync = promisify(generateKeyPair);

/** Native RSA key generation on the libuv thread pool; node-forge only builds the X.509 structures. */
async function rsaKeyPair(): Promise<{ publicKeyPem: string; privateKeyPem: string }> {
	const { publicKey, privateKey } = await generateKeyPairAsync('rsa', {
		modulusLength: 2048,
		publicKeyEncoding: { type: 'spki', format: 'pem' },
		privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
	});
	return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

function baseCertificate(publicKeyPem: string, commonName: string, validDays: number): forge.pki.Certificate {
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(publicKeyPem);
	// Positive serial: leading byte below 0x80.
	cert.serialNumber = '01' + randomBytes(15).toString('hex');
	const now = Date.now();
	cert.validity.notBefore = new Date(now - 60 * 60 * 1000);
	cert.validity.notAfter = new Date(now + validDays * 24 * 60 * 60 * 1000);
	cert.setSubject([{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Sentinel emulator' }]);
	return cert;
}

/**
 * Same steps as forge's `cert.sign`, but the RSA signature is made by Node's crypto: forge's pure-JS RSA made
 * start-up take ~0.6 s.
 */
function signCertificate(cert: forge.pki.Certificate, issuerKeyPem: string): void {
	const algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
	cert.md = forge.md.sha256.create();
	cert.signatureOid = algorithmOid;
	cert.siginfo.algorithmOid = algorithmOid;
	// Present in node-forge, missing from @types/node-forge.
	cert.tbsCertificate = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
	const tbsDer = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
	cert.signature = sign('sha256', tbsDer, issuerKeyPem).toString('binary');
}

function derThumbprint(certPem: string, algorithm: 'sha1' | 'sha256'): string {
	const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(certPem))).getBytes();
	return createHash(algorithm).update(Buffer.from(der, 'binary')).digest('hex').toUpperCase();
}

let processTls: Promise<EmulatorTls> | undefined;

/**
 * Key generation dominates start-up (~200 ms per RSA key here), so emulators started in one process share one set
 * of CA/server/client keys unless `fresh` is asked for. Each emulator still has its own tenant, client id and secret.
 */
export function emulatorTls(fresh = false): Promise<EmulatorTls> {
	if (fresh) return generateTls();
	processTls ??= generateTls();
	return processTls;
}

export async function generateTls(): Promise<EmulatorTls> {
	const [caKeys, serverKeys, clientKeys] = await Promise.all([rsaKeyPair(), rsaKeyPair(), rsaKeyPair()]);
	const caCert = baseCertificate(caKeys.publicKeyPem, 'Sentinel Emulator Test CA', 30);
	caCert.setIssuer(caCert.subject.attributes);
	caCert.setExtensions([
		{ name: 'basicConstraints', cA: true, critical: true },
		{ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
		{ name: 'subjectKeyIdentifier' },
	]);
	signCertificate(caCert, caKeys.privateKeyPem);

	const serverCert = baseCertificate(serverKeys.publicKeyPem, 'localhost', 30);
	serverCert.setIssuer(caCert.subject.attributes);
	serverCert.setExtensions([
		{ name: 'basicConstraints', cA: false },
		{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
		{ name: 'extKeyUsage', serverAuth: true },
		{
			name: 'subjectAltName',
			altNames: [
				{ type: 2, value: 'localhost' },
				{ type: 7, ip: '127.0.0.1' },
			],
		},
		{ name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
	]);
	signCertificate(serverCert, caKeys.privateKeyPem);

	const clientCert = baseCertificate(clientKeys.publicKeyPem, 'n8n-sentinel-signl4-emulator-app', 365);
	clientCert.setIssuer(clientCert.subject.attributes);
	clientCert.setExtensions([
		{ name: 'basicConstraints', cA: false },
		{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
		{ name: 'extKeyUsage', clientAuth: true },
	]);
	signCertificate(clientCert, clientKeys.privateKeyPem);
	const clientCertPem = forge.pki.certificateToPem(clientCert);

	return {
		ca: { keyPem: caKeys.privateKeyPem, certPem: forge.pki.certificateToPem(caCert) },
		server: { keyPem: serverKeys.privateKeyPem, certPem: forge.pki.certificateToPem(serverCert) },
		client: {
			keyPem: clientKeys.privateKeyPem,
			certPem: clientCertPem,
			publicKeyPem: clientKeys.publicKeyPem,
			thumbprintSha1: derThumbprint(clientCertPem, 'sha1'),
			thumbprintSha256: derThumbprint(clientCertPem, 'sha256'),
		},
	};
}
