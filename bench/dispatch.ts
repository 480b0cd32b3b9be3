/**
 * bench:dispatch — how fast dispatch ranks engineers, and how many assignments per second hold
 * under contention on the real store, beside a raw ceiling of the same server in the same run,
 * at each stored-history size (a database of its own per size, seeded with bulk inserts: past
 * bookings with their slot claims, closed work orders with their change documents, closed board
 * entries and the calendars' job counts), so growth with the data shows.
 *
 *   BENCH_SIZES (1000,100000) stored bookings per run
 *   BENCH_ENGINEERS (1000)   engineers in the pool
 *   BENCH_REQUESTS (200)     open requests ranked
 *   BENCH_CONCURRENCY (8)    clients in the contention loop (each on its own connection)
 *   BENCH_SECONDS (15)       duration of each contention loop and of the raw ceiling
 *   BENCH_HOT_ENGINEERS (1000) engineers the contended assignments aim at
 *   BENCH_CONTENDED_ORDERS (5000) open work orders prepared for the contention loop
 *   BENCH_RELAY (pending)    the outbox relay beside the contention loop, publishing the assignments'
 *                            events to Kafka: `pending` as the service runs it, `scanned` as it ran
 *                            before (polling the change log), `off`
 *
 * The relay: an idle pass (nothing due) timed both ways at each size, the pending index against
 * the poll of the change log, which grows with every work order change ever made.
 *
 * Contention: 8 dispatchers assigning at once over a region's 200 engineers, at random quarter
 * hours over the next 20 h, so some attempts meet a booking made a moment before. With 10
 * engineers (the earlier default) the pool is full within seconds (about ten two-hour jobs each
 * fit in 20 h), so held assignments per second measured the pool's capacity, not the store.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import type { Collection } from 'mongodb';
import type { Connection } from 'mongoose';
import { connectMongo, createEventProducer, createOutboxRelay, ensureTopics, indexedOutbox, outboxPendingCollection, outboxWritersCollection, PlatformError, type EventProducer, type OutboxRelay } from '@aftersales/platform';
import { topics } from '@aftersales/contracts';
import { deleteTopicsWithPrefix } from '../tests/support/kafka';
import { rankCandidates, type Interval } from '../services/dispatch/domain/assignment';
import { overlaps } from '../services/dispatch/domain/schedule';
import { planningJob, type Tier } from '../services/dispatch/domain/work-order';
import { createBookingStore } from '../services/dispatch/store/bookings';
import { serialiseShard, shardOf } from '../services/dispatch/store/calendars';
import type { EngineerCalendar } from '../services/dispatch/domain/calendar';
import { slotClaimKeys } from '../services/dispatch/domain/schedule';
import { createDispatchCollections, createDispatchModels, type BoardEntryDoc, type DispatchCollections, type EngineerDoc, type WorkOrderDoc } from '../services/dispatch/store/models';
import { createPlanner, type Planner } from '../services/dispatch/store/planner';
import { createServiceCalendars } from '../services/dispatch/store/service-calendars';
import { benchNamespace, cleanup, closedLoop, envInt, fmt, idlePasses, kafkaClient, trackAsService, log, percentile, pool, stackEndpoints, table, type LoopResult } from './lib';

const engineersN = envInt('BENCH_ENGINEERS', 1000);
const requestsN = envInt('BENCH_REQUESTS', 200);
const concurrency = envInt('BENCH_CONCURRENCY', 8);
const seconds = envInt('BENCH_SECONDS', 15);
const hotN = envInt('BENCH_HOT_ENGINEERS', 1000);
const stack = stackEndpoints();
const ns = benchNamespace('bench-dispatch');
const sizes = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map((v) => Number(v.trim()));
if (sizes.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`BENCH_SIZES must be whole numbers, got ${process.env.BENCH_SIZES}`);
const logger = pino({ level: 'silent' });
const relayMode = process.env.BENCH_RELAY ?? 'pending';
if (!['pending', 'scanned', 'off'].includes(relayMode)) throw new Error(`BENCH_RELAY must be pending, scanned or off, got ${relayMode}`);
const workOrdersTopic = `${ns}.${topics.workOrders}`;

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

/**
 * A year's history in bulk: `size` bookings that ended over the last 60 days on random engineers, each
 * with its slot claims, its completed work order and that one's change document, and its request's
 * closed board entry; the calendars get the end instants of those within the fairness window.
 */
