import { afterAll, describe, expect, it } from 'vitest';
import { killServer, startServer, type ServerName } from '../infra/stack.mjs';
import { registrationBody } from './support/demo';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const local = process.env.STACK !== 'external';
const quiet = { log: () => undefined };

/**
 * Each server of the local stack is killed with SIGKILL while the services run. What was
 * accepted before or during the outage must arrive once the server is back; what could not be
 * accepted is refused with a 503, never half-stored. These tests kill shared servers, so they run
 * alone, after every other project.
 */
describe.skipIf(!local)('servers killed under running services', () => {
  const bed = useTestBed('faults', { intake: { SEED_DEMO_DATA: 'true' }, dispatch: {} });
  const { started } = bed;
  const intake = () => bed.service('intake');
  const dispatch = () => bed.service('dispatch');
  afterAll(async () => {
    // Whatever happened, leave every server running for the next test run.
    for (const name of ['mongo', 'kafka', 'temporal'] as ServerName[]) await startServer(name, quiet);
  });

  async function register(overrides: Record<string, unknown> = {}): Promise<string> {
    const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody(overrides) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    started.push(created.body.id as string);
    return created.body.id as string;
  }

  async function assertArrives(id: string): Promise<void> {
    await eventually(`${id} on the dispatch board`, async () => {
      const read = await api(dispatch(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('dispatcher') });
      return read.status === 200 ? true : undefined;
    }, { timeoutMs: 120_000 });
    await eventually(`${id}'s workflow`, async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
      return (read.body.workflow as { available?: boolean } | null)?.available ? true : undefined;
    }, { timeoutMs: 120_000 });
  }

  it('Kafka dies: requests are still accepted, and their events arrive after the broker returns', async () => {
    await killServer('kafka', quiet);
    const during = [await register(), await register({ channel: 'email' }), await register({ channel: 'portal' })];
    const ready = await api(intake(), 'GET', '/readyz');
    expect(ready.status).toBe(503);
    expect((ready.body.checks as { name: string; ok: boolean }[]).find((c) => c.name === 'kafka')?.ok).toBe(false);

    await startServer('kafka', quiet);
    for (const id of during) await assertArrives(id);
  });

  it('Temporal dies: the record answers without live state, and the workflow starts after the server returns', async () => {
    await killServer('temporal', quiet);
    const id = await register();
    // Dispatch does not depend on Temporal: it gets the request during the outage.
    await eventually(`${id} on the dispatch board`, async () => {
      const read = await api(dispatch(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('dispatcher') });
      return read.status === 200 ? true : undefined;
    });
    const read = await api(intake(), 'GET', `/v1/service-requests/${id}`, { token: bed.token('agent') });
    expect(read.status).toBe(200);
    expect(read.body.workflow).toMatchObject({ id, available: false });

    await startServer('temporal', quiet);
    await assertArrives(id);
  });

  it('the database dies: a POST is refused with 503 and nothing half-stored; accepted requests survive the crash', async () => {
    const before = await register();
    await assertArrives(before);
    await killServer('mongo', quiet);
    const refused = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody() });
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: 'dependency_unavailable' });

    await startServer('mongo', quiet);
    const after = await eventually('intake accepting again', async () => {
      const created = await api(intake(), 'POST', '/v1/service-requests', { token: bed.token('agent'), body: registrationBody({ channel: 'app' }) });
      return created.status === 201 ? (created.body.id as string) : undefined;
    });
    started.push(after);
    await assertArrives(after);
    const survivor = await api(intake(), 'GET', `/v1/service-requests/${before}`, { token: bed.token('agent') });
    expect(survivor.status).toBe(200);
    expect(survivor.body).toMatchObject({ id: before, status: 'registered' });
  });
});
