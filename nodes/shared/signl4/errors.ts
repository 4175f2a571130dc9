/**
 * Status- and code-keyed messages for SIGNL4 answers. SIGNL4's error body is `{code, message, details?, requestId?}`
 * (REST `ErrorResponseContent`); `details` can repeat the secret ("An event source with ID <secret> was not
 * found."), so it is never shown.
 */

export interface Signl4ErrorBody {
	code?: number;
	message?: string;
	requestId?: string;
}

export function signl4ErrorBody(body: unknown): Signl4ErrorBody {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return {};
	const raw = body as Record<string, unknown>;
	return {
		code: typeof raw.code === 'number' ? raw.code : undefined,
		// SIGNL4's `message` is a short generic phrase ("Error raising event."); cap it anyway.
		message: typeof raw.message === 'string' ? raw.message.slice(0, 200) : undefined,
		requestId: typeof raw.requestId === 'string' ? raw.requestId : undefined,
	};
}

export interface DescribedError {
	message: string;
	description?: string;
	code?: number;
}

export function describeSignl4Status(
	status: number,
	body: Signl4ErrorBody,
	channel: 'webhook' | 'apiEvents' | 'api',
	action: string,
): DescribedError {
	const reference = body.requestId ? ` SIGNL4 request ID: ${body.requestId}.` : '';
	const said = body.message ? ` SIGNL4 said: "${body.message}".` : '';
	const code = body.code;
	if (status === 404 && (code === 3004 || channel !== 'api')) {
		return {
			message: `SIGNL4 does not know the team or integration secret in the credential; could not ${action}`,
			description: `Copy the secret again from the SIGNL4 portal (Teams → your team → Secret, or Integrations → the integration).${reference}`,
			code,
		};
	}
	if (status === 401) {
		return {
			message: `SIGNL4 rejected the API key in the credential; could not ${action}`,
			description: `Create or copy an API key in the SIGNL4 portal (Integrations → API) and put it into the credential.${reference}`,
			code,
		};
	}
	if (status === 403) {
		return {
			message: `The SIGNL4 API key may not ${action}`,
			description: `API keys can be limited to one team; use a key of the team that owns the alert.${reference}`,
			code,
		};
	}
	if (status === 404) {
		return { message: `SIGNL4 found nothing to ${action} (404)`, description: `Check the alert ID.${said}${reference}`, code };
	}
	if (status === 409) {
		return {
			message: `SIGNL4 refused to ${action}: the alert's current status does not allow it (409)`,
			description: `For example an alert that is already closed cannot be acknowledged.${said}${reference}`,
			code,
		};
	}
	if (status === 400 || status === 415 || status === 422) {
		return {
			message: `SIGNL4 rejected the request to ${action} as invalid (${status})`,
			description: `${said.trim() || 'Check the fields you set.'}${reference}`,
			code,
		};
	}
	if (status === 405) {
		return { message: `SIGNL4 does not accept this request (405); could not ${action}`, description: 'Check the base URL in the credential.', code };
	}
	if (status >= 500) {
		return {
			message: `SIGNL4 had an internal error (${status}); could not confirm that it could ${action}`,
			description: `It was not sent again.${reference}`,
			code,
		};
	}
	return { message: `SIGNL4 answered ${status}; could not ${action}`, description: `${said.trim()}${reference}` || undefined, code };
}
