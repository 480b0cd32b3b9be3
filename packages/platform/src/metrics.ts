import type { Admin } from 'kafkajs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What a process exports at /metrics (Prometheus text format), one registry per process. Every
 * name here is `aftersales_*` or a prom-client default (`process_*`, `nodejs_*`); the Grafana
 * dashboard in infra/observability may use only these (a unit test holds it to that).
 */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  eventsApplied: Counter<'group' | 'type'>;
  eventsDeadLettered: Counter<'group' | 'type'>;
  eventHandleDuration: Histogram<'group' | 'type'>;
  outboxBacklog: Gauge<'collection'>;
  outboxOldestAge: Gauge<'collection'>;
  /** Adds the lag of a consumer group, read from the broker at scrape time. */
  watchConsumerLag(groupId: string, topics: string[]): void;
}

export const metricNames = {
  httpDuration: 'aftersales_http_request_duration_seconds',
  eventsApplied: 'aftersales_events_applied_total',
  eventsDeadLettered: 'aftersales_events_dead_lettered_total',
  eventHandleDuration: 'aftersales_event_handle_duration_seconds',
  outboxBacklog: 'aftersales_outbox_backlog',
  outboxOldestAge: 'aftersales_outbox_oldest_age_seconds',
  consumerLag: 'aftersales_kafka_consumer_lag',
} as const;

/** Lag per partition: the partition's high watermark less the group's committed offset (all of it when nothing is committed). */
export function partitionLag(highWatermark: string, committed: string): number {
  const high = Number(highWatermark);
  const done = Number(committed);
  return done < 0 ? high : Math.max(0, high - done);
}

export function createMetrics(service: string, kafkaAdmin: () => Promise<Admin>): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const watched: { groupId: string; topics: string[] }[] = [];

  const httpDuration = new Histogram({
    name: metricNames.httpDuration,
    help: 'HTTP requests by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const eventsApplied = new Counter({ name: metricNames.eventsApplied, help: 'Events a consumer group applied, by type@version', labelNames: ['group', 'type'] as const, registers: [registry] });
  const eventsDeadLettered = new Counter({
    name: metricNames.eventsDeadLettered,
    help: 'Events a consumer group parked on the dead-letter topic, by type@version (or "unreadable")',
    labelNames: ['group', 'type'] as const,
    registers: [registry],
  });
  const eventHandleDuration = new Histogram({
    name: metricNames.eventHandleDuration,
    help: 'Time to apply one event, retries included',
    labelNames: ['group', 'type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
    registers: [registry],
  });
  const outboxBacklog = new Gauge({ name: metricNames.outboxBacklog, help: 'Documents with events due in the outbox at the last relay pass (counted up to the relay batch size)', labelNames: ['collection'] as const, registers: [registry] });
  const outboxOldestAge = new Gauge({
    name: metricNames.outboxOldestAge,
    help: 'Age of the oldest event waiting in the outbox at the last relay pass',
    labelNames: ['collection'] as const,
    registers: [registry],
  });
  new Gauge({
    name: metricNames.consumerLag,
    help: 'Messages a consumer group has yet to read, per topic and partition (read at scrape time)',
    labelNames: ['group', 'topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (watched.length === 0) return;
      const admin = await kafkaAdmin();
      for (const { groupId, topics } of watched) {
        const committed = await admin.fetchOffsets({ groupId, topics }).catch(() => []);
        for (const { topic, partitions } of committed) {
          const high = await admin.fetchTopicOffsets(topic).catch(() => []);
          for (const p of partitions) {
            const watermark = high.find((h) => h.partition === p.partition)?.high;
            if (watermark !== undefined) this.set({ group: groupId, topic, partition: String(p.partition) }, partitionLag(watermark, p.offset));
          }
        }
      }
    },
  });

  return {
    registry,
    httpDuration,
    eventsApplied,
    eventsDeadLettered,
    eventHandleDuration,
    outboxBacklog,
    outboxOldestAge,
    watchConsumerLag: (groupId, topics) => watched.push({ groupId, topics }),
  };
}
