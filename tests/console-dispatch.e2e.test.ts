import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { registrationBody } from './support/demo';
import { api, testJwtSecret } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/**
 * The dispatch desk in real headless Chromium through the console's origin, on intake and dispatch
 * with their demo data: an agent registers a minor fault on SN-0001 and screens it (P2: minor, raised
 * one tier by the premium contract), which this dispatch is configured to propose rather than
 * auto-assign (DISPATCH_AUTO_ASSIGN_TIERS=P1); the dispatcher opens that work order's candidates,
 * sees them ranked with every score part explained and the press-brake engineer out for want of
 * the skill, assigns the first in one click, and sees the engineer on the work order and the
 * booking on that engineer's timeline; re-planned from the desk, it leaves that engineer for good.
 */
describe('the dispatch desk in the console', () => {
  const bed = useTestBed('console-dispatch', { intake: { SEED_DEMO_DATA: 'true' }, dispatch: { SEED_DEMO_DATA: 'true', DISPATCH_AUTO_ASSIGN_TIERS: 'P1' } });
  let consoleProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    buildConsole();
    ({ url, process: consoleProcess } = await startConsole({
      INTAKE_URL: bed.service('intake').url,
      DISPATCH_URL: bed.service('dispatch').url,
      AUTH_JWT_SECRET: testJwtSecret,
      AUTH_ISSUER: 'aftersales-test',
      CONSOLE_DEV_LOGIN: 'true',
    }));
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'en-GB' });
  });

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGTERM');
  });

  /** The real flow: registered and screened at intake; intake's workflow asks dispatch, which proposes a work order. */
  async function proposedWorkOrder(): Promise<string> {
    const created = await api(bed.service('intake'), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody({ symptom: 'Slight burr on thin sheet after nozzle change' }) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const requestId = created.body.id as string;
    bed.started.push(requestId);
    await eventually(`${requestId}'s workflow`, async () => {
      const read = await api(bed.service('intake'), 'GET', `/v1/service-requests/${requestId}`, { token: bed.token('agent') });
      return (read.body.workflow as { available?: boolean } | null)?.available ? true : undefined;
    });
    const screened = await api(bed.service('intake'), 'POST', `/v1/service-requests/${requestId}/screening`, { token: bed.token('agent'), body: { outcome: 'valid', faultCategory: 'optical', severity: 'minor' } });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    expect(screened.body.tier).toBe('P2');
    const wo = await eventually(`the proposed work order of ${requestId}`, async () => {
      const list = await api(bed.service('dispatch'), 'GET', `/v1/work-orders?requestId=${requestId}`, { token: bed.token('dispatcher') });
      return (list.body.items as { id: string; status: string; planningNote: string | null }[] | undefined)?.find((w) => w.status === 'proposed' && w.planningNote !== null);
    });
    return wo.id;
  }

  it('a dispatcher opens the candidates of a proposed work order, sees why each ranks where it does, and assigns the first in one click', async () => {
    const started = Date.now();
    const workOrderId = await proposedWorkOrder();

    await page.goto(url);
    await page.getByLabel('Role').selectOption('dispatcher');
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await page.locator('nav button[data-screen=dispatch]').click();
    const row = page.locator(`[data-testid=work-orders] tr[data-work-order="${workOrderId}"]`);
    await row.waitFor({ timeout: 20_000 });
    // The row says what the dispatcher plans by: the machine and its product line, the site, the skill it needs, the status.
    await expect.poll(() => row.textContent()).toContain('FL-3015 · fiber-laser-cutting');
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain('Shanghai');
    expect(rowText).toContain('fiber-laser-cutting repair, level ≥ 2');
    expect(await row.getByTestId('status').textContent()).toContain('Proposed');
    expect(await row.getByTestId('engineer').textContent()).toBe('—');

    await row.getByRole('button', { name: `Candidates ${workOrderId}` }).click();
    const panel = page.getByTestId('candidates');
    const ranked = panel.locator('[data-testid=ranked] tbody tr');
    await ranked.first().waitFor({ timeout: 20_000 });
    const rows = await ranked.count();
    expect(rows).toBeGreaterThan(0);
    // Ranked best first, numbered, each with the seven parts of its score explained.
    expect(await panel.getByTestId('rank').allTextContents()).toEqual(Array.from({ length: rows }, (_, i) => String(i + 1)));
    const scores = (await panel.getByTestId('score').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-score')))));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    for (let i = 0; i < rows; i++) {
      expect(await ranked.nth(i).locator('li[data-part]').evaluateAll((items) => items.map((li) => li.getAttribute('data-part')))).toEqual(['skill', 'territory', 'travel', 'slot', 'load', 'fairness', 'parts']);
      expect(await ranked.nth(i).locator('li[data-part=travel]').textContent()).toMatch(/km great-circle/);
    }
    expect(await ranked.first().locator('li[data-part=skill]').textContent()).toMatch(/fiber-laser-cutting\/repair level \d/);
    // The press-brake engineer is out, and the screen says why.
    const harbin = panel.locator('[data-testid=ineligible] tr[data-engineer=ENG-HB-03]');
    expect(await harbin.textContent()).toContain('Lacks the skill');
    expect(await harbin.textContent()).toContain('no fiber-laser-cutting/repair skill');

    const first = (await ranked.first().getAttribute('data-engineer'))!;
    await ranked.first().getByRole('button', { name: /^Assign/ }).click();
    await expect.poll(() => page.getByTestId('desk-notice').textContent(), { timeout: 15_000 }).toContain(`${workOrderId} assigned to`);
    expect(await page.getByTestId('desk-notice').textContent()).toContain(`(${first})`);

    // The work order now names its engineer, as dispatch itself says.
    await expect.poll(() => row.getByTestId('engineer').textContent()).toContain(`(${first})`);
    expect(await row.getByTestId('status').textContent()).toContain('Assigned');
    const stored = await api(bed.service('dispatch'), 'GET', `/v1/work-orders/${workOrderId}`, { token: bed.token('dispatcher') });
    expect(stored.body).toMatchObject({ status: 'assigned', engineerId: first });

    // And the booking stands on that engineer's timeline: travel, then the job (two weeks shown, so a holiday cannot hide it).
    await page.getByLabel('Days shown').selectOption('14');
    const lane = page.locator(`[data-testid=timeline] tr[data-engineer="${first}"]`);
    const job = lane.locator(`li[data-kind=work][data-work-order="${workOrderId}"]`);
    await job.first().waitFor({ timeout: 15_000 });
    expect(await job.first().textContent()).toContain(workOrderId);
    expect(await page.locator(`[data-testid=timeline] tr:not([data-engineer="${first}"]) li[data-work-order="${workOrderId}"]`).count()).toBe(0);
    const plannedStart = Date.parse((stored.body as { plannedStart: string }).plannedStart);
    expect(plannedStart).toBeGreaterThan(started - 60_000);

    await page.getByLabel('Days shown').selectOption('5');
    mkdirSync(`${repoRoot}docs/screens`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}docs/screens/dispatch.png`, fullPage: true });

    // Re-planned from the desk: off that engineer for good, to the next best one or back to the dispatcher.
    await row.getByRole('button', { name: `Re-plan ${workOrderId}` }).click();
    await expect.poll(() => page.getByTestId('desk-notice').textContent(), { timeout: 15_000 }).toContain(`Re-planned ${workOrderId}`);
    const replanned = await api(bed.service('dispatch'), 'GET', `/v1/work-orders/${workOrderId}`, { token: bed.token('dispatcher') });
    expect(replanned.body.excludedEngineers).toContain(first);
    expect(replanned.body.engineerId).not.toBe(first);
    await expect.poll(() => row.getByTestId('engineer').textContent()).not.toContain(`(${first})`);
    await expect.poll(() => lane.locator(`li[data-work-order="${workOrderId}"]`).count(), { timeout: 15_000 }).toBe(0);
    console.log(`console-dispatch: screenshot ${repoRoot}docs/screens/dispatch.png; ${first} assigned ${workOrderId} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it("the engineers' calendars show a territory's engineers 25 lanes at a time", async () => {
    // 30 engineers in a territory of their own, with a press-brake skill only (the ranking above is for a laser job).
    const territory = `Pager-${Date.now().toString(36)}`;
    const ids = Array.from({ length: 30 }, (_, i) => `ENG-PG-${String(i).padStart(2, '0')}`);
    for (const id of ids) {
      const put = await api(bed.service('dispatch'), 'PUT', `/v1/engineers/${id}`, {
        token: bed.token('manager'),
        body: { name: `Pager ${id}`, skills: [{ productLine: 'press-brake', skill: 'repair', level: 3 }], territories: [territory], homeBase: { city: 'Wuxi', lat: 31.49, lon: 120.31 }, active: true },
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    await page.reload();
    await page.locator('nav button[data-screen=dispatch]').click();
    await page.getByLabel('Territory').selectOption(territory);
    const lanes = () => page.locator('[data-testid=timeline] tbody tr[data-engineer]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-engineer')));
    const pager = page.getByTestId('timeline-window');
    await expect.poll(() => pager.textContent()).toContain('1–25 of 30');
    expect(await lanes()).toEqual(ids.slice(0, 25));
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect.poll(() => pager.textContent()).toContain('26–30 of 30');
    expect(await lanes()).toEqual(ids.slice(25));
    // Another territory starts at its first lanes; the pager shows only when a page cannot hold them all.
    await page.getByLabel('Territory').selectOption('');
    await expect.poll(() => pager.textContent()).toMatch(/^1–25 of \d+/);
  });
});

