import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventKey } from '@aftersales/contracts';
import { buildConsole, chromiumPath, startConsole } from './support/browser';
import { useFactPublisher } from './support/kafka';
import { testJwtSecret } from './support/services';
import { repoRoot } from './support/stack';
import { useTestBed } from './support/testbed';

/**
 * The inbox in real headless Chromium through the console's origin: the Shanghai supervisor's
 * console is open on the inbox when a P1 breach happens (published on Kafka, told by the
 * notifications service with its demo directory); it appears without a reload, the unread count
 * moves, and acknowledging it from the screen records who and when.
 */
describe('the inbox in the console, live', () => {
  const bed = useTestBed('console-inbox', { notifications: { SEED_DEMO_DATA: 'true' } });
  let consoleProcess: ChildProcess;
  let browser: Browser;
  let page: Page;
  const facts = useFactPublisher(bed);
  let url: string;
  const tag = randomUUID().slice(0, 8);
  const requestId = `SR-CI-${tag}`;

  beforeAll(async () => {
    buildConsole();
    ({ url, process: consoleProcess } = await startConsole({
      NOTIFICATIONS_URL: bed.service('notifications').url,
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

  const publish = (key: EventKey, data: Record<string, unknown>) => facts.publish(key, requestId, data);

  it('a P1 breach appears in the open inbox without a reload and is acknowledged from it', async () => {
    await page.goto(url);
    await page.getByLabel('Role').selectOption('dispatcher');
    await page.getByLabel('Person in the directory (for the inbox; optional)').fill('P-SH-SUP');
    await page.getByRole('button', { name: 'Sign in (development)' }).click();
    await page.getByTestId('unread').click();
    await page.getByRole('heading', { name: 'Inbox' }).waitFor();
    const before = await page.locator('[data-testid=inbox] li').count();

    const now = Date.now();
    await publish('service-request.registered@1', {
      requestId, customerId: 'CUST-CI', contact: { name: 'CI' }, channel: 'phone', serialNumber: `SN-${tag}`, symptom: 'no beam', raisedAt: new Date(now).toISOString(),
      neededBy: new Date(now + 86_400_000).toISOString(), machine: { model: 'FL-3015', productLine: 'fiber-laser-cutting' }, site: { city: 'Shanghai', lat: 31.03, lon: 121.22 },
    });
    await publish('service-request.sla-breached@1', { requestId, clock: 'first-response', tier: 'P1', targetMs: 3_600_000, warnAt: new Date(now - 1_800_000).toISOString(), dueAt: new Date(now - 60_000).toISOString(), elapsedMs: 3_660_000 });

    // Pushed by the stream: no reload, no click.
    const notice = page.locator('[data-testid=inbox] li[data-kind=sla-breached]', { hasText: requestId });
    await notice.waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=inbox] li').count()).toBe(before + 1);
    await expect.poll(() => page.getByTestId('unread').textContent()).toMatch(/[1-9]\d* unread/);
    expect(await notice.textContent()).toContain('Needs acknowledgement');

    await notice.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => notice.textContent()).toContain('Acknowledged: P-SH-SUP');
    mkdirSync(`${repoRoot}docs/screens`, { recursive: true });
    await page.screenshot({ path: `${repoRoot}docs/screens/inbox.png`, fullPage: true });
  });
});
