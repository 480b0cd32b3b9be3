import type { Client } from '@temporalio/client';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics, type KnownEvent } from '@aftersales/contracts';
import { connectMongo, connectTemporalClient, createEventConsumer, createEventProducer, createKafka, ensureTopics, type EventConsumer, type EventProducer } from '@aftersales/platform';
import { deleteGroups, deleteTopics, eventually, registeredEvent, testLogger, uniqueName } from '@aftersales/platform/testing';
import { serviceRequestTaskQueue } from '@aftersales/workflows';
import { createSlaReference } from '../store/sla-reference';
import { createWorkflowStarter } from './workflow-starter';

/**
 * The workflow starter in batch mode, on the real broker and the real Temporal server (no worker:
 * a start is what is counted): a fetched batch's starts go out together, every request's workflow
 * is started once (a re-sent registration and a batch delivered again answer "already started"),
 * and the batch's offsets are committed only after its last start.
 */
const stack = inject('stack');
const ns = uniqueName('wf-starter');
const topic = namespacedTopic(ns, topics.serviceRequests);
const groupId = `${ns}-intake-workflow-starter`;
const taskQueue = `${ns}-${serviceRequestTaskQueue}`;
const logger = testLogger();

let kafka: Kafka;
let producer: EventProducer;
let mongo: Connection;
let temporal: { client: Client; connection: { close(): Promise<void> } };
let consumer: EventConsumer;

/** Between the starter and the real client: counts starts in flight and can hold or fail one, as a slow or failing server would. */
const calls = { inFlight: 0, peak: 0, sent: 0, alreadyStarted: 0 };
const held = new Map<string, Promise<void>>();
const failOnce = new Set<string>();

const registrations = (key: string, count: number) =>
  Array.from({ length: count }, (_, i) => registeredEvent(key, { data: { requestId: `${key}-${String(i).padStart(2, '0')}` } }));
const requestIdOf = (e: KnownEvent<'service-request.registered@1'>) => e.data.requestId;

/** Workflow id -> runs started on the test's task queue, from one visibility list. */
async function runsById(): Promise<Map<string, number>> {
  const runs = new Map<string, number>();
  for await (const execution of temporal.client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) runs.set(execution.workflowId, (runs.get(execution.workflowId) ?? 0) + 1);
  return runs;
}

async function committedThroughEnd(): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    return ends.every((end) => end.high === end.low || BigInt(committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1') >= BigInt(end.high));
  } finally {
    await admin.disconnect();
  }
}

beforeAll(async () => {
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
  await ensureTopics(kafka, [topic]);
  producer = await createEventProducer(kafka);
  mongo = await connectMongo(stack.mongoUrl, ns);
  temporal = await connectTemporalClient(stack.temporalAddress, 'default');
  const real = temporal.client;
  const client = {
    workflow: {
      start: async (...args: Parameters<Client['workflow']['start']>) => {
        const workflowId = args[1].workflowId;
        calls.inFlight += 1;
        calls.peak = Math.max(calls.peak, calls.inFlight);
        try {
          await held.get(workflowId);
          if (failOnce.delete(workflowId)) throw new Error(`temporal unavailable (injected for ${workflowId})`);
          calls.sent += 1;
          return await real.workflow.start(...args);
        } catch (error) {
          if ((error as Error).name === 'WorkflowExecutionAlreadyStartedError') calls.alreadyStarted += 1;
          throw error;
        } finally {
          calls.inFlight -= 1;
        }
      },
    },
  } as unknown as Client;
  const platform = { mongo, logger, now: () => new Date(), topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, temporal: client, taskQueue: (name: string) => `${ns}-${name}` };
  const reference = createSlaReference(platform as never, { INTAKE_CALENDAR_CATCH_UP_SECONDS: 60, INTAKE_CALENDAR_HORIZON_MONTHS: 6 });
  await reference.seed(new Date(Date.now() - 86_400_000));
  const starter = createWorkflowStarter(platform, reference, { startsInFlight: 16 });
  consumer = createEventConsumer({
    kafka, groupId, topics: [topic], producer, logger, maxBackoffMs: 200, concurrentPartitions: 3,
    handlers: { 'service-request.registered@1': starter.handler },
    batchHandler: starter.batchHandler,
  });
}, 60_000);

afterAll(async () => {
  await consumer?.stop();
  await producer?.disconnect();
  if (temporal) {
    const runs = await runsById().catch(() => new Map<string, number>());
    await Promise.all([...runs.keys()].map((id) => temporal.client.workflow.getHandle(id).terminate('test finished').catch(() => undefined)));
    await temporal.connection.close();
  }
  if (kafka) {
    await deleteTopics(kafka, [topic]);
    await deleteGroups(kafka, [groupId]);
  }
  await mongo?.dropDatabase();
  await mongo?.close();
}, 120_000);

describe('workflow starter in batches', () => {
  it('starts a fetched batch together, each request once, and commits its offsets only after the last start', async () => {
    // One key, so one partition: all of them are on the topic before the consumer joins and come as one fetch.
    const events = registrations(`${ns}-a`, 30);
    const slow = requestIdOf(events[7]!);
    let release!: () => void;
    held.set(slow, new Promise<void>((resolve) => (release = resolve)));
    // A registration sent again (a relay retry) under a new event id: the same request, no second run.
    const again = registeredEvent(`${ns}-a`, { data: { requestId: requestIdOf(events[3]!) } });
    await producer.publish([...events, again].map((event) => ({ topic, event })));
    await consumer.start();

    const others = events.map(requestIdOf).filter((id) => id !== slow);
    await eventually('every start but the held one made', async () => {
      const runs = await runsById();
      return others.every((id) => runs.has(id)) ? true : undefined;
    }, { timeoutMs: 60_000 });
    expect(calls.peak).toBeGreaterThan(1);
    expect(calls.peak).toBeLessThanOrEqual(16);
    // The held start is still out: nothing of the batch is committed, so a crash now redelivers all of it.
    expect(await committedThroughEnd()).toBe(false);
    expect((await runsById()).has(slow)).toBe(false);

    release();
    await eventually('offsets committed to the end', async () => ((await committedThroughEnd()) ? true : undefined), { timeoutMs: 30_000 });
    const runs = await runsById();
    expect(events.map((e) => runs.get(requestIdOf(e)))).toEqual(events.map(() => 1));
    expect(calls.alreadyStarted).toBeGreaterThanOrEqual(1);
  });

  it('a start that fails delivers its batch again; the starts already made answer "already started" and nothing starts twice', async () => {
    const before = { ...calls };
    const events = registrations(`${ns}-b`, 20);
    failOnce.add(requestIdOf(events[11]!));
    await producer.publish(events.map((event) => ({ topic, event })));

    await eventually('every request of the second batch started', async () => {
      const runs = await runsById();
      return events.every((e) => runs.has(requestIdOf(e))) ? true : undefined;
    }, { timeoutMs: 60_000 });
    await eventually('offsets committed to the end', async () => ((await committedThroughEnd()) ? true : undefined), { timeoutMs: 30_000 });
    expect(failOnce.size).toBe(0);
    const runs = await runsById();
    expect(events.map((e) => runs.get(requestIdOf(e)))).toEqual(events.map(() => 1));
    // The retry sent the batch's other starts again; each was refused as already started.
    expect(calls.alreadyStarted - before.alreadyStarted).toBeGreaterThanOrEqual(1);
  });
});
