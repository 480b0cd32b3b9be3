import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { registerRequest, requestStep } from './support/requests';
import { testJwtSecret } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';

const shot = 'docs/screens/kpis.png';

/**
 * The business head's KPI dashboard in real headless Chromium, over intake (demo data) and spares:
 * the manager sees a year of monthly charts; a request then goes through screening, a first-time
 * fix, acceptance and a survey on the real services, and after a reload this month's figures on
 * screen have moved by exactly that request.
 */
describe('the KPI dashboard in the console', () => {
  const bed = useTestBed('console-kpis', { intake: { SEED_DEMO_DATA: 'true' }, spares: {} });
  let consoleProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    buildConsole();
    ({ url, process: consoleProcess } = await startConsole({
      INTAKE_URL: bed.service('intake').url,
      SPARES_URL: bed.service('spares').url,
      AUTH_JWT_SECRET: testJwtSecret,
      AUTH_ISSUER: 'aftersales-test',
      CONSOLE_DEV_LOGIN: 'true',
    }));
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  });

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGTERM');
  });

  async function signIn(role: string) {
    await page.goto(url);
    await page.locator('select[name=role], [data-testid=who]').first().waitFor();
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Role').selectOption(role);
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await expect.poll(() => page.getByTestId('who').textContent()).toContain(`(${role}`);
  }

  /** Opens the dashboard and waits until every month and the costs have been read. */
  async function openDashboard() {
    await page.locator('nav button[data-screen=kpis]').click();
    await page.locator('[data-testid=kpi-charts][data-ready=true]').waitFor({ timeout: 30_000 });
  }

  const cell = (figure: string, month: string, series = 'all') => page.locator(`[data-figure=${figure}] td[data-month="${month}"][data-series="${series}"]`);
  /** "75 % (3/4)" as 3 of 4; "no data" (nothing closed) as 0 of 0. */
  async function ofHowMany(figure: string, month: string) {
    const text = (await cell(figure, month).textContent()) ?? '';
    const found = /\((\d+)\/(\d+)\)/.exec(text);
    return { text, numerator: found ? Number(found[1]) : 0, denominator: found ? Number(found[2]) : 0 };
  }
  /** "4.5 (n=2)" as 2 answers; "no data" as none. */
  async function answers(month: string) {
    return Number(/\(n=(\d+)\)/.exec((await cell('satisfaction', month).textContent()) ?? '')?.[1] ?? 0);
  }
  const raised = async (month: string) => Number((await cell('requests', month, 'requests').textContent()) ?? 'NaN');

  it('the manager sees the monthly charts; a first-time fix moves this month\'s figures after a reload', async () => {
    const started = Date.now();
    await signIn('manager');
    await openDashboard();
    // Twelve months up to the current one, each figure drawn and also given as text.
    const month = new Date().toISOString().slice(0, 7);
    const figures = page.locator('[data-figure]');
    expect(await figures.count()).toBe(12);
    expect(await page.locator('[data-figure] svg[role=img]').count()).toBe(12);
    expect(await page.locator('[data-figure=firstTimeFix] tbody tr').count()).toBe(12);
    expect(await page.locator('[data-figure=firstTimeFix] tbody tr').last().locator('td').getAttribute('data-month')).toBe(month);
    expect(await page.locator('[role=alert]').count()).toBe(0);
    // Spares answered: no part line closed in a fresh namespace is 0, not "no data".
    expect(await cell('partsCost', month, 'factory').textContent()).toBe('0.00');
    expect(await page.getByTestId('not-measured').textContent()).toContain('Engineer utilisation');
    await page.getByRole('heading', { name: 'Escalations that are stuck' }).waitFor();

    const before = { ftf: await ofHowMany('firstTimeFix', month), surveyed: await answers(month), raised: await raised(month) };
    console.log(`console-kpis: ${month} before: first-time fix "${before.ftf.text}", ${before.raised} raised, ${before.surveyed} survey answers`);

    const request = await registerRequest(bed);
    // Raised now: if the month turned meanwhile the figures to watch are the request's month.
    const raisedIn = String(request.raisedAt ?? new Date().toISOString()).slice(0, 7);
    expect(raisedIn).toBe(month);
    expect((await requestStep(bed, request.id, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'minor' })).status).toBe(200);
    expect((await requestStep(bed, request.id, 'resolution', { cause: 'dirty lens', fix: 'cleaned over the phone', firstTimeFix: true })).status).toBe(200);
    expect((await requestStep(bed, request.id, 'acceptance', { accepted: true })).status).toBe(200);
    expect((await requestStep(bed, request.id, 'survey', { score: 5 })).status).toBe(200);

    // The workflow writes the record a moment later: reload until the closure shows on screen.
    await expect
      .poll(
        async () => {
          await page.reload();
          await openDashboard();
          return { ftf: (await ofHowMany('firstTimeFix', month)).denominator, surveyed: await answers(month) };
        },
        { timeout: 45_000, interval: 1_500 },
      )
      .toEqual({ ftf: before.ftf.denominator + 1, surveyed: before.surveyed + 1 });
    const after = { ftf: await ofHowMany('firstTimeFix', month), raised: await raised(month) };
    expect(after.ftf.numerator).toBe(before.ftf.numerator + 1);
    expect(after.raised).toBe(before.raised + 1);
    expect(await page.locator('[data-figure=firstTimeFix] [data-testid=latest]').textContent()).toContain(`(${after.ftf.numerator}/${after.ftf.denominator})`);
    console.log(`console-kpis: ${month} after: first-time fix "${after.ftf.text}", ${after.raised} raised (${Math.round((Date.now() - started) / 1000)} s)`);

    mkdirSync(`${repoRoot}docs/screens`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}${shot}`, fullPage: true });
    console.log(`console-kpis: screenshot ${shot}`);
  });

  it('an auditor reads the same dashboard; an agent is not offered it and the API refuses the KPIs', async () => {
    await signIn('auditor');
    await openDashboard();
    expect(await page.locator('[data-figure]').count()).toBe(12);
    expect(await page.locator('[role=alert]').count()).toBe(0);
    // In Chinese the same figures, month names and "no data" read in Chinese.
    await page.getByLabel('Language').selectOption('zh');
    await expect.poll(() => page.locator('#kpis-title').textContent()).toBe('服务关键指标趋势');
    expect(await page.locator('[data-figure=firstTimeFix] tbody th').last().textContent()).toMatch(/^\d{4}年\d{1,2}月$/);
    expect(await page.locator('[data-figure=validToDispatch] [data-testid=latest]').textContent()).toContain('无数据');
    await page.getByLabel('语言').selectOption('en');
    await signIn('agent');
    expect(await page.locator('nav button[data-screen=kpis]').count()).toBe(0);
    const token = (await page.evaluate("JSON.parse(sessionStorage.getItem('console.session')).token")) as string;
    const now = Date.now();
    const query = new URLSearchParams({ from: new Date(now - 86_400_000).toISOString(), to: new Date(now).toISOString() });
    expect((await fetch(`${url}/api/intake/v1/kpis?${query}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(403);
  });
});
