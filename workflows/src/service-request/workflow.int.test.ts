import { randomUUID } from 'node:crypto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServiceRequestActivities } from './activities';
import { cancelSignal, getStateQuery, recordFirstResponseUpdate, type ServiceRequestInput } from './messages';
import { serviceRequest } from './workflow';

const testServer = inject('stack').temporalTestServerPath;

/** The SLA timer on the time-skipping test server: hours pass in milliseconds, on a real Temporal server. */
describe.skipIf(!testServer)('serviceRequest workflow on the time-skipping server', () => {
  let env: TestWorkflowEnvironment;
  const linked: Parameters<ServiceRequestActivities['recordWorkflowStarted']>[0][] = [];
  const activities: ServiceRequestActivities = {
    async recordWorkflowStarted(input) {
      linked.push(input);
    },
  };

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: testServer! } } });
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = `sr-${randomUUID()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: new URL('../workflows.ts', import.meta.url).pathname,
      activities,
    });
    return worker.runUntil(fn(taskQueue));
  }

  function input(requestId: string, registeredAt: Date): ServiceRequestInput {
    return {
      requestId,
      customerId: 'CUST-0001',
      serialNumber: 'SN-0001',
      channel: 'phone',
      registeredAt: registeredAt.toISOString(),
      correlationId: requestId,
      firstResponseTargetMinutes: 60,
    };
  }

  it('breaches the first-response clock when nobody answers within the target', async () => {
    await withWorker(async (taskQueue) => {
      const requestId = `SR-${randomUUID()}`;
      const registeredAt = new Date(await env.currentTimeMs());
      const handle = await env.client.workflow.start(serviceRequest, { taskQueue, workflowId: requestId, args: [input(requestId, registeredAt)] });
      await env.sleep('59 minutes');
      expect((await handle.query(getStateQuery)).clocks[0]!.status).toBe('on-track');
      await env.sleep('2 minutes');
      const state = await handle.query(getStateQuery);
      expect(state.clocks[0]).toMatchObject({ status: 'breached', stoppedAt: null });
      expect(Date.parse(state.clocks[0]!.breachedAt!)).toBeGreaterThanOrEqual(registeredAt.getTime() + 60 * 60_000);
      expect(state.history.map((h) => h.status)).toEqual(['registered', 'first-response-breached']);
      expect(linked.some((l) => l.requestId === requestId && l.workflowId === requestId)).toBe(true);
      await handle.signal(cancelSignal, { by: 'test', reason: 'done' });
      expect((await handle.result()).status).toBe('cancelled');
    });
  });

  it('meets the clock when the first response comes in time, and refuses one after cancel', async () => {
    await withWorker(async (taskQueue) => {
      const requestId = `SR-${randomUUID()}`;
      const handle = await env.client.workflow.start(serviceRequest, {
        taskQueue,
        workflowId: requestId,
        args: [input(requestId, new Date(await env.currentTimeMs()))],
      });
      await env.sleep('30 minutes');
      const answered = await handle.executeUpdate(recordFirstResponseUpdate, { args: [{ by: 'agent-7', note: 'called back' }] });
      expect(answered.clocks[0]).toMatchObject({ status: 'met', breachedAt: null });
      await env.sleep('3 hours');
      expect((await handle.query(getStateQuery)).clocks[0]!.status).toBe('met');
      await handle.signal(cancelSignal, { by: 'agent-7', reason: 'customer withdrew' });
      const late = await handle.executeUpdate(recordFirstResponseUpdate, { args: [{ by: 'agent-7' }] }).catch((e: Error) => e);
      // Refused by the validator while the run winds down, or because the run has already completed.
      expect(late).toBeInstanceOf(Error);
      expect(`${(late as Error).message} ${((late as Error).cause as Error | undefined)?.message ?? ''}`).toMatch(/cancelled|completed/);
      const final = await handle.result();
      expect(final.history.map((h) => h.status)).toEqual(['registered', 'first-response-given', 'cancelled']);
      expect(final.history.at(-1)).toMatchObject({ by: 'agent-7', note: 'customer withdrew' });
    });
  });
});
