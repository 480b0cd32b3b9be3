/**
 * bench:finance — the finance route (`GET /v1/cost-allocation?from=&to=`, its own handler: the
 * month ledger of services/spares/store/cost-ledger.ts, its totals and the entries it lists) as the
 * stored cost allocation entries grow, for the last full month, warm (a process that read the month
 * before) and cold (a process's first read), and for the six months the console asks; beside the
 * range filter the route ran before
 * (`costAllocations.find({ closedAt: range }).sort({ closedAt: 1, _id: 1 }).limit(5000)`: FerretDB
 * v1 reads every entry for it) and a raw `_id` read of one entry, in the same run at the same
 * concurrency. The one-off paging of what was stored before the ledger (buildCostLedgerOnce, at
 * the first start after the upgrade) is timed too.
 *
 *   BENCH_SIZES (1000,100000)  stored allocation entries at each measurement (a database of its own per size)
 *   BENCH_SECONDS (10)         duration of each closed loop
 *   BENCH_CONCURRENCY (4)      clients in each closed loop
 *
 * Seeding: entries inserted straight into `costAllocations` (insertMany, batches of 1,000), shaped
 * as the case flow books them (`_id` case|line|cost centre, cases SR-B<n>, one to two parts, labour
 * and travel, a line split between two cost centres now and then: about 4 entries a case), the
 * cases' closedAt spread evenly over the 365 days back from the bench's start. Before the loops, a
 * fresh ledger's answer for the last full month, the six months, the whole year (open ends) and
 * the last month of the factory is checked against the old filter without its limit (the same ids
 * and amounts); the figures are printed either way and the bench exits non-zero on a difference.
 */
import type { Filter } from 'mongodb';
import { createSparesStore, type AllocationEntryDoc, type SparesStore } from '../services/spares/store/collections';
import pino from 'pino';
import { buildCostLedgerOnce, createCostLedger } from '../services/spares/store/cost-ledger';
import { costAllocationRoutes } from '../services/spares/api/cost-allocation';
import type { SparesDeps } from '../services/spares/api/common';
import { monthlyTotals, monthTotals, type CostCentre, type MonthlyTotal, type MonthTotal } from '../services/spares/domain/cost-allocation';
import { benchNamespace, closedLoop, envInt, fmt, growthLines, log, percentile, pick, seededRandom, stackEndpoints, table, type LoopResult, runBench, growthRow, onOwnDatabase } from './lib';

const concurrency = envInt('BENCH_CONCURRENCY', 4);
const seconds = envInt('BENCH_SECONDS', 10);
const sizes = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map((v) => Number(v.trim()));
if (sizes.some((v) => !Number.isInteger(v) || v <= 0)) throw new Error(`BENCH_SIZES must be positive whole numbers, got ${process.env.BENCH_SIZES}`);
const stack = stackEndpoints();
const ns = benchNamespace('bench-finance').replace(/-/g, '_');
const batchSize = 1000;
const routeMax = 5000;
const yearMs = 365 * 24 * 3_600_000;
const benchNow = Date.now();
const now = () => new Date(benchNow);

/** UTC month starts, counted from the bench's current month (0), e.g. -1 the last full month. */
const monthStart = (offset: number) => {
  const at = new Date(benchNow);
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
};
const ranges: { name: string; from?: Date; to?: Date; costCentre?: CostCentre }[] = [
  { name: 'last full month', from: monthStart(-1), to: monthStart(0) },
  { name: 'six months to this one', from: monthStart(-5), to: monthStart(1) },
  { name: 'whole year, open ends' },
  { name: 'last full month, factory', from: monthStart(-1), to: monthStart(0), costCentre: 'factory' },
];

const parts = ['P-LENS-B', 'P-NOZZLE-15', 'P-SEAL-K', 'P-FAN-40', 'P-BOARD-7', 'P-BELT-3'];
const payerOf: Record<CostCentre, string> = { factory: 'FACTORY', 'sales-centre': 'SALES-CENTRE', customer: 'CUST-0001' };
const reasons: Record<CostCentre, string> = {
  factory: 'quality failure within warranty: the factory pays',
  'sales-centre': 'goodwill within 90 days of the warranty end: the sales centre pays half',
  customer: 'out of warranty, not covered by a contract: the customer pays',
};

