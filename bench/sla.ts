/**
 * bench:sla — how many open requests with live SLA clocks one dev server and one intake worker
 * hold, the worker's memory per open workflow, and how late fired timers are against their due
 * instants, beside plain one-timer workflows run by a worker in this process as the raw ceiling.
 *
 *   BENCH_OPEN (500)              serviceRequest workflows started, and as many raw sleeps
 *   BENCH_DUE_FROM (60)           seconds from the start until the first due instant (warnings at half of it)
 *   BENCH_DUE_SPAN (30)           seconds over which the due instants are spread
 *   BENCH_START_CONCURRENCY (16)  starts (and queries) in flight
 */
import { getHeapStatistics } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { EscalationStep, SlaPolicy, TierTargets } from '@aftersales/sla';
import { getStateQuery, serviceRequestTaskQueue, type ServiceRequestInput, type ServiceRequestView, type serviceRequest } from '@aftersales/workflows';
import { deleteTopicsWithPrefix } from '../tests/support/kafka';
import { dropNamespaceDatabases } from '../tests/support/mongo';
import { ServiceProcess } from '../tests/support/services';
import {
  benchNamespace, cleanup, deleteGroupsWithPrefix, envInt, findPid, fmt, kafkaClient, log, percentile, pool,
  rssMiB, sleep, stackEndpoints, table, terminateAll, withTemporalClient,
} from './lib';
import type { benchSleep } from './workflows/sleep';

const open = envInt('BENCH_OPEN', 500);
const dueFromMs = envInt('BENCH_DUE_FROM', 60) * 1000;
const dueSpanMs = envInt('BENCH_DUE_SPAN', 30) * 1000;
const inFlight = envInt('BENCH_START_CONCURRENCY', 16);
const stack = stackEndpoints();
const ns = benchNamespace('bench-sla');
const second = 1000;
const hour = 3600 * second;
const ladder: EscalationStep[] = [
  { action: 'notify-supervisor', afterBreachMs: 0 },
  { action: 'reassign', afterBreachMs: 4 * second },
];
const warnAtRatio = 0.5;

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

/** Due offsets from the start instant, spread evenly over the window. */
const offsets = Array.from({ length: open }, (_, i) => Math.round(dueFromMs + (open > 1 ? (dueSpanMs * i) / (open - 1) : 0)));
const ids = offsets.map((_, i) => `${ns}-sr-${i}`);

interface Lateness {
  breach: number[];
  warning: number[];
  breachedOnce: number;
  missing: string[];
}

