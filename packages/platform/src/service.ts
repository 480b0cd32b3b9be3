import type { Server, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, Connection as TemporalConnection } from '@temporalio/client';
import type { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Admin, Kafka } from 'kafkajs';
import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { deadLetterTopic, namespacedTopic, type EventKey } from '@aftersales/contracts';
import { loadServiceConfig, namespaced, type ServiceConfig } from './config';
import { createDependencyHealth } from './dependency-health';
import { createHttpApp, type HealthWarning } from './http/app';
import type { RouteSpec } from './http/route';
import { createKafka, describeKafka, ensureTopics } from './kafka/client';
import { createEventConsumer, type EventConsumer, type EventConsumerOptions, type EventHandler } from './kafka/consumer';
import { createEventProducer, type EventProducer } from './kafka/producer';
import { createLogger, type Logger } from './logger';
import { createMetrics } from './metrics';
import { kafkaSecurity, temporalSecurity } from './security';
import { startTracing } from './tracing';
import { connectMongo, pingMongo } from './mongo/connection';
import { createOutboxRelay, killBeforePendingEntry, outboxPendingCollection, type OutboxRelay } from './mongo/outbox';
import { outboxWritersCollection, startOutboxWriter } from './mongo/outbox-writers';
import { auditRoutes, createAuditChain, createEventChain, withAuditTrail } from './audit';
import { connectTemporalClient, describeTemporal } from './temporal';

/** What a service's setup receives: configured connections and the names it must use. */
export interface Platform {
  config: ServiceConfig;
  logger: Logger;
  mongo: Connection;
  kafka: Kafka;
  temporal: Client;
  /** The topic's name in this deployment (namespaced in tests). */
  topic(name: string): string;
  consumerGroup(name: string): string;
  taskQueue(name: string): string;
  /** Wakes this process's outbox relay after a write (no-op in an API-only process). */
  nudgeOutbox(): void;
  now(): Date;
}

export interface ConsumerSpec {
  /** Group name without namespace, e.g. "dispatch-service-requests". */
  group: string;
  topics: string[];
  handlers: Partial<Record<EventKey, EventHandler>>;
  /**
   * Applies a partition's fetched batch at once (its events that `handlers` names); its offsets are
   * committed only after this returns. A batch that fails for good is applied again one event at a
   * time through `handlers`, so both must be idempotent over the same events (see EventConsumerOptions).
   */
  batchHandler?: EventConsumerOptions['batchHandler'];
  /** Partitions handled at once (order within each is kept); 1 unless the handlers are safe side by side. */
  concurrentPartitions?: number;
}

export interface TemporalWorkerSpec extends Pick<WorkerOptions, 'workflowsPath' | 'activities'> {
  taskQueue: string;
  /** Workflow interceptor modules bundled with `workflowsPath` (a prebuilt bundle has them inside). */
  workflowInterceptorModules?: string[];
}

export interface ServiceParts {
  routes: RouteSpec[];
  /** Collections whose documents carry an outbox. */
  outboxCollections: Collection<Document>[];
  /** Topics this service creates (it publishes to them or consumes them). */
  topics: string[];
  consumers: ConsumerSpec[];
  temporalWorkers: TemporalWorkerSpec[];
  /** Shown by /healthz (see HttpAppOptions.healthWarnings). */
  healthWarnings?: () => Promise<HealthWarning[]>;
  /** Periodic jobs the worker role runs: at start, then every `everyMs`; a failed run is logged and tried at the next. */
  tasks?: PeriodicTask[];
}

export interface PeriodicTask {
  name: string;
  everyMs: number;
  run: () => Promise<void>;
}

export interface ServiceDefinition {
  name: string;
  defaultPort: number;
  version: string;
  description: string;
  setup(platform: Platform): Promise<ServiceParts>;
}

export interface RunningService {
  platform: Platform;
  url: string | null;
  stop(): Promise<void>;
}

/**
 * Starts a service in its configured role: `api` serves HTTP, `worker` runs the outbox relay,
 * the Kafka consumers and the Temporal workers, `all` does both in one process.
 */
