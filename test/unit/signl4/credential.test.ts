/**
 * The SIGNL4 On-Call API credential: what `authenticate` does to requests, and its test request run the way n8n's
 * credential tester runs it (a declarative node whose only property routes the test request, executed by n8n-core).
 */
import { NodeConnectionTypes, type IDataObject, type IHttpRequestOptions, type INodeType } from 'n8n-workflow';

import { Signl4OnCallApi } from '../../../credentials/Signl4OnCallApi.credentials';
import { API_EVENTS_PATH, CREDENTIAL_TEST_PATH, SIGNL4_PUBLIC_BASE_URL, WEBHOOK_PATH } from '../../../nodes/shared/signl4/constants';
import { startEmulator, type Emulator } from '../../emulator';
import { runNode } from '../../helpers/n8nHarness';
import { signl4Credential } from './fixtures';

const credential = new Signl4OnCallApi();
const authenticate = (data: IDataObject, options: Partial<IHttpRequestOptions>) => credential.authenticate(data as never, { url: '', ...options } as IHttpRequestOptions);

describe('authenticate', () => {
	test('the secret goes into the webhook path only; base URL from the credential; no API key on the webhook', async () => {
		const options = await authenticate({ teamSecret: 'te am/secret', apiKey: 'k-1', baseUrl: 'https://s4.example.com/' }, { url: WEBHOOK_PATH, headers: { accept: 'application/json' } });
		expect(options).toMatchObject({ url: '/webhook/te%20am%2Fsecret', baseURL: 'https://s4.example.com', headers: { accept: 'application/json' } });
		expect(options.headers).not.toHaveProperty('X-S4-Api-Key');
		expect(options.agentOptions).toBeUndefined();
	});

	test('the API key goes onto REST calls only; empty base URL means the public SIGNL4', async () => {
		const options = await authenticate({ teamSecret: 's', apiKey: 'k-1', baseUrl: '' }, { url: '/api/alerts/1' });
		expect(options).toMatchObject({ baseURL: SIGNL4_PUBLIC_BASE_URL, headers: { 'X-S4-Api-Key': 'k-1' } });
		const without = await authenticate({ teamSecret: 's', apiKey: '' }, { url: '/api/alerts/1' });
		expect(without.headers).not.toHaveProperty('X-S4-Api-Key');
	});

	test('the credential test path: API-key events endpoint with a key, else the webhook', async () => {
		expect((await authenticate({ teamSecret: 's', apiKey: 'k' }, { url: CREDENTIAL_TEST_PATH })).url).toBe(API_EVENTS_PATH.replace('{teamSecret}', 's'));
		expect((await authenticate({ teamSecret: 's', apiKey: '' }, { url: CREDENTIAL_TEST_PATH })).url).toBe('/webhook/s');
	});

	test('an extra CA is added to the root certificates of the TLS agent', async () => {
		const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----';
		const options = await authenticate({ teamSecret: 's', caCertificate: pem }, { url: WEBHOOK_PATH });
		const ca = options.agentOptions?.ca as string[];
		expect(ca.at(-1)).toBe(pem);
		expect(ca.length).toBeGreaterThan(50);
	});

	test('absolute URLs are left alone (no base URL, no key)', async () => {
		const options = await authenticate({ teamSecret: 's', apiKey: 'k' }, { url: 'https://elsewhere.example/api/x' });
		expect(options.baseURL).toBeUndefined();
		expect(options.headers).not.toHaveProperty('X-S4-Api-Key');
	});
});

describe('credential test against the emulator', () => {
	let emu: Emulator;
	beforeAll(async () => {
		emu = await startEmulator();
	});
	afterAll(async () => emu.stop());
	beforeEach(() => emu.signl4.reset());

	/** What n8n's credentials tester does: route the test request through a throwaway declarative node, map the status by the rules. */
	async function testCredential(data: IDataObject): Promise<{ status: 'OK' | 'Error'; message: string }> {
		const probe: INodeType = {
			description: {
				displayName: 'Credential Test',
				name: 'credentialTest',
				group: ['transform'],
				version: 1,
				description: 'probe',
				defaults: { name: 'Credential Test' },
				inputs: [NodeConnectionTypes.Main],
				outputs: [NodeConnectionTypes.Main],
				credentials: [{ name: 'signl4OnCallApi', required: true }],
				properties: [{ displayName: 'Temp', name: 'temp', type: 'string', default: '', routing: { request: credential.test.request } }],
			},
		};
		const run = await runNode({ nodeType: probe, typeName: 'credentialTest', parameters: {}, credentials: { signl4OnCallApi: data as never } });
		if (!run.error) return { status: 'OK', message: 'Connection successful!' };
		const status = Number((run.error as { httpCode?: string }).httpCode);
		const rule = credential.test.rules?.find((r) => r.type === 'responseCode' && r.properties.value === status);
		return { status: 'Error', message: rule ? (rule.properties as { message: string }).message : `HTTP ${status}` };
	}

	test('right secret and key: OK, and the test raised and closed nothing', async () => {
		expect(await testCredential(signl4Credential(emu))).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(await testCredential(signl4Credential(emu, { apiKey: '' }))).toMatchObject({ status: 'OK' });
		expect(emu.signl4.alerts()).toHaveLength(0);
		expect(emu.signl4.events().map((e) => [e.status, e.externalId])).toEqual([
			['resolved', 'n8n-credential-test'],
			['resolved', 'n8n-credential-test'],
		]);
		expect(emu.signl4.events()[0].channel).toBe('api');
	});

	test('wrong secret / wrong key: a clear message that repeats neither', async () => {
		const wrongSecret = await testCredential(signl4Credential(emu, { teamSecret: 'bad-secret-4711' }));
		expect(wrongSecret).toEqual({ status: 'Error', message: expect.stringContaining('SIGNL4 does not know this team or integration secret') });
		expect(wrongSecret.message).not.toContain('bad-secret-4711');
		const wrongKey = await testCredential(signl4Credential(emu, { apiKey: 'bad-key-4711' }));
		expect(wrongKey).toEqual({ status: 'Error', message: expect.stringContaining('SIGNL4 rejected the API key') });
		expect(wrongKey.message).not.toContain('bad-key-4711');
	});

	test('every rule message is free of credential values and names its fix', () => {
		for (const rule of credential.test.rules ?? []) expect((rule.properties as { message: string }).message).toMatch(/\.$/);
	});
});
