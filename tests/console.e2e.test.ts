import { gzipSync } from 'node:zlib';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { repoRoot } from './support/stack';
import { testJwtSecret } from './support/services';
import { useTestBed } from './support/testbed';
import type { ChildProcess } from 'node:child_process';

const screens = `${repoRoot}docs/screens`;

/**
 * The web console in real headless Chromium (Debian's package, driven by playwright-core) against
 * intake with its demo data: an agent types SN-0001, sees the machine and its entitlement, and
 * registers; a dispatcher sees that request on the SLA board with a clock that counts down; a
 * dealer is offered no board and cannot see another's machine, and the API refuses the board too.
 */
describe('web console in a browser', () => {
  const bed = useTestBed('console', { intake: { SEED_DEMO_DATA: 'true' } });
  let consoleProcess: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;
  const scripts: { url: string; bytes: number }[] = [];

  beforeAll(async () => {
    buildConsole();
    ({ url, process: consoleProcess } = await startConsole({
      INTAKE_URL: bed.service('intake').url,
      AUTH_JWT_SECRET: testJwtSecret,
      AUTH_ISSUER: 'aftersales-test',
      CONSOLE_DEV_LOGIN: 'true',
    }));
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
    page.on('response', (response) => {
      if (response.url().endsWith('.js')) void response.body().then((body) => scripts.push({ url: response.url(), bytes: gzipSync(body).length }));
    });
    mkdirSync(screens, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGTERM');
  });

  async function signIn(role: string, dealerId?: string) {
    await page.goto(url);
    await page.locator('select[name=role], [data-testid=who]').first().waitFor();
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Role').selectOption(role);
    if (dealerId) await page.getByLabel('Dealer id').fill(dealerId);
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await expect.poll(() => page.getByTestId('who').textContent()).toContain(`(${role}`);
  }

  let requestId = '';

  it('an agent types the serial, sees the entitlement and registers a request', async () => {
    await signIn('agent');
    expect(scripts.length).toBeGreaterThan(0);
    const compressed = scripts.reduce((sum, s) => sum + s.bytes, 0);
    console.log(`console: first screen loads ${scripts.length} script(s), ${(compressed / 1024).toFixed(1)} KB gzip`);
    expect(compressed).toBeLessThan(300 * 1024);

    await page.getByLabel('Serial number').pressSequentially('SN-0001', { delay: 40 });
    const entitlement = page.getByTestId('entitlement');
    await entitlement.waitFor({ timeout: 15_000 });
    const facts = await page.getByTestId('machine-facts').textContent();
    expect(facts).toContain('SN-0001');
    expect(facts).toContain('CUST-0001');
    const entitlementText = (await entitlement.textContent()) ?? '';
    expect(entitlementText).toMatch(/Entitlement: (contract|warranty|none)/);
    console.log(`console: entitlement shown: ${entitlementText}`);

    await page.getByLabel('Contact name').fill('Li Wei');
    await page.getByLabel('Phone').fill('+86 21 5555 0101');
    await page.getByLabel('Symptom').fill('Burr on the cut edge after nozzle change');
    await page.getByTestId('known-fixes').waitFor();
    await page.locator('form.registration button[type=submit]').click();
    const outcome = page.getByTestId('registration-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 20_000 }).toMatch(/Registered: SR-/);
    requestId = /Registered: (SR-[A-Z0-9-]+)/.exec((await outcome.textContent()) ?? '')![1]!;
    bed.started.push(requestId);
    await page.screenshot({ path: `${screens}/agent-registration.png`, fullPage: true });
    console.log(`console: registered ${requestId}; screenshot docs/screens/agent-registration.png`);
  });

  it('the dispatcher sees it on the board with a clock counting down, in either language', async () => {
    await signIn('dispatcher');
    expect(await page.locator('nav button[data-screen]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-screen')))).toEqual(['board', 'dispatch', 'inbox']);
    const row = page.locator(`tr[data-request="${requestId}"]`);
    await row.waitFor({ timeout: 60_000 });
    const clock = row.getByTestId('clock');
    const first = (await clock.textContent()) ?? '';
    expect(first).toMatch(/(On track|Warning|Breached) \d/);
    await expect.poll(() => clock.textContent(), { timeout: 5_000 }).not.toBe(first);
    console.log(`console: board clock for ${requestId}: "${first}" then "${await clock.textContent()}"`);
    await page.screenshot({ path: `${screens}/dispatcher-board.png`, fullPage: true });
    // Product line and site city filter on the server; the row is SN-0001's, a Shanghai laser.
    expect(await row.locator('td').nth(1).textContent()).toContain('fiber-laser-cutting · Shanghai');
    await page.getByLabel('Product line').selectOption('fiber-laser-cutting');
    await page.getByLabel('Site city').selectOption('Shanghai');
    await row.waitFor();
    await page.getByLabel('Product line').selectOption('');
    await page.getByLabel('Tier').selectOption('P4');
    await row.waitFor({ state: 'detached' });
    await page.getByLabel('Tier').selectOption('');
    await page.getByLabel('Site city').selectOption('');
    await row.waitFor();
    // The view's size and its requests by clock status are shown with the window; the search runs over the whole board.
    const window = page.getByTestId('board-window');
    await expect.poll(() => window.textContent()).toMatch(/^1–\d+ of \d+/);
    await page.getByLabel('Request, customer or serial').fill(requestId.slice(-6).toLowerCase());
    await expect.poll(() => window.textContent()).toMatch(/^1–1 of 1/);
    expect(await page.locator('[data-testid=sla-board] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request')))).toEqual([requestId]);
    await page.getByLabel('Request, customer or serial').fill('');
    await page.getByLabel('Language').selectOption('zh');
    await expect.poll(() => page.locator('#board-title').textContent()).toBe('未结请求及其服务时限');
    await page.screenshot({ path: `${screens}/dispatcher-board-zh.png`, fullPage: true });
    await page.getByLabel('语言').selectOption('en');
  });

  it('a manager keeps the service calendars: a bad holiday file is named by line, next year imported moves the horizon', async () => {
    await signIn('manager');
    await page.locator('nav button[data-screen=calendars]').click();
    const row = page.locator('tr[data-calendar="business-hours"]');
    await row.waitFor({ timeout: 15_000 });
    await row.getByRole('button', { name: 'business-hours' }).click();
    await page.getByTestId('calendar-versions').waitFor();
    const year = new Date().getFullYear() + 1;
    await page.getByLabel('Holiday file').fill(`year ${year}\n${year}-02-30 closed Spring Festival`);
    await page.getByLabel('Reason').fill('State Council notice');
    await page.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => page.getByTestId('import-error').textContent()).toContain('file line 2');
    await page.getByLabel('Holiday file').fill([`year ${year}`, `${year}-01-01 closed 元旦`, `${year}-02-06 working 春节调休`].join('\n'));
    await page.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => page.getByTestId('import-outcome').textContent(), { timeout: 15_000 }).toMatch(new RegExp(`version \\d+; holidays known through ${year}-12-31`));
    await expect.poll(() => page.getByTestId('known-through').textContent()).toContain(`${year}-12-31`);
    // Holidays now known past the horizon: no warning on the calendar's row.
    await expect.poll(() => row.getByTestId('horizon-warning').count(), { timeout: 15_000 }).toBe(0);
    await page.screenshot({ path: `${screens}/manager-calendars.png`, fullPage: true });
  });

  it('a dealer is offered no board, cannot see another customer\'s machine, and the API agrees', async () => {
    await signIn('dealer', 'DLR-0001');
    expect(await page.locator('nav button[data-screen]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-screen')))).toEqual(['registration', 'customers']);
    await page.getByLabel('Serial number').fill('SN-0001');
    await page.getByTestId('machine-missing').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('entitlement').count()).toBe(0);
    // What the UI hides the API refuses: the board answers a dealer's token 403 through the console.
    const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('console.session')).token")) as string;
    const { status } = await fetch(`${url}/api/intake/v1/sla-board`, { headers: { authorization: `Bearer ${token}` } });
    expect(status).toBe(403);
  });
});
