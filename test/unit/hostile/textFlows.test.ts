/**
 * Incident titles, descriptions and entity names with KQL and Markdown metacharacters flowing through Enrich Incident
 * (they are data: they never reach a query), Run Query parameters (names and values that cannot be written are
 * refused before anything is sent), Microsoft Sentinel comments (shown as written) and SIGNL4 acknowledge/resolve by
 * external ID and the SIGNL4 base URL.
 */
import type { IDataObject } from 'n8n-workflow';

import { formatExternalId } from '../../../nodes/shared/sentinel/externalId';
import type { Emulator } from '../../emulator';
import { runNode } from '../../helpers/n8nHarness';
import { enrichmentOf, enrichParameters, expectedEvidence, incidentItem, run as runLogAnalytics, runQueryParameters } from '../logAnalytics/support';
import { CREDENTIAL, NODE_TYPE, incidentItem as sentinelIncidentItem, signl4Credential, signl4Node } from '../signl4/fixtures';
import { resetEmulator, run as runSentinel, startNodeEmulator, triggerItem } from '../sentinelNode/support';
import { expectClearError, hostileSuite, outcomeOf, type Outcome } from './support';

jest.setTimeout(120_000);

const suite = hostileSuite('textFlows.test.ts');

const HOSTILE_TEXT: Array<[label: string, text: string]> = [
	['single quote and pipe', "x' | union * | take 1000 //"],
	['double quote and semicolon', 'a"; SecurityEvent | take 1; print "'],
	['line comment', '// the rest is a comment'],
	['newlines and a pipe', 'first\n| project secret\r\nthird'],
	['Markdown link and ]]', '[click](https://evil.example) ]] **bold** `code`'],
	['HTML script', '<script>alert(document.cookie)</script>'],
	['zero-width characters', 'pay\u200Bpal\u200C\u200D\uFEFF'],
	['right-to-left override', 'invoice\u202Efdp.exe'],
	['lone surrogates', 'half \uD83D and \uDE00 halves'],
	['NUL and escape', 'a\u0000b\u001B[31mred'],
];

let emu: Emulator;
beforeAll(async () => {
	emu = await startNodeEmulator();
});
afterAll(() => emu.stop());
afterEach(() => {
	resetEmulator(emu);
	emu.signl4.reset();
});

describe('Enrich Incident: hostile incident text is data, never query text', () => {
	test.each(HOSTILE_TEXT)('%s in the title, description and entity names', async (_label, text) => {
		suite.count();
		const incident = emu.sentinel.createIncident({ title: `T ${text}`, description: text, alerts: [{ scheduledRule: 'rare-system-process' }] });
		const item: IDataObject = { ...incidentItem(emu, incident), entities: { accounts: [{ name: text, upn: text }], hosts: [{ hostName: text }] } };
		emu.clearRequests();
		const result = await runLogAnalytics(emu, enrichParameters(), [item]);
		expect(result.error).toBeUndefined();
		const { enrichment: _enrichment, ...rest } = result.items[0].json;
		// The item passes on exactly as it came (the text included) …
		expect(rest).toEqual(item);
		// … and the one query that ran is exactly the rule's query as Sentinel recorded it (pinned to its window's end).
		const sent = emu.requests.filter((r) => r.route === 'loganalytics.query').map((r) => (r.body as { query: string }).query);
		expect(sent).toEqual([expectedEvidence(emu, incident.name)[0].query]);
		expect(enrichmentOf(result.items[0].json).alerts[0].status).toBe('ok');
	});
});

