import type { Kafka } from 'kafkajs';
import { MongoNetworkError } from 'mongodb';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deadLetterTopic, namespacedTopic, topics, type ServiceRequestRegisteredV1 } from '@aftersales/contracts';
import { eventually } from '../testing/wait';
import { DependencyUnavailableError, ValidationError } from '../errors';
import { connectMongo } from '../mongo/connection';
import { applyOnce } from '../mongo/inbox';
import { deleteGroups, deleteTopics, registeredEvent, startTopicReader, testLogger, uniqueName, type TopicReader } from '../testing';
import { createKafka, ensureTopics } from './client';
import { createEventConsumer, type ConsumedEvent, type EventConsumer } from './consumer';
import { readDeadLetters, replayDeadLetters } from './dead-letters';
import { createEventProducer, type EventProducer } from './producer';

const stack = inject('stack');
const ns = uniqueName('consumer');
const topic = namespacedTopic(ns, topics.serviceRequests);
const dlt = deadLetterTopic(topic);
const groupId = `${ns}-service-requests`;
const logger = testLogger();

let kafka: Kafka;
let producer: EventProducer;
let mongo: Connection;
let consumer: EventConsumer;
let dltReader: TopicReader;

/** Every attempt the handler saw, by event id; what it applied lives in Mongo. */
const attempts = new Map<string, number>();
/** Set once the 'bug' below is fixed, as a redeploy would. */
let bugFixed = false;

/** The symptom tells the handler how to behave, so each test scripts its own failure. */
async function onRegistered({ event }: ConsumedEvent): Promise<void> {
  const attempt = (attempts.get(event.id) ?? 0) + 1;
  attempts.set(event.id, attempt);
  const { symptom } = event.data as ServiceRequestRegisteredV1;
  if (symptom === 'rejected') throw new ValidationError('symptom', 'symptom "rejected" is refused by this consumer');
  if (symptom === 'flaky' && attempt <= 2) throw new DependencyUnavailableError('the database');
  if (symptom === 'outage' && attempt <= 5) throw new MongoNetworkError('connection 3 to 127.0.0.1:27017 closed');
  if (symptom === 'bug' && !bugFixed) (undefined as unknown as { machine: { model: string } }).machine.model.trim();
  await applyOnce(mongo, groupId, event.id, async () => {
    await applied().updateOne({ _id: event.id }, { $inc: { times: 1 }, $set: { subject: event.subject } }, { upsert: true });
  });
}

const applied = () => mongo.collection<{ _id: string; times: number; subject: string }>('applied');

async function appliedTimes(eventId: string): Promise<number> {
  return (await applied().findOne({ _id: eventId }))?.times ?? 0;
}

async function waitApplied(eventId: string): Promise<void> {
  await eventually(`event ${eventId} applied`, async () => ((await appliedTimes(eventId)) > 0 ? true : undefined), { timeoutMs: 60_000 });
}

/** Messages on the dead-letter topic so far, by the broker's own count (not a reader's lag). */
async function deadLetterCount(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(dlt)).reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

function startConsumer(): EventConsumer {
  return createEventConsumer({ kafka, groupId, topics: [topic], handlers: { 'service-request.registered@1': onRegistered }, producer, logger, maxBackoffMs: 500, maxAttempts: 3 });
}

beforeAll(async () => {
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
  await ensureTopics(kafka, [topic, dlt]);
  mongo = await connectMongo(stack.mongoUrl, ns);
  producer = await createEventProducer(kafka);
  dltReader = await startTopicReader(kafka, [dlt]);
  consumer = startConsumer();
  await consumer.start();
});

