/**
 * bench:dispatch — how fast dispatch ranks engineers, and how many assignments per second hold
 * under contention on the real store, beside a raw ceiling of the same server in the same run.
 *
 *   BENCH_ENGINEERS (1000)   engineers in the pool
 *   BENCH_REQUESTS (200)     open requests ranked
 *   BENCH_CONCURRENCY (8)    clients in the contention loop (each on its own connection)
 *   BENCH_SECONDS (15)       duration of each contention loop and of the raw ceiling
 *   BENCH_HOT_ENGINEERS (10) engineers every contended assignment aims at
 */
import pino from 'pino';
import type { Connection } from 'mongoose';
import { connectMongo, PlatformError } from '@aftersales/platform';
import { rankCandidates, type Interval } from '../services/dispatch/domain/assignment';
import { overlaps } from '../services/dispatch/domain/schedule';
import { planningJob, type Tier } from '../services/dispatch/domain/work-order';
import { createBookingStore } from '../services/dispatch/store/bookings';
import { createDispatchCollections, createDispatchModels, type BoardEntryDoc, type DispatchCollections, type EngineerDoc, type WorkOrderDoc } from '../services/dispatch/store/models';
import { createPlanner, type Planner } from '../services/dispatch/store/planner';
import { benchNamespace, cleanup, closedLoop, envInt, fmt, log, percentile, pool, stackEndpoints, table } from './lib';

const engineersN = envInt('BENCH_ENGINEERS', 1000);
const requestsN = envInt('BENCH_REQUESTS', 200);
const concurrency = envInt('BENCH_CONCURRENCY', 8);
const seconds = envInt('BENCH_SECONDS', 15);
const hotN = envInt('BENCH_HOT_ENGINEERS', 10);
const stack = stackEndpoints();
const ns = benchNamespace('bench-dispatch');
const dbName = `${ns}_dispatch`;
const logger = pino({ level: 'silent' });

const productLines = ['fiber-laser-cutting', 'press-brake', 'laser-source', 'co2-laser', 'bending-cell'];
const cities = ['Shanghai', 'Suzhou', 'Hangzhou', 'Nanjing', 'Wuxi', 'Ningbo', 'Hefei', 'Changzhou', 'Jiaxing', 'Shaoxing'];
const parts = Array.from({ length: 12 }, (_, i) => `P-${i}`);