async function seedHistory(c: DispatchCollections, closedBoard: Collection<BoardEntryDoc>, size: number, now: Date): Promise<void> {
  const batch = 2000;
  const pastEnds = new Map<string, number[]>();
  for (let from = 0; from < size; from += batch) {
    const n = Math.min(batch, size - from);
    const rows = Array.from({ length: n }, (_, k) => {
      const i = from + k;
      const engineerId = `ENG-${String(i % engineersN).padStart(4, '0')}`;
      const departAt = new Date(Math.floor((now.getTime() - 60 * 86_400_000 + rnd() * 59 * 86_400_000) / 900_000) * 900_000);
      const end = new Date(departAt.getTime() + 60 * 60_000);
      const requestId = `SR-H-${i}`;
      const wo: WorkOrderDoc = { ...workOrder(`WO-${requestId}-1`, requestId, 'P3', departAt), status: 'completed', engineerId, bookingId: `WO-${requestId}-1:r1`, plannedDepartAt: departAt, plannedStart: departAt, plannedEnd: end, version: 7 };
      if (end.getTime() > now.getTime() - 30 * 86_400_000) pastEnds.set(engineerId, [...(pastEnds.get(engineerId) ?? []), end.getTime()]);
      return { engineerId, departAt, end, requestId, wo };
    });
    await Promise.all([
      c.bookings.insertMany(rows.map((r) => ({ _id: r.wo.bookingId!, engineerId: r.engineerId, workOrderId: r.wo._id, departAt: r.departAt, start: r.departAt, end: r.end, state: 'confirmed' as const, createdAt: r.departAt })), { ordered: false }),
      c.slotClaims.insertMany(rows.flatMap((r) => slotClaimKeys(r.engineerId, { start: r.departAt, end: r.end }).map((key) => ({ _id: `${key}|${r.requestId}`, bookingId: r.wo.bookingId!, engineerId: r.engineerId, slotStart: r.departAt }))), { ordered: false }),
      c.closedWorkOrders.insertMany(rows.map((r) => r.wo), { ordered: false }),
      c.workOrderChanges.insertMany(rows.map((r) => ({ _id: `${r.wo._id}#${r.wo.version}`, workOrderId: r.wo._id, version: r.wo.version, at: r.end, snapshot: r.wo })), { ordered: false }),
      closedBoard.insertMany(rows.map((r) => ({ ...boardEntry(r.requestId, pick(productLines), point(), r.departAt), status: 'completed' as const, workOrderId: r.wo._id })), { ordered: false }),
    ]);
  }
  const shards = new Map<string, Map<string, EngineerCalendar>>();
  for (const [id, ends] of pastEnds) shards.set(shardOf(id), (shards.get(shardOf(id)) ?? new Map()).set(id, { entries: [], pastEnds: ends.sort((x, y) => x - y) }));
  if (shards.size > 0) {
    // Versioned and stamped as the store writes them (store/calendars.ts), so readers may keep what they parsed.
    const docs = [...shards].map(([shard, cals]) => ({ _id: shard, calendars: serialiseShard(cals), updatedAt: now, version: randomUUID() }));
    await c.calendarStamps.insertMany(docs.map((d) => ({ _id: d._id, version: d.version })), { ordered: false });
    await c.calendars.insertMany(docs, { ordered: false });
  }
}

interface SizeFigures {
  size: number;
  seedMs: number;
  poolSize: number;
  loadMs: number;
  eligible: number;
  pure: number[];
  withLoad: number[];
  assignments: LoopResult;
  clashes: number;
  raw: LoopResult;
  booked: number;
  overlapsFound: number;
  assigned: number;
  idlePending: number[];
  idleScanned: number[];
  sweepMs: number;
  published: number;
}

