/**
 * Driving the real n8n editor in Debian's Chromium with playwright-core: log in, open workflows and node panels,
 * collect what a user would see going wrong (page errors, error toasts, node issues, broken icons), and take
 * screenshots fit for the README.
 */
import { chromium, type Browser, type Page } from 'playwright-core';

import { OWNER_EMAIL, OWNER_PASSWORD, type N8nInstance } from '../harness';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: CHROMIUM,
		// This machine has no network but loopback: keep Chromium from reaching out (it would fail noisily).
		args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	});
}

export interface EditorSession {
	page: Page;
	/** Uncaught page errors, console errors and HTTP responses ≥ 400 seen since login. */
	problems: string[];
}

export async function logIn(browser: Browser, n8n: N8nInstance): Promise<EditorSession> {
	const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
	const problems: string[] = [];
	let loggedIn = false;
	page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
	page.on('console', (message) => {
		// "Failed to load resource" repeats a failed response without its URL; responses are checked below instead.
		if (loggedIn && message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
			problems.push(`console: ${message.text()}`);
		}
	});
	page.on('response', (response) => {
		// Before login the editor probes /rest/login and gets a 401 by design. n8n ships no output schema for some of
		// its own nodes (Set, If, Switch): the editor asks and gets 404 for those on any n8n; ours must all be there.
		if (!loggedIn || response.status() < 400) return;
		if (response.status() === 404 && new URL(response.url()).pathname.startsWith('/schemas/n8n-nodes-base.')) return;
		problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
	});
	await page.goto(`${n8n.baseUrl}/signin`);
	await page.fill('input[name="emailOrLdapLoginId"]', OWNER_EMAIL);
	await page.fill('input[name="password"]', OWNER_PASSWORD);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.includes('signin'));
	loggedIn = true;
	return { page, problems };
}

/** Opens a workflow on the canvas and returns the names of its nodes (sticky notes included) as the canvas shows them. */
export async function openWorkflow(session: EditorSession, n8n: N8nInstance, workflowId: string): Promise<string[]> {
	await session.page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
	await session.page.locator('[data-test-id="canvas-node"]').first().waitFor();
	await session.page.waitForLoadState('networkidle');
	return session.page.$$eval('[data-test-id="canvas-node"]', (nodes) => nodes.map((node) => node.getAttribute('data-node-name') ?? ''));
}

/** Closes what n8n pops up over the editor (notifications, the production checklist), as a user would. */
export async function dismissPopups(session: EditorSession): Promise<void> {
	const { page } = session;
	for (const selector of [
		'.el-notification .el-notification__closeBtn',
		'[data-test-id="workflow-production-checklist"] [aria-label="Close"]',
		'[data-test-id="suggested-action-close"]',
	]) {
		for (const button of await page.locator(selector).all()) {
			await button.click({ timeout: 2_000 }).catch(() => undefined);
		}
	}
	await page.mouse.move(2, 450);
}

/** The publish button's word: "Published" when the live version is what the editor shows, "Publish" after a change. */
export async function publishState(session: EditorSession): Promise<string> {
	return (await session.page.locator('[data-test-id="workflow-open-publish-modal-button"]').innerText()).trim();
}

/** Fits the whole workflow into the view (the "zoom to fit" button), then waits for the animation to settle. */
export async function fitView(session: EditorSession): Promise<void> {
	const { page } = session;
	const button = page.locator('[data-test-id="zoom-to-fit"]');
	if (await button.count()) await button.first().click();
	else await page.keyboard.press('1');
	await page.waitForTimeout(800);
}

/** Icons of this package's nodes on the canvas, with whether the browser could render them. */
export async function packageIcons(session: EditorSession): Promise<Array<{ src: string; rendered: boolean }>> {
	return session.page.$$eval('[data-test-id="canvas-node"] img', (images) =>
		images
			.filter((image) => (image.getAttribute('src') ?? '').includes('/icons/n8n-nodes-sentinel-signl4/'))
			.map((image) => ({ src: image.getAttribute('src') ?? '', rendered: (image as unknown as { complete: boolean; naturalWidth: number }).complete && (image as unknown as { naturalWidth: number }).naturalWidth > 0 })),
	);
}

/** Opens a node's parameter panel and reports what is wrong in it (error notifications, parameter issues). */
export async function openNodePanel(session: EditorSession, nodeName: string): Promise<{ parameters: number; issues: string[] }> {
	const { page } = session;
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]').waitFor();
	// Parameters load their options and the output schema asynchronously; let them finish before judging.
	await page.waitForLoadState('networkidle');
	await page.waitForTimeout(500);
	const issues = await page.$$eval('[data-test-id="ndv"] [data-test-id="parameter-issues"], .el-notification--error, [role="alert"].el-message--error', (elements) =>
		elements.map((element) => element.textContent?.trim() || element.getAttribute('title') || 'issue'),
	);
	const parameters = await page.locator('[data-test-id="ndv"] [data-test-id="parameter-item"]').count();
	return { parameters, issues };
}

export async function closeNodePanel(session: EditorSession): Promise<void> {
	await session.page.locator('[data-test-id="ndv-close-button"]').click();
	await session.page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}