/** `size` entries, about 4 a case, the cases newest first, evenly back over the 365 days before now. */
function seedEntries(size: number): AllocationEntryDoc[] {
  const entries: AllocationEntryDoc[] = [];
  for (let n = 1; entries.length < size; n++) {
    const rnd = seededRandom(n * 7919 + 13);
    const caseId = `SR-B${n}`;
    const closedAt = new Date(benchNow - Math.floor((yearMs * (entries.length + 0.5)) / size));
    const lines = [
      ...Array.from({ length: 1 + Math.floor(rnd() * 2) }, (_, k) => ({ lineId: `part-${k + 1}-${pick(rnd, parts)}`, kind: 'part' as const, cents: 500 + Math.floor(rnd() * 40_000) })),
      { lineId: 'labour', kind: 'labour' as const, cents: 1_500 * (1 + Math.floor(rnd() * 8)) },
      { lineId: 'travel', kind: 'travel' as const, cents: 12_000 },
    ];
    const payer = pick(rnd, ['factory', 'factory', 'customer', 'sales-centre'] as const);
    for (const line of lines) {
      const split = payer === 'sales-centre' || rnd() < 0.15;
      const shares: [CostCentre, number][] = split ? [[payer === 'customer' ? 'factory' : payer, Math.floor(line.cents / 2)], ['customer', line.cents - Math.floor(line.cents / 2)]] : [[payer, line.cents]];
      for (const [costCentre, amountCents] of shares) {
        entries.push({ _id: `${caseId}|${line.lineId}|${costCentre}`, caseId, lineId: line.lineId, kind: line.kind, closedAt, costCentre, payerId: payerOf[costCentre], amountCents, reason: reasons[costCentre], currency: 'EUR' });
      }
    }
  }
  return entries.slice(0, size);
}

/** The route before the ledger: its filter straight on Mongo (`limit` 0: none). */
function oldFind(store: SparesStore, range: { from?: Date; to?: Date; costCentre?: CostCentre }, limit = routeMax) {
  const closedAt = { ...(range.from ? { $gte: range.from } : {}), ...(range.to ? { $lt: range.to } : {}) };
  const filter: Filter<AllocationEntryDoc> = { ...(range.from || range.to ? { closedAt } : {}), ...(range.costCentre ? { costCentre: range.costCentre } : {}) };
  const cursor = store.allocations.find(filter).sort({ closedAt: 1, _id: 1 });
  return (limit > 0 ? cursor.limit(limit) : cursor).toArray();
}

const quiet = pino({ level: 'silent' });

/** GET /v1/cost-allocation's own handler over its own ledger, as one spares process serves it. */
type RouteBody = { entries: unknown[]; totals: MonthlyTotal[]; months: MonthTotal[] };

/** The route's own handler, as spares serves it: one instance keeps its months (and their totals) between calls. */
function answerOf(store: SparesStore) {
  const route = costAllocationRoutes({ store, platform: { now } } as unknown as SparesDeps).find((r) => r.path === '/v1/cost-allocation')!;
  return async (range: { from?: Date; to?: Date; costCentre?: CostCentre }, limit?: number): Promise<RouteBody> => {
    const query = route.query!.parse({ ...(range.from ? { from: range.from.toISOString() } : {}), ...(range.to ? { to: range.to.toISOString() } : {}), ...(range.costCentre ? { costCentre: range.costCentre } : {}), ...(limit === undefined ? {} : { limit: String(limit) }) });
    return ((await route.handler({ query, params: {}, body: undefined, headers: {}, principal: null, requestId: 'bench', correlationId: 'bench', log: quiet } as never)) as { body: RouteBody }).body;
  };
}

function routeOf(store: SparesStore, limit?: number) {
  const answer = answerOf(store);
  /** [entries listed, entries in the range] for [from, to). */
  return async (range: { from: Date; to: Date }): Promise<[number, number]> => {
    const body = await answer(range, limit);
    return [body.entries.length, body.months.reduce((sum, m) => sum + m.entries, 0)];
  };
}

const loopNames = ['ledger, one month, warm', 'ledger, one month, cold', 'ledger, six months, warm', 'ledger, six months, warm, totals alone (limit=0, the console)', `old filter, one month (limit ${routeMax})`, 'raw findOne({_id}) of one entry'] as const;

