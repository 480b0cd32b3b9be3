/**
 * bench:sla — how many open requests with live SLA clocks one dev server and one intake worker
 * hold, the worker's memory per open workflow and its workflow cache, and how late fired timers are
 * against their due instants, beside plain one-timer workflows run by a worker in this process as
 * the raw ceiling (same spread of due instants, after the service's run).
 *
 *   BENCH_OPEN (10000)            serviceRequest workflows started, and as many raw sleeps
 *   BENCH_DUE (1000)              how many of them are due in the window, spread evenly through the started
 *                                 ones; the others' clocks run on, due a day after the window. All of them
 *                                 due (BENCH_DUE=BENCH_OPEN) is the saturation run: one server's persistence
 *                                 then sets the pace, not the open count
 *   BENCH_DUE_FROM (600)          seconds from the start until the first due instant (warnings at 75% of each target)
 *   BENCH_DUE_SPAN (300)          seconds over which the due instants are spread evenly
 *   BENCH_START_CONCURRENCY (16)  starts in flight
 *   BENCH_WORKER_HEAP_MIB         the intake process's --max-old-space-size; unset, Node's default. The
 *                                 SDK sizes its workflow cache from it (maxCachedWorkflows' default)
 *
 * The instants are read from the events the workflows publish (Kafka), not by querying each
 * workflow: a query of a workflow outside the worker's cache replays its whole history.
 */
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { EscalationStep, SlaPolicy, TierTargets } from '@aftersales/sla';
import { serviceRequestTaskQueue, type ServiceRequestInput, type serviceRequest } from '@aftersales/workflows';
import { freePort, ServiceProcess } from '../tests/support/services';
import {
  benchNamespace, cleanup, envInt, findPid, fmt, histogramDelta, histogramOf, histogramQuantile, kafkaClient, log,
  percentile, pool, rssMiB, scrapeMetrics, sleep, stackEndpoints, table, terminateAll, withTemporalClient, type MetricsScrape,
  namespaceCleanup, runBench,
} from './lib';
import type { benchSleep } from './workflows/sleep';

const open = envInt('BENCH_OPEN', 10_000);
const dueCount = Math.min(envInt('BENCH_DUE', Math.min(open, 1000)), open);
const dueFromMs = envInt('BENCH_DUE_FROM', 600) * 1000;
const dueSpanMs = envInt('BENCH_DUE_SPAN', 300) * 1000;
const inFlight = envInt('BENCH_START_CONCURRENCY', 16);
const workerHeapMiB = process.env.BENCH_WORKER_HEAP_MIB ? envInt('BENCH_WORKER_HEAP_MIB', 0) : null;
const stack = stackEndpoints();
const ns = benchNamespace('bench-sla');
const second = 1000;
const hour = 3600 * second;
const ladder: EscalationStep[] = [
  { action: 'notify-supervisor', afterBreachMs: 0 },
  { action: 'reassign', afterBreachMs: 4 * second },
];
/** The shipped policies' ratio (packages/sla DEFAULT_WARN_AT_RATIO). */
const warnAtRatio = 0.75;

/** The quick policy of the worker-kill test, with this request's own first-response target; the other clocks stay far off. */
function quickPolicy(firstResponseMs: number): SlaPolicy {
  const targets: TierTargets = { firstResponseMs, onSite: { kind: 'duration', defaultMs: 6 * hour }, resolutionMs: 12 * hour };
  return {
    id: 'bench-quick',
    name: 'Seconds-long first response for the timer bench',
    warnAtRatio,
    provisionalTier: 'P1',
    tiers: { P1: targets, P2: targets, P3: targets, P4: targets },
    escalation: { P1: ladder, P2: ladder, P3: ladder, P4: ladder },
  };
}

