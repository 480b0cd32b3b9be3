import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { registeredEvent, testLogger } from '@aftersales/platform/testing';
import { defaultPolicies, alwaysOpenCalendar } from '@aftersales/sla';
import type { ConsumedEvent } from '@aftersales/platform';
import { createWorkflowStarter } from './workflow-starter';

/**
 * The batch handler's own rules, with a stand-in for Temporal's start (the real server is in
 * workflow-starter.int.test.ts): starts go out together up to the bound, "already started" counts
 * as done, and a failed start fails the batch only after every other start of it has answered.
 */
const terms = { policy: defaultPolicies['warranty-standard']!, calendar: alwaysOpenCalendar, responseMode: 'on-site' as const, locationClass: null };
const batchOf = (count: number): ConsumedEvent[] =>
  Array.from({ length: count }, (_, i) => ({ event: registeredEvent(`SR-${i}`), topic: 't', partition: 0, offset: String(i) }));

function starterWith(start: (workflowId: string) => Promise<void>, startsInFlight: number) {
  const temporal = { workflow: { start: async (_type: string, options: { workflowId: string }) => start(options.workflowId) } } as unknown as Client;
  const platform = { temporal, taskQueue: (name: string) => name, logger: testLogger(), now: () => new Date() };
  return createWorkflowStarter(platform, { termsFor: async () => terms as never }, { startsInFlight });
}

describe('workflow starter batch handler', () => {
  it('keeps at most the bound in flight, and more than one', async () => {
    let inFlight = 0;
    let peak = 0;
    const started: string[] = [];
    const starter = starterWith(async (id) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      started.push(id);
    }, 4);
    await starter.batchHandler(batchOf(20), async () => undefined);
    expect(peak).toBe(4);
    expect(started.sort()).toEqual(batchOf(20).map((c) => (c.event.data as { requestId: string }).requestId).sort());
  });

  it('counts a workflow already started as done', async () => {
    const starter = starterWith(async (id) => {
      throw new WorkflowExecutionAlreadyStartedError('already started', id, 'serviceRequest');
    }, 4);
    await expect(starter.batchHandler(batchOf(5), async () => undefined)).resolves.toBeUndefined();
  });

  it('fails the batch after every other start answered, with the failure', async () => {
    const answered: string[] = [];
    const starter = starterWith(async (id) => {
      await new Promise((resolve) => setTimeout(resolve, id === 'SR-9' ? 30 : 1));
      answered.push(id);
      if (id === 'SR-2') throw new Error('temporal unavailable');
    }, 3);
    await expect(starter.batchHandler(batchOf(10), async () => undefined)).rejects.toThrow('temporal unavailable');
    expect(answered).toHaveLength(10);
  });

  it('a failing heartbeat does not fail the batch (a redelivery is absorbed by the workflow id)', async () => {
    const starter = starterWith(async () => undefined, 2);
    await expect(starter.batchHandler(batchOf(3), async () => Promise.reject(new Error('rebalancing')))).resolves.toBeUndefined();
  });
});
