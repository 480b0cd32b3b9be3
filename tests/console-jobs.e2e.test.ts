import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvent, topicOf } from '@aftersales/contracts';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { registerRequest, requestStep } from './support/requests';
import { api, testJwtSecret } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/**
 * Whatever the hour the test runs, the engineer's phone is set to a zone where it is eight in the
 * morning, so a job planned within the next hours falls on "today" (Etc/GMT-N is UTC+N).
 */
function morningZone(now: Date): { zone: string; offsetHours: number } {
  const offsetHours = ((8 - now.getUTCHours() + 36) % 24) - 12;
  return { zone: offsetHours === 0 ? 'Etc/GMT' : offsetHours > 0 ? `Etc/GMT-${offsetHours}` : `Etc/GMT+${-offsetHours}`, offsetHours };
}

/**
 * The field engineer's jobs in real headless Chromium at a phone's size, through the console's
 * origin against intake, dispatch and spares with their demo data: an 8D containment flag covers
 * the demo model; a request is registered and screened P1, dispatch assigns its work order to a demo engineer and spares reserves a lens for
 * it; that engineer signs in on a 390x844 screen, sees the job for today with what and where, the
 * containment instruction and the parts to carry, walks the steps, has a report refused by dispatch with the error beside the
 * field it names, sends it right, and the request shows as resolved on screen and at intake.
 */
