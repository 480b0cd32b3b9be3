import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { registerRequest, requestStep } from './support/requests';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/** The KPIs read intake's records as the workflows left them, on the real servers. */
describe('service KPIs', () => {
  const bed = useTestBed('kpis', { intake: { SEED_DEMO_DATA: 'true' } });
  const intake = () => bed.service('intake');

  const registered = async () => (await registerRequest(bed)).id;
  const step = (id: string, path: string, body: unknown) => requestStep(bed, id, path, body);

  it('counts a fixed, surveyed request and an invalid one; refuses a period that ends before it starts', async () => {
    const fixed = await registered();
    expect((await step(fixed, 'screening', { outcome: 'valid', faultCategory: 'optical', severity: 'minor' })).status).toBe(200);
    await step(fixed, 'resolution', { cause: 'dirty lens', fix: 'cleaned over the phone', firstTimeFix: true });
    await step(fixed, 'acceptance', { accepted: true });
    expect((await step(fixed, 'survey', { score: 5 })).status).toBe(200);
    const invalid = await registered();
    expect((await step(invalid, 'screening', { outcome: 'invalid', reason: 'answered-on-phone' })).status).toBe(200);

    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const report = await eventually('both records settled', async () => {
      const read = await api(intake(), 'GET', `/v1/kpis?from=${from}&to=${to}`, { token: bed.token('manager') });
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      const settled = (read.body.satisfaction as { answers: number }).answers === 1 && (read.body.responseTime as { count: number }).count === 2;
      return settled ? read.body : undefined;
    });
    expect(report).toMatchObject({
      requests: 2,
      valid: 1,
      firstTimeFix: { numerator: 1, denominator: 1, rate: 1 },
      repairSuccess: { numerator: 1, denominator: 1 },
      // Fixed over the phone: a valid request nobody was dispatched to.
      dispatchedShare: { numerator: 0, denominator: 1 },
      satisfaction: { answers: 1, mean: 5 },
    });

    const refused = await api(intake(), 'GET', `/v1/kpis?from=${to}&to=${from}`, { token: bed.token('manager') });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ field: 'to' });
    expect((await api(intake(), 'GET', `/v1/kpis?from=${from}&to=${to}`, { token: bed.token('agent') })).status).toBe(403);
  });

  it('the SLA board lists an open request with its deciding clock, and refuses an unknown status naming the field', async () => {
    const id = await registered();
    const board = await eventually('the request on the board', async () => {
      const read = await api(intake(), 'GET', '/v1/sla-board?status=on-track,warning,breached', { token: bed.token('dispatcher') });
      expect(read.status, JSON.stringify(read.body)).toBe(200);
      return (read.body.items as { id: string }[]).find((e) => e.id === id) ? read.body : undefined;
    });
    const entry = (board.items as { id: string; clock: { name: string; status: string; dueAt: string } }[]).find((e) => e.id === id)!;
    // Unscreened, the first-response clock is the first promise due.
    expect(entry.clock).toMatchObject({ name: 'first-response', status: 'on-track' });
    const refused = await api(intake(), 'GET', '/v1/sla-board?status=late', { token: bed.token('dispatcher') });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ field: 'status' });
    expect(refused.body.error?.message).toContain('each one of breached, warning, on-track');
    // The whole board is searched, not a window of it: the request by part of its id, with what the view holds.
    const found = await api(intake(), 'GET', `/v1/sla-board?q=${id.slice(-6).toLowerCase()}&limit=1`, { token: bed.token('dispatcher') });
    expect(found.status).toBe(200);
    expect((found.body.items as { id: string }[]).map((e) => e.id)).toEqual([id]);
    expect(found.body).toMatchObject({ total: 1, byStatus: { 'on-track': 1, warning: 0, breached: 0 } });
    // Windows of the view add up to its total.
    const first = await api(intake(), 'GET', '/v1/sla-board?limit=1', { token: bed.token('dispatcher') });
    const second = await api(intake(), 'GET', '/v1/sla-board?limit=1&offset=1', { token: bed.token('dispatcher') });
    expect(first.body.total).toBeGreaterThanOrEqual(1);
    expect((first.body.items as unknown[]).length + (second.body.items as unknown[]).length).toBe(Math.min(2, first.body.total as number));
    const counts = first.body.byStatus as Record<string, number>;
    expect(counts.breached! + counts.warning! + counts['on-track']!).toBe(first.body.total);
    const badOffset = await api(intake(), 'GET', '/v1/sla-board?offset=-1', { token: bed.token('dispatcher') });
    expect(badOffset.status).toBe(400);
    expect(badOffset.body.error).toMatchObject({ field: 'offset' });
  });

  it('the operations console prints the board and a request\'s clocks from the running service', async () => {
    const id = await registered();
    const run = promisify(execFile);
    const consoleMain = new URL('../console/main.ts', import.meta.url).pathname;
    const env = { ...process.env, INTAKE_URL: intake().url, CONSOLE_TOKEN: bed.token('manager') };
    const board = await eventually('the console board to list the request', async () => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', consoleMain, 'board', '--status', 'on-track'], { env });
      return stdout.includes(id) ? stdout : undefined;
    });
    expect(board.split('\n')[0]).toMatch(/^REQUEST\s+TIER\s+STATUS\s+CLOCK\s+SLA\s+DUE/);
    expect(board.split('\n').find((l) => l.startsWith(id))).toMatch(/first-response\s+on-track\s+in \d/);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', consoleMain, 'request', id], { env });
    expect(stdout).toContain(`${id}  registered`);
    expect(stdout).toMatch(/resolution\s+on-track/);
    const refused = await run(process.execPath, ['--import', 'tsx', consoleMain, 'kpis'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('usage: console') });
  });
});
