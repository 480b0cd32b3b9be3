import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import { deadLetterTopic, validateEvent, type EventEnvelope, type EventKey } from '@aftersales/contracts';
import { withLogContext } from '../logger';
import type { Metrics } from '../metrics';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { contextFrom, inSpan, SpanKind } from '../tracing';
import { afterFailure, defaultFailurePolicy, type FailurePolicy } from './failure-policy';
import type { EventProducer } from './producer';

export interface ConsumedEvent {
  event: EventEnvelope;
  topic: string;
  partition: number;
  offset: string;
  /**
   * In a batch: runs the event's own work in a span of the event's trace (`consume <type>`, linked
   * to the batch's span), so what that work causes (a workflow start) stays in the trace that sent
   * the event. A single event's handler runs in that span already.
   */
  inOwnTrace?: <T>(work: () => Promise<T>) => Promise<T>;
}

export type EventHandler = (consumed: ConsumedEvent) => Promise<void>;

export interface EventConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  /** Event type@version this consumer applies; other known events on its topics are skipped. */
  handlers: Partial<Record<EventKey, EventHandler>>;
  /**
   * When set, each fetched batch of a partition is applied at once: its events that `handlers`
   * names, in order, and the batch's offsets are committed only after this returns. A batch that
   * fails for good (not an outage) is applied again event by event through `handlers`, so only a
   * poison event is dead-lettered: both must be idempotent over the same events. A long batch calls
   * `heartbeat` now and then, or the group takes its partitions away after the session timeout.
   */
  batchHandler?: (batch: ConsumedEvent[], heartbeat: () => Promise<void>) => Promise<void>;
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

  /** The message's event when this consumer applies it; an unreadable one is dead-lettered (null). */
  async function readEvent(topic: string, partition: number, message: KafkaMessage): Promise<EventEnvelope | null> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value?.toString() ?? '');
    } catch {
      await deadLetter(topic, message, partition, 'value is not JSON');
      return null;
    }
    const validation = validateEvent(parsed);
    if (!validation.ok) {
      await deadLetter(topic, message, partition, validation.reason);
      return null;
    }
    const event = validation.event;
    // A known event meant for other consumers is skipped.
    return options.handlers[`${event.type}@${event.version}` as EventKey] ? event : null;
  }

  async function handleMessage(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>) {
    const event = await readEvent(topic, partition, message);
    if (event) await applyEvent(topic, partition, message, event, heartbeat);
  }

  async function applyEvent(topic: string, partition: number, message: KafkaMessage, event: EventEnvelope, heartbeat: () => Promise<void>) {
    const handler = options.handlers[`${event.type}@${event.version}` as EventKey]!;
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

  /** One partition's batch through the batch handler, retried like one event; one by one if it fails for good. */
  async function handleBatch(topic: string, partition: number, messages: KafkaMessage[], heartbeat: () => Promise<void>, batchHandler: NonNullable<EventConsumerOptions['batchHandler']>) {
    const read: { message: KafkaMessage; event: EventEnvelope }[] = [];
    for (const message of messages) {
      const event = await readEvent(topic, partition, message);
      if (event) read.push({ message, event });
    }
    if (read.length === 0) return;
    const traces = read.map(({ message }) => contextFrom(message.headers));
    const started = process.hrtime.bigint();
    for (let attempt = 1; ; attempt++) {
      try {
        const attributes = { 'messaging.destination.name': topic, 'messaging.consumer.group.name': groupId };
        // The batch's span starts a trace of its own, linked to each event's (OpenTelemetry's
        // messaging conventions for a batch); each event's work joins its own trace by inOwnTrace.
        await inSpan('consume batch', SpanKind.CONSUMER, ROOT_CONTEXT, { ...attributes, 'messaging.batch.message_count': String(read.length) }, (batchSpan) => {
          const batch: ConsumedEvent[] = read.map(({ message, event }, i) => ({
            event,
            topic,
            partition,
            offset: message.offset,
            inOwnTrace: (work) => inSpan(`consume ${event.type}@${event.version}`, SpanKind.CONSUMER, traces[i]!, { ...attributes, 'event.id': event.id }, work, [trace.setSpan(ROOT_CONTEXT, batchSpan)]),
          }));
          return batchHandler(batch, heartbeat);
        }, traces);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        for (const { event } of read) {
          const type = `${event.type}@${event.version}`;
          options.metrics?.eventsApplied.inc({ group: groupId, type });
          options.metrics?.eventHandleDuration.observe({ group: groupId, type }, seconds / read.length);
        }
        return;
      } catch (error) {
        const next = afterFailure(error, attempt, policy);
        if (next.action === 'dead-letter') {
          log.warn({ err: error, attempt, topic, partition, events: read.length }, 'batch failed for good; applying its events one by one');
          for (const { message, event } of read) await applyEvent(topic, partition, message, event, heartbeat);
          return;
        }
        if (stopping) throw error; // leave the offsets uncommitted; the next member re-delivers
        log.warn({ err: error, attempt, backoff: next.delayMs, events: read.length }, 'batch handler failed, retrying');
        await sleep(next.delayMs);
        await heartbeat();
      }
    }
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
      ...(options.batchHandler
        ? { eachBatch: async ({ batch, heartbeat }) => handleBatch(batch.topic, batch.partition, batch.messages, heartbeat, options.batchHandler!) }
        : { eachMessage: async ({ topic, partition, message, heartbeat }) => handleMessage(topic, partition, message, heartbeat) }),
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
