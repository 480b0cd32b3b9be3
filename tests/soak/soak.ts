import { randomBytes } from 'node:crypto';
import { roles, type Role } from '@aftersales/platform';
import { deleteTopicsWithPrefix } from '../support/kafka';
import { dropNamespaceDatabases } from '../support/mongo';
import { ServiceProcess, tokenFor } from '../support/services';
import { stackEndpoints } from '../support/stack';
import { terminateNamespaceWorkflows } from '../support/temporal';
import { uniqueNamespace } from '../support/wait';
import { newClientStats } from './client';
import { countSoak, formatReport, type Recovery, type Verdict } from './counting';
import { takeCensus } from './census';
import { injectFault, restoreServers, type Component, type Fault, type FaultDriver } from './faults';
import { runFlow, type FlowContext, type FlowRecord, type FlowService } from './flow';

export interface SoakOptions {
  /** How long new requests keep coming; the faults run inside it (it is stretched until they are done). */
  minutes: number;
  /** Requests in flight at once. */
  concurrency: number;
  faults: Fault[];
  /** Run the fault list again and again while the load lasts. */
  repeatFaults?: boolean;
  /** How long each fault keeps its components down. */
  downMs?: number;
  /** How long the system gets, after the load stops, to finish what it accepted. */
  settleMinutes?: number;
  log?: (line: string) => void;
}

export interface SoakResult {
  verdict: Verdict;
  recoveries: Recovery[];
  table: string;
  ns: string;
  seconds: number;
  /** Flows the client could not finish (stuck on a step), with where they stopped. */
  unfinished: FlowRecord[];
}