afterAll(async () => {
  await consumer?.stop();
  await dltReader?.stop();
  await producer?.disconnect();
  if (kafka) {
    await deleteTopics(kafka, [topic, dlt]);
    await deleteGroups(kafka, [groupId]);
  }
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe('event consumer on Kafka and FerretDB', () => {
  it('applies a valid event', async () => {
    const event = registeredEvent(`${ns}-valid`);
    await producer.publish([{ topic, event }]);
    await waitApplied(event.id);
    expect(await appliedTimes(event.id)).toBe(1);
    expect(consumer.isRunning()).toBe(true);
  });

  it('parks what it cannot apply on <topic>.dlt with the reason, and goes on to the next message', async () => {
    // One subject, so one partition: the good event after the bad ones proves the consumer moved on.
    const subject = `${ns}-bad`;
    const unknownVersion = { ...registeredEvent(subject), version: 2 };
    const { symptom: _symptom, ...missingSymptom } = registeredEvent(subject).data;
    const rejected = registeredEvent(subject, { data: { symptom: 'rejected' } });
    const good = registeredEvent(subject);
    await producer.publishRaw(topic, { key: subject, value: '{"id": "half an event', headers: {} });
    await producer.publishRaw(topic, { key: subject, value: JSON.stringify(unknownVersion), headers: {} });
    await producer.publishRaw(topic, { key: subject, value: JSON.stringify({ ...registeredEvent(subject), data: missingSymptom }), headers: {} });
    await producer.publish([{ topic, event: rejected }, { topic, event: good }]);

    await waitApplied(good.id);
    const parked = await dltReader.waitFor(4, `dead letters of ${subject}`, (m) => m.key === subject);
    expect(parked.map((m) => m.headers['dlt-reason'])).toEqual([
      'value is not JSON',
      'unknown event service-request.registered@2',
      expect.stringMatching(/^service-request\.registered@1 data: symptom: /),
      'handler failed: symptom "rejected" is refused by this consumer',
    ]);
    for (const message of parked) {
      expect(message.headers).toMatchObject({ 'dlt-topic': topic, 'dlt-group': groupId, 'dlt-partition': expect.stringMatching(/^\d+$/) });
    }
    // The original bytes are kept, so a fixed consumer can replay them.
    expect(parked[0]!.value).toBe('{"id": "half an event');
    expect(JSON.parse(parked[3]!.value)).toEqual(rejected);
    // A permanent failure is tried once, never retried, and never applied.
    expect(attempts.get(rejected.id)).toBe(1);
    expect(await appliedTimes(rejected.id)).toBe(0);
  });

  it('retries a retriable failure in place and applies the event exactly once, with nothing dead-lettered', async () => {
    const subject = `${ns}-flaky`;
    const parkedBefore = await deadLetterCount();
    const flaky = registeredEvent(subject, { data: { symptom: 'flaky' } });
    const next = registeredEvent(subject);
    await producer.publish([{ topic, event: flaky }, { topic, event: next }]);

    await waitApplied(next.id); // same partition: the consumer is past the flaky event
    expect(attempts.get(flaky.id)).toBe(3);
    expect(await appliedTimes(flaky.id)).toBe(1);
    expect(await deadLetterCount()).toBe(parkedBefore);
  });

  it('waits out an outage past the attempts a bug gets: a database that drops connections is retried until it answers', async () => {
    const parkedBefore = await deadLetterCount();
    const outage = registeredEvent(`${ns}-outage`, { data: { symptom: 'outage' } });
    await producer.publish([{ topic, event: outage }]);
    await waitApplied(outage.id);
    expect(attempts.get(outage.id)).toBe(6);
    expect(await appliedTimes(outage.id)).toBe(1);
    expect(await deadLetterCount()).toBe(parkedBefore);
  });

  it('parks a handler bug after a bounded number of attempts with its stack, moves on, and applies it once replayed after the fix', async () => {
    const subject = `${ns}-bug`;
    const bug = registeredEvent(subject, { data: { symptom: 'bug' } });
    const next = registeredEvent(subject);
    await producer.publish([{ topic, event: bug }, { topic, event: next }]);

    await waitApplied(next.id); // same partition: the poison event no longer stalls it
    const [parked] = await dltReader.waitFor(1, `the bug of ${subject} parked`, (m) => m.key === subject);
    expect(attempts.get(bug.id)).toBe(3);
    expect(await appliedTimes(bug.id)).toBe(0);
    expect(parked!.headers).toMatchObject({ 'dlt-reason': expect.stringMatching(/^handler failed 3 times: TypeError: Cannot read properties of undefined/), 'dlt-attempts': '3' });
    expect(parked!.headers['dlt-stack']).toMatch(/onRegistered/);

    // What an operator lists is what was parked; after the fix, the replay is applied once.
    const listed = (await readDeadLetters(kafka, dlt)).filter((l) => l.key === subject);
    expect(listed.map((l) => JSON.parse(l.value).id)).toEqual([bug.id]);
    bugFixed = true;
    await expect(replayDeadLetters(kafka, producer, dlt, ['0:99999999'])).rejects.toThrow(/not on .*0:99999999/);
    await replayDeadLetters(kafka, producer, dlt, [`${listed[0]!.partition}:${listed[0]!.offset}`]);
    await waitApplied(bug.id);
    expect(await appliedTimes(bug.id)).toBe(1);
    expect(attempts.get(bug.id)).toBe(4);
  });

  it('skips a re-delivered event id (applyOnce)', async () => {
    const event = registeredEvent(`${ns}-twice`);
    const marker = registeredEvent(`${ns}-twice`);
    await producer.publish([{ topic, event }]);
    await producer.publish([{ topic, event }, { topic, event: marker }]);

    await waitApplied(marker.id);
    expect(attempts.get(event.id)).toBe(2); // the handler saw both deliveries...
    expect(await appliedTimes(event.id)).toBe(1); // ...and the inbox let one through
  });

  it('after a stop, a new member of the group resumes where the group left off', async () => {
    await consumer.stop();
    expect(consumer.isRunning()).toBe(false);
    const whileDown = registeredEvent(`${ns}-resume`);
    await producer.publish([{ topic, event: whileDown }]);

    const attemptsBefore = new Map(attempts);
    consumer = startConsumer();
    await consumer.start();
    await waitApplied(whileDown.id);
    expect(await appliedTimes(whileDown.id)).toBe(1);
    // Committed events are not handed to the new member again.
    for (const [id, count] of attemptsBefore) expect(attempts.get(id), id).toBe(count);
  });
});

describe('applyOnce on FerretDB', () => {
  it('applies an event id once per consumer and skips it after', async () => {
    let runs = 0;
    const apply = async () => {
      runs++;
    };
    expect(await applyOnce(mongo, 'consumer-a', 'evt-1', apply)).toBe(true);
    expect(await applyOnce(mongo, 'consumer-a', 'evt-1', apply)).toBe(false);
    expect(await applyOnce(mongo, 'consumer-b', 'evt-1', apply)).toBe(true);
    expect(runs).toBe(2);
  });

  it('records nothing when the apply fails, so a retry applies it', async () => {
    await expect(applyOnce(mongo, 'consumer-a', 'evt-2', () => Promise.reject(new Error('write failed')))).rejects.toThrow('write failed');
    let runs = 0;
    expect(
      await applyOnce(mongo, 'consumer-a', 'evt-2', async () => {
        runs++;
      }),
    ).toBe(true);
    expect(runs).toBe(1);
  });
});
