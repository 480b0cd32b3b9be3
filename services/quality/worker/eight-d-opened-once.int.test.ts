import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics, type KnownEvent } from '@aftersales/contracts';
import { connectMongo, createEventConsumer, createEventProducer, createKafka, createOutboxRelay, ensureTopics, type EventConsumer, type EventProducer, type OutboxRelay, type Platform } from '@aftersales/platform';
import { deleteTopics, eventually, startTopicReader, testLogger, uniqueName, type TopicReader } from '@aftersales/platform/testing';
import type { EightDState } from '@aftersales/workflows';
import { initialEightDState } from '../../../workflows/src/eight-d/engine';
import { openEightDByHand } from '../store/eight-d-opening';
import { createQualityModels, type QualityModels } from '../store/models';
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
let kafka: Kafka;
let producer: EventProducer;
let relay: OutboxRelay;
let starter: EventConsumer;
let reader: TopicReader;
let platform: Platform;

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
  producer = await createEventProducer(kafka);
  // As the service runs it (service.ts): one relay over quality's outbox collections, polling and nudged.
  relay = createOutboxRelay({
    collections: [models.eightDs.collection, models.eightDEvents.collection, models.articleVersions.collection] as never,
    leases: mongo.db!.collection('outboxLeases'),
    producer,
    logger,
    pollMs: 50,
    leaseMs,
  });
  platform = { mongo, logger, topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => relay.nudge(), now: () => new Date() } as unknown as Platform;
  const activities = createEightDActivities(platform, models);
  // What quality does on the opened event: the eightD workflow starts and its first pass records
  // the 8D's state (revision 1) into the 8D's document, the one that carried the event.
  starter = createEventConsumer({
    kafka,
    groupId: `${ns}-starter`,
    topics: [topic],
    producer,
    logger,
    handlers: {
      'eight-d.opened@1': async ({ event }) => {
        const { data } = event as KnownEvent<'eight-d.opened@1'>;
        const state: EightDState = { ...initialEightDState({ ...data, champion }), revision: 1 };
        await withRetries(() => activities.recordEightD({ state, facts: [] }));
      },
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

describe('eight-d.opened on the real FerretDB and Kafka', () => {
  it('is published once per 8D although the workflow writes the 8D the moment the event arrives', async () => {
    const count = 30;
    const ids: string[] = [];
    // A few at a time, as failure facts arrive.
    for (let burst = 0; burst < count / 5; burst++) {
      const opened = await Promise.all([0, 1, 2, 3, 4].map((i) => openEightD(`LC-${burst}-${i}`)));
      ids.push(...opened.map((d) => d._id));
    }
    const eventIds = ids.map((id) => `${id}:opened`);

    // Every 8D's state recorded by its workflow's first pass, and its outbox gone.
    await eventually(`${count} 8Ds recorded and relayed`, async () => {
      const docs = await models.eightDs.find({}, { _id: 1, revision: 1, outbox: 1, outboxDueAt: 1 }).lean<{ _id: string; revision: number; outbox?: unknown; outboxDueAt?: Date }[]>();
      const done = docs.filter((d) => d.revision === 1 && d.outbox === undefined && d.outboxDueAt === undefined);
      return done.length === count ? true : undefined;
    }, { timeoutMs: 90_000 });
    // An entry brought back falls due again after the lease: wait out a few leases of polling.
    await sleep(3 * leaseMs);
    await relay.drain();
    await sleep(1_000);

    const perEventId = new Map<string, number>();
    for (const m of reader.messages) perEventId.set(m.headers['event-id']!, (perEventId.get(m.headers['event-id']!) ?? 0) + 1);
    expect([...perEventId.keys()].sort()).toEqual([...eventIds].sort());
    const twice = [...perEventId].filter(([, n]) => n !== 1);
    expect(twice).toEqual([]);
    expect(reader.messages).toHaveLength(count);
  }, 180_000);
});
