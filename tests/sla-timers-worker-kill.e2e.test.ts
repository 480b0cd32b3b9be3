import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { EscalationStep, SlaPolicy, TierTargets } from '@aftersales/sla';
import { getStateQuery, serviceRequestTaskQueue, type ServiceRequestInput, type serviceRequest } from '@aftersales/workflows';
import { deleteTopicsWithPrefix, readTopic } from './support/kafka';
import { dropNamespaceDatabases } from './support/mongo';
import { ServiceProcess } from './support/services';
import { terminateWorkflows, withTemporal } from './support/temporal';
import { eventually, uniqueNamespace } from './support/wait';

const second = 1_000;

/** Seconds instead of hours, so real timers on the dev server fire within the test. */
const quickTargets: TierTargets = { firstResponseMs: 20 * second, onSite: { kind: 'duration', defaultMs: 600 * second }, resolutionMs: 900 * second };
const quickLadder: EscalationStep[] = [
  { action: 'notify-supervisor', afterBreachMs: 0 },
  { action: 'reassign', afterBreachMs: 4 * second },
];
const quickPolicy: SlaPolicy = {
  id: 'test-quick',
  name: 'Seconds-long targets for timer tests',
  warnAtRatio: 0.5,
  provisionalTier: 'P1',
  tiers: { P1: quickTargets, P2: quickTargets, P3: quickTargets, P4: quickTargets },
  escalation: { P1: quickLadder, P2: quickLadder, P3: quickLadder, P4: quickLadder },
};

/**
 * The worker that runs the serviceRequest workflows is killed (SIGKILL) while requests wait on
 * their SLA timers on the real dev server; the timers come due while it is down. After restart
 * every warning, breach and escalation step fires, and fires once, in the workflow and on Kafka.
 */
describe('SLA timers survive a killed worker', () => {
  const stack = inject('stack');
  const ns = uniqueNamespace('timers');
  const ids = Array.from({ length: 5 }, () => `SR-T-${randomUUID().slice(0, 8)}`);
  let worker: ServiceProcess;

  beforeAll(async () => {
    worker = await ServiceProcess.start('intake', ns, stack, { PROCESS_ROLE: 'all' });
  });

  afterAll(async () => {
    await worker?.stop();
    await terminateWorkflows(stack, ids);
    await dropNamespaceDatabases(stack.mongoUrl, ns);
    await deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`);
  });

  it('every timer fires exactly once after the worker comes back', async () => {
    const registeredAt = new Date();
    await withTemporal(stack, async (client) => {
      for (const id of ids) {
        const input: ServiceRequestInput = {
          requestId: id,
          customerId: 'CUST-0001',
          serialNumber: 'SN-0001',
          channel: 'alarm',
          registeredAt: registeredAt.toISOString(),
          correlationId: id,
          sla: { policy: quickPolicy, calendar: { kind: '24x7' }, responseMode: 'remote', locationClass: null },
        };
        await client.workflow.start<typeof serviceRequest>('serviceRequest', { workflowId: id, taskQueue: `${ns}-${serviceRequestTaskQueue}`, args: [input] });
      }
      // Every workflow has run its first task and set its timers before the kill.
      for (const id of ids) await eventually(`${id} running`, async () => ((await client.workflow.getHandle(id).query(getStateQuery)).requestId === id ? true : undefined));
    });

    await worker.kill();
    // Warning at 10 s, breach at 20 s, escalation steps at 20 s and 24 s: all come due while no worker runs.
    const downUntil = registeredAt.getTime() + 28 * second;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, downUntil - Date.now())));
    await worker.start();

    await withTemporal(stack, async (client) => {
      for (const id of ids) {
        const state = await eventually(`${id}'s ladder`, async () => {
          const s = await client.workflow.getHandle(id).query(getStateQuery);
          return s.escalations.length >= 2 ? s : undefined;
        });
        const events = state.history.map((h) => h.event);
        expect(events.filter((e) => e === 'sla-warning-first-response'), id).toHaveLength(1);
        expect(events.filter((e) => e === 'sla-breached-first-response'), id).toHaveLength(1);
        expect(state.escalations.map((e) => `${e.step}:${e.action}`)).toEqual(['1:notify-supervisor', '2:reassign']);
        const clock = state.clocks.find((c) => c.name === 'first-response')!;
        expect(clock).toMatchObject({ status: 'breached', dueAt: new Date(registeredAt.getTime() + 20 * second).toISOString() });
      }
    });

    // On Kafka, through the outbox: per request one warning, one breach, two escalations, no duplicates.
    const messages = await readTopic(stack.kafkaBrokers, `${ns}.intake.service-requests.v1`, { atLeast: ids.length * 4, timeoutMs: 90_000 });
    const events = messages.map((m) => JSON.parse(m.value) as { id: string; type: string; subject: string });
    for (const id of ids) {
      const mine = events.filter((e) => e.subject === id);
      const distinct = new Map(mine.map((e) => [e.id, e.type]));
      const count = (type: string) => [...distinct.values()].filter((t) => t === type).length;
      expect([count('service-request.sla-warning'), count('service-request.sla-breached'), count('service-request.escalated')], id).toEqual([1, 1, 2]);
    }
  });
});