/** The due workflows' indexes, spread evenly through the started ones (i * due mod open < due picks exactly `due`). */
const dueIndexes = Array.from({ length: open }, (_, i) => i).filter((i) => (i * dueCount) % open < dueCount);
const dueRank = new Map(dueIndexes.map((index, rank) => [index, rank]));
/** Due offsets from the start instant: the due ones spread evenly over the window, the rest a day after it. */
const offsets = Array.from({ length: open }, (_, i) => {
  const rank = dueRank.get(i);
  if (rank === undefined) return dueFromMs + dueSpanMs + 24 * hour;
  return Math.round(dueFromMs + (dueCount > 1 ? (dueSpanMs * rank) / (dueCount - 1) : 0));
});
const ids = offsets.map((_, i) => `${ns}-sr-${i}`);
const rawIds = offsets.map((_, i) => `${ns}-raw-${i}`);
const indexOf = (subject: string) => Number(subject.slice(subject.lastIndexOf('-') + 1));

interface HeardEvent {
  type: string;
  subject: string;
  occurredAt: number;
  heardAt: number;
  data: { clock?: string; warnAt?: string; dueAt?: string; step?: number; breachedAt?: string };
}

/** Every SLA event the workflows publish, by event id (the relay may publish one twice), with when it reached Kafka. */
async function startEventReader() {
  const heard = new Map<string, HeardEvent>();
  const kafka = kafkaClient(stack, `${ns}-bench-reader`);
  const consumer = kafka.consumer({ groupId: `${ns}-bench-reader`, sessionTimeout: 10_000, heartbeatInterval: 1_000, maxWaitTimeInMs: 100 });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => {
    joined = true;
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [`${ns}.intake.service-requests.v1`], fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value?.toString() ?? '{}') as { id: string; type: string; subject: string; occurredAt: string; data: HeardEvent['data'] };
      if (!/sla-warning|sla-breached|escalated/.test(event.type) || event.data.clock !== 'first-response' || heard.has(event.id)) return;
      heard.set(event.id, { type: event.type, subject: event.subject, occurredAt: Date.parse(event.occurredAt), heardAt: Date.now(), data: event.data });
    },
  });
  while (!joined) await sleep(100);
  return { heard, stop: () => consumer.disconnect() };
}

interface Lateness {
  warning: number[];
  breach: number[];
  /** Each breach's due instant within the window (ms after the first), beside its lateness. */
  breachAt: number[];
  /** Per ladder step (1-based index - 1): the step at +0 runs in the breach's own workflow task. */
  escalation: number[][];
  /** Breach reaching Kafka through the outbox relay, against its due instant. */
  breachHeard: number[];
  breachedOnce: number;
  wrongDue: string[];
  missing: string[];
}

function latenessOf(events: Iterable<HeardEvent>, t0: number): Lateness {
  const result: Lateness = { warning: [], breach: [], breachAt: [], escalation: ladder.map(() => []), breachHeard: [], breachedOnce: 0, wrongDue: [], missing: [] };
  const breaches = new Map<string, number>();
  const complete = new Map<string, number>();
  for (const e of events) {
    complete.set(e.subject, (complete.get(e.subject) ?? 0) + 1);
    if (e.type.endsWith('sla-warning')) result.warning.push(e.occurredAt - Date.parse(e.data.warnAt!));
    else if (e.type.endsWith('sla-breached')) {
      const due = Date.parse(e.data.dueAt!);
      if (due !== t0 + offsets[indexOf(e.subject)]!) result.wrongDue.push(e.subject);
      breaches.set(e.subject, (breaches.get(e.subject) ?? 0) + 1);
      result.breach.push(e.occurredAt - due);
      result.breachAt.push(offsets[indexOf(e.subject)]! - dueFromMs);
      result.breachHeard.push(e.heardAt - due);
    } else {
      const step = e.data.step!;
      result.escalation[step - 1]?.push(e.occurredAt - (Date.parse(e.data.breachedAt!) + ladder[step - 1]!.afterBreachMs));
    }
  }
  result.breachedOnce = [...breaches.values()].filter((n) => n === 1).length;
  result.missing = dueIndexes.map((i) => ids[i]!).filter((id) => (complete.get(id) ?? 0) < 2 + ladder.length);
  return result;
}

