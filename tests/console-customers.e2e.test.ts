import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { api, testJwtSecret } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';

const screens = `${repoRoot}docs/screens`;
const day = 86_400_000;
const dayOf = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().slice(0, 10);

/**
 * The customers screen in real headless Chromium against intake with its demo data: an agent finds
 * the demo key account and sees its machines, contract and a request registered through the API;
 * dealer DLR-0001 sees only its own end customer, registers a machine and a request for it, and
 * typing another dealer's customer (CUST-0003, DLR-0002's) gets "not found", as the API answers 404.
 */
describe('the customers screen in a browser', () => {
  const bed = useTestBed('console-customers', { intake: { SEED_DEMO_DATA: 'true' } });
  const tag = randomUUID().slice(0, 6).toUpperCase();
  let consoleProcess: ChildProcess;
  let url: string;
  let browser: Browser;
  let page: Page;

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
    mkdirSync(screens, { recursive: true });
  });

  afterAll(async () => {
    // The visit schedule lives on the shared Temporal server: removed while intake still runs.
    await api(bed.service('intake'), 'DELETE', '/v1/customers/CUST-0001/proactive-visits', { token: bed.token('manager') }).catch(() => undefined);
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
    await page.locator('nav button[data-screen=customers]').click();
    await page.locator('[data-testid=customer-list] tbody tr[data-customer]').first().waitFor({ timeout: 15_000 });
  }

  const listed = () => page.locator('[data-testid=customer-list] tbody tr[data-customer]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-customer')));

  it("an agent finds the key account by name and sees its machines, contract, proactive visits and the request just registered", async () => {
    const registered = await api(bed.service('intake'), 'POST', '/v1/service-requests', {
      token: bed.token('agent'),
      body: { customerId: 'CUST-0001', serialNumber: 'SN-0001', channel: 'phone', contact: { name: 'Li Wei', phone: '+86 21 5555 0101' }, symptom: `Cut quality drops (${tag})`, neededBy: new Date(Date.now() + 2 * day).toISOString() },
    });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const requestId = registered.body.id as string;
    bed.started.push(requestId);
    const visits = await api(bed.service('intake'), 'POST', '/v1/customers/CUST-0001/proactive-visits', { token: bed.token('manager'), body: { every: 'P3M', note: `optics check (${tag})` } });
    expect(visits.status, JSON.stringify(visits.body)).toBe(201);

    await signIn('agent');
    await page.getByLabel('Customer name or id').fill('Jiangnan');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await expect.poll(listed).toEqual(['CUST-0001']);
    await page.getByRole('button', { name: 'Open Jiangnan Precision Parts Co. (CUST-0001)' }).click();

    const view = page.getByTestId('customer-360');
    await view.waitFor({ timeout: 15_000 });
    expect(await view.locator('h2').textContent()).toContain('CUST-0001');
    expect(await page.getByTestId('customer-sites').textContent()).toContain('Songjiang plant');
    const machine = page.locator('[data-testid=customer-machines] tr[data-machine="SN-0001"]');
    expect(await machine.textContent()).toContain('FL-3015');
    expect(await machine.textContent()).toContain('in warranty');
    expect(await machine.getByTestId('machine-entitlement').textContent()).toMatch(/^Contract SC-0001 until .+ · no charge$/);
    // The laser source inside SN-0001: its own row, under its machine, covered through it.
    expect(await page.locator('[data-testid=customer-machines] tr[data-machine="SN-0001-LS"]').textContent()).toMatch(/inside SN-0001 › SN-0001-LS.*none of its own/);
    expect(await page.locator('[data-testid=customer-contracts] tr[data-contract="SC-0001"]').textContent()).toMatch(/SC-0001.*premium.*active/);
    const request = page.locator(`[data-testid=open-requests] tr[data-request="${requestId}"]`);
    await request.waitFor({ timeout: 15_000 });
    expect(await request.textContent()).toContain(`Cut quality drops (${tag})`);
    expect((await request.locator('.customers-badge').textContent())?.trim()).toBeTruthy();
    await expect.poll(() => page.getByTestId('customer-visits').textContent(), { timeout: 15_000 }).toMatch(/EveryP3M\s*Next visits\d/);
    await page.screenshot({ path: `${screens}/customers.png`, fullPage: true });
    console.log(`customers: agent's 360° view of CUST-0001 with ${requestId}; screenshot docs/screens/customers.png`);
  });

  it('a dealer sees only its own customers, registers a machine and a request for it', async () => {
    await signIn('dealer', 'DLR-0001');
    await expect.poll(listed).toEqual(['CUST-0002']);
    await page.getByRole('button', { name: 'Open Harbin Sheet Metal Works (CUST-0002)' }).click();
    await page.locator('[data-testid=customer-machines] tr[data-machine="SN-0002"]').waitFor({ timeout: 15_000 });
    // A dealer reads no proactive-visit schedules: the screen does not ask.
    expect(await page.getByTestId('customer-visits').count()).toBe(0);

    const serial = `SN-CC-${tag}`;
    await page.getByLabel('Serial number').fill(serial);
    await page.getByLabel('Model').fill('PB-1303');
    await page.getByLabel('Product line').fill('press-brake');
    await page.getByLabel('Installation date').fill(dayOf(-10 * day));
    await page.getByLabel('Warranty last day').fill(dayOf(720 * day));
    await page.getByRole('button', { name: 'Register machine' }).click();
    await expect.poll(() => page.getByTestId('machine-outcome').textContent(), { timeout: 15_000 }).toBe(`Machine registered: ${serial}`);
    const row = page.locator(`[data-testid=customer-machines] tr[data-machine="${serial}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain('in warranty');
    expect(await row.getByTestId('machine-entitlement').textContent()).toMatch(new RegExp(`^Warranty standard \\(${serial}\\)`));

    const form = page.getByTestId('request-form');
    expect(await form.locator('h3').textContent()).toBe(`Register a service request for ${serial}`);
    expect(await form.getByLabel('Contact name').inputValue()).toBe('Wang Fang');
    await form.getByLabel('Symptom').fill(`Back gauge drifts (${tag})`);
    await form.getByRole('button', { name: 'Register request' }).click();
    await expect.poll(() => page.getByTestId('request-outcome').textContent(), { timeout: 20_000 }).toMatch(/^Request registered: SR-/);
    const outcome = (await page.getByTestId('request-outcome').textContent()) ?? '';
    const requestId = /SR-[A-Za-z0-9-]+/.exec(outcome)![0];
    bed.started.push(requestId);
    expect(outcome).toContain('Entitlement today: Warranty standard');
    await page.locator(`[data-testid=open-requests] tr[data-request="${requestId}"]`).waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${screens}/dealer.png`, fullPage: true });
    console.log(`customers: dealer DLR-0001 registered ${serial} and ${requestId}; screenshot docs/screens/dealer.png`);
  });

  it("the same dealer typing another dealer's customer id sees not found, and the API answers 404", async () => {
    await page.getByLabel('Customer name or id').fill('CUST-0003');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByTestId('customers-not-found').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('customer-360').count()).toBe(0);
    expect(await page.locator('body').textContent()).not.toContain('Shenyang');
    // By name too: another dealer's customer is not among the matches.
    await page.getByLabel('Customer name or id').fill('Shenyang');
    await Promise.all([page.waitForResponse((r) => r.url().includes('q=Shenyang')), page.getByRole('button', { name: 'Find', exact: true }).click()]);
    await page.getByTestId('customers-not-found').waitFor();
    expect(await listed()).toEqual(['CUST-0002']);

    const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('console.session')).token")) as string;
    const asDealer = await fetch(`${url}/api/intake/v1/customers/CUST-0003`, { headers: { authorization: `Bearer ${token}` } });
    expect(asDealer.status).toBe(404);
    // It exists: the agent reads it through the same console.
    const asAgent = await fetch(`${url}/api/intake/v1/customers/CUST-0003`, { headers: { authorization: `Bearer ${bed.token('agent')}` } });
    expect(asAgent.status).toBe(200);
  });

  it('an agent pages A to Z through more customers than one page holds', async () => {
    // Names that interleave with the demo customers': the pages cross both.
    for (let i = 0; i < 60; i++) {
      const created = await api(bed.service('intake'), 'POST', '/v1/customers', {
        token: bed.token('agent'),
        body: { name: `${'ABCSTZ'[i % 6]}aging ${tag} ${String(i).padStart(2, '0')}`, class: 'standard' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    // What the API answers, page after page, is the order the screen must show.
    const expected: string[] = [];
    for (let after: string | null = null, pages = 0; pages === 0 || after; pages++) {
      const answer = await api(bed.service('intake'), 'GET', `/v1/customers?${new URLSearchParams({ limit: '50', ...(after ? { after } : {}) })}`, { token: bed.token('agent') });
      expect(answer.status).toBe(200);
      expected.push(...(answer.body.items as { id: string }[]).map((c) => c.id));
      after = answer.body.next as string | null;
    }
    expect(expected.length).toBeGreaterThan(60);

    await signIn('agent');
    await expect.poll(async () => (await listed()).length).toBe(50);
    expect(await listed()).toEqual(expected.slice(0, 50));
    while (await page.getByTestId('customers-more').isVisible()) {
      const shown = (await listed()).length;
      await page.getByTestId('customers-more').click();
      await expect.poll(async () => (await listed()).length, { timeout: 15_000 }).toBeGreaterThan(shown);
    }
    expect(await listed()).toEqual(expected);
  });
});
