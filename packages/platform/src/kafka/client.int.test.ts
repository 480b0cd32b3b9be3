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

it('services racing to create the same topics each return only when every partition has a leader, and can send at once', async () => {
  const services = [0, 1, 2, 3].map((service) => createKafka({ brokers: stack.kafkaBrokers, clientId: `${ns}-${service}`, logger }));
  await Promise.all(
    services.map(async (kafka, service) => {
      const topics = [...shared, ...own(service)];
      await ensureTopics(kafka, topics);
      // No retries: a partition without a leader right after ensureTopics must fail this test.
      const producer = kafka.producer({ retry: { retries: 0 } });
      await producer.connect();
      try {
        for (const topic of topics) {
          const [sent] = await producer.send({ topic, acks: -1, messages: [{ key: `k${service}`, value: 'probe' }] });
          expect(sent?.errorCode, topic).toBe(0);
        }
      } finally {
        await producer.disconnect();
      }
    }),
  );
  const admin = services[0]!.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: all });
    expect(topics.map((t) => t.name).sort()).toEqual([...all].sort());
    for (const topic of topics) expect(topic.partitions.every((p) => p.leader >= 0), topic.name).toBe(true);
  } finally {
    await admin.disconnect();
  }
});
