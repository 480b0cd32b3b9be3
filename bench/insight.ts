/**
 * bench:insight — events per second insight folds into a fresh generation of its read model while
 * rebuilding from the topics, beside raw consumption of the same topics (a plain kafkajs consumer
 * that only counts) in the same run, and how long a month's report then takes from the rebuilt
 * generation. At a small size first, so growth shows.
 *
 *   BENCH_EVENTS (100000)     events on the topics at the big size
 *   BENCH_SMALL_EVENTS (1000) events at the small size
 *   BENCH_TIMEOUT (3600)      seconds to wait for a rebuild to catch up
 *
 * Each size has a namespace of its own (topics, database, groups). The events are whole journeys
 * built from the contract samples (packages/contracts/samples): machines, registrations,
 * screenings, dispatch, work orders, parts, completions, closings, cost allocations and surveys,
 * registered over the last 12 months (the last days' still open), produced in big batches. The
 * real insight service process then starts with its live consumer already at the topics' ends
 * (a service that was up to date), and the clock runs from POST /v1/rebuilds until the new
 * generation answers (GET /v1/rebuilds/current: it switches once caught up).
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Kafka } from 'kafkajs';
import { namespacedTopic } from '@aftersales/contracts';
import { ensureTopics } from '@aftersales/platform';
import { insightTopics } from '../services/insight/events/consumers';
import { api, ServiceProcess, tokenFor } from '../tests/support/services';
import { journeys, type Produced } from './insight-data';
import { benchNamespace, cleanup, envInt, fmt, kafkaClient, log, percentile, rssMiB, sleep, stackEndpoints, table, namespaceCleanup, runBench } from './lib';

const big = envInt('BENCH_EVENTS', 100_000);
const small = envInt('BENCH_SMALL_EVENTS', 1000);
const timeoutMs = envInt('BENCH_TIMEOUT', 3600) * 1000;
const stack = stackEndpoints();

/** All messages to their topics in big batches (several sends in flight), keyed by their aggregate. */
async function produce(kafka: Kafka, messages: Produced[]): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = Date.now();
  try {
    const batch = 5000;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < messages.length; i += batch) {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const m of messages.slice(i, i + batch)) {
        const list = byTopic.get(m.topic) ?? [];
        list.push({ key: m.key, value: m.value });
        byTopic.set(m.topic, list);
      }
      sends.push(producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, msgs]) => ({ topic, messages: msgs })) }));
      if (sends.length >= 4) await sends.shift();
    }
    await Promise.all(sends);
    return Date.now() - started;
  } finally {
    await producer.disconnect();
  }
}