async function measureServiceWorkflows(client: Client, t0: number): Promise<Lateness> {
  const breachEntry = (view: ServiceRequestView) => view.history.filter((h) => h.event === 'sla-breached-first-response');
  const views = new Map<string, ServiceRequestView>();
  const deadline = Date.now() + 120 * second;
  for (;;) {
    const pending = ids.filter((id) => !views.has(id));
    await pool(pending, inFlight, async (id) => {
      const view = await client.workflow.getHandle(id).query(getStateQuery);
      if (breachEntry(view).length > 0 && view.escalations.length >= ladder.length) views.set(id, view);
    });
    if (views.size === ids.length || Date.now() > deadline) break;
    await sleep(1000);
  }
  const result: Lateness = { breach: [], warning: [], breachedOnce: 0, missing: ids.filter((id) => !views.has(id)) };
  for (const [index, id] of ids.entries()) {
    const view = views.get(id);
    if (!view) continue;
    const clock = view.clocks.find((c) => c.name === 'first-response')!;
    if (Date.parse(clock.dueAt) !== t0 + offsets[index]!) throw new Error(`${id}: due ${clock.dueAt}, expected ${new Date(t0 + offsets[index]!).toISOString()}`);
    const breaches = breachEntry(view);
    if (breaches.length === 1) result.breachedOnce++;
    result.breach.push(Date.parse(breaches[0]!.at) - Date.parse(clock.dueAt));
    const warning = view.history.find((h) => h.event === 'sla-warning-first-response');
    if (warning) result.warning.push(Date.parse(warning.at) - Date.parse(clock.warnAt));
  }
  return result;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const heapMiB = getHeapStatistics().heap_size_limit / 1024 / 1024;
  const defaultCache = Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10);
  log(`namespace ${ns}; ${open} workflows, due from +${dueFromMs / 1000} s over ${dueSpanMs / 1000} s`);
  let intake: ServiceProcess | null = null;
  let rawWorker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | null = null;
  const lines: string[] = [];
  try {
    await withTemporalClient(stack, async (client) => {
      // ---- the service: serviceRequest workflows on intake's worker ----
      intake = await ServiceProcess.start('intake', ns, stack, { PROCESS_ROLE: 'all', LOG_LEVEL: 'warn' });
      const serverPid = findPid('temporal server start-dev') ?? findPid('start-dev');
      await sleep(3 * second);
      const workerIdle = rssMiB(intake.pid)!;
      const serverIdle = serverPid ? rssMiB(serverPid) : null;

      const t0 = Date.now();
      const registeredAt = new Date(t0).toISOString();
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
      });
      const startMs = Date.now() - t0;
      log(`started ${open} in ${startMs} ms; querying each so all are loaded in the worker`);
      await pool(ids, inFlight, async (id) => client.workflow.getHandle(id).query(getStateQuery));
      const loadedMs = Date.now() - t0;
      const workerOpen = rssMiB(intake.pid)!;
      const serverOpen = serverPid ? rssMiB(serverPid) : null;
      if (loadedMs > dueFromMs * warnAtRatio) log(`note: loading took ${loadedMs} ms, past the first warning at ${dueFromMs * warnAtRatio} ms`);

      const lastDue = t0 + dueFromMs + dueSpanMs + ladder.at(-1)!.afterBreachMs;
      log(`waiting ${Math.round((lastDue - Date.now()) / 1000)} s for the due window`);
      await sleep(lastDue + 2 * second - Date.now());
      const service = await measureServiceWorkflows(client, t0);
      const workerFired = rssMiB(intake.pid)!;
      log(`terminated ${await terminateAll(client, ids, 'bench finished')} serviceRequest workflows`);
      await intake.stop();

      // ---- the raw ceiling: one sleep per workflow to the same offsets, on a worker in this process ----
      const connection = await NativeConnection.connect({ address: stack.temporalAddress });
      const taskQueue = `${ns}-raw-sleep`;
      const worker = await Worker.create({
        connection,
        namespace: stack.temporalNamespace,
        taskQueue,
        workflowsPath: fileURLToPath(new URL('./workflows/sleep.ts', import.meta.url)),
      });
      rawWorker = { worker, connection, running: worker.run() };
      const r0 = Date.now();
      const handles = await pool(offsets, inFlight, async (offset, i) =>
        client.workflow.start<typeof benchSleep>('benchSleep', { workflowId: `${ns}-raw-${i}`, taskQueue, args: [r0 + offset] }),
      );
      const rawStartMs = Date.now() - r0;
      log(`started ${open} raw sleeps in ${rawStartMs} ms; waiting for them to complete`);
      const completed = await pool(handles, 64, async (handle) => handle.result());
      const raw = completed.map((at, i) => at - (r0 + offsets[i]!));

      const p = (values: number[], q: number) => percentile(values, q);
      const maxOf = (values: number[]) => (values.length ? Math.max(...values) : Number.NaN);
      const latenessRows = (name: string, values: number[]) => [
        ...[50, 99].map((q) => [`${name} lateness p${q}`, fmt.ms(p(values, q)), fmt.ms(p(raw, q)), fmt.times(p(values, q), p(raw, q))]),
        [`${name} lateness max`, fmt.ms(maxOf(values)), fmt.ms(maxOf(raw)), fmt.times(maxOf(values), maxOf(raw))],
      ];
      const startRate = (open * 1000) / startMs;
      const rawRate = (open * 1000) / rawStartMs;
      const mib = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} MiB`);
      const rows = [
        ['open requests with live clocks held', `${open} (${service.breachedOnce} breached exactly once, ${service.missing.length} missing)`, `${completed.length} one-timer workflows`, fmt.share(service.breachedOnce, completed.length)],
        [`time to start ${open}`, `${fmt.n(startMs / 1000, 2)} s`, `${fmt.n(rawStartMs / 1000, 2)} s`, fmt.times(startMs, rawStartMs)],
        ['dev server start rate', `${fmt.n(startRate)} /s`, `${fmt.n(rawRate)} /s`, fmt.share(startRate, rawRate)],
        ['worker RSS idle -> all open', `${mib(workerIdle)} -> ${mib(workerOpen)}`, '', ''],
        ['worker RSS per open workflow', `${fmt.n(((workerOpen - workerIdle) * 1024) / open)} KiB`, '', ''],
        ['worker RSS after timers fired', mib(workerFired), '', ''],
        ['dev server RSS idle -> all open', `${mib(serverIdle)} -> ${mib(serverOpen)}`, '', ''],
        ...latenessRows('breach (first response)', service.breach),
        ...latenessRows('warning (at 50%)', service.warning),
      ];
      lines.push(
        '',
        `bench:sla  ${open} open serviceRequest workflows, due instants +${dueFromMs / 1000}..+${(dueFromMs + dueSpanMs) / 1000} s, namespace ${ns}`,
        `one dev server (${stack.temporalAddress}${serverPid ? `, pid ${serverPid}` : ''}) and one intake worker process (pid ${intake.pid}); SDK default workflow cache here: ${defaultCache} (heap limit ${Math.round(heapMiB)} MiB)`,
        `all ${open} queried (loaded in the worker) ${fmt.n(loadedMs / 1000, 2)} s after the first start; lateness = history entry time - clock's dueAt/warnAt; raw = workflow time after a plain sleep() - due instant`,
        ...(service.missing.length ? [`missing breaches: ${service.missing.slice(0, 5).join(', ')}${service.missing.length > 5 ? ', ...' : ''}`] : []),
        '',
        table(['figure', 'serviceRequest', 'raw ceiling: plain sleep()', 'ratio'], rows),
        '',
      );
    });
    process.stdout.write(lines.join('\n'));
  } finally {
    log('cleaning up');
    const raw = rawWorker as { worker: Worker; running: Promise<void>; connection: NativeConnection } | null;
    const service = intake as ServiceProcess | null;
    await cleanup([
      ['raw worker', async () => {
        if (!raw) return;
        raw.worker.shutdown();
        await raw.running;
        await raw.connection.close();
      }],
      ['intake', async () => service?.stop()],
      ['workflows', async () => withTemporalClient(stack, async (client) => terminateAll(client, [...ids, ...ids.map((_, i) => `${ns}-raw-${i}`)], 'bench finished'))],
      ['databases', async () => dropNamespaceDatabases(stack.mongoUrl, ns)],
      ['topics', async () => deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`)],
      ['consumer groups', async () => deleteGroupsWithPrefix(kafkaClient(stack, `${ns}-cleanup`), ns)],
    ]);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:sla failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
