// `npm start`'s settings: which services are real and which stay emulated, from the environment variables the
// README documents. A half-given group must stop the start with a message naming what is missing, never fall back
// silently to the emulator (the user would think their tenant is being watched).
import { demoSettingsFromEnvironment } from '../e2e/fixtures/demo';

const WORKSPACE = '/subscriptions/6e86d680-5294-4b90-97c6-a226da8c4dfe/resourceGroups/rg-soc/providers/Microsoft.OperationalInsights/workspaces/law-soc';
const AZURE = { AZURE_TENANT_ID: 'tenant', AZURE_CLIENT_ID: 'client', AZURE_CLIENT_SECRET: 'secret', SENTINEL_WORKSPACE_ID: WORKSPACE };

describe('npm start settings from the environment', () => {
	test('nothing given: everything emulated', () => {
		expect(demoSettingsFromEnvironment({})).toEqual({});
	});

	test('all four Azure variables: real Azure in the public cloud, SIGNL4 still emulated', () => {
		expect(demoSettingsFromEnvironment(AZURE)).toEqual({
			azure: { tenantId: 'tenant', clientId: 'client', clientSecret: 'secret', workspaceArmId: WORKSPACE, cloud: 'AzurePublic' },
		});
		expect(demoSettingsFromEnvironment({ ...AZURE, AZURE_CLOUD: 'AzureUSGovernment' }).azure?.cloud).toBe('AzureUSGovernment');
	});

	test.each(Object.keys(AZURE))('Azure without %s is refused, naming all four', (missing) => {
		const environment: Record<string, string> = { ...AZURE };
		delete environment[missing];
		expect(() => demoSettingsFromEnvironment(environment)).toThrow(/AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and SENTINEL_WORKSPACE_ID/);
	});

	test('an unknown cloud and a workspace that is not a resource ID are refused', () => {
		expect(() => demoSettingsFromEnvironment({ ...AZURE, AZURE_CLOUD: 'AzureGermany' })).toThrow(/AZURE_CLOUD must be one of AzurePublic, AzureUSGovernment, AzureChina/);
		expect(() => demoSettingsFromEnvironment({ ...AZURE, SENTINEL_WORKSPACE_ID: 'law-soc' })).toThrow(/SENTINEL_WORKSPACE_ID must be the workspace's Azure resource ID/);
	});

	test('the secret is never part of a refusal', () => {
		for (const environment of [
			{ ...AZURE, AZURE_CLOUD: 'nope' },
			{ ...AZURE, SENTINEL_WORKSPACE_ID: 'x' },
			{ AZURE_CLIENT_SECRET: 'secret-value-123' },
		]) {
			let message = '';
			try {
				demoSettingsFromEnvironment({ ...environment, AZURE_CLIENT_SECRET: 'secret-value-123' });
			} catch (error) {
				message = (error as Error).message;
			}
			expect(message).not.toBe('');
			expect(message).not.toContain('secret-value-123');
		}
	});

	test('real SIGNL4: the team secret, with the default base URL; API key and base URL alone are refused', () => {
		expect(demoSettingsFromEnvironment({ SIGNL4_TEAM_SECRET: 'abc123' })).toEqual({
			signl4: { teamSecret: 'abc123', apiKey: '', baseUrl: 'https://connect.signl4.com' },
		});
		expect(demoSettingsFromEnvironment({ SIGNL4_TEAM_SECRET: 'abc123', SIGNL4_API_KEY: 'k', SIGNL4_BASE_URL: 'https://s4.example.com' }).signl4).toEqual({
			teamSecret: 'abc123',
			apiKey: 'k',
			baseUrl: 'https://s4.example.com',
		});
		expect(() => demoSettingsFromEnvironment({ SIGNL4_API_KEY: 'k' })).toThrow(/needs SIGNL4_TEAM_SECRET/);
	});

	test('the callback Basic Auth must survive in a URL unescaped, as SIGNL4 sends it', () => {
		expect(demoSettingsFromEnvironment({ SIGNL4_CALLBACK_PASSWORD: 'Long-pass_word.1~' }).callbackAuth).toEqual({ user: 'signl4', password: 'Long-pass_word.1~' });
		expect(() => demoSettingsFromEnvironment({ SIGNL4_CALLBACK_PASSWORD: 'p@ss:word' })).toThrow(/letters, digits and -\._~ only/);
		expect(() => demoSettingsFromEnvironment({ SIGNL4_CALLBACK_USER: 'ops' })).toThrow(/must not be empty/);
	});

	test('WEBHOOK_URL is carried to n8n', () => {
		expect(demoSettingsFromEnvironment({ WEBHOOK_URL: 'https://n8n.example.com/' })).toEqual({ webhookUrl: 'https://n8n.example.com/' });
	});
});