/** Raw ceiling: a plain consumer in a group of its own reads every message of the topics and only counts them. */
async function rawConsume(kafka: Kafka, ns: string, topics: string[], count: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${ns}-raw-reader`, sessionTimeout: 10_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
  let consumed = 0;
  await consumer.connect();
  try {
    const started = Date.now();
    await consumer.subscribe({ topics, fromBeginning: true });
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    await consumer.run({
      eachBatch: async ({ batch }) => {
        consumed += batch.messages.length;
        if (consumed >= count) done();
      },
    });
    const timer = setTimeout(() => done(), timeoutMs);
    await all;
    clearTimeout(timer);
    if (consumed < count) throw new Error(`raw consumer read ${consumed}/${count}`);
    return Date.now() - started;
  } finally {
    await consumer.disconnect();
  }
}

/** The live group at the topics' ends: the service starts as one that was up to date, so only the rebuild reads the history. */
async function liveGroupAtEnd(kafka: Kafka, ns: string, topics: string[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      await admin.setOffsets({ groupId: `${ns}-insight`, topic, partitions: ends.map((e) => ({ partition: e.partition, offset: e.high })) });
    }
  } finally {
    await admin.disconnect();
  }
}

interface SizeResult {
  events: number;
  cases: number;
  produceMs: number;
  rawMs: number;
  rebuildMs: number;
  reportMs: number[];
  reportCases: number;
  rssMiB: number | null;
}

async function runSize(kafka: Kafka, count: number): Promise<SizeResult> {
  const ns = benchNamespace('bench-insight');
  const topics = insightTopics.map((t) => namespacedTopic(ns, t));
  let service: ServiceProcess | null = null;
  try {
    const { messages, cases } = journeys(ns, count);
    log(`${count} events: ${messages.length} made for ${cases.length} requests, namespace ${ns}`);
    await ensureTopics(kafka, topics);
    const produceMs = await produce(kafka, messages);
    log(`  produced in ${fmt.n(produceMs / 1000, 2)} s`);
    const rawMs = await rawConsume(kafka, ns, topics, messages.length);
    log(`  raw consumer read them in ${fmt.n(rawMs / 1000, 2)} s`);
    await liveGroupAtEnd(kafka, ns, topics);
    service = await ServiceProcess.start('insight', ns, stack, { LOG_LEVEL: 'info', INSIGHT_CATCH_UP_POLL_MS: '100' });
    const platform = await tokenFor('platform');
    const manager = await tokenFor('manager');
    const started = Date.now();
    const requested = await api(service, 'POST', '/v1/rebuilds', { token: platform, body: {} });
    if (requested.status !== 202) throw new Error(`POST /v1/rebuilds answered ${requested.status}: ${JSON.stringify(requested.body)}`);
    let rssPeak: number | null = null;
    let shownAt = Date.now();
    for (;;) {
      const state = (await api(service, 'GET', '/v1/rebuilds/current', { token: platform })).body as { current: number };
      if (state.current === 2) break;
      if (Date.now() - started > timeoutMs) throw new Error('the rebuild did not catch up in time');
      rssPeak = Math.max(rssPeak ?? 0, rssMiB(service.pid) ?? 0);
      if (Date.now() - shownAt > 10_000) {
        shownAt = Date.now();
        log(`  rebuilding: ${fmt.n((Date.now() - started) / 1000, 0)} s`);
      }
      await sleep(100);
    }
    const rebuildMs = Date.now() - started;
    log(`  rebuilt in ${fmt.n(rebuildMs / 1000, 2)} s`);
    // Every fact of a few requests is in the rebuilt record (none lost, none twice).
    for (const c of [cases[0]!, cases[Math.floor(cases.length / 2)]!, cases.at(-1)!]) {
      const record = (await api(service, 'GET', `/v1/cases/${encodeURIComponent(c.requestId)}`, { token: manager })).body as { facts?: unknown[] };
      if (record.facts?.length !== c.events) throw new Error(`${c.requestId}: ${record.facts?.length} facts in the rebuilt record, ${c.events} events produced`);
    }
    // A whole month half a year back, read from the rebuilt generation: first (cold) and four more.
    const month = new Date();
    month.setUTCMonth(month.getUTCMonth() - 6, 1);
    month.setUTCHours(0, 0, 0, 0);
    const next = new Date(month);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const query = `/v1/kpis?from=${month.toISOString()}&to=${next.toISOString()}`;
    const reportMs: number[] = [];
    let reportCases = 0;
    for (let i = 0; i < 5; i++) {
      const began = performance.now();
      const report = await api(service, 'GET', query, { token: manager });
      reportMs.push(performance.now() - began);
      if (report.status !== 200) throw new Error(`GET ${query} answered ${report.status}: ${JSON.stringify(report.body)}`);
      reportCases = (report.body as { groups: { caseCount: number }[] }).groups.reduce((sum, g) => sum + g.caseCount, 0);
    }
    return { events: messages.length, cases: cases.length, produceMs, rawMs, rebuildMs, reportMs, reportCases, rssMiB: rssPeak };
  } finally {
    await cleanup([
      ['insight', async () => service?.stop()],
      ...namespaceCleanup(stack, kafka, ns),
    ]);
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const kafka = kafkaClient(stack, 'bench-insight');
  const results: SizeResult[] = [];
  for (const size of [...new Set([small, big])].sort((a, b) => a - b)) results.push(await runSize(kafka, size));
  const perSecond = (n: number, ms: number) => (n * 1000) / ms;
  const rows = results.map((r) => {
    const folded = perSecond(r.events, r.rebuildMs);
    const raw = perSecond(r.events, r.rawMs);
    return [
      String(r.events), String(r.cases), fmt.n(perSecond(r.events, r.produceMs), 0), fmt.n(raw, 0), fmt.n(folded, 0), fmt.share(folded, raw),
      `${fmt.n(r.rebuildMs / 1000, 1)} s`, String(r.reportCases), fmt.ms(r.reportMs[0]!), fmt.ms(percentile(r.reportMs.slice(1), 50)), r.rssMiB === null ? 'n/a' : `${fmt.n(r.rssMiB, 0)} MiB`,
    ];
  });
  process.stdout.write(
    [
      '',
      `bench:insight  rebuild of insight's read model from the topics, beside a raw kafkajs consumer of the same topics`,
      `servers: Kafka ${stack.kafkaBrokers}, Mongo ${stack.mongoUrl}; ${availableParallelism()} CPUs, 1-min load ${fmt.n(loadAtStart, 2)} at start, ${fmt.n(loadavg()[0]!, 2)} at the end (the servers share them)`,
      'events: whole journeys from the contract samples over 12 months, on 5 topics of 3 partitions; raw = a plain consumer in its own group counting every message (group join included);',
      'rebuild = POST /v1/rebuilds until GET /v1/rebuilds/current answers the new generation (caught up and switched; group join included); report = GET /v1/kpis for one whole month 6 months back',
      '',
      table(['events', 'requests', 'produced/s', 'raw consumed/s', 'rebuild folded/s', 'rebuild/raw', 'rebuild', 'month\'s requests', 'month report (cold)', 'month report (p50 of 4)', 'insight RSS peak'], rows),
      '',
    ].join('\n'),
  );
}

runBench('insight', main);
