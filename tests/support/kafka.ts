import { Kafka, logLevel } from 'kafkajs';
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