describe('Run Query: parameters that cannot be written are refused before anything is sent', () => {
	const cases: Array<[label: string, name: string, type: string, value: unknown, message: RegExp]> = [
		['name with a statement break', 'p; SecurityEvent', 'string', 'x', /parameter/i],
		['name with a quote', "p'", 'string', 'x', /parameter/i],
		['name starting with a digit', '1p', 'string', 'x', /parameter/i],
		['empty name', '', 'string', 'x', /parameter/i],
		['name with a newline', 'p\n| take 1', 'string', 'x', /parameter/i],
		['name that is a keyword', 'let', 'string', 'x', /parameter/i],
		['long with an injected tail', 'n', 'long', '5) | take 1', /parameter/i],
		['long beyond 64 bits', 'n', 'long', '99999999999999999999999', /parameter/i],
		['real that is text', 'r', 'real', '1.5; drop', /parameter/i],
		['bool that is text', 'b', 'bool', 'yes please', /parameter/i],
		['datetime that is HTML', 'd', 'datetime', '<script>', /parameter/i],
		['timespan with a tail', 't', 'timespan', '1d | take 1', /parameter/i],
		['dynamic that is not JSON', 'j', 'dynamic', '{"a": ', /parameter/i],
		['string with a lone surrogate', 's', 'string', 'half \uD83D', /parameter/i],
		['string over 32,768 characters', 's', 'string', 'x'.repeat(40_000), /parameter/i],
	];

	test.each(cases)('%s', async (_label, name, type, value, message) => {
		suite.count();
		emu.clearRequests();
		const outcome = await outcomeOf(
			runLogAnalytics(emu, runQueryParameters(emu, { query: 'print 1', parameters: { parameter: [{ name, type, value: value as string }] } })),
		);
		expectClearError(outcome, message, [typeof value === 'string' && value.length > 8 ? value : '\u0000never']);
		expect(emu.requestCount('loganalytics.query')).toBe(0);
	});

	test('under continue on fail, one bad parameter value fails only its item', async () => {
		suite.count();
		const items = [{ v: 'ok' }, { v: 'half \uD83D' }, { v: "x' | take 1" }];
		const result = await runLogAnalytics(emu, runQueryParameters(emu, { query: 'print echoed = v', parameters: { parameter: [{ name: 'v', type: 'string', value: '={{ $json.v }}' }] } }), items, true);
		expect(result.items).toHaveLength(3);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(result.items[0].json).toMatchObject({ echoed: 'ok' });
		expect(result.items[1].json.error).toMatch(/parameter/i);
		expect(result.items[2].json).toMatchObject({ echoed: "x' | take 1" });
	});
});

describe('Microsoft Sentinel Add Comment: hostile text is shown as written', () => {
	// Found by this suite: half a character was posted as it was, so the portal showed garbage; now U+FFFD.
	test('lone surrogates are not posted as half characters', async () => {
		suite.count();
		const incident = emu.sentinel.createIncident();
		const outcome = await outcomeOf(runSentinel(emu, 'addComment', { message: 'half \uD83D and \uDE00 halves', format: 'plainText', options: {} }, { input: [triggerItem(emu, incident)] }));
		const posted = emu.sentinel.comments(incident.name).map((c) => c.properties.message);
		if (outcome.kind === 'error') expect(posted).toEqual([]);
		else expect(posted.join()).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
	});

	test.each(HOSTILE_TEXT.filter(([label]) => label !== 'lone surrogates'))('%s (plain text)', async (_label, text) => {
		suite.count();
		const incident = emu.sentinel.createIncident();
		const outcome = await outcomeOf(runSentinel(emu, 'addComment', { message: text, format: 'plainText', options: {} }, { input: [triggerItem(emu, incident)] }));
		const comments = emu.sentinel.comments(incident.name);
		if (outcome.kind === 'error') {
			// Text that cannot travel (half a character) is refused with a clear message and nothing posted.
			expectClearError(outcome, /./);
			expect(comments).toHaveLength(0);
			return;
		}
		expect(outcome.kind).toBe('ok');
		expect(comments).toHaveLength(1);
		const posted = comments[0].properties.message;
		// HTML is escaped so the portal shows it as text; nothing is left that the portal would run or render as a tag.
		expect(posted).not.toMatch(/<script/i);
		expect(posted).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
		if (!/[<>&\n\uD800-\uDFFF\u0000-\u001F]/.test(text)) expect(posted).toContain(text.replace(/\u0000/g, ''));
	});
});

