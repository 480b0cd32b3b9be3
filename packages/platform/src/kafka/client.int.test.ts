import { afterAll, expect, inject, it } from 'vitest';
import { deleteTopics, testLogger, uniqueName } from '../testing';
import { createKafka, ensureTopics } from './client';

const stack = inject('stack');
const ns = uniqueName('topics');
const logger = testLogger();
// Overlapping sets, as four services starting together each ask for the topics they share.
const shared = Array.from({ length: 6 }, (_, i) => `${ns}.shared-${i}`);
const own = (service: number) => [`${ns}.own-${service}`, `${ns}.own-${service}.dlq`];
const all = [...shared, ...[0, 1, 2, 3].flatMap(own)];

afterAll(async () => {
  await deleteTopics(createKafka({ brokers: stack.kafkaBrokers, clientId: `${ns}-cleanup`, logger }), all);
});

it('services racing to create the same topics each return only when every partition has a leader, and can subscribe at once', async () => {
  const services = [0, 1, 2, 3].map((service) => createKafka({ brokers: stack.kafkaBrokers, clientId: `${ns}-${service}`, logger }));
  await Promise.all(
    services.map(async (kafka, service) => {
      const topics = [...shared, ...own(service)];
      await ensureTopics(kafka, topics);
      // Asked at once, without waiting: what a service starting its consumers would see.
      const admin = kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
        expect(metadata.map((t) => t.name).sort()).toEqual([...topics].sort());
        for (const topic of metadata) expect(topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0), topic.name).toBe(true);
      } finally {
        await admin.disconnect();
      }
      // A subscription does not retry an unknown topic: this is where a service died at start.
      const consumer = kafka.consumer({ groupId: `${ns}-${service}` });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics });
      } finally {
        await consumer.disconnect();
      }
    }),
  );
});
