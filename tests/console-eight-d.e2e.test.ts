import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { api, testJwtSecret, tokenFor } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/**
 * The 8D board in real headless Chromium through the console's origin, on quality's real process,
 * Kafka and Temporal: quality engineer A (the engineer on duty, champion of new 8Ds) opens an 8D by
 * hand (the demo's closed 8D, its recurrence and records listed beside it); its D0 and D1 are walked over HTTP; A fills and submits D2 on the screen, the board shows it
 * awaiting approval, A is told (and refused by quality) that they cannot approve it themselves;
 * quality engineer B signs in, approves D2, and the 8D moves to D3 on the board.
 */
describe('the 8D board in the console', () => {
  const bed = useTestBed('console-eight-d', { quality: { SEED_DEMO_DATA: 'true' } });
  let consoleProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  // A problem unique to this run: 8D ids derive from it and workflow ids are global on the shared server.
  const suffix = randomUUID().slice(0, 6).toUpperCase();
  const problem = { productLine: `laser-${suffix}`, model: `LC-${suffix}`, failureMode: 'FM-LENS-FOG' };
  const statement = `Lens fogs on ${problem.model} within a week of a lens change`;

  beforeAll(async () => {
    buildConsole();
    ({ url, process: consoleProcess } = await startConsole({
      QUALITY_URL: bed.service('quality').url,
      AUTH_JWT_SECRET: testJwtSecret,
      AUTH_ISSUER: 'aftersales-test',
      CONSOLE_DEV_LOGIN: 'true',
    }));
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 }, locale: 'en-GB', acceptDownloads: true });
  });

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGTERM');
  });

  async function signIn(role: string, person: string) {
    await page.goto(url);
    await page.locator('select[name=role], [data-testid=who]').first().waitFor();
    if (await page.getByRole('button', { name: 'Sign out' }).isVisible()) await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Role').selectOption(role);
    await page.getByLabel('Person in the directory (for the inbox; optional)').fill(person);
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await expect.poll(() => page.getByTestId('who').textContent()).toContain(`${person} (${role}`);
  }

  const card = (id: string) => page.locator(`li[data-eight-d="${id}"]`);
  const columnOf = (id: string) => card(id).evaluate((li) => li.closest('[data-column]')?.getAttribute('data-column'));

  it('A submits D2, cannot approve it, B approves it and the 8D moves on to D3', async () => {
    const started = Date.now();
    await signIn('quality', 'qe-on-duty');
    await page.locator('nav button[data-screen="eight-d"]').click();
    await page.getByRole('heading', { name: '8D board', level: 1 }).waitFor();

    // Quality's demo data: a closed 8D, the recurrence that opened it and its failure records.
    const demo = '8D-FL-3015-BURR-1';
    await card(demo).waitFor({ timeout: 15_000 });
    expect(await columnOf(demo)).toBe('closed');
    await page.getByRole('button', { name: 'Recurrences' }).click();
    await expect.poll(() => page.getByTestId('eight-d-recurrences').textContent(), { timeout: 15_000 }).toContain('FR-SR-DEMO-BURR-3');
    expect(await page.getByTestId('eight-d-recurrences').textContent()).toContain(demo);
    await page.getByRole('button', { name: 'Failure records' }).click();
    await expect.poll(() => page.locator('[data-testid=eight-d-records] tbody tr[data-record]').count(), { timeout: 15_000 }).toBe(3);

    // A opens the 8D by hand on the screen.
    await page.getByRole('button', { name: 'Open an 8D' }).click();
    await page.getByLabel('Product line').fill(problem.productLine);
    await page.getByLabel('Model').fill(problem.model);
    await page.getByLabel('Failure mode code').fill(problem.failureMode);
    await page.getByLabel('Why opened').fill('Key account demands a formal report on fogged lenses');
    await page.getByRole('button', { name: 'Open the 8D' }).click();
    const detail = page.getByTestId('eight-d-detail');
    await detail.waitFor({ timeout: 15_000 });
    const id = (await detail.getAttribute('data-eight-d'))!;
    expect(id).toMatch(/^8D-/);
    bed.started.push(id);

    // Its process starts from the opened event; the screen shows D0 open once it answers.
    await page.locator('tr[data-discipline="D0"][data-status="open"]').waitFor({ timeout: 30_000 });

    // D0 and D1 go through over HTTP (the champion submits, a manager approves) so the test reaches D2.
    const champion = await tokenFor('quality', 'qe-on-duty');
    const manager = await tokenFor('manager', 'qm-guo');
    for (const [d, content] of [['D0', { actions: 'Customers told to clean the lens daily' }], ['D1', { members: [{ id: 'qe-li', name: 'Li Na', role: 'quality engineer' }], owners: {} }]] as const) {
      const submitted = await api(bed.service('quality'), 'POST', `/v1/eight-ds/${id}/disciplines/${d}/submission`, { token: champion, body: { content } });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
      const approved = await api(bed.service('quality'), 'POST', `/v1/eight-ds/${id}/disciplines/${d}/approval`, { token: manager });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    }

    // The open 8D reads again by itself: D2 is open and its form is offered to A, the champion.
    const form = page.getByRole('form', { name: 'Fill in D2' });
    await form.waitFor({ timeout: 15_000 });
    await form.getByLabel('Problem statement').fill(statement);
    await form.getByLabel('What', { exact: true }).fill('condensation inside the lens housing');
    await form.getByLabel('Where', { exact: true }).fill('Coastal sites in Zhejiang');
    await form.getByLabel('When', { exact: true }).fill('within 7 days of a lens change');
    await form.getByLabel('How many', { exact: true }).fill('3 machines');
    await form.getByLabel('Is not', { exact: true }).fill('not on machines with the sealed housing');
    await form.getByRole('button', { name: 'Submit D2 for approval' }).click();
    await expect.poll(() => page.getByTestId('eight-d-outcome').textContent(), { timeout: 20_000 }).toBe('Done: D2 is Awaiting approval.');

    // Four eyes: the screen tells A why, and quality refuses A's approval all the same.
    await expect.poll(() => page.getByTestId('eight-d-four-eyes').textContent()).toBe('You submitted D2: four eyes — another person must approve it.');
    await page.getByRole('button', { name: 'Approve D2' }).click();
    await expect.poll(() => page.getByTestId('eight-d-outcome').textContent(), { timeout: 20_000 }).toMatch(/^Refused: 4\d\d .*qe-on-duty submitted D2 and cannot also approve it/);
    expect(await page.locator('tr[data-discipline="D2"]').getAttribute('data-status')).toBe('submitted');

    // The board: the 8D sits in D2, awaiting approval.
    await page.getByRole('button', { name: 'Back to the board' }).click();
    // The board lists quality's recorded copy, which the workflow writes just after the step: it catches up on its next read.
    await card(id).waitFor();
    expect(await columnOf(id)).toBe('D2');
    await expect.poll(() => card(id).getByTestId('eight-d-step').textContent(), { timeout: 15_000 }).toBe('Awaiting approval');
    expect(await page.getByTestId('eight-d-counts').textContent()).toBe('1 open · 1 awaiting approval · 0 overdue');
    mkdirSync(`${repoRoot}docs/screens`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}docs/screens/eight-d.png`, fullPage: true });
    console.log('console-eight-d: screenshot docs/screens/eight-d.png');
    await page.getByLabel('Language').selectOption('zh');
    await expect.poll(() => card(id).getByTestId('eight-d-step').textContent()).toBe('待批准');
    expect(await page.getByTestId('eight-d-counts').textContent()).toBe('进行中 1 · 待批准 1 · 逾期 0');
    await page.getByLabel('语言').selectOption('en');

    // B, another quality engineer, approves D2 from the opened 8D.
    await signIn('quality', 'qe-li');
    await page.locator('nav button[data-screen="eight-d"]').click();
    await card(id).getByRole('button', { name: id }).click();
    await page.locator('tr[data-discipline="D2"][data-status="submitted"]').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('eight-d-four-eyes').count()).toBe(0);
    expect(await page.locator('.eight-d-content').textContent()).toContain(statement);
    await page.getByRole('button', { name: 'Approve D2' }).click();
    await expect.poll(() => page.getByTestId('eight-d-outcome').textContent(), { timeout: 20_000 }).toBe('Done: D2 is Approved.');
    await page.locator('tr[data-discipline="D3"][data-status="open"]').waitFor({ timeout: 15_000 });

    // The customer report through the console's origin: the HTML in a frame, the PDF as a download.
    await page.getByRole('button', { name: 'Show report (HTML)' }).click();
    await expect.poll(() => page.frameLocator('iframe.eight-d-report-frame').locator('body').textContent(), { timeout: 15_000 }).toContain(statement);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download report (PDF)' }).click()]);
    expect(download.suggestedFilename()).toBe(`${id}.pdf`);
    expect(readFileSync((await download.path())!).subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Back on the board the 8D has moved to D3; quality's own record agrees on who approved.
    await page.getByRole('button', { name: 'Back to the board' }).click();
    await expect.poll(() => columnOf(id), { timeout: 15_000 }).toBe('D3');
    await expect.poll(() => card(id).getByTestId('eight-d-step').textContent()).toBe('Open');
    const stored = await eventually('D2 approved by B in quality', async () => {
      const r = await api(bed.service('quality'), 'GET', `/v1/eight-ds/${id}`, { token: manager });
      const d2 = (r.body as { state: { disciplines: { discipline: string; status: string; submittedBy: string; approvedBy: string }[] } }).state.disciplines.find((x) => x.discipline === 'D2');
      return d2?.status === 'approved' ? d2 : undefined;
    });
    expect(stored).toMatchObject({ submittedBy: 'qe-on-duty', approvedBy: 'qe-li' });
    console.log(`console-eight-d: ${id} walked D2 submit → refused self-approval → approved by B in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
