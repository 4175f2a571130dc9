/**
 * How n8n's built-in SIGNL4 node reaches the emulator without changing what is measured.
 *
 * The built-in node (`n8n-nodes-base.signl4`) has no base-URL setting: it always POSTs multipart form data to
 * `https://connect.signl4.com/webhook/{teamSecret}` (its GenericFunctions.js), and its credential holds only the team
 * secret. The emulator serves SIGNL4 at `<emulator>/signl4/webhook/{teamSecret}`. Rather than patch n8n, edit
 * /etc/hosts (needs root, and the path would still differ) or swap the node for an HTTP Request, the benchmark uses
 * what n8n documents for outbound traffic: n8n 2.41 routes the HTTP requests of its nodes through `HTTPS_PROXY`,
 * minus the hosts in `NO_PROXY` (@n8n/backend-network installs env-proxy agents at start-up). The benchmark gives
 * n8n `HTTPS_PROXY` = this proxy and `NO_PROXY=127.0.0.1,localhost`, so every call to the emulator (ARM, Entra ID,
 * Log Analytics, and our own SIGNL4 node, whose base URL is the emulator) goes direct, and only connect.signl4.com
 * goes through here.
 *
 * This is an HTTP CONNECT proxy that accepts a tunnel to `connect.signl4.com:443` only, terminates TLS with a
 * certificate for that name signed by the emulator's CA (n8n trusts it through `NODE_EXTRA_CA_CERTS`, which is the
 * emulator's CA file), and forwards each request unchanged (method, headers, body) to `<emulator>/signl4<path>`,
 * streaming the answer back (status, headers — `X-RateLimit-*` and 429s included — and body). Every other CONNECT is
 * refused with 403, so nothing leaves the machine. What is measured is unchanged: the node's requests, SIGNL4's
 * plan windows and answers are the emulator's; the detour adds one loopback hop and one TLS handshake per send
 * (sub-millisecond to a few ms), which a real connect.signl4.com costs too. Both benchmark runs (workflow 1 and
 * the baseline) run n8n with the same proxy environment.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import forge from 'node-forge';

export const SIGNL4_HOST = 'connect.signl4.com';

export interface Signl4Proxy {
	/** `http://127.0.0.1:PORT`, for HTTPS_PROXY. */
	url: string;
	/** Requests forwarded to the emulator, and CONNECTs refused (hosts other than connect.signl4.com). */
	counts: { forwarded: number; refused: number; refusedHosts: Set<string> };
	/** The environment n8n needs: HTTPS_PROXY/HTTP_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS (the emulator's CA). */
	env: Record<string, string>;
	stop(): Promise<void>;
}

interface Target {
	/** Emulator origin, `https://127.0.0.1:PORT`. */
	url: string;
	caPem: string;
	caPath: string;
	/** The emulator's CA key, to sign the connect.signl4.com certificate with. */
	caKeyPem: string;
}

/** A server certificate for connect.signl4.com signed by the emulator's CA (RSA 2048, SHA-256, 2 days). */
function signl4Certificate(caPem: string, caKeyPem: string): { keyPem: string; certPem: string } {
	const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
	const ca = forge.pki.certificateFromPem(caPem);
	const cert = forge.pki.createCertificate();
	cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
	cert.serialNumber = `01${randomBytes(15).toString('hex')}`;
	cert.validity.notBefore = new Date(Date.now() - 3_600_000);
	cert.validity.notAfter = new Date(Date.now() + 2 * 86_400_000);
	cert.setSubject([{ name: 'commonName', value: SIGNL4_HOST }]);
	cert.setIssuer(ca.subject.attributes);
	cert.setExtensions([
		{ name: 'basicConstraints', cA: false },
		{ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
		{ name: 'extKeyUsage', serverAuth: true },
		{ name: 'subjectAltName', altNames: [{ type: 2, value: SIGNL4_HOST }] },
	]);
	// Signed with Node's crypto (forge's pure-JS RSA is slow), the same steps as forge's cert.sign.
	const oid = forge.pki.oids.sha256WithRSAEncryption;
	cert.signatureOid = oid;
	cert.siginfo.algorithmOid = oid;
	cert.tbsCertificate = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
	const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
	cert.signature = sign('sha256', tbs, caKeyPem).toString('binary');
	return { keyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), certPem: forge.pki.certificateToPem(cert) };
}

export async function startSignl4Proxy(target: Target): Promise<Signl4Proxy> {
	const counts = { forwarded: 0, refused: 0, refusedHosts: new Set<string>() };
	const { keyPem, certPem } = signl4Certificate(target.caPem, target.caKeyPem);
	const emulator = new URL(target.url);
	const upstreamAgent = new https.Agent({ ca: target.caPem, keepAlive: true });

	// Never listens: CONNECT tunnels to connect.signl4.com are handed to it (it does the TLS handshake).
	const signl4 = https.createServer({ key: keyPem, cert: certPem }, (req, res) => {
		counts.forwarded++;
		const headers = { ...req.headers, host: emulator.host };
		const upstream = https.request(
			{ hostname: emulator.hostname, port: emulator.port, method: req.method, path: `/signl4${req.url ?? '/'}`, headers, agent: upstreamAgent },
			(answer) => {
				res.writeHead(answer.statusCode ?? 502, answer.headers);
				answer.pipe(res);
			},
		);
		upstream.on('error', (error) => {
			if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
			res.end(`bench SIGNL4 proxy: ${error.message}`);
		});
		req.pipe(upstream);
	});

	const proxy = http.createServer((_req, res) => {
		// Plain-HTTP proxying is not needed (SIGNL4 is https only); refuse it so nothing leaks out.
		counts.refused++;
		res.writeHead(403).end();
	});
	const tunnels = new Set<Socket>();
	proxy.on('connect', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
		tunnels.add(socket);
		socket.once('close', () => tunnels.delete(socket));
		socket.on('error', () => socket.destroy());
		const [host, port] = (req.url ?? '').split(':');
		if (host.toLowerCase() !== SIGNL4_HOST || (port ?? '443') !== '443') {
			counts.refused++;
			counts.refusedHosts.add(req.url ?? '');
			socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
		if (head.length > 0) socket.unshift(head);
		signl4.emit('connection', socket);
	});
	proxy.on('clientError', (_error, socket) => socket.destroy());
	signl4.on('tlsClientError', () => undefined);

	await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
	return {
		url,
		counts,
		env: {
			HTTPS_PROXY: url,
			HTTP_PROXY: url,
			NO_PROXY: '127.0.0.1,localhost',
			// The emulator's CA: signs both the emulator's certificate and the connect.signl4.com one above. n8n's
			// HTTP Request node and OAuth2 token requests trust it through this (our package's nodes carry the CA in
			// their credentials instead and are unaffected).
			NODE_EXTRA_CA_CERTS: target.caPath,
		},
		stop: async () => {
			upstreamAgent.destroy();
			proxy.closeAllConnections();
			for (const socket of tunnels) socket.destroy();
			await new Promise<void>((resolve) => proxy.close(() => resolve()));
		},
	};
}
