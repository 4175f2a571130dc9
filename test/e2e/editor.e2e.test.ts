/**
 * The n8n editor in a real browser (Debian's Chromium, driven by playwright-core): log in, open the workflows,
 * open every node's parameter panel, check nothing errors and our icons render, use the workspace picker and
 * "Fetch Test Event" as a user would. With SENTINEL_SCREENSHOTS=docs it refreshes the README's pictures in docs/images.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Browser } from 'playwright-core';

import { startEmulator } from '../emulator';
import { emulatorAzureCredential, sentinelTriggerNode, type RunningEmulator } from './fixtures/sentinel';
import { closeNodePanel, launchBrowser, logIn, openNodePanel, openWorkflow, packageIcons, type EditorSession } from './browser/editor';
import { N8nInstance, e2eTest, fixtureId, linearWorkflow, noOpNode } from './harness';

jest.setTimeout(15 * 60_000);

const WORKFLOW_ID = fixtureId('editorCheck');
const screenshotDir =
	process.env.SENTINEL_SCREENSHOTS === 'docs' ? path.resolve(__dirname, '../../docs/images') : path.resolve(__dirname, '../../test-results');

describe('the n8n editor in a browser', () => {
	let emulator: RunningEmulator;
	let n8n: N8nInstance;
	let browser: Browser;
	let session: EditorSession;

	beforeAll(async () => {
		emulator = await startEmulator();
		emulator.sentinel.seed(4, { createdWithinMinutes: 120 });
		const credential = emulatorAzureCredential(emulator);
		n8n = await N8nInstance.start({
			label: 'editor',
			credentials: [credential],
			workflows: [
				linearWorkflow({
					id: WORKFLOW_ID,
					name: 'Sentinel incidents (editor check)',
					nodes: [sentinelTriggerNode(emulator, credential), { ...noOpNode(), name: 'Incident received' }],
				}),
			],
		});
		browser = await launchBrowser();
		session = await logIn(browser, n8n);
		fs.mkdirSync(screenshotDir, { recursive: true });
	});

	afterAll(async () => {
		await browser?.close();
		await n8n?.stop();
		await emulator?.stop();
	});

	e2eTest('opens the workflow, every node panel, and renders our icons', async () => {
		const nodes = await openWorkflow(session, n8n, WORKFLOW_ID);
		expect(nodes).toEqual(['Microsoft Sentinel Trigger', 'Incident received']);
		const icons = await packageIcons(session);
		expect(icons.length).toBeGreaterThan(0);
		expect(icons.filter((icon) => !icon.rendered)).toEqual([]);
		await session.page.screenshot({ path: path.join(screenshotDir, 'workflow-canvas.png') });

		for (const name of nodes) {
			const panel = await openNodePanel(session, name);
			expect({ name, issues: panel.issues }).toEqual({ name, issues: [] });
			expect(panel.parameters).toBeGreaterThan(0);
			await closeNodePanel(session);
		}
		expect(session.problems).toEqual([]);
	});

	e2eTest('the workspace picker lists the workspaces the principal can see, and Fetch Test Event returns an incident', async () => {
		const { page } = session;
		await openWorkflow(session, n8n, WORKFLOW_ID);
		await openNodePanel(session, 'Microsoft Sentinel Trigger');
		const workspace = page.locator('[data-test-id="resource-locator-workspace"]');
		await workspace.locator('[data-test-id="rlc-mode-selector"]').click();
		await page.locator('[data-test-id="mode-list"]').click();
		await workspace.locator('[data-test-id="rlc-input"]').click();
		const items = page.locator('[data-test-id="rlc-item"]');
		await items.first().waitFor();
		const listed = await items.allTextContents();
		expect(listed.some((text) => text.includes(emulator.workspace.name))).toBe(true);
		await items.filter({ hasText: emulator.workspace.name }).first().click();

		await page.locator('[data-test-id="node-execute-button"]').click();
		// The newest matching incident appears in the output panel.
		const newest = emulator.sentinel
			.listIncidents()
			.filter((incident) => incident.properties.status === 'New')
			.sort((a, b) => b.properties.createdTimeUtc.localeCompare(a.properties.createdTimeUtc))[0];
		await page.getByText(newest.properties.title, { exact: false }).first().waitFor({ timeout: 30_000 });
		await page.screenshot({ path: path.join(screenshotDir, 'sentinel-trigger-panel.png') });
		await closeNodePanel(session);
		expect(session.problems).toEqual([]);
	});
});