describe("the field engineer's jobs on a phone", () => {
  const demo = { SEED_DEMO_DATA: 'true' };
  const bed = useTestBed('console-jobs', { intake: demo, dispatch: demo, spares: demo });
  let consoleProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;
  const { zone, offsetHours } = morningZone(new Date());
  const symptom = `No beam after lens change ${randomUUID().slice(0, 6)}`;

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
    page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'en-GB', timezoneId: zone, isMobile: true, hasTouch: true });
  });

  afterAll(async () => {
    await browser?.close();
    consoleProcess?.kill('SIGTERM');
  });

  /** A datetime-local value on the engineer's phone, `minutesAgo` before now. */
  const onPhone = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000 + offsetHours * 3_600_000).toISOString().slice(0, 16);

  it('the assigned engineer sees today\'s job, walks it, reports, and the request is resolved', async () => {
    const started = Date.now();
    // Quality's 8D flags the model: intake and dispatch keep the flag from the event.
    const flag = { eightDId: `8D-${bed.ns}`, flagId: `F-${bed.ns}`, discipline: 'D3', scope: { model: 'FL-3015' }, instruction: 'Check the nozzle lot before cutting; replace lots N-23xx', carryParts: ['P-NOZZLE-15'], flaggedAt: new Date().toISOString() };
    const producer = new Kafka({ brokers: bed.stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const event = buildEvent('eight-d.containment-flagged@1', flag as never, { id: randomUUID(), occurredAt: new Date(), source: 'test', subject: flag.eightDId, correlationId: flag.eightDId, causationId: null });
    await producer.send({ topic: `${bed.ns}.${topicOf('eight-d.containment-flagged@1')}`, messages: [{ key: flag.eightDId, value: JSON.stringify(event) }] });
    await producer.disconnect();
    await eventually('the flag on the machine at intake', async () => {
      const read = await api(bed.service('intake'), 'GET', '/v1/machines/SN-0001', { token: bed.token('engineer') });
      return (read.body.containment as unknown[] | undefined)?.length ? true : undefined;
    });

    const { id: requestId } = await registerRequest(bed, { symptom });
    const screened = await requestStep(bed, requestId, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'critical' });
    expect(screened.status, JSON.stringify(screened.body)).toBe(200);
    const workOrder = await eventually('the assigned work order', async () => {
      const items = (await api(bed.service('dispatch'), 'GET', `/v1/work-orders?requestId=${requestId}`, { token: bed.token('dispatcher') })).body.items as { id: string; status: string; engineerId: string | null }[] | undefined;
      return items?.[0]?.status === 'assigned' ? items[0] : undefined;
    });
    const engineerId = workOrder.engineerId!;
    await eventually('spares to know the work order', async () => ((await api(bed.service('spares'), 'GET', `/v1/work-orders/${workOrder.id}`, { token: bed.token('spares') })).status === 200 ? true : undefined));
    const reserved = await api(bed.service('spares'), 'POST', '/v1/reservations', { token: bed.token('dispatcher'), body: { workOrderId: workOrder.id, lines: [{ partNumber: 'P-LENS-B', quantity: 1 }] } });
    expect(reserved.status, JSON.stringify(reserved.body)).toBe(201);

    // The engineer signs in on the phone: the jobs screen is their first.
    await page.goto(url);
    await page.getByLabel('Role').selectOption('engineer');
    await page.getByLabel('Person in the directory (for the inbox; optional)').fill(engineerId);
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await page.getByRole('heading', { name: "Today's jobs" }).waitFor();
    expect(await page.locator('nav button[data-screen]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-screen')))).toEqual(['jobs', 'inbox']);

    // Today's job: what (machine, model, symptom) and where (customer, city).
    const card = page.locator(`[data-testid=jobs] li[data-job="${workOrder.id}"]`);
    await card.waitFor({ timeout: 15_000 });
    await expect.poll(() => card.textContent(), { timeout: 15_000 }).toContain('Jiangnan Precision Parts Co.');
    await expect.poll(() => card.textContent()).toContain(symptom);
    expect(await card.textContent()).toMatch(/P1 · FL-3015 SN-0001/);
    expect(await card.textContent()).toContain('Shanghai');
    expect(await card.textContent()).toContain('Containment: read before you go');
    // One column on the phone: nothing wider than the screen.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    await card.getByRole('button').click();
    const what = page.getByTestId('job-what');
    await what.waitFor();
    expect(await what.textContent()).toContain('SN-0001 · FL-3015');
    expect(await what.textContent()).toContain(symptom);
    await expect.poll(() => page.getByTestId('job-where').textContent(), { timeout: 15_000 }).toContain('Songjiang plant, 88 Rongle East Road, Songjiang District, Shanghai');
    await expect.poll(() => page.getByTestId('job-where').textContent()).toContain('Li Wei · +86 21 5555 0101');
    expect(await page.getByTestId('job-window').textContent()).toMatch(/\d{2}:\d{2} – .*\d{2}:\d{2}/);
    const lens = page.locator('[data-testid=job-parts] li[data-part="P-LENS-B"]');
    await lens.waitFor({ timeout: 15_000 });
    await expect.poll(() => lens.textContent()).toMatch(/1 × P-LENS-B Focus lens, coated\s*reserved \(/);
    const containment = page.getByTestId('job-containment');
    await expect.poll(() => containment.textContent()).toContain(`${flag.eightDId} D3: ${flag.instruction} · bring: P-NOZZLE-15`);
    const van = (await api(bed.service('dispatch'), 'GET', `/v1/engineers/${engineerId}`, { token: bed.token('dispatcher') })).body.vanStock as string[];
    const nozzle = page.locator('[data-testid=job-parts] li[data-part="P-NOZZLE-15"]');
    await expect.poll(() => nozzle.textContent()).toMatch(van.includes('P-NOZZLE-15') ? /— × P-NOZZLE-15 .*for containment · in your van$/ : /— × P-NOZZLE-15 .*for containment$/);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    mkdirSync(`${repoRoot}docs/screens`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}docs/screens/jobs.png`, fullPage: true });
    console.log('console jobs: screenshot docs/screens/jobs.png');

    // The steps, one by one, each confirmed by dispatch before the next is offered.
    const steps = [
      ['acceptance', 'Accept the job'],
      ['travel-start', 'Leave for the site now'],
      ['arrival', 'I am on site'],
      ['work-start', 'Start work'],
      ['work-finish', 'Work is finished'],
    ] as const;
    for (const [step, label] of steps) {
      const next = page.getByTestId('next-step');
      await expect.poll(() => next.textContent()).toBe(label);
      await next.click();
      await expect.poll(() => page.locator(`[data-testid=job-steps] li[data-step="${step}"]`).getAttribute('data-state'), { timeout: 10_000 }).toBe('done');
    }
    expect(await page.getByTestId('job-status').textContent()).toBe('Work finished');

    // A report that ends before it starts: dispatch refuses it and names the field; the form shows it there.
    const report = page.getByTestId('report');
    await report.waitFor();
    expect(await report.getByLabel('Part number 1').inputValue()).toBe('P-LENS-B');
    await report.getByLabel('Work started').fill(onPhone(50));
    await report.getByLabel('Work finished').fill(onPhone(70));
    await report.getByLabel('Effort (minutes)').fill('50');
    await report.getByLabel('Travel (minutes)').fill('25');
    await report.getByLabel('Cause').fill('Focus lens burnt');
    await report.getByLabel('Fix', { exact: true }).fill('Replaced the focus lens');
    await report.getByLabel('Work done').fill('Fitted a coated lens, recalibrated focus, test cut clean');
    await report.getByLabel('Serial of the removed part').fill('LENS-OLD-1');
    await report.getByLabel('Why it failed (who pays)').selectOption('quality-failure');
    await report.getByLabel('Customer sign-off (name)').fill('Li Wei');
    await report.getByRole('button', { name: 'Send the report' }).click();
    const finishedError = report.locator('label', { hasText: 'Work finished' }).getByTestId('error-finishedAt');
    await expect.poll(() => finishedError.textContent(), { timeout: 10_000 }).toContain('finishedAt must be after startedAt');
    expect(await report.getByLabel('Work finished').getAttribute('aria-invalid')).toBe('true');

    await report.getByLabel('Work finished').fill(onPhone(0));
    await report.getByRole('button', { name: 'Send the report' }).click();
    await page.getByTestId('job-done').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('job-status').textContent()).toBe('Completed');

    // Intake follows dispatch's completed event: the request is resolved, through the API and on screen.
    const state = await eventually('the request resolved at intake', async () => {
      const read = await api(bed.service('intake'), 'GET', `/v1/service-requests/${requestId}`, { token: bed.token('agent') });
      const live = (read.body.workflow as { state?: { status: string; resolution: unknown } } | null)?.state;
      return live?.status === 'resolved' ? live : undefined;
    });
    expect(state.resolution).toMatchObject({ cause: 'Focus lens burnt', fix: 'Replaced the focus lens', firstTimeFix: true });
    await expect.poll(() => page.getByTestId('request-status').textContent(), { timeout: 15_000 }).toBe('resolved');
    const stored = (await api(bed.service('dispatch'), 'GET', `/v1/work-orders/${workOrder.id}`, { token: bed.token('dispatcher') })).body as { status: string; report: { effortMinutes: number; partsUsed: { partNumber: string; quantity: number; removedSerial: string | null }[]; customerSignOff: { name: string } | null } };
    expect(stored.status).toBe('completed');
    expect(stored.report).toMatchObject({ effortMinutes: 50, partsUsed: [{ partNumber: 'P-LENS-B', quantity: 1, removedSerial: 'LENS-OLD-1' }], customerSignOff: { name: 'Li Wei' } });
    console.log(`console jobs: ${workOrder.id} for ${engineerId} walked and reported in ${((Date.now() - started) / 1000).toFixed(1)} s (phone zone ${zone})`);
  });
});
