import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import type { ProactiveVisitResult } from '@aftersales/workflows';
import { api } from './support/services';
import { withTemporal } from './support/temporal';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

const day = 86_400_000;

interface ScheduleView {
  scheduleId: string;
  every: string;
  serialNumbers: string[] | null;
  note: string | null;
  spec: { intervals: { every: number; offset: number }[]; calendars: { dayOfMonth: unknown; month: unknown }[]; startAt: string | null };
  nextActionTimes: string[];
  recentActions: { workflowId: string; runId: string }[];
  runningActions: unknown[];
  plannedRequests: { id: string; serialNumber: string }[];
}

interface RequestItem {
  id: string;
  serialNumber: string;
  channel: string;
  symptom: string;
  flags?: string[];
  registeredAt: string;
  neededBy: string;
  registeredBy: string;
}

/**
 * Proactive visits on the real servers: a Temporal Schedule per key account whose runs open
 * planned-maintenance requests through intake's registrar, each then running its own
 * serviceRequest workflow.
 */
describe('proactive visits to key accounts', () => {
  const bed = useTestBed('visits', { intake: { SEED_DEMO_DATA: 'true' } });
  const { stack, ns, started } = bed;
  const intake = () => bed.service('intake');
  const path = (customerId: string, tail = '') => `/v1/customers/${customerId}/proactive-visits${tail}`;
  // Deleted after the file whatever happened in it, so the shared dev server keeps no schedule of ours.
  const schedules = new Set<string>([`${ns}-proactive-visit:CUST-0001`]);

  afterAll(async () => {
    await withTemporal(stack, async (client) => {
      for (const id of schedules) await client.schedule.getHandle(id).delete().catch(() => undefined);
    });
  });

  async function plannedRequests(): Promise<RequestItem[]> {
    const list = await api(intake(), 'GET', '/v1/service-requests?customerId=CUST-0001', { token: bed.token('agent') });
    expect(list.status).toBe(200);
    return (list.body.items as RequestItem[]).filter((r) => r.flags?.includes('planned-maintenance'));
  }

  async function schedule(customerId = 'CUST-0001'): Promise<ScheduleView> {
    const read = await api(intake(), 'GET', path(customerId), { token: bed.token('manager') });
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    return read.body as unknown as ScheduleView;
  }

  /** Waits for the run's workflow to finish and answers what it opened. */
  async function runResult(workflowId: string): Promise<ProactiveVisitResult> {
    started.push(workflowId);
    return withTemporal(stack, (client) => client.workflow.getHandle(workflowId).result() as Promise<ProactiveVisitResult>);
  }

  async function expectRunningWorkflow(requestId: string): Promise<void> {
    started.push(requestId);
    await eventually(`${requestId}'s serviceRequest workflow`, async () => {
      const read = await api(intake(), 'GET', `/v1/service-requests/${requestId}`, { token: bed.token('agent') });
      const workflow = read.body.workflow as { available?: boolean; state?: { status: string } } | null;
      return workflow?.available ? workflow : undefined;
    }).then((workflow) => expect(workflow.state?.status).toBe('registered'));
  }

  it('refuses what cannot be scheduled, naming the field', async () => {
    const standard = await api(intake(), 'POST', '/v1/customers', {
      token: bed.token('manager'),
      body: { id: 'CUST-STD1', name: 'Ordinary Metalworks', class: 'standard', contacts: [{ name: 'Zhao Min', phone: '+86 10 5555 0303' }] },
    });
    expect(standard.status, JSON.stringify(standard.body)).toBe(201);
    schedules.add(`${ns}-proactive-visit:CUST-STD1`);

    const refused = await api(intake(), 'POST', path('CUST-STD1'), { token: bed.token('manager'), body: { every: 'P30D' } });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'unprocessable', field: 'customerId' });
    expect(refused.body.error?.message).toMatch(/standard customer; proactive visits are for vip and key_account customers/);

    const bad = async (body: unknown) => (await api(intake(), 'POST', path('CUST-0001'), { token: bed.token('manager'), body })).body.error;
    expect(await bad({ every: 'PT12H' })).toMatchObject({ field: 'every', message: 'every: at least one day (P1D)' });
    expect(await bad({ every: '90 days' })).toMatchObject({ field: 'every' });
    expect(await bad({ every: 'P1M15D' })).toMatchObject({ field: 'every' });
    expect(await bad({ every: 'P30D', serialNumbers: ['SN-0002'] })).toMatchObject({ field: 'serialNumbers', message: 'serialNumbers: SN-0002 is not a machine of customer CUST-0001' });
    expect(await bad({ every: 'P1M', startAt: '2030-01-31T08:00:00Z' })).toMatchObject({ field: 'startAt' });
    expect((await api(intake(), 'POST', path('CUST-0001'), { token: bed.token('agent'), body: { every: 'P30D' } })).status).toBe(403);
    expect((await api(intake(), 'POST', path('CUST-NONE'), { token: bed.token('manager'), body: { every: 'P30D' } })).status).toBe(404);
    expect((await api(intake(), 'GET', path('CUST-0001'), { token: bed.token('manager') })).status).toBe(404);
  });

  it('schedules visits every 30 days, and each triggered run opens one planned-maintenance request with its own workflow', async () => {
    const before = Date.now();
    const created = await api(intake(), 'POST', path('CUST-0001'), { token: bed.token('manager'), body: { every: 'P30D', serialNumbers: ['SN-0001'], note: 'chiller and optics check' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.scheduleId).toBe(`${ns}-proactive-visit:CUST-0001`);
    expect((await api(intake(), 'POST', path('CUST-0001'), { token: bed.token('platform'), body: { every: 'P90D' } })).body.error).toMatchObject({ field: 'customerId', code: 'conflict' });

    const view = await schedule();
    expect(view).toMatchObject({ every: 'P30D', serialNumbers: ['SN-0001'], note: 'chiller and optics check', spec: { intervals: [{ every: 30 * day }] }, recentActions: [] });
    const next = new Date(view.nextActionTimes[0]!).getTime();
    expect(next).toBeGreaterThanOrEqual(before + 30 * day - 2_000);
    expect(next).toBeLessThanOrEqual(Date.now() + 30 * day + 60_000);
    expect(new Date(view.nextActionTimes[1]!).getTime() - next).toBeGreaterThan(29 * day);

    // First run.
    const triggeredAt = Date.now();
    expect((await api(intake(), 'POST', path('CUST-0001', '/trigger'), { token: bed.token('manager') })).status).toBe(202);
    const [first] = await eventually('a planned-maintenance request for SN-0001', async () => {
      const planned = await plannedRequests();
      return planned.length >= 1 ? planned : undefined;
    });
    expect(first).toMatchObject({ serialNumber: 'SN-0001', channel: 'portal', symptom: 'Planned maintenance visit: chiller and optics check', registeredBy: `schedule:${ns}-proactive-visit:CUST-0001` });
    expect(new Date(first!.neededBy).getTime() - triggeredAt).toBeGreaterThan(14 * day - 10_000);
    expect(new Date(first!.neededBy).getTime() - triggeredAt).toBeLessThan(14 * day + 60_000);
    await expectRunningWorkflow(first!.id);
    const afterFirst = await eventually('the first run in recentActions', async () => {
      const current = await schedule();
      return current.recentActions.length === 1 ? current : undefined;
    });
    expect(await runResult(afterFirst.recentActions[0]!.workflowId)).toMatchObject({ customerId: 'CUST-0001', requestIds: [first!.id], skipped: [] });

    // Second run: schedule actions are named by the second they start in, so not within the same second.
    await sleep(Math.max(0, triggeredAt + 1_500 - Date.now()));
    expect((await api(intake(), 'POST', path('CUST-0001', '/trigger'), { token: bed.token('platform') })).status).toBe(202);
    const both = await eventually('a second planned-maintenance request', async () => {
      const planned = await plannedRequests();
      return planned.length >= 2 ? planned : undefined;
    });
    const second = both.find((r) => r.id !== first!.id)!;
    expect(second).toMatchObject({ serialNumber: 'SN-0001', channel: 'portal' });
    await expectRunningWorkflow(second.id);
    const afterSecond = await eventually('two runs in recentActions', async () => {
      const current = await schedule();
      return current.recentActions.length === 2 ? current : undefined;
    });
    const [runA, runB] = afterSecond.recentActions;
    expect(runA!.workflowId).not.toBe(runB!.workflowId);
    expect((await runResult(runB!.workflowId)).requestIds).toEqual([second.id]);
    // One request per run, and nothing more once both runs finished.
    await sleep(1_000);
    expect((await plannedRequests()).map((r) => r.id).sort()).toEqual([first!.id, second.id].sort());
    expect(afterSecond.plannedRequests.map((r) => r.id).sort()).toEqual([first!.id, second.id].sort());
    expect(afterSecond.nextActionTimes[0]).toBe(view.nextActionTimes[0]);
  });

  it('deletes the schedule; a monthly one without serials visits the active machines at the top of their tree', async () => {
    expect((await api(intake(), 'DELETE', path('CUST-0001'), { token: bed.token('agent') })).status).toBe(403);
    expect((await api(intake(), 'DELETE', path('CUST-0001'), { token: bed.token('manager') })).status).toBe(204);
    await eventually('the schedule to be gone', async () => ((await api(intake(), 'GET', path('CUST-0001'), { token: bed.token('manager') })).status === 404 ? true : undefined));
    expect((await api(intake(), 'POST', path('CUST-0001', '/trigger'), { token: bed.token('manager') })).status).toBe(404);
    expect((await api(intake(), 'DELETE', path('CUST-0001'), { token: bed.token('manager') })).status).toBe(404);
    await withTemporal(stack, async (client) => {
      await expect(client.schedule.getHandle(`${ns}-proactive-visit:CUST-0001`).describe()).rejects.toThrow(/not found/i);
    });

    const before = (await plannedRequests()).map((r) => r.id);
    const created = await api(intake(), 'POST', path('CUST-0001'), { token: bed.token('manager'), body: { every: 'P3M' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const view = await schedule();
    expect(view).toMatchObject({ every: 'P3M', serialNumbers: null, spec: { intervals: [] } });
    expect(view.spec.calendars).toHaveLength(1);
    const next = new Date(view.nextActionTimes[0]!).getTime();
    expect(next).toBeGreaterThan(Date.now() + 80 * day);
    expect(next).toBeLessThan(Date.now() + 93 * day);

    expect((await api(intake(), 'POST', path('CUST-0001', '/trigger'), { token: bed.token('manager') })).status).toBe(202);
    const run = await eventually('the run of the monthly schedule', async () => {
      const current = await schedule();
      return current.recentActions.length === 1 ? current.recentActions[0] : undefined;
    });
    const result = await runResult(run!.workflowId);
    // SN-0001-LS sits inside SN-0001: the visit to the machine covers it.
    expect(result.opened.map((o) => o.serialNumber)).toEqual(['SN-0001']);
    expect(result.requestIds).toHaveLength(1);
    expect(before).not.toContain(result.requestIds[0]);
    await expectRunningWorkflow(result.requestIds[0]!);
    expect((await api(intake(), 'DELETE', path('CUST-0001'), { token: bed.token('platform') })).status).toBe(204);
  });
});