export async function startService(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
  onFatal: (error: unknown) => void = () => undefined,
): Promise<RunningService> {
  const config = loadServiceConfig(definition.name, definition.defaultPort, env);
  const logger = createLogger(definition.name, config.LOG_LEVEL);
  const runsApi = config.PROCESS_ROLE !== 'worker';
  const runsWorker = config.PROCESS_ROLE !== 'api';
  const ns = config.PLATFORM_NAMESPACE;
  const stops: (() => Promise<unknown>)[] = [];
  // Periodic jobs stop with the consumers, before the relay's last flush: they may store events.
  const taskStops: (() => Promise<unknown>)[] = [];

  // Only a worker loads the SDK's native bridge; an API process stays on the pure-JS client.
  const temporalWorkers = runsWorker ? await import('./temporal/worker') : null;
  temporalWorkers?.installTemporalRuntime(logger, config.TEMPORAL_METRICS_BIND);
  const mongo = await connectMongo(config.MONGO_URL, config.mongoDb, { maxPoolSize: config.MONGO_MAX_POOL_SIZE });
  stops.push(() => mongo.close());
  // Says this process writes outboxes until its clean stop: a relay sweeps when its heartbeat stops (outbox-writers.ts).
  const outboxWriter = startOutboxWriter(mongo.db!, { log: logger });
  stops.push(() => outboxWriter.stop());
  // Before anything is written (setup may load data): a process that dies after writing has left a heartbeat.
  await outboxWriter.ready;
  const tracing = startTracing(definition.name, config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  stops.push(() => tracing.flush());
  const kafkaTls = kafkaSecurity(config);
  const temporalTls = temporalSecurity(config);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.KAFKA_CLIENT_ID ?? namespaced(ns, definition.name), logger, security: kafkaTls });
  const { client: temporal, connection: temporalConnection } = await connectTemporalClient(config.TEMPORAL_ADDRESS, config.TEMPORAL_NAMESPACE, temporalTls);
  stops.push(() => temporalConnection.close());

  // The consumer-lag gauge asks the broker at scrape time, through one admin client made on first use.
  let lagAdmin: Promise<Admin> | null = null;
  const metrics = createMetrics(definition.name, () => {
    lagAdmin ??= (async () => {
      const admin = kafka.admin();
      await admin.connect();
      stops.push(() => admin.disconnect());
      return admin;
    })();
    return lagAdmin;
  });

  let relay: OutboxRelay | null = null;
  const platform: Platform = {
    config,
    logger,
    mongo,
    kafka,
    temporal,
    topic: (name) => namespacedTopic(ns, name),
    consumerGroup: (name) => namespaced(ns, name),
    taskQueue: (name) => namespaced(ns, name),
    nudgeOutbox: () => relay?.nudge(),
    now: () => new Date(),
  };
  const parts = await definition.setup(platform);
  if (config.OUTBOX_FAULT_KILL_BEFORE_ENTRY) killBeforePendingEntry();
  // Every service keeps its audit chain in its own database: what changed (appended by the relay, once per event) and who asked.
  const auditChain = createAuditChain(mongo.db!);
  await ensureTopics(kafka, parts.topics.flatMap((t) => [platform.topic(t), deadLetterTopic(platform.topic(t))]));

  let producer: EventProducer | null = null;
  const consumers: EventConsumer[] = [];
  const workers: { worker: Worker; connection: NativeConnection; running: Promise<void> }[] = [];
  if (temporalWorkers) {
    producer = await createEventProducer(kafka);
    const eventChain = createEventChain(mongo.db!, auditChain, { now: platform.now, log: platform.logger.child({ module: 'audit-chain' }) });
    relay = createOutboxRelay({
      collections: parts.outboxCollections,
      leases: mongo.db!.collection('outboxLeases'),
      pending: mongo.db!.collection(outboxPendingCollection),
      writers: mongo.db!.collection(outboxWritersCollection),
      record: (entries) => eventChain.record(entries),
      producer,
      logger,
      pollMs: config.OUTBOX_POLL_MS,
      onPass: (collection, due, oldestDueAt) => {
        metrics.outboxBacklog.set({ collection }, due);
        metrics.outboxOldestAge.set({ collection }, oldestDueAt ? Math.max(0, (Date.now() - oldestDueAt.getTime()) / 1000) : 0);
      },
    });
    relay.start();
    for (const spec of parts.consumers) {
      const consumer = createEventConsumer({
        kafka,
        groupId: platform.consumerGroup(spec.group),
        topics: spec.topics.map(platform.topic),
        handlers: spec.handlers,
        producer,
        logger,
        metrics,
        ...(spec.concurrentPartitions ? { concurrentPartitions: spec.concurrentPartitions } : {}),
        ...(spec.batchHandler ? { batchHandler: spec.batchHandler } : {}),
      });
      metrics.watchConsumerLag(platform.consumerGroup(spec.group), spec.topics.map(platform.topic));
      await consumer.start();
      consumers.push(consumer);
    }
    for (const spec of parts.temporalWorkers) {
      const bundle = temporalWorkers.workflowBundlePath(config.WORKFLOW_BUNDLE_DIR, spec.taskQueue);
      const { worker, connection } = await temporalWorkers.createTemporalWorker({
        address: config.TEMPORAL_ADDRESS,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: platform.taskQueue(spec.taskQueue),
        security: temporalTls,
        traceActivities: true,
        ...(bundle ? { workflowBundle: { codePath: bundle } } : spec.workflowsPath ? { workflowsPath: spec.workflowsPath, workflowInterceptorModules: spec.workflowInterceptorModules ?? [] } : {}),
        ...(spec.activities ? { activities: spec.activities } : {}),
      });
      const running = worker.run();
      running.catch((err: unknown) => {
        logger.fatal({ err }, 'temporal worker stopped');
        onFatal(err);
      });
      workers.push({ worker, connection, running });
    }
  }

  if (temporalWorkers) {
    for (const task of parts.tasks ?? []) {
      let running: Promise<void> | null = null;
      const tick = () => {
        running ??= task.run().catch((err: unknown) => logger.warn({ err, task: task.name }, 'periodic task failed; tried again at its next run')).finally(() => { running = null; });
      };
      tick();
      const timer = setInterval(tick, task.everyMs);
      timer.unref();
      taskStops.push(async () => {
        clearInterval(timer);
        await running;
      });
    }
  }

  // Back-pressure: writes are refused with 503 while the database is unreachable. A broker outage
  // refuses nothing: every write leaves its events in the database's outbox, which the relay
  // publishes once the broker is back (kept, not lost). Temporal is not gated here: most writes do
  // not touch it (a request's workflow is started by a consumer, later), and those that start,
  // signal or update a workflow answer 503 themselves when it is down (and any gRPC outage that
  // reaches the app is mapped to 503).
  const database = 'the database';
  const health = createDependencyHealth({
    probes: { [database]: () => mongo.db!.admin().command({ ping: 1 }) },
    logger,
    everyMs: 1_000,
    timeoutMs: 2_000,
  });
  if (runsApi) health.start();
  let draining = false;
  const probeKafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: `${definition.name}-probe`, logger, retries: 0, security: kafkaTls });
  // A worker serves no routes but answers /healthz and /readyz (consumers running) for its probes.
  const app = createHttpApp({
    service: definition.name,
    version: definition.version,
    description: definition.description,
    routes: runsApi ? withAuditTrail([...parts.routes, ...auditRoutes(auditChain)], auditChain, platform.now) : [],
    logger,
    tokens: {
      secret: config.AUTH_JWT_SECRET,
      issuer: config.AUTH_ISSUER,
      ...(config.AUTH_OIDC_ISSUER
        ? { oidc: { issuer: config.AUTH_OIDC_ISSUER, audience: config.AUTH_OIDC_AUDIENCE, rolesClaim: config.AUTH_OIDC_ROLES_CLAIM, ...(config.AUTH_OIDC_JWKS_URL ? { jwksUrl: config.AUTH_OIDC_JWKS_URL } : {}) } }
        : {}),
    },
    bodyLimit: config.HTTP_BODY_LIMIT,
    metrics,
    refuseWritesFor: () => health.down()[0] ?? null,
    onOutage: (dependency) => {
      if (dependency !== database) return;
      // Refuse the next writes at once, and look again now: an ECONNREFUSED may have come from elsewhere.
      health.markDown(dependency, 'a request met the outage');
      void health.probeAll();
    },
    draining: () => draining,
    ...(parts.healthWarnings ? { healthWarnings: parts.healthWarnings } : {}),
    readiness: [
      { name: 'mongo', check: () => pingMongo(mongo) },
      { name: 'kafka', check: () => describeKafka(probeKafka) },
      { name: 'temporal', check: () => describeTemporal(temporalConnection as TemporalConnection, config.TEMPORAL_NAMESPACE) },
      ...(runsWorker
        ? [{ name: 'consumers', check: async () => assertConsumers(consumers) }]
        : []),
    ],
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.HOST, () => resolve(s));
    s.once('error', reject);
  });
  // In-flight requests, so a shutdown waits for them (and only them).
  const inFlight = new Set<ServerResponse>();
  let allAnswered: (() => void) | null = null;
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (draining) server.closeIdleConnections();
      if (inFlight.size === 0) allAnswered?.();
    });
  });
  const url = `http://${config.HOST}:${config.port}`;
  logger.info({ role: config.PROCESS_ROLE, url, db: config.mongoDb, namespace: ns || undefined }, `${definition.name} started`);

  let stopped = false;
  return {
    platform,
    url,
    /**
     * Drains, then closes: no new connection or request is taken (a request arriving on an open
     * connection is answered 503), in-flight requests finish (up to httpGraceMs, then their
     * connections are closed), the Temporal workers let running activities finish or hand them back
     * (their grace time, worker.ts), consumers commit what they applied and leave the group, the
     * relay publishes what is due once more, and only then the connections close.
     */
    async stop() {
      if (stopped) return;
      stopped = true;
      draining = true;
      const started = Date.now();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const httpDrained = (async () => {
        // An event stream never finishes by itself: it ends now, and its client reconnects to another instance.
        for (const res of inFlight) if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.end();
        const answered = inFlight.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => (allAnswered = resolve));
        const inTime = await Promise.race([answered.then(() => true), sleep(httpGraceMs, false, { ref: false })]);
        if (!inTime) logger.warn({ inFlight: inFlight.size }, `requests still open after ${httpGraceMs} ms; closing their connections`);
        server.closeAllConnections();
        await closed;
      })();
      const consumersStopped = Promise.all([
        ...consumers.map((consumer) => consumer.stop().catch((err: unknown) => logger.warn({ err }, 'consumer stop'))),
        ...taskStops.map((stop) => stop().catch(() => undefined)),
      ]);
      // An in-flight request may wait on a workflow update, which needs the workers: they go after HTTP.
      const workersStopped = httpDrained.then(() =>
        Promise.all(
          workers.map(async (w) => {
            if (w.worker.getState() === 'RUNNING') w.worker.shutdown();
            await w.running.catch(() => undefined);
            await w.connection.close().catch(() => undefined);
          }),
        ),
      );
      await Promise.all([httpDrained, consumersStopped, workersStopped]);
      if (relay) {
        await relay.stop();
        // What the last requests, activities and events stored leaves now; what cannot (broker down) stays in the outbox for the next start.
        const flushed = await Promise.race([relay.drain(), sleep(relayFlushMs, null, { ref: false })]).catch((err: unknown) => {
          logger.warn({ err }, 'outbox flush at shutdown failed; the events stay in the outbox');
          return null;
        });
        if (flushed === null) logger.warn(`outbox flush did not finish within ${relayFlushMs} ms; the rest stays in the outbox`);
        else logger.info({ published: flushed }, 'outbox flushed');
      }
      await producer?.disconnect().catch(() => undefined);
      health.stop();
      for (const stop of stops.reverse()) await stop().catch(() => undefined);
      logger.info({ ms: Date.now() - started }, `${definition.name} stopped`);
    },
  };
}