/** Worker figures sampled through the run: RSS of both processes, the cache, the main heap, the outbox. */
interface Sample {
  workerRss: number | null;
  serverRss: number | null;
  core: MetricsScrape | null;
  service: MetricsScrape | null;
}

async function sampleOf(workerPid: number, serverPid: number | null, coreUrl: string, serviceUrl: string | null): Promise<Sample> {
  const [core, service] = await Promise.all([scrapeMetrics(coreUrl), serviceUrl ? scrapeMetrics(serviceUrl) : null]);
  return { workerRss: rssMiB(workerPid), serverRss: serverPid ? rssMiB(serverPid) : null, core, service };
}

const mib = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(1)} MiB`);
const heapOf = (s: Sample) => (s.service?.values.get('nodejs_heap_size_used_bytes') ?? Number.NaN) / 1024 / 1024;
const count = (after: Sample, before: Sample, name: string) => fmt.n((after.core?.values.get(name) ?? Number.NaN) - (before.core?.values.get(name) ?? 0), 0);
const maxKnown = (a: number, b: number | null | undefined) => (b === null || b === undefined || !Number.isFinite(b) ? a : Math.max(a, b));

/** Mean and p99 (bucket bound) of an SDK core latency histogram, ms, between two samples. */
function latencyCell(after: Sample, before: Sample, name: string): string {
  const h = histogramDelta(histogramOf(after.core, name), histogramOf(before.core, name));
  if (!h || h.count <= 0) return 'n/a';
  return `${fmt.n(h.count, 0)} tasks, mean ${fmt.ms(h.sum / h.count)}, p99 <= ${fmt.ms(histogramQuantile(h, 0.99))}`;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const heapMiB = workerHeapMiB ?? getHeapStatistics().heap_size_limit / 1024 / 1024;
  // The SDK's default for maxCachedWorkflows (reused V8 context), from the worker's heap limit.
  const cacheCapacity = Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
  log(`namespace ${ns}; ${open} workflows, ${dueIndexes.length} of them due from +${dueFromMs / 1000} s over ${dueSpanMs / 1000} s; worker cache ${cacheCapacity} (heap ${Math.round(heapMiB)} MiB)`);
  let intake: ServiceProcess | null = null;
  let reader: Awaited<ReturnType<typeof startEventReader>> | null = null;
  let rawWorker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | null = null;
  let serviceEnded = false;
  let rawEnded = false;
  const lines: string[] = [];
  try {
    await withTemporalClient(stack, async (client: Client) => {
      // ---- the service: serviceRequest workflows on intake's worker ----
      const metricsPort = await freePort();
      const heapFlag: Record<string, string> = workerHeapMiB ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${workerHeapMiB}`.trim() } : {};
      intake = await ServiceProcess.start('intake', ns, stack, { PROCESS_ROLE: 'all', LOG_LEVEL: 'warn', TEMPORAL_METRICS_BIND: `127.0.0.1:${metricsPort}`, ...heapFlag });
      const running = intake as ServiceProcess;
      const serverPid = findPid('temporal server start-dev') ?? findPid('start-dev');
      const workerPid = running.pid;
      // The service's own /metrics reads consumer lag from the broker: scraped less often in the window.
      const sample = (withService = true) => sampleOf(workerPid, serverPid, `http://127.0.0.1:${metricsPort}/metrics`, withService ? `${running.url}/metrics` : null);
      reader = await startEventReader();
      await sleep(3 * second);
      const idle = await sample();

      const t0 = Date.now();
      const registeredAt = new Date(t0).toISOString();
      let started = 0;
      const progress = setInterval(() => log(`started ${started}/${open}`), 15 * second);
      await pool(ids, inFlight, async (id, i) => {
        const input: ServiceRequestInput = {
          requestId: id,
          customerId: 'CUST-0001',
          serialNumber: 'SN-0001',
          channel: 'alarm',
          registeredAt,
          correlationId: id,
          sla: { policy: quickPolicy(offsets[i]!), calendar: { kind: '24x7' }, responseMode: 'remote', locationClass: null },
        };
        await client.workflow.start<typeof serviceRequest>('serviceRequest', { workflowId: id, taskQueue: `${ns}-${serviceRequestTaskQueue}`, args: [input] });
        started++;
      }).finally(() => clearInterval(progress));
      const startMs = Date.now() - t0;
      const firstWarning = dueFromMs * warnAtRatio;
      log(`started ${open} in ${startMs} ms${startMs > firstWarning ? ` — past the first warning at ${firstWarning} ms: raise BENCH_DUE_FROM` : ''}`);
      await sleep(5 * second);
      const opened = await sample();

      // Peaks through the due window, sampled every 3 s.
      const peak = { workerRss: opened.workerRss ?? 0, serverRss: opened.serverRss ?? 0, cache: 0, heap: maxKnown(0, heapOf(opened)), outboxAge: 0, outboxBacklog: 0 };
      const lastDue = t0 + dueFromMs + dueSpanMs + ladder.at(-1)!.afterBreachMs;
      const events = reader.heard;
      const expected = dueIndexes.length * (2 + ladder.length);
      const deadline = lastDue + 180 * second;
      let lastLog = 0;
      for (let tick = 0; ; tick++) {
        const s = await sample(tick % 4 === 0);
        peak.workerRss = maxKnown(peak.workerRss, s.workerRss);
        peak.serverRss = maxKnown(peak.serverRss, s.serverRss);
        peak.cache = maxKnown(peak.cache, s.core?.values.get('sticky_cache_size'));
        peak.heap = maxKnown(peak.heap, heapOf(s));
        peak.outboxAge = maxKnown(peak.outboxAge, s.service?.values.get('aftersales_outbox_oldest_age_seconds'));
        peak.outboxBacklog = maxKnown(peak.outboxBacklog, s.service?.values.get('aftersales_outbox_backlog'));
        if (Date.now() - lastLog > 30 * second) {
          lastLog = Date.now();
          log(`+${Math.round((Date.now() - t0) / 1000)} s: ${events.size}/${expected} SLA events heard; worker ${mib(s.workerRss)}, cache ${s.core?.values.get('sticky_cache_size') ?? 'n/a'}`);
        }
        if ((Date.now() > lastDue && events.size >= expected) || Date.now() > deadline) break;
        await sleep(3 * second);
      }
      const fired = await sample();
      const service = latenessOf(events.values(), t0);
      log(`terminated ${await terminateAll(client, ids, 'bench finished')} serviceRequest workflows`);
      serviceEnded = true;
      await reader.stop();
      reader = null;
      await running.stop();

      // ---- the raw ceiling: one sleep per workflow, the same spread of instants, on a worker in this process ----
      const connection = await NativeConnection.connect({ address: stack.temporalAddress });
      const taskQueue = `${ns}-raw-sleep`;
      const worker = await Worker.create({
        connection,
        namespace: stack.temporalNamespace,
        taskQueue,
        workflowsPath: fileURLToPath(new URL('./workflows/sleep.ts', import.meta.url)),
      });
      rawWorker = { worker, connection, running: worker.run() };
      // Raw starts are quicker than the service's: the same lead would only lengthen the run.
      const rawLeadMs = Math.min(dueFromMs, startMs + 20 * second);
      const rawOffsets = offsets.map((offset) => offset - dueFromMs + rawLeadMs);
      const r0 = Date.now();
      const handles = await pool(rawOffsets, inFlight, async (offset, i) =>
        client.workflow.start<typeof benchSleep>('benchSleep', { workflowId: rawIds[i]!, taskQueue, args: [r0 + offset] }),
      );
      const rawStartMs = Date.now() - r0;
      const lastRawDue = r0 + Math.max(...dueIndexes.map((i) => rawOffsets[i]!));
      log(`started ${open} raw sleeps in ${rawStartMs} ms; waiting ${Math.round((lastRawDue - Date.now()) / 1000)} s for the ${dueIndexes.length} due to complete`);
      const completed = await pool(dueIndexes, 64, async (i) => handles[i]!.result());
      log(`terminated ${await terminateAll(client, rawIds.filter((_, i) => !dueRank.has(i)), 'bench finished')} raw sleeps not due`);
      rawEnded = true;
      const raw = completed.map((at, rank) => at - (r0 + rawOffsets[dueIndexes[rank]!]!));

      const p = (values: number[], q: number) => percentile(values, q);
      // NaN when there is nothing to take the max of (a reduce seeded with NaN stayed NaN: every max printed n/a).
      const maxOf = (values: number[]) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY));
      const latenessRows = (name: string, values: number[]) => [
        ...[50, 99].map((q) => [`${name} p${q}`, fmt.ms(p(values, q)), fmt.ms(p(raw, q)), fmt.times(p(values, q), p(raw, q))]),
        [`${name} max`, fmt.ms(maxOf(values)), fmt.ms(maxOf(raw)), fmt.times(maxOf(values), maxOf(raw))],
      ];
      const startRate = (open * 1000) / startMs;
      const rawRate = (open * 1000) / rawStartMs;
      const perWorkflowKiB = (((opened.workerRss ?? Number.NaN) - (idle.workerRss ?? Number.NaN)) * 1024) / open;
      const rows = [
        ['open requests with live clocks held', `${open}, ${dueIndexes.length} due (${service.breachedOnce} breached exactly once, ${service.missing.length} without all 4 events, ${service.wrongDue.length} wrong due)`, `${open} one-timer workflows, ${completed.length} due and done`, fmt.share(service.breachedOnce, completed.length)],
        [`time to start ${open}`, `${fmt.n(startMs / 1000, 2)} s`, `${fmt.n(rawStartMs / 1000, 2)} s`, fmt.times(startMs, rawStartMs)],
        ['dev server start rate', `${fmt.n(startRate)} /s`, `${fmt.n(rawRate)} /s`, fmt.share(startRate, rawRate)],
        ...latenessRows('warning (75%) lateness', service.warning),
        ...latenessRows('breach lateness', service.breach),
        ...ladder.flatMap((step, i) => latenessRows(`escalation ${i + 1} (+${step.afterBreachMs / 1000} s) lateness`, service.escalation[i]!)),
        ...[50, 99].map((q) => [`breach on Kafka (relay) p${q}`, fmt.ms(p(service.breachHeard, q)), '', '']),
        ['breach on Kafka (relay) max', fmt.ms(maxOf(service.breachHeard)), '', ''],
      ];
      const memoryRows = [
        ['worker RSS idle -> all started -> peak -> after', `${mib(idle.workerRss)} -> ${mib(opened.workerRss)} -> ${mib(peak.workerRss)} -> ${mib(fired.workerRss)}`],
        ['worker RSS per open workflow (started - idle)', `${fmt.n(perWorkflowKiB)} KiB (the cache holds ${fmt.n(peak.cache, 0)} of ${open} at most)`],
        ['worker main-thread heap idle -> started -> peak', `${mib(heapOf(idle))} -> ${mib(heapOf(opened))} -> ${mib(peak.heap)} (workflows run in a worker thread: RSS only)`],
        ['dev server RSS idle -> started -> peak', `${mib(idle.serverRss)} -> ${mib(opened.serverRss)} -> ${mib(peak.serverRss)}`],
        ['workflow cache: capacity / peak size', `${cacheCapacity} / ${fmt.n(peak.cache, 0)}`],
        ['cache hits / misses (replays) / forced evictions, starting', `${count(opened, idle, 'sticky_cache_hit')} / ${count(opened, idle, 'sticky_cache_miss')} / ${count(opened, idle, 'sticky_cache_total_forced_eviction')}`],
        ['cache hits / misses (replays) / forced evictions, due window', `${count(fired, opened, 'sticky_cache_hit')} / ${count(fired, opened, 'sticky_cache_miss')} / ${count(fired, opened, 'sticky_cache_total_forced_eviction')}`],
        ['replay of an evicted workflow, due window', latencyCell(fired, opened, 'workflow_task_replay_latency')],
        ['workflow task schedule-to-start, due window', latencyCell(fired, opened, 'workflow_task_schedule_to_start_latency')],
        ['workflow task execution, due window', latencyCell(fired, opened, 'workflow_task_execution_latency')],
        ['activity schedule-to-start, due window', latencyCell(fired, opened, 'activity_schedule_to_start_latency')],
        ['activity execution, due window', latencyCell(fired, opened, 'activity_execution_latency')],
        ['outbox backlog / oldest unrelayed age, peaks (summed over collections, sampled every 12 s)', `${fmt.n(peak.outboxBacklog, 0)} events / ${fmt.n(peak.outboxAge)} s`],
      ];
      // Lateness by minute of the window: does it grow as the window goes on, or with the density?
      const minutes = Math.ceil((dueSpanMs + 1) / 60_000);
      const byMinute = (values: number[], at: (i: number) => number) => Array.from({ length: minutes }, (_, m) => values.filter((_, i) => Math.floor(at(i) / 60_000) === m));
      const serviceByMinute = byMinute(service.breach, (i) => service.breachAt[i]!);
      const rawByMinute = byMinute(raw, (rank) => offsets[dueIndexes[rank]!]! - dueFromMs);
      const minuteRows = serviceByMinute.map((values, m) => [`${m}`, `${values.length}`, fmt.ms(p(values, 50)), fmt.ms(p(values, 99)), fmt.ms(maxOf(values)), fmt.ms(p(rawByMinute[m]!, 99))]);
      lines.push(
        '',
        `bench:sla  ${open} open serviceRequest workflows, ${dueIndexes.length} due at +${dueFromMs / 1000}..+${(dueFromMs + dueSpanMs) / 1000} s (${fmt.n((dueIndexes.length * 1000) / Math.max(dueSpanMs, 1))} breaches/s), the rest a day later, warnings at 75%, namespace ${ns}`,
        `one dev server (${stack.temporalAddress}${serverPid ? `, pid ${serverPid}` : ''}) and one intake worker process (pid ${workerPid}, heap limit ${Math.round(heapMiB)} MiB, SDK default workflow cache ${cacheCapacity})`,
        'lateness = event occurredAt (the workflow task that fired) - its warnAt/dueAt/step instant; raw = workflow time after a plain sleep() - due instant; relay = first arrival on Kafka - dueAt',
        ...(service.missing.length ? [`incomplete: ${service.missing.slice(0, 5).join(', ')}${service.missing.length > 5 ? ', ...' : ''}`] : []),
        ...(service.wrongDue.length ? [`breach dueAt other than its start instant + target: ${service.wrongDue.slice(0, 5).join(', ')}`] : []),
        '',
        table(['figure', 'serviceRequest', 'raw ceiling: plain sleep()', 'ratio'], rows),
        '',
        table(['worker and server', 'value'], memoryRows),
        '',
        table(['minute of the window', 'breaches', 'p50', 'p99', 'max', 'raw p99'], minuteRows),
        '',
      );
    });
    process.stdout.write(lines.join('\n'));
  } finally {
    log('cleaning up');
    const raw = rawWorker as { worker: Worker; running: Promise<void>; connection: NativeConnection } | null;
    const service = intake as ServiceProcess | null;
    const events = reader as Awaited<ReturnType<typeof startEventReader>> | null;
    await cleanup([
      ['event reader', async () => events?.stop()],
      ['raw worker', async () => {
        if (!raw) return;
        raw.worker.shutdown();
        await raw.running;
        await raw.connection.close();
      }],
      ['intake', async () => service?.stop()],
      // Nothing the bench started stays open on the dev server, whichever phase it stopped in.
      ['workflows', async () => withTemporalClient(stack, async (client) => terminateAll(client, [...(serviceEnded ? [] : ids), ...(rawEnded ? [] : rawIds)], 'bench finished'))],
      ...namespaceCleanup(stack, kafkaClient(stack, `${ns}-cleanup`), ns),
    ]);
  }
}

runBench('sla', main);
