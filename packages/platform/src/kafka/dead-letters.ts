/**
 * The dead-letter topics as operators use them: list what was parked and why, then, once the
 * cause is fixed, replay chosen messages onto the topic they came from. Consumers apply an event
 * id once, so groups that had applied it skip the replay and only the one that parked it acts.
 */
import type { Kafka } from 'kafkajs';
import type { EventProducer } from './producer';

export interface DeadLetter {
  partition: number;
  offset: string;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** Every message on a dead-letter topic now, per partition in order; reads up to the high watermark and stops. */
export async function readDeadLetters(kafka: Kafka, deadLetterTopic: string): Promise<DeadLetter[]> {
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    // No such topic: nothing was ever parked there (it is created with its stream), or a wrong name.
    if (!(await admin.listTopics()).includes(deadLetterTopic)) return [];
    const offsets = await admin.fetchTopicOffsets(deadLetterTopic);
    ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];
  const groupId = `dead-letter-reader-${process.pid}-${Date.now()}`;
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
  const found: DeadLetter[] = [];
  const pending = new Set(ends.keys());
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) {
              if (value !== undefined) headers[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
            }
            found.push({ partition, offset: message.offset, key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers });
            if (BigInt(message.offset) + 1n >= end) {
              pending.delete(partition);
              if (pending.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    const cleanup = kafka.admin();
    await cleanup.connect();
    await cleanup.deleteGroups([groupId]).catch(() => undefined);
    await cleanup.disconnect();
  }
  return found.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
}

/**
 * Publishes the chosen dead letters (by 'partition:offset') again to the topic each came from,
 * with the original key and bytes. Returns what it replayed; an id that is not on the topic is refused
 * before anything is sent.
 */
export async function replayDeadLetters(kafka: Kafka, producer: EventProducer, deadLetterTopic: string, chosen: string[]): Promise<DeadLetter[]> {
  const letters = await readDeadLetters(kafka, deadLetterTopic);
  const byId = new Map(letters.map((l) => [`${l.partition}:${l.offset}`, l]));
  const missing = chosen.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new Error(`not on ${deadLetterTopic}: ${missing.join(', ')}`);
  const replayed: DeadLetter[] = [];
  for (const id of chosen) {
    const letter = byId.get(id)!;
    const origin = letter.headers['dlt-topic'];
    if (!origin) throw new Error(`${deadLetterTopic} ${id} has no dlt-topic header; cannot tell where it came from`);
    await producer.publishRaw(origin, { key: letter.key, value: letter.value, headers: { 'replayed-from': `${deadLetterTopic}:${id}` } });
    replayed.push(letter);
  }
  return replayed;
}