/**
 * The relay over the change log: as the service runs it (its pending index, its writers'
 * heartbeats), or polling the log itself as before. `asService`: a database this version has run
 * on (see trackAsService), so it sweeps only when a writer dies, as the service's relay does.
 */
function relayOver(conn: Connection, mode: 'pending' | 'scanned', producer: EventProducer, asService = false): OutboxRelay {
  const db = conn.db!;
  const changes = db.collection('workOrderChanges');
  // The sweep (documents whose pending entry a dead writer never wrote) is timed on its own, not left to run inside the loop.
  return createOutboxRelay({ collections: [mode === 'pending' ? indexedOutbox(changes) : changes], leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer, logger, pollMs: 500, sweepMs: Number.POSITIVE_INFINITY, ...(asService ? { writers: db.collection(outboxWritersCollection) } : {}) });
}


async function runAt(size: number, connections: Connection[], producer: EventProducer): Promise<SizeFigures> {
  const dbName = `${ns}-s${size}`;
  const planners: Planner[] = [];
  const collections: DispatchCollections[] = [];
  let running: OutboxRelay | null = null;
  const deps = { topic: (name: string) => `${ns}.${name}`, now: () => new Date(), nudgeOutbox: () => running?.nudge(), logger };
  for (let i = 0; i < concurrency; i++) {
    const conn = await connectMongo(stack.mongoUrl, dbName);
    connections.push(conn);
    const models = createDispatchModels(conn);
    await Promise.all(Object.values(models).map((m) => m.init()));
    const cols = await createDispatchCollections(conn);
    collections.push(cols);
    planners.push(createPlanner(deps, models, cols, { autoAssignTiers: new Set(), calendars: createServiceCalendars(cols.serviceCalendars) }));
  }
  const c = collections[0]!;
  const models = createDispatchModels(connections[connections.length - concurrency]!);
  const now = new Date();
  seed = 42;

  log(`[${size}] seeding ${engineersN} engineers, ${size} stored bookings with their work orders, claims and board entries, ${requestsN} open requests in ${dbName}`);
  const seedStarted = performance.now();
  await c.engineers.insertMany(Array.from({ length: engineersN }, (_, i) => engineer(`ENG-${String(i).padStart(4, '0')}`)));
  await seedHistory(c, connections[connections.length - concurrency]!.db!.collection<BoardEntryDoc>('closedServiceRequestBoard'), Math.max(0, size - engineersN), now);
  const requests = Array.from({ length: requestsN }, (_, i) => ({ requestId: `SR-B-${i}`, productLine: pick(productLines), site: point(), tier: pick(['P1', 'P2', 'P3', 'P4'] as const) }));
  await models.boardEntries.insertMany(requests.map((r) => boardEntry(r.requestId, r.productLine, r.site, now)));
  await c.workOrders.insertMany(requests.map((r) => workOrder(`WO-${r.requestId}`, r.requestId, r.tier, now)));
  const bookingStore = createBookingStore({ collections: c, now: () => new Date(), logger });
  await pool(Array.from({ length: Math.min(engineersN, size) }, (_, i) => i), 8, async (i) => {
    // About one booking per engineer over the next two days, as a busy pool has.
    const depart = new Date(now.getTime() + Math.floor(rnd() * 192) * 15 * 60_000);
    await bookingStore.book({ bookingId: `SEED-${i}:r1`, engineerId: `ENG-${String(i).padStart(4, '0')}`, workOrderId: `SEED-${i}`, departAt: depart, start: new Date(depart.getTime() + 30 * 60_000), end: new Date(depart.getTime() + 150 * 60_000) });
  });
  const seedMs = performance.now() - seedStarted;

  // 0. The relay's idle pass, both ways, over this much history (the pass a relay makes every poll).
  const relayConn = connections[connections.length - concurrency]!;
  const idlePending = await idlePasses(relayOver(relayConn, 'pending', producer), 20);
  const idleScanned = await idlePasses(relayOver(relayConn, 'scanned', producer), 5);
  const sweepStarted = performance.now();
  await relayOver(relayConn, 'pending', producer).sweep();
  const sweepMs = performance.now() - sweepStarted;
  // What the service's first relay start leaves once it has swept: later starts sweep only for a dead writer.
  await trackAsService(relayConn.db!);

  // 1. Ranking: the pure function over the whole pool, and with the store loads a dispatcher's request does.
  log(`[${size}] ranking`);
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

  // 2. Contention: concurrent assignments aimed at the hot engineers at random quarter hours, in the same database.
  // 1,000 of them by default: with 200, the assignments (72/s once FerretDB stopped fsyncing each commit) filled
  // their 20 h within the loop and more than half the attempts met a booking, so held/s measured the pool again.
  log(`[${size}] contention: ${concurrency} clients, ${hotN} hot engineers, ${seconds} s`);
  const hub = { lat: 31.2, lon: 121.4 };
  const hot = Array.from({ length: hotN }, (_, i) => engineer(`HOT-${i}`, { skills: [{ productLine: 'pl-bench', skill: 'repair', level: 5 }], calendarId: '24x7', absences: [], homeBase: { city: 'Shanghai', ...hub } }));
  await c.engineers.insertMany(hot);
  const contendedN = envInt('BENCH_CONTENDED_ORDERS', 5000);
  await models.boardEntries.insertMany(Array.from({ length: contendedN }, (_, i) => boardEntry(`SR-C-${i}`, 'pl-bench', hub, now)));
  await c.workOrders.insertMany(Array.from({ length: contendedN }, (_, i) => workOrder(`WO-C-${i}`, `SR-C-${i}`, 'P3', now)));
  // Arrivals on the quarter hour over the next 20 h (inside every 24x7 engineer's planning horizon).
  const hourGrid = 20;
  const baseStart = Math.ceil((Date.now() + 3_600_000) / 900_000) * 900_000;
  let next = 0;
  let clashes = 0;
  const published: number[] = [];
  if (relayMode !== 'off') {
    const relay = relayOver(relayConn, relayMode as 'pending' | 'scanned', { ...producer, publish: async (events) => { await producer.publish(events); published.push(events.length); } }, true);
    relay.start();
    running = relay;
  }
  const assignments = await closedLoop(concurrency, seconds * 1000, async (client) => {
    const i = next++;
    if (i >= contendedN) throw new Error('ran out of prepared work orders: raise BENCH_CONTENDED_ORDERS');
    const planner = planners[client]!;
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

  await running?.stop();
  running = null;

  // 3. The raw ceiling on the same server, same database, same concurrency: plain unique-key inserts into the claims.
  log(`[${size}] raw ceiling`);
  let rawSeq = 0;
  const raw = await closedLoop(concurrency, seconds * 1000, async (client) => {
    await collections[client]!.slotClaims.insertOne({ _id: `RAW|${rawSeq++}`, bookingId: 'raw', engineerId: 'RAW', slotStart: new Date() });
    return true;
  });

  // 4. Did every assignment hold? No two bookings of one engineer overlap, and each booking is its work order's.
  const booked = await c.bookings.find({ engineerId: { $in: hot.map((e) => e._id) } }).toArray();
  let overlapsFound = 0;
  const byEngineer = new Map<string, Interval[]>();
  for (const b of booked) byEngineer.set(b.engineerId, [...(byEngineer.get(b.engineerId) ?? []), { start: b.departAt, end: b.end }]);
  for (const list of byEngineer.values()) for (let i = 0; i < list.length; i++) for (let j = i + 1; j < list.length; j++) if (overlaps(list[i]!, list[j]!)) overlapsFound++;
  const assigned = await c.workOrders.countDocuments({ status: 'assigned', engineerId: { $in: hot.map((e) => e._id) } });
  return { size, seedMs, poolSize: pool1000.length, loadMs, eligible, pure, withLoad, assignments, clashes, raw, booked: booked.length, overlapsFound, assigned, idlePending, idleScanned, sweepMs, published: published.reduce((a, b) => a + b, 0) };
}

async function main(): Promise<void> {
  const connections: Connection[] = [];
  const figures: SizeFigures[] = [];
  const kafka = kafkaClient(stack, 'bench-dispatch');
  await ensureTopics(kafka, [workOrdersTopic]);
  const producer = await createEventProducer(kafka);
  try {
    for (const size of sizes) {
      const first = connections.length;
      figures.push(await runAt(size, connections, producer));
      await connections[first]?.db?.dropDatabase();
      print(figures.slice(-1));
    }
    if (figures.length > 1) print(figures);
    if (figures.some((f) => f.overlapsFound > 0 || f.assigned !== f.booked)) process.exitCode = 1;
  } finally {
    await cleanup([
      ['drop bench databases', async () => Promise.all(sizes.map((size) => connections[0]?.useDb(`${ns}-s${size}`).db?.dropDatabase()))],
      ['close connections', async () => Promise.all(connections.map((conn) => conn.close()))],
      ['producer', async () => producer.disconnect()],
      ['topics', async () => deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`)],
    ]);
  }
}

function print(figures: SizeFigures[]): void {
  {
    process.stdout.write(`\nbench:dispatch on ${stack.mongoUrl} — ${engineersN} engineers, ${requestsN} open requests, ${concurrency} clients, ${seconds} s; stored bookings ${figures.map((f) => f.size).join(' and ')}\n\n`);
    process.stdout.write(`${table(['stored bookings', 'seeded in', 'pure ranking p50 / p99', 'candidates with store reads p50 / p99', 'pool load', 'avg eligible'], figures.map((f) => [
      String(f.size), `${fmt.n(f.seedMs / 1000, 0)} s`, fmt.p50p99(f.pure), fmt.p50p99(f.withLoad), fmt.ms(f.loadMs), `${fmt.n(f.eligible / requestsN, 0)} of ${f.poolSize}`,
    ]))}\n\n`);
    process.stdout.write(`${table(['stored bookings', 'assignments held/s', 'of raw ceiling', 'attempts/s', 'latency p50 / p99', 'raw unique inserts/s (ceiling)', 'raw p50 / p99', 'held', 'notes'], figures.map((f) => {
      const attempts = f.assignments.ok + f.assignments.failed;
      return [
        String(f.size), fmt.n(f.assignments.perSecond), fmt.share(f.assignments.perSecond, f.raw.perSecond), fmt.n((attempts * 1000) / f.assignments.elapsedMs),
        fmt.p50p99(f.assignments.latencies), fmt.n(f.raw.perSecond), fmt.p50p99(f.raw.latencies),
        f.overlapsFound === 0 && f.assigned === f.booked ? 'yes' : 'NO',
        `${f.assignments.ok} held of ${attempts}, ${f.clashes} refused as clashes; ${f.booked} bookings on ${hotN} engineers, ${f.overlapsFound} overlapping pairs, ${f.assigned} work orders assigned${f.assignments.firstError ? `; first error: ${f.assignments.firstError}` : ''}`,
      ];
    }))}\n\n`);
    process.stdout.write(`${table(['stored bookings', 'relay idle pass, pending index, p50 / max', 'relay idle pass, polling the change log, p50 / max', 'relay sweep (once per database, then when a writer dies)', 'events published beside the loop'], figures.map((f) => [
      String(f.size), `${fmt.ms(percentile(f.idlePending, 50))} / ${fmt.ms(Math.max(...f.idlePending))}`, `${fmt.ms(percentile(f.idleScanned, 50))} / ${fmt.ms(Math.max(...f.idleScanned))}`, fmt.ms(f.sweepMs), relayMode === 'off' ? 'relay off' : `${f.published} (${relayMode} relay)`,
    ]))}\n\n`);
    process.stdout.write('Assignments: starts over 20 h on the quarter hour; raw ceiling = one insertOne per op into the same database\'s slot claims, same concurrency.\n');
  }
}

await main();
