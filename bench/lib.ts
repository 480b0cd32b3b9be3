import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Connection } from '@temporalio/client';
import { stackEndpoints, type StackEndpoints } from '../tests/support/stack';
import { deleteTopicsWithPrefix } from '../tests/support/kafka';
import { dropNamespaceDatabases } from '../tests/support/mongo';
import type { Db } from 'mongodb';
import mongoose from 'mongoose';
import { defaultMongoPoolSize, insertedOnce, outboxWritersCollection, trackedMarkerId } from '@aftersales/platform';

export { stackEndpoints, type StackEndpoints };

/** A namespace of its own per run: topics `${ns}.*`, databases `${ns}_*`, task queues `${ns}-*`. */
export function benchNamespace(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return value;
}

/** Resident set size of a process in MiB (VmRSS), or null if it is gone or not readable. */
export function rssMiB(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Pid of the first process whose command line matches `pattern` (pgrep -f), or null. */
export function findPid(pattern: string): number | null {
  try {
    const out = execFileSync('pgrep', ['-f', '-o', pattern], { encoding: 'utf8' }).trim();
    return out ? Number(out.split('\n')[0]) : null;
  } catch {
    return null;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export interface LoopResult {
  ok: number;
  failed: number;
  firstError: string | null;
  /** Latency of each successful operation, ms. */
  latencies: number[];
  /** From the first call to the last completion, ms. */
  elapsedMs: number;
  startedAt: number;
  perSecond: number;
}

/**
 * A closed loop: `concurrency` clients each call `op` back to back until `durationMs` has passed.
 * `op` returns true for a success (its latency is kept), false for a refusal; a throw counts as failed.
 */
export async function closedLoop(concurrency: number, durationMs: number, op: (client: number, seq: number) => Promise<boolean>): Promise<LoopResult> {
  const startedAt = Date.now();
  const deadline = startedAt + durationMs;
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  let seq = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, client) => {
      while (Date.now() < deadline) {
        const began = performance.now();
        try {
          if (await op(client, seq++)) latencies.push(performance.now() - began);
          else failed++;
        } catch (error) {
          failed++;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  const elapsedMs = Date.now() - startedAt;
  return { ok: latencies.length, failed, firstError, latencies, elapsedMs, startedAt, perSecond: (latencies.length * 1000) / elapsedMs };
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index]!, index);
      }
    }),
  );
  return results;
}

export function kafkaClient(stack: StackEndpoints, clientId: string): Kafka {
  return new Kafka({ clientId, brokers: stack.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
}

export async function connectTemporal(stack: StackEndpoints): Promise<{ client: Client; close: () => Promise<void> }> {
  const connection = await Connection.connect({ address: stack.temporalAddress, connectTimeout: '10s' });
  return { client: new Client({ connection, namespace: stack.temporalNamespace }), close: () => connection.close() };
}

export async function withTemporalClient<T>(stack: StackEndpoints, fn: (client: Client) => Promise<T>): Promise<T> {
  const connection = await Connection.connect({ address: stack.temporalAddress, connectTimeout: '10s' });
  try {
    return await fn(new Client({ connection, namespace: stack.temporalNamespace }));
  } finally {
    await connection.close();
  }
}

/** Terminates workflows, ignoring those already closed or gone; returns how many it ended. */
export async function terminateAll(client: Client, ids: readonly string[], reason: string): Promise<number> {
  const ended = await pool(ids, 32, async (id) =>
    client.workflow
      .getHandle(id)
      .terminate(reason)
      .then(() => true)
      .catch(() => false),
  );
  return ended.filter(Boolean).length;
}

/** Deletes the consumer groups of a namespace (the service's own and the bench's readers). */
export async function deleteGroupsWithPrefix(kafka: Kafka, prefix: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (ours.length > 0) await admin.deleteGroups(ours).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}

/** A row of `growthLines`: the figure at the small size and the large one, and how many times it grew. */
export const growthRow = (name: string, small: number, large: number): string[] => [name, `${fmt.n(small)} -> ${fmt.n(large)}`, `${fmt.n(large / small, 2)}x`];

/** Runs a bench's `main` and exits: 0, or 1 with the failure's stack after `bench:<name> failed`. */
export function runBench(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`bench:${name} failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}

/** The closing lines of a bench run at two data sizes: how each figure grew from the small size to the large one. */
export function growthLines(small: number, large: number, what: string, rows: string[][]): string[] {
  return [`growth from ${small} to ${large} ${what}`, table(['figure', `${small} -> ${large}`, 'large / small'], rows)];
}

/** The cleanup steps that take a bench namespace's traces away: its databases, topics and consumer groups. */
export function namespaceCleanup(stack: StackEndpoints, kafka: Kafka, ns: string): [string, () => Promise<unknown>][] {
  return [
    ['databases', async () => dropNamespaceDatabases(stack.mongoUrl, ns)],
    ['topics', async () => deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`)],
    ['consumer groups', async () => deleteGroupsWithPrefix(kafka, ns)],
  ];
}

/**
 * Runs every cleanup step in turn, reporting but not stopping at a failure; each is bounded (a hung
 * step is reported and left, so a bench never holds the machine).
 */
