import type { ICredentialTestFunctions, ICredentialsDecrypted, INodeCredentialTestResult } from 'n8n-workflow';

/** Nothing remote to call for the push secret: check that the playbook can send it as the template does. */
export async function sentinelPushAuthTest(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	if (credential.type === 'signl4TriggerHeaderAuthApi') {
		const name = String(data.name ?? '');
		if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return { status: 'Error', message: 'The header name is empty or not a valid HTTP header name' };
		if (String(data.headerSecret ?? '').length < 16) return { status: 'Error', message: 'Use a header value of at least 16 characters (the template requires it)' };
		return { status: 'OK', message: 'Complete. The playbook must send this header (deploy/push sets X-Sentinel-Push-Secret).' };
	}
	if (!String(data.user ?? '') || String(data.password ?? '').length < 16) {
		return { status: 'Error', message: 'Set a user and a password of at least 16 characters' };
	}
	return { status: 'OK', message: 'Complete. The playbook must send these as Basic Auth.' };
}