/** How long a shutdown waits for in-flight HTTP requests before closing their connections. */
const httpGraceMs = 10_000;
/** How long a shutdown waits for the outbox relay's last pass. */
const relayFlushMs = 5_000;
/** The whole shutdown's bound; past it the process exits 1 (an orchestrator's default grace is 30 s). */
const shutdownBoundMs = 28_000;

function assertConsumers(consumers: EventConsumer[]): string {
  const down = consumers.filter((c) => !c.isRunning()).length;
  if (down > 0) throw new Error(`${down} of ${consumers.length} consumers are not running`);
  return `${consumers.length} consumers running`;
}

/** The entry point of a service's main.ts: start, then stop cleanly on SIGTERM / SIGINT. */
export async function runServiceMain(definition: ServiceDefinition): Promise<void> {
  let service: RunningService;
  try {
    // A worker that stopped for good leaves the process half alive: exit and let the supervisor restart it.
    service = await startService(definition, process.env, () => process.exit(1));
  } catch (error) {
    process.stderr.write(`${definition.name} failed to start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const shutdown = (signal: string) => {
    service.platform.logger.info({ signal }, 'shutting down');
    // A connection that will not close must not keep a stopped service alive (and its port taken).
    setTimeout(() => {
      service.platform.logger.error({ signal }, `shutdown did not finish within ${shutdownBoundMs} ms; exiting`);
      process.exit(1);
    }, shutdownBoundMs).unref();
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        service.platform.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
