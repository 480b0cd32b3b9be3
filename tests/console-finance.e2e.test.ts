import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMoney, monthOf, monthRange } from '../console/web/src/features/finance/who-pays';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { registerRequest, requestStep } from './support/requests';
import { api, testJwtSecret, tokenFor } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface Entry {
  caseId: string;
  lineId: string;
  closedAt: string;
  costCentre: 'factory' | 'sales-centre' | 'customer';
  amountCents: number;
  reason: string;
}
interface Allocation {
  entries: Entry[];
  totals: { month: string; costCentre: string; amountCents: number; entries: number; cases: number }[];
  months: { month: string; amountCents: number; entries: number; cases: number }[];
}

/**
 * Finance's who-pays screen in real headless Chromium through the console's origin. A case on
 * SN-0001 (under contract) goes the real way through intake, dispatch and spares: screened P1 and
 * auto-assigned, a lens and a nozzle reserved, the engineer's report (a quality failure, an hour's
 * work, a trip, both parts used), the customer's acceptance; spares charges the factory for the
 * lens, labour and travel and the customer for the consumable nozzle. Finance signs in and sees the
 * month's totals per cost centre and over every centre as the API answers them (its totals, not its
 * listed entries), drills down to the case and to each line with its reason.
 */
describe('who pays, in the console', () => {
  const demo = { SEED_DEMO_DATA: 'true' };
  const bed = useTestBed('console-finance', { intake: demo, dispatch: demo, spares: demo });
  let consoleProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  const get = (service: 'intake' | 'dispatch' | 'spares', path: string, role: Parameters<typeof bed.token>[0]) => api(bed.service(service), 'GET', path, { token: bed.token(role) });

  beforeAll(async () => {
    buildConsole();
    ({ url, process: consoleProcess } = await startConsole({
      INTAKE_URL: bed.service('intake').url,
      DISPATCH_URL: bed.service('dispatch').url,
      SPARES_URL: bed.service('spares').url,
      AUTH_JWT_SECRET: testJwtSecret,
      AUTH_ISSUER: 'aftersales-test',
      CONSOLE_DEV_LOGIN: 'true',
    }));
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1100 }, locale: 'en-GB' });
  });

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGTERM');
  });

  /** One case through the real flow to closed and charged; its allocation entries as finance reads them. */
  async function chargedCase(): Promise<{ id: string; entries: Entry[] }> {
    const { id } = await registerRequest(bed);
    const screened = await requestStep(bed, id, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'critical' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    const workOrder = await eventually('the assigned work order', async () => {
      const items = (await get('dispatch', `/v1/work-orders?requestId=${id}`, 'dispatcher')).body.items as { id: string; status: string; engineerId: string | null }[] | undefined;
      return items?.length === 1 && items[0]!.status === 'assigned' ? items[0] : undefined;
    });
    await eventually('spares to know the work order', async () => ((await get('spares', `/v1/work-orders/${workOrder.id}`, 'spares')).status === 200 ? true : undefined));
    const parts = [{ partNumber: 'P-LENS-B', quantity: 1 }, { partNumber: 'P-NOZZLE-15', quantity: 1 }];
    const reserved = await api(bed.service('spares'), 'POST', '/v1/reservations', { token: bed.token('dispatcher'), body: { workOrderId: workOrder.id, lines: parts } });
    expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);

    const engineer = await tokenFor('engineer', workOrder.engineerId!);
    const step = (path: string, body: unknown = {}) => api(bed.service('dispatch'), 'POST', `/v1/work-orders/${workOrder.id}/${path}`, { token: engineer, body });
    for (const path of ['acceptance', 'travel-start', 'arrival', 'work-start', 'work-finish']) {
      const r = await step(path);
      expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    const reported = await step('report', {
      startedAt: new Date(Date.now() - 60 * 60_000).toISOString(),
      finishedAt: new Date().toISOString(),
      effortMinutes: 60,
      cause: 'Porous coating on the focus lens; nozzle worn',
      fix: 'Replaced the focus lens and the nozzle',
      workDone: 'Fitted a coated lens and a new nozzle, recalibrated focus, test cut clean',
      partsUsed: [{ partNumber: 'P-LENS-B', quantity: 1, removedSerial: 'LENS-OLD-F1' }, { partNumber: 'P-NOZZLE-15', quantity: 1 }],
      firstTimeFix: true,
      failureMode: 'FM-LENS-BURN',
      failureCategory: 'quality-failure',
      travelMinutes: 30,
      customerSignOff: { name: 'Li Wei', at: new Date().toISOString() },
    });
    expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    await eventually('resolved at intake', async () => {
      const state = ((await get('intake', `/v1/service-requests/${id}`, 'agent')).body.workflow as { state?: { status: string } } | null)?.state;
      return state?.status === 'resolved' ? true : undefined;
    });
    const accepted = await requestStep(bed, id, 'acceptance', { accepted: true });
    expect(accepted.body).toMatchObject({ status: 'closed' });

    const entries = await eventually('the case charged', async () => {
      const body = (await get('spares', `/v1/cost-allocation?caseId=${id}`, 'finance')).body as Partial<Allocation>;
      // Parts, labour and travel: four lines once the whole case is charged.
      return (body.entries?.length ?? 0) >= 4 ? body.entries : undefined;
    });
    return { id, entries };
  }

  it('finance sees the month per cost centre as the API answers it, then the case and each line with its reason', async () => {
    const { id, entries } = await chargedCase();
    // Under contract, a quality failure: the factory pays lens, labour and travel; the nozzle is a consumable the contract leaves to the customer.
    expect(entries.map((e) => [e.lineId, e.costCentre]).sort()).toEqual([
      ['labour', 'factory'],
      ['part-1-P-LENS-B', 'factory'],
      ['part-2-P-NOZZLE-15', 'customer'],
      ['travel', 'factory'],
    ]);
    expect(entries.find((e) => e.costCentre === 'customer')!.reason).toBe('consumable P-NOZZLE-15 not covered');
    const month = monthOf(entries[0]!.closedAt);
    const { from, to } = monthRange(month);
    const answer = (await get('spares', `/v1/cost-allocation?from=${from}&to=${to}`, 'finance')).body as unknown as Allocation;
    const currency = ((await get('spares', '/v1/price-lists', 'finance')).body.items as { id: string; currency: string }[]).find((l) => l.id === 'default')!.currency;
    expect(currency).toBe('EUR');
    const money = (cents: number) => formatMoney(cents, currency, 'en-GB');
    const apiTotal = (centre: string) => answer.totals.find((t) => t.month === month && t.costCentre === centre)?.amountCents ?? 0;
    const apiMonth = answer.months.find((m) => m.month === month)!;
    // The month over every cost centre: the cells' amounts added, and the case once though two centres pay it.
    expect(apiMonth.amountCents).toBe(apiTotal('factory') + apiTotal('sales-centre') + apiTotal('customer'));
    const centreCases = answer.totals.filter((t) => t.month === month).reduce((n, t) => n + t.cases, 0);
    expect(apiMonth.cases).toBeLessThan(centreCases);
    const caseSum = (centre: string) => entries.filter((e) => e.costCentre === centre).reduce((sum, e) => sum + e.amountCents, 0);
    // The month's totals include this case's amounts (the namespace is fresh: they are all there is).
    expect(apiTotal('factory')).toBeGreaterThanOrEqual(caseSum('factory'));
    expect(apiTotal('customer')).toBeGreaterThanOrEqual(caseSum('customer'));
    expect(caseSum('factory')).toBeGreaterThan(0);
    expect(caseSum('customer')).toBeGreaterThan(0);

    await page.goto(url);
    await page.getByLabel('Role').selectOption('finance');
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await expect.poll(() => page.getByTestId('who').textContent()).toContain('(finance');
    expect(await page.locator('nav button[data-screen]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-screen')))).toEqual(['finance', 'inbox']);

    // The picker opens on the current month (UTC, as the books); the case's month if it closed just before a month turned.
    const picker = page.getByLabel('Month', { exact: true });
    expect(await picker.inputValue()).toBe(new Date().toISOString().slice(0, 7));
    if ((await picker.inputValue()) !== month) await picker.fill(month);
    await expect.poll(() => page.getByTestId('finance-currency').textContent()).toBe('Currency: EUR');

    const row = page.locator(`[data-testid=finance-months] tr[data-month="${month}"]`);
    const cell = (centre: string) => row.locator(`td[data-centre="${centre}"]`);
    await expect.poll(() => cell('factory').getByTestId('amount').textContent(), { timeout: 15_000 }).toBe(money(apiTotal('factory')));
    for (const centre of ['customer', 'sales-centre']) expect(await cell(centre).getByTestId('amount').textContent()).toBe(money(apiTotal(centre)));
    // The table is spares' totals of the whole range: each cell, and the month's own figures over every cost centre.
    expect(await cell('all').getByTestId('amount').textContent()).toBe(money(apiMonth.amountCents));
    expect(await cell('all').locator('.finance-count').textContent()).toBe(`${apiMonth.cases} ${apiMonth.cases === 1 ? 'case' : 'cases'} · ${apiMonth.entries} ${apiMonth.entries === 1 ? 'line' : 'lines'}`);
    console.log(`console-finance: ${month} factory ${money(apiTotal('factory'))}, customer ${money(apiTotal('customer'))} on screen and in the API`);

    // Drill down: the factory's amount, to the case, to its lines with their reasons.
    for (const centre of ['factory', 'customer'] as const) {
      await cell(centre).getByRole('button').click();
      const cases = page.getByTestId('finance-cases');
      await expect.poll(() => cases.getAttribute('data-centre')).toBe(centre);
      const caseRow = cases.locator(`tr[data-case="${id}"]`);
      expect(await caseRow.getByTestId('case-amount').textContent()).toBe(money(caseSum(centre)));
      await caseRow.getByRole('button', { name: `Show the lines of ${id}` }).click();
      const lines = cases.locator(`[data-testid=finance-lines][data-case="${id}"] tbody tr`);
      const mine = entries.filter((e) => e.costCentre === centre);
      await expect.poll(() => lines.count()).toBe(mine.length);
      for (const e of mine) {
        const line = cases.locator(`[data-testid=finance-lines] tr[data-line="${e.lineId}"][data-centre="${centre}"]`);
        expect(await line.getByTestId('line-amount').textContent()).toBe(money(e.amountCents));
        expect(await line.getByTestId('line-reason').textContent()).toBe(e.reason);
      }
    }
    const nozzle = page.locator('[data-testid=finance-lines] tr[data-line="part-2-P-NOZZLE-15"]');
    expect(await nozzle.locator('th').textContent()).toBe('Part P-NOZZLE-15');
    expect(await nozzle.getByTestId('line-reason').textContent()).toBe('consumable P-NOZZLE-15 not covered');

    // The whole month at once: every line of the case, both cost centres, for the screenshot.
    await cell('all').getByRole('button').click();
    await expect.poll(() => page.getByTestId('finance-cases').getAttribute('data-centre')).toBe('all');
    await page.getByRole('button', { name: `Show the lines of ${id}` }).click();
    await expect.poll(() => page.locator(`[data-testid=finance-lines][data-case="${id}"] tbody tr`).count()).toBe(entries.length);
    await page.getByTestId('finance-rules').getByText('Misuse in warranty is paid by').waitFor();
    mkdirSync(`${repoRoot}docs/screens`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}docs/screens/finance.png`, fullPage: true });
    console.log('console-finance: screenshot docs/screens/finance.png');

    // In Chinese: the same amounts, in the reader's format.
    await page.getByLabel('Language').selectOption('zh');
    await expect.poll(() => page.locator('#finance-title').textContent()).toBe('费用归属');
    expect(await cell('factory').getByTestId('amount').textContent()).toBe(formatMoney(apiTotal('factory'), currency, 'zh-CN'));
    await page.getByLabel('语言').selectOption('en');
  });
});
