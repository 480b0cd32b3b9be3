import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deadLetterTopic, namespacedTopic, topics, type ServiceRequestRegisteredV1 } from '@aftersales/contracts';
import { ValidationError } from '../errors';
import { deleteGroups, deleteTopics, registeredEvent, startTopicReader, testLogger, uniqueName, type TopicReader } from '../testing';
import { eventually } from '../testing/wait';
import { createKafka, ensureTopics } from './client';
import { createEventConsumer, type ConsumedEvent, type EventConsumer } from './consumer';
import { createEventProducer, type EventProducer } from './producer';

/**
 * The consumer's batch mode on the real broker: a partition's fetched events reach the batch
 * handler together and their offsets are committed after it returns; a batch that fails for good
 * is applied one event at a time, so only its poison event is dead-lettered.
 */
const stack = inject('stack');
const ns = uniqueName('batch-consumer');
const topic = namespacedTopic(ns, topics.serviceRequests);
const dlt = deadLetterTopic(topic);
const groupId = `${ns}-batches`;
const logger = testLogger();

let kafka: Kafka;
let producer: EventProducer;
let consumer: EventConsumer;
let dltReader: TopicReader;
const batches: string[][] = [];
/** What was applied, by event id: how many times. */
const applied = new Map<string, number>();
const apply = (id: string) => applied.set(id, (applied.get(id) ?? 0) + 1);
const poisoned = (c: ConsumedEvent) => (c.event.data as ServiceRequestRegisteredV1).symptom === 'rejected';

beforeAll(async () => {
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
  await ensureTopics(kafka, [topic, dlt]);
  producer = await createEventProducer(kafka);
  dltReader = await startTopicReader(kafka, [dlt]);
});

afterAll(async () => {
  await consumer?.stop();
  await dltReader?.stop();
  await producer?.disconnect();
  if (kafka) {
    await deleteTopics(kafka, [topic, dlt]);
    await deleteGroups(kafka, [groupId]);
  }
});

describe('event consumer in batches', () => {
  it('hands a partition its events together, commits after them, and parks only the poison event of a failing batch', async () => {
    // One subject, so one partition: all of them are on the topic before the consumer joins and come as one fetch.
    const subject = `${ns}-one`;
    const good = Array.from({ length: 20 }, () => registeredEvent(subject));
    const poison = registeredEvent(subject, { data: { symptom: 'rejected' } });
    const after = Array.from({ length: 5 }, () => registeredEvent(subject));
    await producer.publish([...good, poison, ...after].map((event) => ({ topic, event })));

    consumer = createEventConsumer({
      kafka, groupId, topics: [topic], producer, logger, maxBackoffMs: 200, maxAttempts: 2,
      handlers: {
        'service-request.registered@1': async (c) => {
          if (poisoned(c)) throw new ValidationError('symptom', 'symptom "rejected" is refused by this consumer');
          apply(c.event.id);
        },
      },
      batchHandler: async (batch) => {
        batches.push(batch.map((c) => c.event.id));
        if (batch.some(poisoned)) throw new ValidationError('symptom', 'a batch with a refused symptom');
        for (const c of batch) apply(c.event.id);
      },
    });
    await consumer.start();

    const ids = [...good, ...after].map((e) => e.id);
    await eventually('every good event applied', async () => (ids.every((id) => applied.has(id)) ? true : undefined), { timeoutMs: 60_000 });
    const parked = await dltReader.waitFor(1, 'the poison event parked', (m) => m.key === subject);
    expect(parked.map((m) => JSON.parse(m.value) as { id: string }).map((e) => e.id)).toEqual([poison.id]);
    expect(ids.map((id) => applied.get(id))).toEqual(ids.map(() => 1));
    expect(applied.has(poison.id)).toBe(false);
    expect(Math.max(...batches.map((b) => b.length))).toBeGreaterThan(1);

    // Committed up to the topic's end: a restart delivers nothing again.
    const admin = kafka.admin();
    await admin.connect();
    try {
      await eventually('offsets committed to the end', async () => {
        const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
        const ends = await admin.fetchTopicOffsets(topic);
        return ends.every((end) => BigInt(committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1') >= BigInt(end.high) || end.high === end.low) ? true : undefined;
      }, { timeoutMs: 30_000 });
    } finally {
      await admin.disconnect();
    }
  });
});
