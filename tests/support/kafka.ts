import { Kafka, logLevel } from 'kafkajs';
import { eventually } from './wait';

/** Every message on a topic from the beginning, read by a throw-away consumer group. */
export async function readTopic(brokers: string, topic: string, { atLeast = 1, timeoutMs = 60_000 } = {}): Promise<{ key: string | null; value: string }[]> {
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  const seen: { key: string | null; value: string }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? '' });
      },
    });
    await eventually(`${atLeast} message(s) on ${topic}`, async () => (seen.length >= atLeast ? true : undefined), { timeoutMs });
    return seen;
  } finally {
    await consumer.disconnect();
  }
}

export async function deleteTopicsWithPrefix(brokers: string, prefix: string): Promise<void> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
