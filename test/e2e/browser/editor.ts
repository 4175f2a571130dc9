/**
 * Driving the real n8n editor in Debian's Chromium with playwright-core: log in, open workflows and node panels,
 * collect what a user would see going wrong (page errors, error toasts, node issues, broken icons).
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
	/** Uncaught page errors and console errors seen since login. */
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
		// Before login the editor probes /rest/login and gets a 401 by design.
		if (loggedIn && response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.request().method()} ${response.url()}`);
	});
	await page.goto(`${n8n.baseUrl}/signin`);
	await page.fill('input[name="emailOrLdapLoginId"]', OWNER_EMAIL);
	await page.fill('input[name="password"]', OWNER_PASSWORD);
	await page.click('[data-test-id="form-submit-button"]');
	await page.waitForURL((url) => !url.pathname.includes('signin'));
	loggedIn = true;
	return { page, problems };
}

export async function openWorkflow(session: EditorSession, n8n: N8nInstance, workflowId: string): Promise<string[]> {
	await session.page.goto(`${n8n.baseUrl}/workflow/${workflowId}`);
	await session.page.locator('[data-test-id="canvas-node"]').first().waitFor();
	return session.page.$$eval('[data-test-id="canvas-node"]', (nodes) => nodes.map((node) => node.getAttribute('data-node-name') ?? ''));
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
	await page.waitForTimeout(500);
	const issues = await page.$$eval('[data-test-id="ndv"] [data-test-id="parameter-issues"], .el-notification--error, [role="alert"].el-message--error', (elements) =>
		elements.map((element) => element.textContent?.trim() ?? 'issue'),
	);
	const parameters = await page.locator('[data-test-id="ndv"] [data-test-id="parameter-item"]').count();
	return { parameters, issues };
}

export async function closeNodePanel(session: EditorSession): Promise<void> {
	await session.page.locator('[data-test-id="ndv-close-button"]').click();
	await session.page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden' });
}