describe('SIGNL4: bad external IDs and base URLs', () => {
	const run = (operation: string, parameters: IDataObject, credential: IDataObject = signl4Credential(emu, { apiKey: '' }), input: IDataObject[] = [{}]) =>
		outcomeOf(
			runNode({
				nodeType: signl4Node,
				typeName: NODE_TYPE,
				parameters: { resource: 'alert', operation, ...parameters },
				credentials: { [CREDENTIAL]: credential as never },
				input,
			}),
		);

	const externalIds: Array<[label: string, externalId: string]> = [
		['blank', '   '],
		['5,000 characters', 'x'.repeat(5000)],
		['newline', 'INC-1\nX-S4-Status: resolved'],
		['NUL', 'INC\u00001'],
		['lone surrogate', 'INC-\uD83D'],
		['path and query characters', '../../api/v2/alerts?x=1#y'],
	];

	/** Blank is refused; anything else is data in the webhook's JSON body (no header or path to break), matching nothing. */
	function expectExternalIdOutcome(outcome: Outcome, externalId: string, status: string): void {
		if (!externalId.trim()) {
			expectClearError(outcome, /^The custom external ID is empty$/, [emu.signl4.team.secret]);
			return;
		}
		if (outcome.kind !== 'ok') throw new Error(`expected the event to be sent, got ${outcome.kind}`);
		expect(outcome.run.items[0].json).toMatchObject({ status, externalId, channel: 'webhook', incidentName: null });
		const bodies = emu.requests.filter((r) => r.route === 'signl4.webhook').map((r) => r.body as IDataObject);
		expect(bodies.at(-1)).toMatchObject({ 'X-S4-ExternalID': externalId, 'X-S4-Status': status });
	}

	test.each(externalIds)('resolve by custom external ID: %s', async (_label, externalId) => {
		suite.count();
		const signl = emu.signl4.raise({ title: 'keep me', externalId: 'INC-1' });
		const outcome = await run('resolve', { externalIdSource: 'custom', externalId, options: {} });
		expectExternalIdOutcome(outcome, externalId, 'resolved');
		expect(emu.signl4.alert(signl.id)?.status).not.toBe('resolved');
	});

	test.each(externalIds)('acknowledge by custom external ID: %s', async (_label, externalId) => {
		suite.count();
		const signl = emu.signl4.raise({ title: 'keep me', externalId: 'INC-1' });
		const outcome = await run('acknowledge', { via: 'webhook', externalIdSource: 'custom', externalId, options: {} });
		expectExternalIdOutcome(outcome, externalId, 'acknowledged');
		expect(emu.signl4.alert(signl.id)?.acknowledgedUserIds ?? []).toEqual([]);
	});

	test('from a Sentinel item whose incident reference is hostile: a clear error, nothing resolved', async () => {
		suite.count();
		const signl = emu.signl4.raise({ title: 'keep me', externalId: formatExternalId({ subscriptionId: '3f2b6c1e-8a4d-4e2f-9b7c-1d2e3f4a5b6c', resourceGroup: 'rg', workspaceName: 'ws', incidentName: 'abc' }) });
		const outcome = await run('resolve', { externalIdSource: 'incident', options: {} }, signl4Credential(emu, { apiKey: '' }), [{ incidentName: "x' | take 1", workspace: { armId: 'not a workspace' } }]);
		expectClearError(outcome, /./, [emu.signl4.team.secret]);
		expect(emu.signl4.alert(signl.id)?.status).not.toBe('resolved');
	});

	const FAILED_BEFORE = /^Could not send the alert: the request to SIGNL4 failed before an answer arrived$/;
	const baseUrls: Array<[label: string, baseUrl: string, message: RegExp]> = [
		['not a URL', 'not a url', FAILED_BEFORE],
		['javascript scheme', 'javascript:alert(1)', /^Could not reach SIGNL4 to send the alert/],
		['file scheme', 'file:///etc/passwd', FAILED_BEFORE],
		['nobody listening', 'https://127.0.0.1:1', /^The service refused the connection/],
		['credentials in the URL', 'https://user:pass@127.0.0.1:1', /^The service refused the connection/],
		['a host that is not SIGNL4', 'https://example.invalid', /^The connection cannot be established/],
	];

	test.each(baseUrls)('send with base URL %s: a clear error without the secret', async (_label, baseUrl, message) => {
		suite.count();
		const outcome = await run('send', { options: { checkAfterTimeout: false, timeoutSeconds: 5 } }, signl4Credential(emu, { baseUrl, apiKey: '' }), [sentinelIncidentItem()]);
		expectClearError(outcome, message, [emu.signl4.team.secret, 'pass@']);
		expect(emu.signl4.alerts()).toHaveLength(0);
	});
});
