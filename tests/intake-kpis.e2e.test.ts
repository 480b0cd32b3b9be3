import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { registerRequest } from './support/requests';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

/** The SLA board and the terminal console over intake's records as the workflows left them, on the real servers. */
describe('the SLA board and the operations console', () => {
  const bed = useTestBed('kpis', { intake: { SEED_DEMO_DATA: 'true' } });
  const intake = () => bed.service('intake');

  const registered = async () => (await registerRequest(bed)).id;

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