interface Phase {
  size: number;
  seedRate: number;
  buildMs: number;
  pages: number;
  checks: string[];
  mismatch: boolean;
  loops: { result: LoopResult; entries: number; inRange: number }[];
}

async function measure(size: number, store: SparesStore): Promise<Phase> {
  await store.init();
  const seeded = seedEntries(size);
  const began = performance.now();
  for (let i = 0; i < seeded.length; i += batchSize) await store.allocations.insertMany(seeded.slice(i, i + batchSize), { ordered: false });
  const seedMs = Math.max(1, performance.now() - began);
  const seedRate = (size * 1000) / seedMs;
  log(`[${size}] ${size} entries of ${new Set(seeded.map((e) => e.caseId)).size} cases inserted in ${fmt.n(seedMs / 1000)} s (${fmt.n(seedRate, 0)}/s)`);

  const buildBegan = performance.now();
  const paged = await buildCostLedgerOnce(store, now);
  const buildMs = performance.now() - buildBegan;
  const pages = await store.ledgerPages.estimatedDocumentCount();
  log(`[${size}] buildCostLedgerOnce paged ${paged} entries into ${pages} pages in ${fmt.n(buildMs / 1000, 2)} s`);

  // Correctness: a fresh ledger against the old filter without its limit, as sets of ids with their amounts.
  const fresh = createCostLedger(store, now);
  const answer = answerOf(store);
  const checks: string[] = [];
  let mismatch = false;
  for (const range of ranges) {
    const ledgerDocs = (await fresh.between(range.from, range.to)).filter((e) => !range.costCentre || e.costCentre === range.costCentre);
    const oldDocs = await oldFind(store, range, 0);
    const ledgerAmounts = new Map(ledgerDocs.map((e) => [e._id, e.amountCents]));
    const missing = oldDocs.filter((e) => !ledgerAmounts.has(e._id));
    const differing = oldDocs.filter((e) => ledgerAmounts.has(e._id) && ledgerAmounts.get(e._id) !== e.amountCents);
    const oldIds = new Set(oldDocs.map((e) => e._id));
    const extra = ledgerDocs.filter((e) => !oldIds.has(e._id));
    const repeated = ledgerDocs.length - ledgerAmounts.size;
    const bad = missing.length + differing.length + extra.length + repeated > 0;
    mismatch ||= bad;
    const sample = (docs: AllocationEntryDoc[]) => (docs.length ? ` e.g. ${docs.slice(0, 3).map((e) => e._id).join(', ')}` : '');
    // The route's totals, cold and then warm (kept per whole month), against the old filter's entries summed.
    const want = JSON.stringify({ totals: monthlyTotals(oldDocs), months: monthTotals(oldDocs) });
    const totalsBad = (body: RouteBody) => JSON.stringify({ totals: body.totals, months: body.months }) !== want;
    const totalsWrong = totalsBad(await answer(range, 0)) || totalsBad(await answer(range, 0)) || totalsBad(await answer(range));
    mismatch ||= totalsWrong;
    checks.push(`${range.name}: ledger ${ledgerDocs.length}, old filter ${oldDocs.length}: ${bad ? `MISMATCH (${missing.length} missing${sample(missing)}, ${extra.length} extra${sample(extra)}, ${differing.length} other amount${sample(differing)}, ${repeated} repeated)` : 'the same'}; the route's totals ${totalsWrong ? 'DIFFER' : 'the same'}`);
    log(`[${size}] check ${checks.at(-1)}`);
  }

  const month = { from: monthStart(-1), to: monthStart(0) };
  const six = { from: monthStart(-5), to: monthStart(1) };
  const warm = routeOf(store);
  const warmTotals = routeOf(store, 0);
  await warm(month);
  await warm(six);
  await warmTotals(six);
  const ids = seeded.map((e) => e._id);
  const rnd = seededRandom(size + 2);
  // Each answers [entries listed, entries in the range] (the route's totals count the whole range; the old filter stopped at its limit).
  const ops: (() => Promise<[number, number] | null>)[] = [
    () => warm(month),
    () => routeOf(store)(month),
    () => warm(six),
    () => warmTotals(six),
    async () => ((n) => [n, n] as [number, number])((await oldFind(store, month)).length),
    async () => ((await store.allocations.findOne({ _id: pick(rnd, ids) })) ? [1, 1] : null),
  ];
  const loops: Phase['loops'] = [];
  for (const [k, op] of ops.entries()) {
    log(`[${size}] ${loopNames[k]}: ${concurrency} clients for ${seconds} s`);
    let entries = 0;
    let inRange = 0;
    const result = await closedLoop(concurrency, seconds * 1000, async () => {
      const n = await op();
      entries += n?.[0] ?? 0;
      inRange += n?.[1] ?? 0;
      return n !== null;
    });
    if (result.failed > 0) log(`[${size}] ${loopNames[k]}: ${result.failed} failed (${result.firstError})`);
    loops.push({ result, entries: entries / Math.max(1, result.ok), inRange: inRange / Math.max(1, result.ok) });
    log(`[${size}]   ${result.ok} calls, p50 ${fmt.ms(percentile(result.latencies, 50))}, p99 ${fmt.ms(percentile(result.latencies, 99))}, ${fmt.n(entries / Math.max(1, result.ok), 0)} entries answered per call (${fmt.n(inRange / Math.max(1, result.ok), 0)} read)`);
  }
  return { size, seedRate, buildMs, pages, checks, mismatch, loops };
}

