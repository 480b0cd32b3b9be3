import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { deadLetterTopic, validateEvent, type EventEnvelope, type EventKey } from '@aftersales/contracts';
import { withLogContext } from '../logger';
import type { Metrics } from '../metrics';
import { contextFrom, inSpan, SpanKind } from '../tracing';
import { afterFailure, defaultFailurePolicy, type FailurePolicy } from './failure-policy';
import type { EventProducer } from './producer';

export interface ConsumedEvent {
  event: EventEnvelope;
  topic: string;
  partition: number;
  offset: string;
}

export type EventHandler = (consumed: ConsumedEvent) => Promise<void>;

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Event type@version this consumer applies; other known events on its topics are skipped. */
  handlers: Partial<Record<EventKey, EventHandler>>;
  producer: EventProducer;
  logger: Logger;
  /** Partitions handled at once; each partition's messages still one after another. */
  concurrentPartitions?: number;
  /** Upper bound of the pause between attempts while a handler fails with a retriable error. */
  maxBackoffMs?: number;
  /** Attempts before an error that is neither an outage nor a named refusal is dead-lettered. */
  maxAttempts?: number;
  metrics?: Metrics;
}

export interface EventConsumer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** False after the consumer crashed without kafkajs restarting it (a liveness signal). */
  isRunning(): boolean;
}

/**
 * Consumes versioned events. Malformed, unknown-version and permanently failing events go to the
 * topic's dead-letter topic with the reason (and stack); an outage is retried in place with
 * jittered backoff (blocking the partition, so order holds and nothing is skipped) until it ends or
 * the consumer stops; any other error gets a bounded number of attempts (see failure-policy.ts).
 */
/** How long stop() waits for the consumer to commit and leave its group. */
const stopBoundMs = 10_000;

export function createEventConsumer(options: EventConsumerOptions): EventConsumer {
  const { kafka, groupId, logger, producer } = options;
  const log = logger.child({ module: 'consumer', groupId });
  const policy: FailurePolicy = {
    ...defaultFailurePolicy,
    ...(options.maxBackoffMs !== undefined ? { maxBackoffMs: options.maxBackoffMs } : {}),
    ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}),
  };
  let consumer: Consumer | null = null;
  let running = false;
  let stopping = false;

  async function deadLetter(
    topic: string,
    message: KafkaMessage,
    partition: number,
    reason: string,
    failure?: { error: unknown; attempts: number; type: string },
  ): Promise<void> {
    log.warn({ topic, partition, offset: message.offset, reason }, 'event sent to dead-letter topic');
    options.metrics?.eventsDeadLettered.inc({ group: groupId, type: failure?.type ?? 'unreadable' });
    const stack = failure?.error instanceof Error ? failure.error.stack : undefined;
    await producer.publishRaw(deadLetterTopic(topic), {
      key: message.key?.toString() ?? null,
      value: message.value,
      headers: {
        'dlt-reason': reason.slice(0, 2000),
        'dlt-group': groupId,
        'dlt-topic': topic,
        'dlt-partition': String(partition),
        'dlt-offset': message.offset,
        'dlt-at': new Date().toISOString(),
        ...(failure ? { 'dlt-attempts': String(failure.attempts) } : {}),
        ...(stack ? { 'dlt-stack': stack.slice(0, 8000) } : {}),
      },
    });
  }

  async function handleMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value?.toString() ?? '');
    } catch {
      return deadLetter(topic, message, partition, 'value is not JSON');
    }
    const validation = validateEvent(parsed);
    if (!validation.ok) return deadLetter(topic, message, partition, validation.reason);
    const event = validation.event;
    const handler = options.handlers[`${event.type}@${event.version}` as EventKey];
    if (!handler) return; // a known event meant for other consumers

    const type = `${event.type}@${event.version}`;
    const started = process.hrtime.bigint();
    await withLogContext({ eventId: event.id, correlationId: event.correlationId, causationId: event.causationId ?? undefined }, async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          await inSpan(`consume ${type}`, SpanKind.CONSUMER, contextFrom(message.headers), { 'messaging.destination.name': topic, 'messaging.consumer.group.name': groupId, 'event.id': event.id }, () =>
            handler({ event, topic, partition, offset: message.offset }),
          );
          options.metrics?.eventsApplied.inc({ group: groupId, type });
          options.metrics?.eventHandleDuration.observe({ group: groupId, type }, Number(process.hrtime.bigint() - started) / 1e9);
          return;
        } catch (error) {
          const next = afterFailure(error, attempt, policy);
          if (next.action === 'dead-letter') return deadLetter(topic, message, partition, next.reason, { error, attempts: attempt, type });
          if (stopping) throw error; // leave the offset uncommitted; the next member re-delivers
          log.warn({ err: error, attempt, backoff: next.delayMs, type: event.type }, 'handler failed, retrying');
          await sleep(next.delayMs);
          await heartbeat();
        }
      }
    });
  }

  async function start(): Promise<void> {
    stopping = false;
    consumer = kafka.consumer({
      groupId,
      // A short session lets the group notice a killed member within seconds, not half a minute.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, (event) => {
      const restart = (event.payload as { restart?: boolean }).restart;
      log.error({ err: event.payload.error, restart }, 'consumer crashed');
      if (!restart && !stopping) {
        // kafkajs gives up on some errors (see its issues #267, #660); restart ourselves instead of going silent.
        running = false;
        void (async () => {
          await consumer?.disconnect().catch(() => undefined);
          await sleep(1_000);
          if (!stopping) await start().catch((err: unknown) => log.error({ err }, 'consumer restart failed'));
        })();
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      partitionsConsumedConcurrently: options.concurrentPartitions ?? 1,
      eachMessage: async ({ topic, partition, message, heartbeat }) => handleMessage(topic, partition, message, heartbeat),
    });
    running = true;
    log.info({ topics: options.topics }, 'consumer started');
  }

  return {
    start,
    /**
     * Waits for the message in hand (a failing handler gives up at once), commits the offsets of
     * what was applied and leaves the group. Bounded: with the broker gone, leaving would retry for
     * long; the offsets not committed then are delivered again and absorbed by the inbox.
     */
    async stop() {
      stopping = true;
      running = false;
      const left = consumer?.disconnect();
      const inTime = await Promise.race([left?.then(() => true), sleep(stopBoundMs, false, { ref: false })]);
      if (inTime === false) log.warn(`consumer did not leave its group within ${stopBoundMs} ms; what it applied since its last commit will be delivered again`);
    },
    isRunning: () => running,
  };
}
