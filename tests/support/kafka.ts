import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { buildEvent, topicOf, type EventKey } from '@aftersales/contracts';
import type { TestBed } from './testbed';
import { deleteTopics, startTopicReader } from '@aftersales/platform/testing';

function client(brokers: string): Kafka {
  return new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Every message on a topic from the beginning, once at least `atLeast` have arrived. */
export async function readTopic(brokers: string, topic: string, { atLeast = 1, timeoutMs = 60_000 } = {}): Promise<{ key: string | null; value: string }[]> {
  const reader = await startTopicReader(client(brokers), [topic]);
  try {
    return await reader.waitFor(atLeast, `${atLeast} message(s) on ${topic}`, undefined, timeoutMs);
  } finally {
    await reader.stop();
  }
}

export async function deleteTopicsWithPrefix(brokers: string, prefix: string): Promise<void> {
  const kafka = client(brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics().finally(() => admin.disconnect())).filter((t) => t.startsWith(prefix));
  await deleteTopics(kafka, topics);
}

/** A fact as a test publishes it on a service's topic: an envelope keyed by its subject. */
export function factMessage(key: EventKey, subject: string, data: Record<string, unknown>, occurredAt = new Date()): { id: string; message: { key: string; value: string } } {
  const event = buildEvent(key, data as never, { id: randomUUID(), occurredAt, source: 'test', subject, correlationId: subject, causationId: null });
  return { id: event.id, message: { key: subject, value: JSON.stringify(event) } };
}

export interface FactPublisher {
  /** Publishes one fact on `<ns>.<its topic>`; answers its event id. */
  publish(key: EventKey, subject: string, data: Record<string, unknown>, occurredAt?: Date): Promise<string>;
  /** The connected producer, for messages sent as they are (a re-delivery, a batch). */
  readonly producer: Producer;
}

/**
 * An idempotent producer connected before the file's tests and disconnected after, publishing in
 * the test bed's namespace. Call after useTestBed so the bed's servers are known.
 */
export function useFactPublisher(bed: Pick<TestBed, 'ns' | 'stack'>): FactPublisher {
  let producer: Producer | undefined;
  beforeAll(async () => {
    producer = client(bed.stack.kafkaBrokers).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });
  afterAll(async () => producer?.disconnect());
  const connected = (): Producer => {
    if (!producer) throw new Error('the fact publisher connects before the tests: use it inside a test');
    return producer;
  };
  return {
    async publish(key, subject, data, occurredAt) {
      const { id, message } = factMessage(key, subject, data, occurredAt);
      await connected().send({ topic: `${bed.ns}.${topicOf(key)}`, messages: [message] });
      return id;
    },
    get producer() {
      return connected();
    },
  };
}