async function main(): Promise<void> {
  log(`namespace ${ns} (_f<size> per size); sizes ${sizes.join(', ')}; ${concurrency} clients, ${seconds} s per loop; last full month ${monthStart(-1).toISOString().slice(0, 7)}`);
  const phases: Phase[] = [];
  for (const size of sizes) {
    phases.push(await onOwnDatabase(stack.mongoUrl, `${ns}_f${size}`, (connection) => measure(size, createSparesStore(connection))));
  }

  const p = (r: LoopResult, q: number) => percentile(r.latencies, q);
  const rows = [
    ['entries seeded per second', ...phases.map((f) => fmt.n(f.seedRate, 0))],
    ['buildCostLedgerOnce (once per database), s', ...phases.map((f) => fmt.n(f.buildMs / 1000, 2))],
    ['ledger pages written', ...phases.map((f) => String(f.pages))],
    ['ledger and the route\u2019s totals = old filter (4 ranges)', ...phases.map((f) => (f.mismatch ? 'MISMATCH' : 'yes'))],
    ...loopNames.flatMap((name, k) => [
      [`${name}: calls`, ...phases.map((f) => `${f.loops[k]!.result.ok}${f.loops[k]!.result.failed ? ` (${f.loops[k]!.result.failed} failed)` : ''}`)],
      [`${name}: p50 / p99`, ...phases.map((f) => `${fmt.ms(p(f.loops[k]!.result, 50))} / ${fmt.ms(p(f.loops[k]!.result, 99))}`)],
      [`${name}: entries listed (read) per call`, ...phases.map((f) => `${fmt.n(f.loops[k]!.entries, 0)} (${fmt.n(f.loops[k]!.inRange, 0)})`)],
    ]),
  ];
  const small = phases[0]!;
  const large = phases.at(-1)!;
  process.stdout.write(
    [
      '',
      `bench:finance  ${concurrency} clients x ${seconds} s per loop, namespace ${ns}, Mongo ${stack.mongoUrl}`,
      `entries of ~4 per case over the 365 days back from ${new Date(benchNow).toISOString()}; last full month ${monthStart(-1).toISOString().slice(0, 7)}`,
      ...phases.flatMap((f) => ['', `checks with ${f.size} entries:`, ...f.checks.map((c) => `  ${c}`)]),
      '',
      table(['figure', ...phases.map((f) => `${f.size} entries`)], rows),
      '',
      ...growthLines(small.size, large.size, 'entries', [
        growthRow('buildCostLedgerOnce, ms', small.buildMs, large.buildMs),
        ...loopNames.map((name, k) => growthRow(`${name} p99, ms`, p(small.loops[k]!.result, 99), p(large.loops[k]!.result, 99))),
      ]),
      '',
    ].join('\n'),
  );
  if (phases.some((f) => f.mismatch)) throw new Error('the ledger and the old filter disagreed (see the checks above)');
}

runBench('finance', main);
