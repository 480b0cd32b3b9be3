import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { registerRequest, requestStep } from './support/requests';
import { api, testJwtSecret, tokenFor } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface Level {
  partNumber: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
}

/**
 * The spares desk in real headless Chromium through the console's origin. A request on the demo
 * machine goes the real way through intake and dispatch to an assigned work order; its engineer
 * requisitions lenses over budget twice through spares' API, so both wait for the first approver
 * of the chain (spares-lead). The lead signs in and finds both in the approval inbox; one was
 * decided from elsewhere meanwhile, and declining it shows the service's refusal; the other is
 * approved and leaves the inbox with its new status. The stock tab shows spares' demo stock by
 * location as the API reads it, and the other tabs the work order's reservation, the demo's
 * overdue defective part, its supplier claim and the request's quote.
 */
describe('the spares desk, in the console', () => {
  const demo = { SEED_DEMO_DATA: 'true' };
  const bed = useTestBed('console-spares', { intake: demo, dispatch: demo, spares: { ...demo, SPARES_APPROVERS: 'spares-lead,spares-manager' } });
  let consoleProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  const spares = (method: string, path: string, token: string, body?: unknown) => api(bed.service('spares'), method, path, { token, ...(body === undefined ? {} : { body }) });

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
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 }, locale: 'en-GB' });
  });

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGTERM');
  });

  it('the approver approves a requisition from the inbox, sees a refusal, and reads stock by location', async () => {
    // A real work order: registered, screened P1, auto-assigned by dispatch, known to spares.
    const { id: requestId } = await registerRequest(bed);
    const screened = await requestStep(bed, requestId, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'critical' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    const workOrder = await eventually('the assigned work order', async () => {
      const items = (await api(bed.service('dispatch'), 'GET', `/v1/work-orders?requestId=${requestId}`, { token: bed.token('dispatcher') })).body.items as { id: string; status: string; engineerId: string | null }[] | undefined;
      return items?.length === 1 && items[0]!.status === 'assigned' ? items[0] : undefined;
    });
    await eventually('spares to know the work order', async () => ((await spares('GET', `/v1/work-orders/${workOrder.id}`, bed.token('spares'))).status === 200 ? true : undefined));

    // Three lenses at 210.00 are over the 500.00 budget: a person must approve, the lead first.
    const engineer = await tokenFor('engineer', workOrder.engineerId!);
    const raise = async (quantity: number) => {
      const r = await spares('POST', '/v1/requisitions', engineer, { workOrderId: workOrder.id, lines: [{ partNumber: 'P-LENS-B', quantity }] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ status: 'pending-approval', approvers: ['spares-lead', 'spares-manager'] });
      bed.started.push(r.body.id as string);
      return r.body.id as string;
    };
    const toApprove = await raise(3);
    const decidedElsewhere = await raise(4);
    const reservation = await spares('POST', '/v1/reservations', bed.token('dispatcher'), { workOrderId: workOrder.id, lines: [{ partNumber: 'P-NOZZLE-15', quantity: 1 }] });
    expect(reservation.status, JSON.stringify(reservation.body)).toBe(201);
    const quote = await spares('POST', '/v1/quotes', bed.token('agent'), { requestId, workOrderId: workOrder.id, parts: [{ partNumber: 'P-NOZZLE-15', quantity: 2 }], labourHours: 1, trips: 1 });
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);

    // The lead signs in: the desk opens on the approval inbox, both requisitions in it.
    await page.goto(url);
    await page.getByLabel('Role').selectOption('spares');
    await page.getByLabel('Person in the directory (for the inbox; optional)').fill('spares-lead');
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await expect.poll(() => page.getByTestId('who').textContent()).toContain('spares-lead (spares');
    expect(await page.locator('nav button[data-screen]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-screen')))).toEqual(['spares', 'inbox']);
    const inbox = page.getByTestId('approval-inbox');
    const card = (id: string) => inbox.locator(`li[data-requisition="${id}"]`);
    await card(toApprove).waitFor({ timeout: 20_000 });
    await card(decidedElsewhere).waitFor();
    expect(await card(toApprove).textContent()).toContain('value 63000 cents over budget 50000');
    expect(await page.getByTestId('approvals-waiting').textContent()).toContain('2');

    // Held on screen (its refresh paused) while the lead approves it from another device: the
    // decline sent from the desk afterwards is refused by the service, and the card says so.
    await page.route('**/api/spares/v1/requisitions', () => undefined);
    const elsewhere = await spares('POST', `/v1/requisitions/${decidedElsewhere}/decision`, await tokenFor('spares', 'spares-lead'), { outcome: 'approve' });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);
    await card(decidedElsewhere).getByRole('button', { name: 'Decline' }).click();
    expect(await card(decidedElsewhere).getByRole('alert').textContent()).toBe('Give a reason to decline.');
    await card(decidedElsewhere).getByLabel('Reason').fill('four lenses for one head is too many');
    await card(decidedElsewhere).getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => card(decidedElsewhere).getByTestId('decision-refused').textContent()).toMatch(/^Refused by the service \(409 conflict\): requisition REQ-\S+ is (decided|approved) already$/);
    expect(await page.getByTestId('last-refusal').textContent()).toContain(`${decidedElsewhere}: Refused by the service (409 conflict)`);
    mkdirSync(`${repoRoot}docs/screens`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}docs/screens/spares.png`, fullPage: true });
    console.log('console-spares: screenshot docs/screens/spares.png');
    await page.unroute('**/api/spares/v1/requisitions');

    // Approved from the inbox: it leaves it, and the decided list shows its new status.
    await card(toApprove).getByLabel('Reason').fill('head rebuild needs three');
    await card(toApprove).getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByTestId('decision-outcome').textContent()).toBe(`Decided · ${toApprove}: Approved`);
    await expect.poll(() => inbox.locator('li').count(), { timeout: 15_000 }).toBe(0);
    await page.getByTestId('inbox-empty').waitFor();
    const decidedRow = (id: string) => page.getByTestId('recently-decided').locator(`tr[data-requisition="${id}"]`);
    await expect.poll(() => decidedRow(toApprove).getByTestId('requisition-status').textContent(), { timeout: 15_000 }).toBe('Approved');
    await expect.poll(() => decidedRow(decidedElsewhere).getByTestId('requisition-status').textContent(), { timeout: 15_000 }).toBe('Approved');
    const stored = await eventually('the decision stored', async () => {
      const r = await spares('GET', `/v1/requisitions/${toApprove}`, bed.token('spares'));
      return r.body.decision ? r.body : undefined;
    });
    expect(stored).toMatchObject({ status: 'approved', decision: { by: 'spares-lead', note: 'head rebuild needs three' } });
    await expect.poll(() => decidedRow(toApprove).textContent(), { timeout: 15_000 }).toContain('head rebuild needs three');

    // Stock by location, as the API reads it, with the desk's low marks (5 available or fewer).
    const levels = (await spares('GET', '/v1/stock', bed.token('spares'))).body.items as Level[];
    expect(levels.length).toBeGreaterThanOrEqual(4);
    await page.getByRole('tab', { name: 'Stock' }).click();
    for (const level of levels) {
      const row = page.locator(`[data-location="${level.locationId}"] tr[data-part="${level.partNumber}"]`);
      await row.waitFor();
      expect([await row.getByTestId('on-hand').textContent(), await row.getByTestId('reserved').textContent(), await row.getByTestId('available').textContent()]).toEqual([
        String(level.onHand), String(level.reserved), String(level.available),
      ]);
      expect(await row.getByTestId('stock-mark').textContent()).toBe(level.available <= 0 ? 'Out of stock' : level.available <= 5 ? 'Low' : 'OK');
    }
    expect(await page.locator('[data-location="CENTRAL"] h4').textContent()).toContain('Central warehouse');
    expect(await page.locator('[data-location="REG-EAST"] tr[data-part="P-LENS-B"]').textContent()).toContain('Focus lens, coated');

    // The work order's reservation, the demo's overdue part, its supplier claim, the request's quote.
    await page.getByRole('tab', { name: 'Reservations' }).click();
    const reserved = page.locator(`tr[data-reservation="${reservation.body.id as string}"]`);
    await reserved.waitFor({ timeout: 10_000 });
    expect(await reserved.textContent()).toMatch(new RegExp(`${workOrder.id}.*${requestId}.*P-NOZZLE-15 × 1 @ [A-Z-]+.*Active`));
    await page.getByRole('tab', { name: 'Returns to chase' }).click();
    await expect.poll(() => page.locator('tr[data-return="RET-DEMO-0001"]').getByTestId('overdue').textContent()).toContain('6 days overdue');
    expect(await page.locator('tr[data-return="RET-DEMO-0002"]').getByTestId('overdue').textContent()).toBe('Not yet due');
    expect(await page.locator('tr[data-return="RET-DEMO-0003"]').count()).toBe(0);
    await page.getByRole('tab', { name: 'Claims and quotes' }).click();
    await expect.poll(() => page.locator('tr[data-claim="SCL-RET-DEMO-0003"]').textContent()).toMatch(/SUP-OPTICS.*P-LENS-B.*LOT-2317.*€210\.00.*Open/);
    await expect.poll(() => page.locator(`tr[data-quote="${quote.body.id as string}"]`).textContent()).toContain('Issued, unanswered');
  });
});
