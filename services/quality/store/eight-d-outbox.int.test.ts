import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildEvent, namespacedTopic, topics } from '@aftersales/contracts';
import { createEventProducer, createKafka, createOutboxRelay, ensureTopics, outboxForInsert, type EventProducer, type OutboxRelay, type Platform } from '@aftersales/platform';
import { commandRecorder, deleteTopics, eventually, monitoredConnection, scansOf, startTopicReader, testLogger, uniqueName, type TopicReader } from '@aftersales/platform/testing';
import { noteUnrelayedEightDsOnce, openEightDByHand } from './eight-d-opening';
import { createQualityModels, problemKeyOf, qualityOutboxCollections, type EightDDoc, type QualityModels } from './models';

const stack = inject('stack');
const ns = uniqueName('quality-eight-d-outbox');
const topic = namespacedTopic(ns, topics.eightDs);
const logger = testLogger();
const { listener, recorded } = commandRecorder();

let mongo: Connection;
let models: QualityModels;
let kafka: ReturnType<typeof createKafka>;
let producer: EventProducer;
let relay: OutboxRelay;
let reader: TopicReader;
let platform: Platform;

const published = (eventId: string) => reader.messages.filter((m) => m.headers['event-id'] === eventId).length;

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createQualityModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
  await ensureTopics(kafka, [topic]);
  producer = await createEventProducer(kafka);
  reader = await startTopicReader(kafka, [topic]);
  // As the service builds it; never started, so each pass below is the test's own drain.
  relay = createOutboxRelay({ collections: qualityOutboxCollections(models), leases: mongo.db!.collection('outboxLeases'), producer, logger, pollMs: 60_000, leaseMs: 2_000 });
  platform = { mongo, logger, topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date() } as unknown as Platform;
}, 120_000);

afterAll(async () => {
  await relay?.stop();
  await reader?.stop();
  await producer?.disconnect();
  if (kafka) await deleteTopics(kafka, [topic]);
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe("an 8D's opened event goes out through the relay's pending index", () => {
  it('is noted with the 8D, published by a pass that reads no 8D by filter, and taken off the 8D', async () => {
    const byHand = { problem: { productLine: 'laser', model: 'LC-OUT-1', failureMode: 'FM-LEAK' }, reason: 'customer escalation', concerns: { requestIds: [], partNumbers: [], supplierClaimIds: [] }, linkedTo: null, by: 'qe-li' };
    const opening = await recorded(() => openEightDByHand(platform, models, byHand));
    const opened = opening.result;
    // The problem's 8Ds come from its history, by `_id`: the filter by problem read every 8D whole.
    expect(scansOf(opening.commands, { keyed: new Set(['eightDs', 'problemHistories', 'eightDBoard']), small: new Set(['qualityKeyLocks', 'outboxPending']) })).toEqual([]);
    // A second 8D for the problem while this one is open is refused, naming it.
    await expect(openEightDByHand(platform, models, byHand)).rejects.toMatchObject({ status: 409, field: 'problem', message: expect.stringContaining(opened._id) });
    expect(await mongo.db!.collection('outboxPending').findOne({ _id: `eightDs|${opened._id}` as never })).toMatchObject({ collection: 'eightDs', docId: opened._id });

    const pass = await recorded(() => relay.drain());
    expect(pass.result).toBe(1);
    // The 8Ds (each with its whole state) were read whole by the relay's poll on every pass.
    const eightDScans = scansOf(pass.commands, { keyed: new Set(['eightDs']), small: new Set() }).filter((s) => s.startsWith('eightDs '));
    expect(eightDScans).toEqual([]);
    await eventually('the opened event on Kafka', async () => (published(`${opened._id}:opened`) === 1 ? true : undefined));
    const stored = await models.eightDs.findById(opened._id, { outbox: 1, outboxDueAt: 1 }).lean<Pick<EightDDoc, 'outbox' | 'outboxDueAt'>>();
    expect(stored?.outbox).toBeUndefined();
    expect(stored?.outboxDueAt).toBeUndefined();
  }, 60_000);

  it('leaves an 8D stored before the index to the one-time note at start, which the next pass publishes', async () => {
    // Stored as the code before did it: the event on the 8D, no pending entry.
    const problem = { productLine: 'laser', model: 'LC-OUT-2', failureMode: 'FM-LEAK' };
    const eightDId = '8D-OUT-OLD-1';
    const openedAt = new Date();
    const event = buildEvent(
      'eight-d.opened@1',
      { eightDId, problem, rule: 'manual', rules: ['manual'], reason: 'stored before', linkedTo: null, failureRecordIds: [], openedAt: openedAt.toISOString() },
      { id: `${eightDId}:opened`, occurredAt: openedAt, source: 'quality', subject: eightDId, correlationId: eightDId, causationId: null },
    );
    const old: EightDDoc = { _id: eightDId, status: 'open', problem, problemKey: problemKeyOf(problem), rules: [], reason: 'stored before', linkedTo: null, openedAt, closedAt: null, revision: 0, state: null };
    await models.eightDs.collection.insertOne({ ...old, ...outboxForInsert([{ topic, event }], openedAt) } as never);

    expect(await relay.drain()).toBe(0);
    expect(await noteUnrelayedEightDsOnce(models, new Date())).toBe(1);
    expect(await relay.drain()).toBe(1);
    await eventually('the earlier 8D on Kafka', async () => (published(`${eightDId}:opened`) === 1 ? true : undefined));
    // Once per database.
    expect(await noteUnrelayedEightDsOnce(models, new Date())).toBe(-1);
  }, 60_000);
});
