import { describeAzureError } from '../../../nodes/shared/azure/errors';

const context = { action: 'poll incidents' };

describe('Azure error descriptions', () => {
	it('names the AADSTS code and a fix, never the identity provider text', () => {
		const error = Object.assign(new Error('AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value. Trace ID: abc'), {
			name: 'AuthenticationError',
			statusCode: 401,
			errorResponse: { error: 'invalid_client', errorDescription: 'AADSTS7000215: Invalid client secret provided. Trace ID: abc Correlation ID: def' },
		});
		const described = describeAzureError(error, context);
		expect(described.message).toBe('Could not sign in to Azure (AADSTS7000215)');
		expect(described.description).toMatch(/Value \(not its Secret ID\)/);
		expect(JSON.stringify(described)).not.toMatch(/Trace ID|Correlation ID|Invalid client secret provided/);
	});

	it.each([
		[403, 'AuthorizationFailed', /Microsoft Sentinel Reader/],
		[404, 'ResourceNotFound', /subscription, resource group and workspace/],
		[429, undefined, /Try again later/],
		[503, 'ServiceUnavailable', /temporary Azure fault/],
	])('explains ARM %s', (status, code, hint) => {
		const described = describeAzureError({ name: 'RestError', statusCode: status, details: { error: { code, message: 'raw' } } }, context);
		expect(`${described.message} ${described.description}`).toMatch(hint);
		expect(described.httpCode).toBe(String(status));
	});

	it("keeps ARM's validation message for 400s, with tokens scrubbed and length bounded", () => {
		const token = 'eyJ' + 'a'.repeat(120) + '.' + 'b'.repeat(40);
		const described = describeAzureError(
			{ statusCode: 400, details: { error: { code: 'BadRequest', message: `classification 'BenignPositive' must have classificationReason. ${token} ${'x'.repeat(900)}` } } },
			context,
		);
		expect(described.message).toContain("classification 'BenignPositive' must have classificationReason.");
		expect(described.message).not.toContain(token);
		expect(described.message.length).toBeLessThan(600);
	});

	it('points at the CA field for untrusted certificates', () => {
		expect(describeAzureError({ code: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' }, context).message).toMatch(/Extra CA Certificate/);
	});
});

describe('network failures', () => {
	it.each(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT'])('describes %s in words (n8n would replace a message containing the code)', (code) => {
		const described = describeAzureError({ code, message: `connect ${code} 10.0.0.1:443` }, context);
		expect(described.message).toMatch(/^Could not reach Azure: the /);
		expect(described.message).not.toContain(code);
	});
});
