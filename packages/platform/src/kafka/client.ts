import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { setTimeout as sleep } from 'node:timers/promises';

/** Routes kafkajs's own log lines into the service's pino logger. */
function pinoLogCreator(logger: Logger) {
  const kafkaLog = logger.child({ module: 'kafkajs' });
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      // Accepted on purpose (see producer.ts): a failed send is re-sent by the outbox relay and deduplicated by event id.
      if (message.startsWith('Limiting retries for the idempotent producer')) return kafkaLog.debug(extra, message);
      if (level === logLevel.ERROR) kafkaLog.error(extra, message);
      else if (level === logLevel.WARN) kafkaLog.warn(extra, message);
      else if (level === logLevel.INFO) kafkaLog.debug(extra, message);
      else kafkaLog.trace(extra, message);
    };
}

/** `retries: 0` makes a client for probes, which report the broker's state now instead of waiting for it. */
export function createKafka(options: { brokers: string; clientId: string; logger: Logger; retries?: number; security?: Pick<KafkaConfig, 'ssl' | 'sasl'> }): Kafka {
  return new Kafka({
    ...options.security,
    clientId: options.clientId,
    brokers: options.brokers.split(','),
    logLevel: logLevel.INFO,
    logCreator: pinoLogCreator(options.logger),
    // A broker restart must not end a service: keep retrying for about a minute per call.
    retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: options.retries ?? 12 },
    connectionTimeout: 3_000,
  });
}

/**
 * Creates the topics a service needs and returns once every partition of each has a leader;
 * idempotent, so every instance may call it at start. Services starting together race to create
 * shared topics: the loser is told the topic exists before its leader is elected, and a consumer
 * or producer started then fails with "does not host this topic-partition". So it waits for the
 * leaders of all of them, its own creations and the others'.
 */
export async function ensureTopics(kafka: Kafka, topics: string[], numPartitions = 3, timeoutMs = 60_000): Promise<void> {
  const wanted = [...new Set(topics)];
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      try {
        const existing = new Set(await admin.listTopics());
        const missing = wanted.filter((t) => !existing.has(t));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: -1 })),
          });
        }
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: wanted });
        const leaderless = metadata.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
        if (leaderless.length === 0) return;
        if (Date.now() > deadline) throw new Error(`topics without a leader: ${leaderless.map((t) => t.name).join(', ')}`);
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}

/** A readiness probe: a real metadata round trip to the cluster. */
export async function describeKafka(kafka: Kafka): Promise<string> {
  // Give it a client made with retries: 0; kafkajs connects with the client's retry, not the admin's.
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`;
  } finally {
    await admin.disconnect();
  }
}