/** Deterministic pseudo-random numbers, so runs compare. */
let seed = 42;
function rnd(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const point = () => ({ lat: 29 + rnd() * 4, lon: 118 + rnd() * 4 });

function engineer(id: string, over: Partial<EngineerDoc> = {}): EngineerDoc {
  const now = Date.now();
  return {
    _id: id,
    name: id,
    skills: productLines.filter(() => rnd() < 0.4).map((productLine) => ({ productLine, skill: 'repair', level: 1 + Math.floor(rnd() * 5) })),
    territories: [pick(cities), pick(cities)],
    homeBase: { city: pick(cities), ...point() },
    calendarId: rnd() < 0.8 ? 'business-hours' : '24x7',
    absences: rnd() < 0.1 ? [{ start: new Date(now + rnd() * 86_400_000), end: new Date(now + 86_400_000 + rnd() * 86_400_000), reason: 'leave' }] : [],
    vanStock: parts.filter(() => rnd() < 0.25),
    active: true,
    ...over,
  };
}

function workOrder(id: string, requestId: string, tier: Tier, now: Date): WorkOrderDoc {
  return {
    _id: id, requestId, version: 1, status: 'proposed', route: 'field-visit', tier, onSiteDueAt: new Date(now.getTime() + (4 + rnd() * 20) * 3_600_000), customerId: 'CUST-B', serialNumber: `SN-${requestId}`,
    createdAt: now, updatedAt: now, engineerId: null, bookingId: null, round: 1, plannedDepartAt: null, plannedStart: null, plannedEnd: null, assignedAt: null, assignedBy: null,
    excludedEngineers: [], planningNote: null, steps: {}, report: null, depot: null, cancelReason: null, history: [],
  };
}

function boardEntry(requestId: string, productLine: string, site: { lat: number; lon: number }, now: Date): BoardEntryDoc {
  return { _id: requestId, customerId: 'CUST-B', serialNumber: `SN-${requestId}`, channel: 'phone', symptom: 'bench', raisedAt: now, neededBy: now, status: 'awaiting-dispatch', receivedAt: now, sourceEventId: requestId, machine: { model: 'M-B', productLine }, site: { city: pick(cities), ...site } };
}

async function main(): Promise<void> {
  const connections: Connection[] = [];
  const collections: DispatchCollections[] = [];
  const planners: Planner[] = [];
  const deps = { topic: (name: string) => `${ns}.${name}`, now: () => new Date(), nudgeOutbox: () => undefined, logger };
  try {
    for (let i = 0; i < concurrency; i++) {
      const conn = await connectMongo(stack.mongoUrl, dbName);
      connections.push(conn);
      const models = createDispatchModels(conn);
      await Promise.all(Object.values(models).map((m) => m.init()));
      const cols = await createDispatchCollections(conn);
      collections.push(cols);
      planners.push(createPlanner(deps, models, cols, { autoAssignTiers: new Set() }));
    }
    const c = collections[0]!;
    const models = createDispatchModels(connections[0]!);
    const now = new Date();

    log(`seeding ${engineersN} engineers, ${requestsN} open requests and existing bookings in ${dbName}`);
    await c.engineers.insertMany(Array.from({ length: engineersN }, (_, i) => engineer(`ENG-${String(i).padStart(4, '0')}`)));
    const requests = Array.from({ length: requestsN }, (_, i) => ({ requestId: `SR-B-${i}`, productLine: pick(productLines), site: point(), tier: pick(['P1', 'P2', 'P3', 'P4'] as const) }));
    await models.boardEntries.insertMany(requests.map((r) => boardEntry(r.requestId, r.productLine, r.site, now)));
    await c.workOrders.insertMany(requests.map((r) => workOrder(`WO-${r.requestId}`, r.requestId, r.tier, now)));
    const bookingStore = createBookingStore({ collections: c, now: () => new Date(), logger });
    await pool(Array.from({ length: engineersN }, (_, i) => i), 8, async (i) => {
      // About one booking per engineer over the next two days, as a busy pool has.
      const depart = new Date(now.getTime() + Math.floor(rnd() * 192) * 15 * 60_000);
      await bookingStore.book({ bookingId: `SEED-${i}:r1`, engineerId: `ENG-${String(i).padStart(4, '0')}`, workOrderId: `SEED-${i}`, departAt: depart, start: new Date(depart.getTime() + 30 * 60_000), end: new Date(depart.getTime() + 150 * 60_000) });
    });

    // 1. Ranking: the pure function over the whole pool, and with the store loads a dispatcher's request does.
    log('ranking');
    const loadStarted = performance.now();
    const pool1000 = await planners[0]!.candidates(null, new Date());
    const loadMs = performance.now() - loadStarted;
    const pure: number[] = [];
    const withLoad: number[] = [];
    let eligible = 0;
    for (const r of requests) {
      const job = planningJob({ productLine: r.productLine, site: { city: 'x', ...r.site }, tier: r.tier, onSiteDueAt: new Date(now.getTime() + 8 * 3_600_000), neededParts: [pick(parts)] });
      if (!job.ok) throw new Error(job.reason);
      const began = performance.now();
      const ranking = rankCandidates(job.job, pool1000, new Date());
      pure.push(performance.now() - began);
      eligible += ranking.ranked.length;
    }
    for (const r of requests) {
      const wo = (await planners[0]!.store.load(`WO-${r.requestId}`))!;
      const began = performance.now();
      await planners[0]!.rank(wo);
      withLoad.push(performance.now() - began);
    }

    // 2. Contention: concurrent assignments aimed at a few engineers at random times, on a database of
    //    their own (FerretDB v1 scans collections, so the ranking data above would only slow it down).
    log(`contention: ${concurrency} clients, ${hotN} hot engineers, ${seconds} s`);
    const hotPlanners: Planner[] = [];
    const hotCollections: DispatchCollections[] = [];
    for (let i = 0; i < concurrency; i++) {
      const conn = await connectMongo(stack.mongoUrl, `${dbName}-contention`);
      connections.push(conn);
      const m = createDispatchModels(conn);
      await Promise.all(Object.values(m).map((x) => x.init()));
      const cols = await createDispatchCollections(conn);
      hotCollections.push(cols);
      hotPlanners.push(createPlanner(deps, m, cols, { autoAssignTiers: new Set() }));
    }
    const h = hotCollections[0]!;
    const hotModels = createDispatchModels(connections[connections.length - 1]!);
    const hub = { lat: 31.2, lon: 121.4 };
    const hot = Array.from({ length: hotN }, (_, i) => engineer(`HOT-${i}`, { skills: [{ productLine: 'pl-bench', skill: 'repair', level: 5 }], calendarId: '24x7', absences: [], homeBase: { city: 'Shanghai', ...hub } }));
    await h.engineers.insertMany(hot);
    const contendedN = envInt('BENCH_CONTENDED_ORDERS', 1500);
    await hotModels.boardEntries.insertMany(Array.from({ length: contendedN }, (_, i) => boardEntry(`SR-C-${i}`, 'pl-bench', hub, now)));
    await h.workOrders.insertMany(Array.from({ length: contendedN }, (_, i) => workOrder(`WO-C-${i}`, `SR-C-${i}`, 'P3', now)));
    // Arrivals on the quarter hour over the next 20 h (inside every 24x7 engineer's planning horizon).
    const hourGrid = 20;
    const baseStart = Math.ceil((Date.now() + 3_600_000) / 900_000) * 900_000;
    let next = 0;
    let clashes = 0;
    const assignments = await closedLoop(concurrency, seconds * 1000, async (client) => {
      const i = next++;
      if (i >= contendedN) throw new Error('ran out of prepared work orders: raise BENCH_CONTENDED_ORDERS');
      const planner = hotPlanners[client]!;
      const wo = (await planner.store.load(`WO-C-${i}`))!;
      const start = new Date(baseStart + Math.floor(rnd() * hourGrid * 4) * 900_000);
      try {
        await planner.assign(wo, `HOT-${Math.floor(rnd() * hotN)}`, 'bench', { start });
        return true;
      } catch (error) {
        if (error instanceof PlatformError && error.status === 409) {
          clashes++;
          return false;
        }
        throw error;
      }
    });

    // 3. The raw ceiling on the same server, same concurrency: plain unique-key inserts.
    log('raw ceiling');
    let rawSeq = 0;
    const raw = await closedLoop(concurrency, seconds * 1000, async (client) => {
      await hotCollections[client]!.slotClaims.insertOne({ _id: `RAW|${rawSeq++}`, bookingId: 'raw', engineerId: 'RAW', slotStart: new Date() });
      return true;
    });

    // 4. Did every assignment hold? No two bookings of one engineer overlap, and each booking is its work order's.
    const booked = await h.bookings.find({}).toArray();
    let overlapsFound = 0;
    const byEngineer = new Map<string, Interval[]>();
    for (const b of booked) byEngineer.set(b.engineerId, [...(byEngineer.get(b.engineerId) ?? []), { start: b.departAt, end: b.end }]);
    for (const list of byEngineer.values()) for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (overlaps(list[i]!, list[j]!)) overlapsFound++;
    const assigned = await h.workOrders.countDocuments({ status: 'assigned' });

    const attempts = assignments.ok + assignments.failed;
    process.stdout.write(`\nbench:dispatch on ${stack.mongoUrl} — ${engineersN} engineers, ${requestsN} open requests, ${concurrency} clients, ${seconds} s\n\n`);
    process.stdout.write(`${table(['ranking', 'p50', 'p99', 'notes'], [
      ['pure rankCandidates, whole pool', fmt.ms(percentile(pure, 50)), fmt.ms(percentile(pure, 99)), `${requestsN} requests, avg ${fmt.n(eligible / requestsN, 0)} eligible of ${pool1000.length}`],
      ['planner.rank (store loads + ranking)', fmt.ms(percentile(withLoad, 50)), fmt.ms(percentile(withLoad, 99)), `loading the pool alone took ${fmt.ms(loadMs)}`],
    ])}\n\n`);
    process.stdout.write(`${table(['under contention', 'per second', 'of raw ceiling', 'latency p50 / p99', 'notes'], [
      ['assignments that held', fmt.n(assignments.perSecond), fmt.share(assignments.perSecond, raw.perSecond), `${fmt.ms(percentile(assignments.latencies, 50))} / ${fmt.ms(percentile(assignments.latencies, 99))}`, `${assignments.ok} held of ${attempts} attempts, ${clashes} refused as clashes${assignments.firstError ? `, first error: ${assignments.firstError}` : ''}`],
      ['attempts (held + refused)', fmt.n((attempts * 1000) / assignments.elapsedMs), fmt.share((attempts * 1000) / assignments.elapsedMs, raw.perSecond), '', `${hotN} engineers, starts over ${hourGrid} h on the quarter hour`],
      ['raw unique inserts (ceiling)', fmt.n(raw.perSecond), '100%', `${fmt.ms(percentile(raw.latencies, 50))} / ${fmt.ms(percentile(raw.latencies, 99))}`, 'one insertOne per op, same server, same concurrency'],
    ])}\n\n`);
    process.stdout.write(`held: ${overlapsFound === 0 && assigned === booked.length ? 'yes' : 'NO'} — ${booked.length} bookings on the hot engineers, ${overlapsFound} overlapping pairs, ${assigned} work orders assigned to them\n`);
    if (overlapsFound > 0 || assigned !== booked.length) process.exitCode = 1;
  } finally {
    await cleanup([
      ['drop bench databases', async () => Promise.all([connections[0]?.db?.dropDatabase(), connections[connections.length - 1]?.db?.dropDatabase()])],
      ['close connections', async () => Promise.all(connections.map((conn) => conn.close()))],
    ]);
  }
}

await main();