const services: FlowService[] = ['intake', 'dispatch', 'spares', 'quality'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Requests through the whole flow, `concurrency` at once, while the faults kill and restart
 * components one set at a time; then, once the load has stopped and the system has settled,
 * counts what the servers hold against what the API accepted.
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? ((line: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}\n`));
  const t0 = Date.now();
  const stack = stackEndpoints();
  const ns = uniqueNamespace('soak');
  const runId = randomBytes(4).toString('hex');
  const demo = { SEED_DEMO_DATA: 'true', DISPATCH_AUTO_ASSIGN_TIERS: 'P1,P2,P3,P4' };
  const running = new Map<FlowService, ServiceProcess>();
  const tokens = new Map<Role, string>();
  const engineerTokens = new Map<string, string>();
  const progressLog: number[] = [];
  let lastProgress = 0;
  let aborted = false;
  const recoveries: Recovery[] = [];
  const records: FlowRecord[] = [];
  const stats = newClientStats();
  log(`namespace ${ns}, ${options.minutes} min, ${options.concurrency} in flight, faults: ${options.faults.map((f) => f.join('+')).join(', ')}${options.repeatFaults ? ' (repeated)' : ''}`);

  try {
    for (const role of roles) tokens.set(role, await tokenFor(role));
    const processes = await Promise.all(services.map((name) => ServiceProcess.start(name, ns, stack, demo)));
    services.forEach((name, i) => running.set(name, processes[i]!));
    const service = (name: FlowService) => running.get(name)!;
    const ctx: FlowContext = {
      stats,
      url: (name) => service(name).url,
      token: (role) => tokens.get(role)!,
      async engineerToken(id) {
        if (!engineerTokens.has(id)) engineerTokens.set(id, await tokenFor('engineer', id));
        return engineerTokens.get(id)!;
      },
      progress() {
        lastProgress = Date.now();
        progressLog.push(lastProgress);
      },
      aborted: () => aborted,
    };
    const driver: FaultDriver = {
      killService: (name) => service(name as FlowService).kill(),
      startService: (name) => service(name as FlowService).start(),
      async allReady() {
        const answers = await Promise.all(services.map((name) => fetch(`${service(name).url}/readyz`, { signal: AbortSignal.timeout(5_000) }).then((r) => r.ok, () => false)));
        return answers.every(Boolean);
      },
      lastProgressAt: () => lastProgress,
      log,
    };

    // The load: each lane runs one request after another until the load stops.
    const loadMs = options.minutes * 60_000;
    let loadEndsAt = Date.now() + loadMs;
    let faultsDone = options.faults.length === 0;
    let n = 0;
    const failures: string[] = [];
    const lane = async () => {
      while (Date.now() < loadEndsAt || !faultsDone) {
        const record: FlowRecord = { idempotencyKey: `soak-${runId}-${n}`, requestId: null, acceptedAt: null, closedAt: null, workOrderId: null, at: 'new', manualAssignment: false };
        records.push(record);
        try {
          await runFlow(ctx, record, n++);
        } catch (error) {
          record.at = `${record.at}: ${(error as Error).message}`;
          failures.push(`${record.requestId ?? record.idempotencyKey}: ${record.at}`);
          if (aborted) return;
        }
      }
    };
    const lanes = Array.from({ length: options.concurrency }, () => lane());

    // The faults, evenly spread over the load after a warm-up in which requests close undisturbed.
    const warmUpMs = Math.min(60_000, loadMs / 5);
    await sleep(warmUpMs);
    const schedule = async () => {
      const perFault = (loadMs - warmUpMs) / Math.max(1, options.faults.length);
      let round = 0;
      do {
        for (const [i, fault] of options.faults.entries()) {
          const started = Date.now();
          recoveries.push(...(await injectFault(driver, fault, options.downMs ?? 3_000)));
          const rest = perFault - (Date.now() - started);
          const last = i === options.faults.length - 1 && !options.repeatFaults;
          if (rest > 0 && !last && (round === 0 || Date.now() + rest < loadEndsAt)) await sleep(rest);
          if (options.repeatFaults && Date.now() >= loadEndsAt) return;
        }
        round++;
      } while (options.repeatFaults && Date.now() < loadEndsAt);
    };
    try {
      await schedule();
    } finally {
      faultsDone = true;
      // A short tail of undisturbed load after the last fault, so its recovery is seen under load.
      loadEndsAt = Math.max(loadEndsAt, Date.now() + 20_000);
    }
    log(`faults done; load stops at ${new Date(loadEndsAt).toISOString().slice(11, 19)}; ${records.filter((r) => r.closedAt).length} closed so far`);
    const settleMs = (options.settleMinutes ?? 5) * 60_000;
    const laneTimer = setTimeout(() => (aborted = true), loadEndsAt - Date.now() + settleMs);
    await Promise.all(lanes);
    clearTimeout(laneTimer);
    log(`load stopped: ${records.filter((r) => r.requestId).length} accepted, ${records.filter((r) => r.closedAt).length} closed by the client, ${failures.length} flows not finished`);

    // Settle: the census is taken again until nothing is missing and every group has read everything, or the settle time is over.
    const settleEnds = Date.now() + settleMs;
    const accepted = records.flatMap((r) => (r.requestId ? [r.requestId] : []));
    const closedByClient = records.flatMap((r) => (r.requestId && r.closedAt ? [r.requestId] : []));
    let verdict: Verdict;
    for (;;) {
      verdict = countSoak({ accepted, closedByClient, ...(await takeCensus(stack, ns)) });
      const lag = verdict.topics.reduce((sum, t) => sum + t.groups.reduce((s, g) => s + g.lag, 0), 0);
      if ((verdict.lost.length === 0 && lag === 0) || Date.now() > settleEnds) break;
      log(`settling: ${verdict.lost.length} missing, consumer lag ${lag}`);
      await sleep(10_000);
    }
    const retried = [...stats.retried].map(([reason, count]) => `${reason} x${count}`).join(', ') || 'none';
    const table = formatReport(verdict, recoveries, {
      'flows the client could not finish': failures.length,
      'work orders a dispatcher assigned (auto-assignment left them)': records.filter((r) => r.manualAssignment).length,
      'client retries': retried,
      'soak seconds': Math.round((Date.now() - t0) / 1000),
    });
    return { verdict, recoveries, table, ns, seconds: (Date.now() - t0) / 1000, unfinished: records.filter((r) => r.requestId && !r.closedAt) };
  } finally {
    aborted = true;
    await restoreServers();
    await Promise.all([...running.values()].map((p) => p.stop().catch(() => undefined)));
    await terminateNamespaceWorkflows(stack, ns).catch((error: unknown) => log(`could not end the namespace's workflows: ${String(error)}`));
    await dropNamespaceDatabases(stack.mongoUrl, ns).catch((error: unknown) => log(`could not drop the namespace's databases: ${String(error)}`));
    await deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`).catch((error: unknown) => log(`could not delete the namespace's topics: ${String(error)}`));
  }
}

export type { Component, Fault };
