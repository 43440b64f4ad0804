import { mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { isAbsolute, join } from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';

import { OWNER } from './runtime/n8n';
import { ROOT } from './runtime/pack';
import { importDemoWorkflows, withNode, type ImportedWorkflow } from './runtime/workflows';
import { lastSeq, PKG, requestsSince, setupContext, type E2eContext } from './support/context';
import { ensureDebianPackage } from '../support/debianPackages';

/*
 * The editor as a user sees it, in headless Debian Chromium (never a downloaded browser):
 * sign in, find the nodes in the node picker, open the demo workflows, pick a base and a table
 * from lists the emulator serves, and keep screenshots for the README in docs/screenshots/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Screenshots go to a temporary folder so test runs leave the checkout clean;
// `npm run screenshots` (E2E_SCREENSHOTS_DIR=docs/screenshots) refreshes the README's.
const target = process.env.E2E_SCREENSHOTS_DIR;
const SHOTS = target ? (isAbsolute(target) ? target : join(ROOT, target)) : join(tmpdir(), 'airtable-sync-e2e-screenshots');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

let ctx: E2eContext;
let browser: Browser;
let page: Page;
let workflows: ImportedWorkflow[];

beforeAll(async () => {
	ensureDebianPackage('chromium', 'chromium', 'the headless-browser check');
	mkdirSync(SHOTS, { recursive: true });
	ctx = await setupContext('browser', {}, 'Airtable emulator (demo token)');
	workflows = await importDemoWorkflows(ctx.n8n, ctx.credential);
	browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
	page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
	page.setDefaultTimeout(30_000);
});

afterAll(async () => {
	await browser?.close();
	await ctx?.close();
});

const shot = async (name: string) => await page.screenshot({ path: join(SHOTS, name) });

async function openWorkflow(workflow: ImportedWorkflow): Promise<void> {
	await page.goto(`${ctx.n8n.url}/workflow/${workflow.id}`);
	await page.waitForSelector('[data-test-id="canvas-node"]');
	await page.waitForTimeout(1000);
}

const nodeOnCanvas = (name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

describe('the n8n editor in a headless browser', () => {
	it('signs in', async () => {
		await page.goto(`${ctx.n8n.url}/signin`);
		await page.fill('input[name=emailOrLdapLoginId]', OWNER.email);
		await page.fill('input[name=password]', OWNER.password);
		await page.click('[data-test-id="form-submit-button"]');
		await page.waitForURL((url) => !url.pathname.includes('signin'));
		expect(new URL(page.url()).pathname).not.toContain('signin');
	});

	it('shows the route demo on the canvas, with the flag node and its On/Off outputs', async () => {
		await openWorkflow(withNode(workflows, `${PKG}.airtableConfigFlags`));
		await expect(nodeOnCanvas('Airtable Config Flags').count()).resolves.toBe(1);
		await expect(nodeOnCanvas('New checkout').count()).resolves.toBe(1);
		await expect(nodeOnCanvas('Old checkout').count()).resolves.toBe(1);
		await shot('canvas-config-flags-route.png');
	});

	it('lists all five nodes in the node picker when searching "Airtable"', async () => {
		await openWorkflow(withNode(workflows, `${PKG}.airtableRecords`));
		await shot('canvas-records.png');
		await page.click('[data-test-id="node-creator-plus-button"]');
		await page.waitForSelector('[data-test-id="node-creator-search-bar"]');
		await page.keyboard.type('Airtable');
		await page.waitForTimeout(1000);
		const names = await page.locator('[data-test-id="node-creator-item-name"]').allInnerTexts();
		for (const name of ['Airtable Records', 'Airtable Batch Upsert', 'Airtable List', 'Airtable Config Flags']) expect(names).toContain(name);
		// n8n shows triggers without the word "Trigger" in the picker.
		expect(names.some((n) => n.startsWith('Airtable Instant'))).toBe(true);
		await shot('node-picker.png');
		await page.keyboard.press('Escape');
		await page.waitForTimeout(500);
	});

	it('opens the Records node and picks a base and a table from lists served by the emulator', async () => {
		const seq = await lastSeq(ctx);
		await nodeOnCanvas('Airtable Records').dblclick();
		await page.waitForSelector('[data-test-id="ndv"] [data-test-id="resource-locator-base"]');
		await page.waitForTimeout(1000);

		await page.click('[data-test-id="resource-locator-base"] [data-test-id="rlc-input-container"]', { force: true });
		await page.waitForSelector('[data-test-id="rlc-item"]');
		expect(await page.locator('[data-test-id="rlc-item"]').allInnerTexts()).toEqual(['Demo CRM']);
		await page.waitForTimeout(800); // let the dropdown finish its animation
		await shot('records-base-list.png');
		await page.locator('[data-test-id="rlc-item"]', { hasText: 'Demo CRM' }).click();
		await page.waitForTimeout(500);

		await page.click('[data-test-id="resource-locator-table"] [data-test-id="rlc-input-container"]', { force: true });
		await page.locator('[data-test-id="rlc-item"]').nth(2).waitFor();
		const tables = await page.locator('[data-test-id="rlc-item"]').allInnerTexts();
		expect(tables.map((t) => t.trim())).toEqual(expect.arrayContaining(['Contacts', 'Orders', 'feature_flags']));
		await page.waitForTimeout(800);
		await shot('records-table-list.png');
		await page.locator('[data-test-id="rlc-item"]', { hasText: 'Orders' }).click();
		await page.waitForTimeout(1000);
		await expect(page.locator('[data-test-id="resource-locator-table"] [data-test-id="rlc-input"]').inputValue()).resolves.toBe('Orders');

		const metaRequests = (await requestsSince(ctx, seq)).filter((r) => r.path.startsWith('/v0/meta/bases'));
		// The base list is asked of this suite's emulator every time. The table list comes from the
		// base's schema, which the process-wide cache may already hold: every suite shares this one
		// n8n, the demo token and the demo base, and the order of suites varies.
		expect(metaRequests.filter((r) => r.path.split('?')[0] === '/v0/meta/bases')).not.toHaveLength(0);
		expect(metaRequests.every((r) => r.status === 200)).toBe(true);
		await shot('records-table-picked.png');
	});
});
