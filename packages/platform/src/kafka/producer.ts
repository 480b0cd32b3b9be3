import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { EventEnvelope } from '@aftersales/contracts';

export interface OutgoingEvent {
  topic: string;
  event: EventEnvelope;
  /** Trace context headers (`traceparent`) of the work that caused it. */
  trace?: Record<string, string>;
}

export interface EventProducer {
  publish(events: OutgoingEvent[]): Promise<void>;
  /** Publishes raw bytes (for the dead-letter topic, where the value may not even be JSON). */
  publishRaw(topic: string, message: { key: string | null; value: string | Buffer | null; headers: Record<string, string> }): Promise<void>;
  disconnect(): Promise<void>;
}

export function toKafkaMessage(event: EventEnvelope, trace: Record<string, string> = {}) {
  return {
    // The aggregate id as key keeps one aggregate's events in one partition, in order.
    key: event.subject,
    value: JSON.stringify(event),
    headers: {
      'event-id': event.id,
      'event-type': event.type,
      'event-version': String(event.version),
      'correlation-id': event.correlationId,
      ...trace,
    },
  };
}

/** An idempotent producer with acks from all in-sync replicas: a sent event is neither lost nor doubled by retries. */
export async function createEventProducer(kafka: Kafka): Promise<EventProducer> {
  // Retries are bounded (kafkajs warns this weakens exactly-once): a send that finally fails is sent
  // again by the outbox relay, and consumers drop the duplicate by event id.
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return {
    async publish(events) {
      if (events.length === 0) return;
      const byTopic = new Map<string, OutgoingEvent[]>();
      for (const outgoing of events) byTopic.set(outgoing.topic, [...(byTopic.get(outgoing.topic) ?? []), outgoing]);
      await producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list.map((o) => toKafkaMessage(o.event, o.trace)) })),
      });
    },
    async publishRaw(topic, message) {
      await producer.send({ topic, acks: -1, messages: [message] });
    },
    async disconnect() {
      await producer.disconnect();
    },
  };
}