export async function cleanup(steps: [string, () => Promise<unknown>][], stepTimeoutMs = 60_000): Promise<void> {
  for (const [what, step] of steps) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${stepTimeoutMs / 1000} s; left`)), stepTimeoutMs);
    });
    try {
      await Promise.race([step(), timeout]);
    } catch (error) {
      process.stderr.write(`cleanup: ${what} failed: ${(error as Error).message}\n`);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs `measure` on a database of its own, then drops it and closes the connection, also when `measure` failed. */
export async function onOwnDatabase<T>(mongoUrl: string, dbName: string, measure: (connection: mongoose.Connection) => Promise<T>): Promise<T> {
  let connection: mongoose.Connection | null = null;
  try {
    connection = await mongoose.createConnection(mongoUrl, { dbName, maxPoolSize: defaultMongoPoolSize, serverSelectionTimeoutMS: 5_000 }).asPromise();
    return await measure(connection);
  } finally {
    log(`cleaning up ${dbName}`);
    await cleanup([
      ['drop database', async () => connection?.dropDatabase()],
      ['close connection', async () => connection?.close()],
    ]);
  }
}

export const fmt = {
  n: (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a'),
  ms: (v: number) => (Number.isFinite(v) ? `${v.toFixed(v < 10 ? 1 : 0)} ms` : 'n/a'),
  /** Throughput ratio: how much of the ceiling the figure reaches. */
  share: (value: number, ceiling: number) => (ceiling > 0 && Number.isFinite(value) ? `${((100 * value) / ceiling).toFixed(1)}%` : 'n/a'),
  /** Latency ratio: how many times the raw floor the figure takes. */
  times: (value: number, floor: number) => (floor > 0 && Number.isFinite(value) ? `${(value / floor).toFixed(1)}x` : 'n/a'),
  /** "p50 / p99" of latencies in ms. */
  p50p99: (ms: readonly number[]) => `${fmt.ms(percentile(ms, 50))} / ${fmt.ms(percentile(ms, 99))}`,
};

/** Runs `op` `times` times one after another; each call's time in ms. */
export async function timedEach(times: number, op: () => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const began = performance.now();
    await op();
    ms.push(performance.now() - began);
  }
  return ms;
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

/**
 * One scrape of a Prometheus text endpoint. Series of one name are summed over their labels; names
 * drop the SDK core's `temporal_` prefix and a counter's `_total` suffix, so `sticky_cache_size`
 * reads the same whichever exporter options a process runs with. Histogram buckets are kept by `le`.
 */
export interface MetricsScrape {
  values: Map<string, number>;
  buckets: Map<string, Map<number, number>>;
}

const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;

export function parsePrometheus(text: string): MetricsScrape {
  const values = new Map<string, number>();
  const buckets = new Map<string, Map<number, number>>();
  for (const line of text.split('\n')) {
    const match = sampleLine.exec(line);
    if (!match) continue;
    const value = Number(match[3]);
    if (!Number.isFinite(value)) continue;
    const name = match[1]!.replace(/^temporal_/, '').replace(/_total$/, '');
    if (name.endsWith('_bucket')) {
      const le = /le="([^"]+)"/.exec(match[2] ?? '')?.[1];
      if (le === undefined) continue;
      const base = name.slice(0, -'_bucket'.length);
      const byLe = buckets.get(base) ?? new Map<number, number>();
      const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
      byLe.set(bound, (byLe.get(bound) ?? 0) + value);
      buckets.set(base, byLe);
    } else {
      values.set(name, (values.get(name) ?? 0) + value);
    }
  }
  return { values, buckets };
}

/** GETs and parses a metrics endpoint; null when it does not answer (the figure then reads n/a). */
export async function scrapeMetrics(url: string): Promise<MetricsScrape | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    return response.ok ? parsePrometheus(await response.text()) : null;
  } catch {
    return null;
  }
}

export interface Histogram {
  count: number;
  sum: number;
  /** [upper bound, cumulative count], ascending. */
  buckets: [number, number][];
}

export function histogramOf(scrape: MetricsScrape | null, name: string): Histogram | null {
  const byLe = scrape?.buckets.get(name);
  if (!scrape || !byLe) return null;
  return {
    count: scrape.values.get(`${name}_count`) ?? 0,
    sum: scrape.values.get(`${name}_sum`) ?? 0,
    buckets: [...byLe.entries()].sort((a, b) => a[0] - b[0]),
  };
}

/** What a histogram recorded between two scrapes of one process. */
export function histogramDelta(after: Histogram | null, before: Histogram | null): Histogram | null {
  if (!after) return null;
  if (!before) return after;
  const earlier = new Map(before.buckets);
  return { count: after.count - before.count, sum: after.sum - before.sum, buckets: after.buckets.map(([le, n]) => [le, n - (earlier.get(le) ?? 0)]) };
}

/** Upper bound of the bucket holding quantile q (0..1): an over-estimate by at most one bucket's width. */
export function histogramQuantile(h: Histogram | null, q: number): number {
  if (!h || h.count <= 0) return Number.NaN;
  const rank = q * h.count;
  return h.buckets.find(([, cumulative]) => cumulative >= rank)?.[0] ?? Number.NaN;
}

/** Idle passes (nothing due) of an outbox relay, each timed: what a relay pays at every poll. */
export async function idlePasses(relay: { drain(): Promise<number> }, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const began = performance.now();
    await relay.drain();
    times.push(performance.now() - began);
  }
  return times;
}

/**
 * Leaves in a bench's fresh database what the service's first relay start leaves once it has swept
 * (outbox-writers.ts): a relay started with the writers' heartbeats then sweeps only when a writer
 * dies, as in a database the service has run on, not once more inside the measured loop. The
 * database's one marker, as written before the markers named collections: the relay then marks
 * each of its collections without a sweep.
 */
export async function trackAsService(db: Db): Promise<void> {
  await insertedOnce(db.collection<{ _id: string; kind: string; at: Date }>(outboxWritersCollection).insertOne({ _id: trackedMarkerId, kind: 'tracked', at: new Date() }));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32): the same seeded data every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One of `items`, drawn with `rnd`. */
export const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
