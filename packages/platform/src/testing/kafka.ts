import type { Kafka } from 'kafkajs';
import { eventually } from './wait';
import { uniqueName } from './names';

export interface ReadMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

export interface TopicReader {
  /** Everything read so far, in arrival order (per partition, Kafka's order). */
  readonly messages: ReadMessage[];
  /** Waits until at least `count` messages match, or fails naming `what`. */
  waitFor(count: number, what: string, match?: (m: ReadMessage) => boolean, timeoutMs?: number): Promise<ReadMessage[]>;
  stop(): Promise<void>;
}

/** Reads topics from the beginning with a real consumer on a throw-away group; resolves once the group has joined. */
export async function startTopicReader(kafka: Kafka, topics: string[]): Promise<TopicReader> {
  const groupId = uniqueName('reader');
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const messages: ReadMessage[] = [];
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
      }
      messages.push({ topic, partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
    },
  });
  await eventually(`reader group to join ${topics.join(', ')}`, async () => (joined ? true : undefined), { timeoutMs: 60_000 });
  return {
    messages,
    async waitFor(count, what, match = () => true, timeoutMs = 60_000) {
      return eventually(`${count} message(s): ${what}`, async () => {
        const found = messages.filter(match);
        return found.length >= count ? found : undefined;
      }, { timeoutMs });
    },
    async stop() {
      await consumer.disconnect();
      await deleteGroups(kafka, [groupId]);
    },
  };
}

export async function deleteTopics(kafka: Kafka, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ours = topics.filter((t) => existing.has(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await admin.disconnect();
  }
}

/** Removes consumer groups a test made; best effort, since a group that just lost its last member may not be empty yet. */
export async function deleteGroups(kafka: Kafka, groupIds: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteGroups(groupIds).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** Event ids in first-seen order per Kafka key: duplicates (at-least-once) are dropped, as a consumer's inbox would. */
export function firstSeenIdsByKey(messages: ReadMessage[]): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const message of messages) {
    const id = message.headers['event-id'] ?? (JSON.parse(message.value) as { id: string }).id;
    const ids = byKey.get(message.key ?? '') ?? [];
    if (!ids.includes(id)) ids.push(id);
    byKey.set(message.key ?? '', ids);
  }
  return byKey;
}
