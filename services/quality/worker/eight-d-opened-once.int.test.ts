import { setTimeout as sleep } from 'node:timers/promises';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics, type KnownEvent } from '@aftersales/contracts';
import { connectMongo, createEventConsumer, createEventProducer, createKafka, createOutboxRelay, ensureTopics, type EventConsumer, type EventProducer, type OutboxRelay, type Platform } from '@aftersales/platform';
import { deleteTopics, eventually, startTopicReader, testLogger, uniqueName, type TopicReader } from '@aftersales/platform/testing';
import { initialEightDState, type EightDState } from '@aftersales/workflows';
import { openEightDByHand } from '../store/eight-d-opening';
import { createQualityModels, qualityOutboxCollections, type QualityModels } from '../store/models';
import { createEightDActivities } from './activities';

const stack = inject('stack');
const ns = uniqueName('quality-opened-once');
const topic = namespacedTopic(ns, topics.eightDs);
const logger = testLogger();
/** Short, so an outbox entry brought back after its publication falls due again within the test. */
const leaseMs = 2_000;
const champion = { id: 'qe-li', name: 'Li Na', role: 'quality engineer' };

let mongo: Connection;
let models: QualityModels;
let kafka: ReturnType<typeof createKafka>;
let producer: EventProducer;
let relay: OutboxRelay;
let starter: EventConsumer;
let reader: TopicReader;
let platform: Platform;
let firstPass: (event: KnownEvent<'eight-d.opened@1'>) => Promise<void>;
/** When set, told every opened event the moment Kafka acknowledged it, while the relay goes on to settle it. */
let onAck: ((event: KnownEvent<'eight-d.opened@1'>) => void) | null = null;

/** Opens an 8D the way a quality engineer does (POST /v1/eight-ds), one problem per model. */
function openEightD(model: string) {
  return openEightDByHand(platform, models, { problem: { productLine: 'laser', model, failureMode: 'FM-CRACK' }, reason: 'customer escalation', concerns: { requestIds: [], partNumbers: [], supplierClaimIds: [] }, linkedTo: null, by: 'qe-li' });
}

/** Temporal's part: an activity that fails retriably is tried again after a pause. */
async function withRetries(run: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error as { retriable?: boolean }).retriable || attempt >= 50) throw error;
      await sleep(100);
    }
  }
}

beforeAll(async () => {
  mongo = await connectMongo(stack.mongoUrl, ns);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
  await ensureTopics(kafka, [topic]);
  const kafkaProducer = await createEventProducer(kafka);
  producer = {
    async publish(events) {
      await kafkaProducer.publish(events);
      for (const { event } of events) if (event.type === 'eight-d.opened') onAck?.(event as KnownEvent<'eight-d.opened@1'>);
    },
    publishRaw: (t, message) => kafkaProducer.publishRaw(t, message),
    disconnect: () => kafkaProducer.disconnect(),
  };
  // As the service runs it (service.ts): one relay over quality's outbox collections, polling and nudged.
  relay = createOutboxRelay({
    collections: qualityOutboxCollections(models),
    leases: mongo.db!.collection('outboxLeases'),
    producer,
    logger,
    pollMs: 50,
    leaseMs,
  });
  platform = { mongo, logger, topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => relay.nudge(), now: () => new Date() } as unknown as Platform;
  const activities = createEightDActivities(platform, models);
  firstPass = async ({ data }) => {
    const state: EightDState = { ...initialEightDState({ ...data, champion }), revision: 1 };
    await withRetries(() => activities.recordEightD({ state, facts: [] }));
  };
  // What quality does on the opened event: the eightD workflow starts and its first pass records
  // the 8D's state (revision 1) into the 8D's document, the one that carried the event.
  starter = createEventConsumer({
    kafka,
    groupId: `${ns}-starter`,
    topics: [topic],
    producer,
    logger,
    handlers: {
      'eight-d.opened@1': ({ event }) => firstPass(event as KnownEvent<'eight-d.opened@1'>),
    },
  });
  reader = await startTopicReader(kafka, [topic]);
  await starter.start();
  relay.start();
}, 120_000);

afterAll(async () => {
  await relay?.stop();
  await starter?.stop();
  await reader?.stop();
  await producer?.disconnect();
  if (kafka) await deleteTopics(kafka, [topic]);
  await mongo?.dropDatabase();
  await mongo?.close();
});

/** Opens `count` 8Ds five at a time (as failure facts arrive), waits until each is recorded and relayed and a few leases more; answers how often each opened event was read. */
async function openAndCount(label: string, count: number): Promise<{ eventIds: string[]; perEventId: Map<string, number> }> {
  const ids: string[] = [];
  for (let burst = 0; burst < count / 5; burst++) {
    const opened = await Promise.all([0, 1, 2, 3, 4].map((i) => openEightD(`LC-${label}-${burst}-${i}`)));
    ids.push(...opened.map((d) => d._id));
  }
  // Every 8D's state recorded by its workflow's first pass, and its outbox gone.
  await eventually(`${count} 8Ds recorded and relayed`, async () => {
    const docs = await Promise.all(ids.map((id) => models.eightDs.findById(id, { revision: 1, outbox: 1, outboxDueAt: 1 }).lean<{ revision: number; outbox?: unknown; outboxDueAt?: Date }>()));
    return docs.every((d) => d?.revision === 1 && d.outbox === undefined && d.outboxDueAt === undefined) ? true : undefined;
  }, { timeoutMs: 90_000 });
  // An entry brought back after its publication falls due again after the lease: wait out a few.
  await sleep(3 * leaseMs);
  await relay.drain();
  await sleep(1_000);
  const eventIds = ids.map((id) => `${id}:opened`);
  const perEventId = new Map<string, number>();
  for (const m of reader.messages) {
    const id = m.headers['event-id']!;
    if (eventIds.includes(id)) perEventId.set(id, (perEventId.get(id) ?? 0) + 1);
  }
  return { eventIds, perEventId };
}

describe('eight-d.opened on the real FerretDB and Kafka', () => {
  it('is published once per 8D although the workflow writes the 8D the moment the event arrives', async () => {
    const { eventIds, perEventId } = await openAndCount('kafka', 30);
    expect([...perEventId.keys()].sort()).toEqual([...eventIds].sort());
    expect([...perEventId].filter(([, n]) => n !== 1)).toEqual([]);
  }, 180_000);

  it('is published once per 8D when the first pass runs in the instant the relay settles', async () => {
    // A consumer as fast as it gets: the workflow's first pass starts as Kafka acknowledges the event.
    const passes: Promise<void>[] = [];
    onAck = (event) => void passes.push(firstPass(event));
    try {
      const { eventIds, perEventId } = await openAndCount('ack', 30);
      await Promise.all(passes);
      expect([...perEventId.keys()].sort()).toEqual([...eventIds].sort());
      expect([...perEventId].filter(([, n]) => n !== 1)).toEqual([]);
    } finally {
      onAck = null;
    }
  }, 180_000);
});
