/**
 * The n8n editor in a real browser (Debian's Chromium, driven by playwright-core), on an n8n set up exactly as
 * `npm start` sets it up (test/e2e/fixtures/demo.ts): log in, open each reference workflow, open every node's
 * parameter panel, check that nothing errors (no page errors, no HTTP ≥ 400, no parameter issues) and that our icons
 * render; use the workspace picker and "Fetch Test Event" as a user would; acknowledge a Signl in the emulator's
 * SIGNL4 console and see it reach the incident. With SENTINEL_SCREENSHOTS=docs it refreshes the README's pictures in
 * docs/images, else it writes them to test-results/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Browser } from 'playwright-core';

import { closeNodePanel, dismissPopups, fitView, launchBrowser, logIn, openNodePanel, openWorkflow, packageIcons, publishState, type EditorSession } from './browser/editor';
import { startDemo, type Demo } from './fixtures/demo';
import { REFERENCE_WORKFLOWS, readReferenceWorkflow, type ReferenceWorkflowName } from './fixtures/referenceWorkflows';
import { e2eTest, eventually } from './harness';

jest.setTimeout(15 * 60_000);

const screenshotDir =
	process.env.SENTINEL_SCREENSHOTS === 'docs' ? path.resolve(__dirname, '../../docs/images') : path.resolve(__dirname, '../../test-results');

const SCREENSHOTS: Record<ReferenceWorkflowName, string> = {
	sentinelToSignl4: 'workflow-1-sentinel-to-signl4.png',
	signl4ToSentinel: 'workflow-2-signl4-to-sentinel.png',
	closedResolvesSignl4: 'workflow-3-sentinel-changes-to-signl4.png',
	pipelineHealth: 'workflow-4-pipeline-health.png',
	signl4History: 'workflow-5-signl4-history-to-log-analytics.png',
	defenderToSignl4: 'workflow-6-defender-xdr-to-signl4.png',
	defenderResolvedToSignl4: 'workflow-7-defender-xdr-resolved-to-signl4.png',
};

describe('the n8n editor in a browser, set up as npm start does', () => {
	let demo: Demo;
	let browser: Browser;
	let session: EditorSession;

	beforeAll(async () => {
		demo = await startDemo({ label: 'editor' });
		browser = await launchBrowser();
		session = await logIn(browser, demo.n8n);
		fs.mkdirSync(screenshotDir, { recursive: true });
	});

	beforeEach(() => {
		// Each case answers for what went wrong during it.
		if (session) session.problems.length = 0;
	});

	afterAll(async () => {
		await browser?.close();
		await demo?.stop();
	});

	for (const name of Object.keys(REFERENCE_WORKFLOWS) as ReferenceWorkflowName[]) {
		e2eTest(`reference workflow ${REFERENCE_WORKFLOWS[name].file}: every node panel opens without issues and our icons render`, async () => {
			const definition = readReferenceWorkflow(name);
			const panels = definition.nodes.filter((node) => node.type !== 'n8n-nodes-base.stickyNote');
			const shown = await openWorkflow(session, demo.n8n, demo.workflowIds[name]);
			expect([...shown].filter(Boolean).sort()).toEqual(panels.map((node) => node.name).sort());

			const icons = await packageIcons(session);
			expect(icons.length).toBeGreaterThan(0);
			expect(icons.filter((icon) => !icon.rendered)).toEqual([]);

			// The picture for the README: the workflow as imported and published, all of it in view.
			await dismissPopups(session);
			await fitView(session);
			await session.page.screenshot({ path: path.join(screenshotDir, SCREENSHOTS[name]) });

			// Only looking at a panel must not change the workflow: the editor rewrites parameters it would store
			// differently, and the user then sees "Publish" (unpublished changes) on a workflow they did not touch.
			expect(await publishState(session)).toBe('Published');
			const changedByLooking: string[] = [];
			for (const node of panels) {
				const panel = await openNodePanel(session, node.name);
				expect({ node: node.name, issues: panel.issues }).toEqual({ node: node.name, issues: [] });
				expect(panel.parameters).toBeGreaterThan(0);
				await closeNodePanel(session);
				if ((await publishState(session)) !== 'Published' && !changedByLooking.length) changedByLooking.push(node.name);
			}
			expect(session.problems).toEqual([]);
			expect({ panelsThatChangedTheWorkflow: changedByLooking }).toEqual({ panelsThatChangedTheWorkflow: [] });
		});
	}

	e2eTest('the SIGNL4 console: Signls from workflow 1; Acknowledge → workflow 2 makes the incident Active with that owner', async () => {
		const emulator = demo.emulator!;
		// Workflow 1 alerted the seeded incidents at activation.
		await eventually('a Signl for every seeded incident', () => emulator.signl4.alerts().length >= demo.seeded.length || undefined);
		// The one to acknowledge: a Signl whose evidence from Log Analytics has rows (the better picture), else the first.
		const signlOf = (incidentName: string) => emulator.signl4.alerts().find((candidate) => candidate.externalId?.endsWith(`:${incidentName}`));
		const first = demo.seeded.find((incident) => /[1-9]\d* with results/.test(signlOf(incident.name)?.text ?? '')) ?? demo.seeded[0];
		expect(signlOf(first.name)).toBeDefined();

		const consolePage = await browser.newPage({ viewport: { width: 1440, height: 900 }, ignoreHTTPSErrors: true });
		const consoleProblems: string[] = [];
		consolePage.on('pageerror', (error) => consoleProblems.push(`page error: ${error.message}`));
		consolePage.on('response', (response) => {
			if (response.status() >= 400) consoleProblems.push(`HTTP ${response.status()} ${response.url()}`);
		});
		try {
			await consolePage.goto(emulator.signl4.consoleUrl);
			const engineer = emulator.signl4.users[1];
			await consolePage.locator('#user option').first().waitFor({ state: 'attached' });
			await consolePage.locator('#user').selectOption(engineer.id);
			await consolePage.getByText(`Sentinel #${first.number}:`, { exact: false }).first().click();
			await consolePage.getByRole('button', { name: 'Acknowledge', exact: true }).click();

			const incident = await eventually('the incident to become Active with an owner', () => {
				const current = emulator.sentinel.getIncident(first.name);
				return current?.properties.status === 'Active' && current.properties.owner?.email ? current : undefined;
			});
			expect(incident.properties.owner?.email?.toLowerCase()).toBe(engineer.mail.toLowerCase());
			await eventually('the acknowledgement comment', () =>
				emulator.sentinel.comments(first.name).some((comment) => comment.properties.message.includes(`Acknowledged in SIGNL4 by ${engineer.name}`)) || undefined,
			);

			// An annotation in the app becomes a comment with its author.
			await consolePage.locator('#detail textarea').fill('Blocked the source IP at the firewall; checking the account next.');
			await consolePage.getByRole('button', { name: 'Annotate', exact: true }).click();
			await eventually('the annotation as a comment', () =>
				emulator.sentinel.comments(first.name).some((comment) => comment.properties.message.includes(`${engineer.name} in SIGNL4: Blocked the source IP`)) || undefined,
			);

			// The console refreshes every 2 s; its toast fades after 3.5 s.
			await consolePage.mouse.wheel(0, -10_000);
			await consolePage.mouse.move(5, 5);
			await consolePage.waitForTimeout(4_000);
			await consolePage.screenshot({ path: path.join(screenshotDir, 'signl4-console.png') });
			expect(consoleProblems).toEqual([]);
		} finally {
			await consolePage.close();
		}
	});

	e2eTest('workflow 1 after its run: the execution shows the incidents passing every node', async () => {
		const executions = await demo.n8n.waitForExecutions(demo.workflowIds.sentinelToSignl4, 1, 60_000);
		const last = executions[executions.length - 1];
		expect(last.status).toBe('success');
		await session.page.goto(`${demo.n8n.baseUrl}/workflow/${demo.workflowIds.sentinelToSignl4}/executions/${last.id}`);
		await session.page.locator('iframe, [data-test-id="canvas-node"]').first().waitFor();
		await session.page.waitForLoadState('networkidle');
		// The production checklist pops up about a second after the page loads.
		await session.page.waitForTimeout(1_500);
		await dismissPopups(session);
		// Whatever still floats over the execution (the production checklist opens late): Escape closes it.
		await session.page.keyboard.press('Escape');
		await session.page.waitForTimeout(1_000);
		await session.page.screenshot({ path: path.join(screenshotDir, 'workflow-1-execution.png') });
		expect(session.problems).toEqual([]);
	});

	e2eTest('the workspace picker lists the workspaces the principal can see, and Fetch Test Event returns an incident', async () => {
		const { page } = session;
		const emulator = demo.emulator!;
		const trigger = readReferenceWorkflow('sentinelToSignl4').nodes.find((node) => node.type.endsWith('.microsoftSentinelTrigger'))!;
		await openWorkflow(session, demo.n8n, demo.workflowIds.sentinelToSignl4);
		await openNodePanel(session, trigger.name);
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
		// The schema view shows the item's fields with their values; choosing it also closes the "you can pin this
		// output" hint that otherwise stays over the panel.
		await page.locator('[data-test-id="radio-button-schema"]').last().click();
		await dismissPopups(session);
		await page.waitForTimeout(500);
		await page.screenshot({ path: path.join(screenshotDir, 'sentinel-trigger-panel.png') });
		await closeNodePanel(session);
		expect(session.problems).toEqual([]);
	});
});
