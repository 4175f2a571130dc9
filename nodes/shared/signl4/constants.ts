/** Shared names and SIGNL4 facts (see docs/wire-signl4.md in the workspace for the sources). */

export const SIGNL4_CREDENTIAL = 'signl4OnCallApi';
export const SIGNL4_PUBLIC_BASE_URL = 'https://connect.signl4.com';

/**
 * Placeholder path segment the transport puts where the team/integration secret belongs. The credential's
 * `authenticate` replaces it, so node code never handles the secret and it never appears in a URL the node built.
 */
export const TEAM_SECRET_PLACEHOLDER = '{teamSecret}';

/** Inbound webhook (team secret in the path, no other auth). */
export const WEBHOOK_PATH = `/webhook/${TEAM_SECRET_PLACEHOLDER}`;
/** Same semantics as the webhook, authenticated additionally with the API key (used by the credential test). */
export const API_EVENTS_PATH = `/api/v2/events/${TEAM_SECRET_PLACEHOLDER}`;
/** REST API root (v1 lives at the root of /api). */
export const API_PREFIX = '/api';
/** Path of the credential test: the credential maps it to the API-key events endpoint when a key is set, else the webhook. */
export const CREDENTIAL_TEST_PATH = '/{signl4CredentialTest}';
/** The external ID the credential test resolves: nothing carries it, so the test raises and closes nothing. */
export const CREDENTIAL_TEST_EXTERNAL_ID = 'n8n-credential-test';

/** SIGNL4 attachment limits (support article "Payload schema / event parsing"). */
export const MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024;
export const ATTACHMENT_TYPES: Record<string, string[]> = {
	'image/png': ['png'],
	'image/tiff': ['tif', 'tiff'],
	'image/jpeg': ['jpg', 'jpeg'],
	'image/gif': ['gif'],
	'image/bmp': ['bmp'],
	'audio/mpeg': ['mp3'],
	'audio/wav': ['wav'],
	'audio/x-wav': ['wav'],
	'audio/aiff': ['aif', 'aiff'],
	'audio/x-aiff': ['aif', 'aiff'],
	'audio/mp4': ['m4a'],
	'audio/x-m4a': ['m4a'],
	'text/plain': ['txt'],
	'application/pdf': ['pdf'],
	'video/quicktime': ['mov'],
	'video/mp4': ['mp4'],
};

/** Alert status codes: 1 new, 2 acknowledged, 4 closed are documented; the enum's 0/8/16/32 are not. */
export const ALERT_STATUS_NAMES: Record<number, string> = {
	1: 'new',
	2: 'acknowledged',
	4: 'closed',
};

export const ALERTING_SCENARIOS = ['single_ack', 'multi_ack', 'emergency'] as const;
export type AlertingScenario = (typeof ALERTING_SCENARIOS)[number];

/** Outbound webhook event types (signl4.com outbound-webhooks page). */
export const CALLBACK_EVENT_TYPES = {
	created: 200,
	statusChanged: 201,
	escalated: 202,
	annotated: 203,
	dutyStarted: 300,
	dutyEnded: 301,
	punchedIn: 302,
	punchedOut: 303,
} as const;
