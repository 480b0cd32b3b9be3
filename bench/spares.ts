/**
 * bench:spares — reservations per second under contention on one part, through spares' claim
 * store (one unique-key insert per unit), beside raw conditional `$inc` updates of one stock
 * document on the same Mongo server in the same run, with the oversells each lets through.
 *
 *   BENCH_CONCURRENCY (16)  clients in a closed loop, spread over 4 connections
 *   BENCH_SECONDS (15)      duration of each loop
 *   BENCH_UNITS (10)        units of the contended part
 *   BENCH_ROUNDS (5)        drain rounds: BENCH_ATTEMPTS concurrent reservations at BENCH_UNITS fresh units
 *   BENCH_ATTEMPTS (100)
 *   BENCH_HOLD_MS (10)      how long a client holds its unit before giving it back
 *   BENCH_SIZES (1000,100000) stock units stored besides the contended part, per run: a database of
 *                           its own per size, seeded in bulk (receipts of 10 units of 500 parts over
 *                           21 locations with their stock cards, half of the units consumed as
 *                           claims), so growth shows; as many stored reservations and their ends
 *   BENCH_RELAY (pending)   the outbox relay beside the claims loop, publishing to Kafka: `pending`
 *                           as the service runs it, `scanned` as it ran before (polling the eleven
 *                           collections that carry events), `off`; an idle pass is timed both ways
 *
 * Each reservation is for a work order of its own, as in the field (a work order has a few).
 * The profile under the table: the Mongo commands of each loop per reservation kept (or raw take
 * and give back), by command and collection, counted through the driver's command monitoring.
 * After the loops, at each size: the stock table (bench/spares-stock.ts) and the daily stock
 * valuation of one location (bench/spares-valuation.ts), each checked against a count by filter.
 */
import { MongoClient, type Collection, type CommandStartedEvent } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import pino from 'pino';
import { topicOf } from '@aftersales/contracts';
import { createEventProducer, createOutboxRelay, defaultMongoPoolSize, ensureTopics, outboxPendingCollection, outboxWritersCollection, type EventProducer, type OutboxRelay } from '@aftersales/platform';
import { deleteTopicsWithPrefix } from '../tests/support/kafka';
import { commandNames } from '@aftersales/platform/testing';
import { createSparesStore, type SparesStore } from '../services/spares/store/collections';
import { createReservationBook, InsufficientStock, type ReservationBook } from '../services/spares/store/reservations';
import { buildAwaitingReportsOnce } from '../services/spares/store/awaiting-reports';
import { buildOpenReservationsOnce } from '../services/spares/store/open-reservations';
import { DEFAULT_RETURN_POLICY } from '../services/spares/domain/returns';
import { createSweeps } from '../services/spares/worker/sweeps';
import type { PartStockDoc, StockCardDoc } from '../services/spares/store/stock-cards';
import { buildGoneAboveOnce } from '../services/spares/store/stock-levels';
import { stockTableHeader, timeStockTable } from './spares-stock';
import { timeValuation, valuationHeader } from './spares-valuation';
import { benchNamespace, cleanup, closedLoop, envInt, fmt, idlePasses, kafkaClient, trackAsService, log, percentile, sleep, stackEndpoints, table, type LoopResult } from './lib';

const concurrency = envInt('BENCH_CONCURRENCY', 16);
const seconds = envInt('BENCH_SECONDS', 15);
const units = envInt('BENCH_UNITS', 10);
const rounds = envInt('BENCH_ROUNDS', 5);
const attempts = envInt('BENCH_ATTEMPTS', 100);
const holdMs = envInt('BENCH_HOLD_MS', 10);
const stack = stackEndpoints();
const ns = benchNamespace('bench-spares').replace(/-/g, '_');
const connectionsCount = 4;
const cause = { correlationId: ns, causationId: null };
let running: OutboxRelay | null = null;
const ctx = { topic: (name: string) => `${ns}.${name}`, now: () => new Date(), nudgeOutbox: () => running?.nudge() };
const relayMode = process.env.BENCH_RELAY ?? 'pending';
if (!['pending', 'scanned', 'off'].includes(relayMode)) throw new Error(`BENCH_RELAY must be pending, scanned or off, got ${relayMode}`);
const relayTopics = (['parts.reserved@1', 'parts.released@1', 'parts.backordered@1'] as const).map((key) => ctx.topic(topicOf(key)));

/**
 * The relay as the service runs it (the store's collections, noted in the pending index), or
 * polling the same collections as before. `asService`: with the writers' heartbeats, in a database
 * this version has run on (trackAsService), so it sweeps only when a writer dies, as the service's does.
 */
function relayOver(connection: Connection, store: SparesStore, mode: 'pending' | 'scanned', producer: EventProducer, asService = false): OutboxRelay {
  const db = connection.db!;
  const collections = mode === 'pending' ? store.outboxCollections : store.outboxCollections.map((c) => db.collection(c.collectionName));
  return createOutboxRelay({ collections, leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer, logger: pino({ level: 'silent' }), pollMs: 500, sweepMs: Number.POSITIVE_INFINITY, ...(asService ? { writers: db.collection(outboxWritersCollection) } : {}) });
}


/** A year's reservations and their ends, published long ago: copies of a real pair without their events. */
async function seedReservationHistory(store: SparesStore, book: ReservationBook, size: number): Promise<void> {
  await book.receive('P-HISTORY', 'CENTRAL', 1, 'seed');
  const kept = await book.reserve({ reservationId: 'R-HISTORY', workOrderId: 'WO-HISTORY', requestId: 'SR-HISTORY', engineerId: null, lines: [{ partNumber: 'P-HISTORY', quantity: 1 }], ttlMs: 3_600_000, by: 'seed' }, cause);
  await book.release(kept._id, 'cancelled', cause, kept);
  const strip = <T extends object>(doc: T) => Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'outbox' && k !== 'outboxDueAt'));
  const reservation = strip((await store.reservations.findOne({ _id: 'R-HISTORY' }))!);
  const end = strip((await store.reservationEnds.findOne({ _id: 'R-HISTORY' } as never))!);
  for (let from = 0; from < size; from += 2000) {
    const n = Math.min(2000, size - from);
    await Promise.all([
      store.reservations.insertMany(Array.from({ length: n }, (_, i) => ({ ...reservation, _id: `R-H-${from + i}`, workOrderId: `WO-H-${from + i}` })) as never, { ordered: false }),
      store.reservationEnds.insertMany(Array.from({ length: n }, (_, i) => ({ ...end, _id: `R-H-${from + i}` })) as never, { ordered: false }),
    ]);
  }
}

interface StockDoc {
  _id: string;
  available: number;
}

/**
 * Counts clients holding a unit at once: taken after the reservation returned, given back before
 * the release starts, so the count never exceeds what is really held; above the stock, it proves an oversell.
 */
function holders() {
  let held = 0;
  let max = 0;
  return {
    take() {
      held++;
      max = Math.max(max, held);
    },
    give() {
      held--;
    },
    get max() {
      return max;
    },
  };
}

/** Counts the commands the monitored clients start while on, by command and collection ("insert unitClaims"). */
function commandCounter() {
  const counts = new Map<string, number>();
  let on = false;
  return {
    listener(event: CommandStartedEvent) {
      if (!on) return;
      const name = commandNames([event])[0]!;
      counts.set(name, (counts.get(name) ?? 0) + 1);
    },
    async during<T>(fn: () => Promise<T>): Promise<{ result: T; counts: Map<string, number> }> {
      counts.clear();
      on = true;
      try {
        return { result: await fn(), counts: new Map(counts) };
      } finally {
        on = false;
      }
    },
  };
}

/** "12.1 commands: 3.2 insert unitClaims, ...": per success of a loop, the most frequent first. */
function perSuccess(counts: Map<string, number>, successes: number): string {
  const per = (n: number) => fmt.n(n / Math.max(1, successes), 2);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return `${per(total)} commands: ${[...counts].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${per(n)} ${name}`).join(', ')}`;
}

const sizes = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map((v) => Number(v.trim()));
if (sizes.some((v) => !Number.isInteger(v) || v < 0)) throw new Error(`BENCH_SIZES must be whole numbers, got ${process.env.BENCH_SIZES}`);

/** A year's stock in bulk: `size` units in receipts of 10 over 500 parts and 21 locations, half of them consumed, with the stock cards a receive writes. */
async function seedStock(store: SparesStore, size: number): Promise<void> {
  const locations = [...Array.from({ length: 4 }, (_, i) => ({ _id: `REG-${i}`, kind: 'regional' as const, name: `Regional ${i}`, engineerId: null })), ...Array.from({ length: 16 }, (_, i) => ({ _id: `VAN-${i}`, kind: 'van' as const, name: `Van ${i}`, engineerId: `ENG-${i}` }))];
  await store.locations.insertMany(locations);
  const at = new Date();
  // `nth`: the receipt's place on its card, so its units are numbered after the card's earlier receipts.
  const perCard = new Map<string, number>();
  const receipts = Array.from({ length: Math.ceil(size / 10) }, (_, i) => {
    const r = { partNumber: `P-S-${i % 500}`, locationId: i % 21 === 20 ? 'CENTRAL' : locations[i % 20]!._id, seq: Math.floor(i / 500) + 1 };
    const nth = (perCard.get(`${r.partNumber}|${r.locationId}`) ?? 0) + 1;
    perCard.set(`${r.partNumber}|${r.locationId}`, nth);
    return { ...r, nth };
  });
  for (let from = 0; from < receipts.length; from += 2000) {
    const batch = receipts.slice(from, from + 2000);
    await Promise.all([
      store.receipts.insertMany(batch.map((r) => ({ _id: `${r.partNumber}|${r.locationId}|${r.seq}`, partNumber: r.partNumber, locationId: r.locationId, quantity: 10, receivedAt: at, by: 'seed' })), { ordered: false }),
      store.claims.insertMany(batch.flatMap((r) => Array.from({ length: 5 }, (_, k) => {
        const unitNo = (r.nth - 1) * 10 + k + 1;
        return { _id: `${r.partNumber}|${r.locationId}|${unitNo}`, partNumber: r.partNumber, locationId: r.locationId, unitNo, state: 'consumed' as const, reservationId: null, workOrderId: `WO-SEED-${r.seq}`, claimedAt: at };
      })), { ordered: false }),
    ]);
  }
  const cards = new Map<string, StockCardDoc>();
  for (const r of receipts) {
    const key = `${r.partNumber}|${r.locationId}`;
    const card = cards.get(key) ?? { _id: key, partNumber: r.partNumber, locationId: r.locationId, received: 0, receipts: [], goneBelow: 6, updatedAt: at };
    card.receipts.push({ id: `${key}|${r.seq}`, quantity: 10 });
    card.received += 10;
    cards.set(key, card);
  }
  const all = [...cards.values()];
  for (let from = 0; from < all.length; from += 2000) await store.stockCards.insertMany(all.slice(from, from + 2000), { ordered: false });
  const parts = new Map<string, PartStockDoc>();
  for (const card of all) {
    const part = parts.get(card.partNumber) ?? { _id: card.partNumber, locations: [], updatedAt: at };
    part.locations.push({ locationId: card.locationId, received: card.received, goneBelow: card.goneBelow });
    parts.set(card.partNumber, part);
  }
  await store.partStock.insertMany([...parts.values()], { ordered: false });
}

async function runAt(size: number, producer: EventProducer): Promise<{ size: number; rows: string[][]; profile: string[]; relay: string[]; stockTable: Awaited<ReturnType<typeof timeStockTable>>; valuation: Awaited<ReturnType<typeof timeValuation>> }> {
  const dbName = `${ns}_s${size}`;
  const connections: Connection[] = [];
  const clients: MongoClient[] = [];
  const counter = commandCounter();
  try {
    // As connectMongo opens them (its pool size), with command monitoring for the profile.
    for (let i = 0; i < connectionsCount; i++) {
      const connection = await mongoose.createConnection(stack.mongoUrl, { dbName, maxPoolSize: defaultMongoPoolSize, serverSelectionTimeoutMS: 5_000, autoIndex: true, monitorCommands: true }).asPromise();
      connection.getClient().on('commandStarted', counter.listener);
      connections.push(connection);
    }
    for (let i = 0; i < connectionsCount; i++) {
      const client = await MongoClient.connect(stack.mongoUrl, { monitorCommands: true });
      client.on('commandStarted', counter.listener);
      clients.push(client);
    }
    const quiet = pino({ level: 'silent' });
    const stores = connections.map((c) => createSparesStore(c));
    await stores[0]!.init();
    const books: ReservationBook[] = stores.map((s) => createReservationBook(s, ctx, quiet));
    const raws: Collection<StockDoc>[] = clients.map((c) => c.db(dbName).collection<StockDoc>('rawStock'));
    await stores[0]!.locations.insertOne({ _id: 'CENTRAL', kind: 'central', name: 'Central', engineerId: null });
    const seeding = performance.now();
    if (size > 0) await seedStock(stores[0]!, size);
    if (size > 0) await seedReservationHistory(stores[0]!, books[0]!, size);
    log(`[${size}] database ${dbName}: ${size} stock units and ${size} reservations with their ends seeded in ${fmt.n((performance.now() - seeding) / 1000, 0)} s; ${concurrency} clients over ${connectionsCount} connections; ${units} units; ${seconds} s per loop`);

    // 0. The worker's sweep over this much history: the one-time builds a start makes, then one pass (what every SPARES_SWEEP_MS costs).
    const buildsStarted = performance.now();
    await buildOpenReservationsOnce(stores[0]!, () => new Date());
    await buildAwaitingReportsOnce(stores[0]!, () => new Date());
    await books[0]!.cards.reconcileOnce();
    await buildGoneAboveOnce(stores[0]!, books[0]!.cards, () => new Date());
    const buildsMs = performance.now() - buildsStarted;
    const sweeps = createSweeps(stores[0]!, books[0]!, () => new Date(), quiet, DEFAULT_RETURN_POLICY);
    const { result: sweepPassMs, counts: sweepCommands } = await counter.during(async () => {
      const began = performance.now();
      await sweeps.runOnce();
      return performance.now() - began;
    });

    // 1. Throughput under contention: reserve one unit, release it, again; everyone on one part.
    await books[0]!.receive('P-HOT', 'CENTRAL', units, 'bench');
    const idlePending = await idlePasses(relayOver(connections[0]!, stores[0]!, 'pending', producer), 20);
    const idleScanned = await idlePasses(relayOver(connections[0]!, stores[0]!, 'scanned', producer), 3);
    // The sweep a relay makes once per database (and when a writer dies), timed on its own rather than left inside the loop.
    const sweepStarted = performance.now();
    await relayOver(connections[0]!, stores[0]!, 'pending', producer).sweep();
    const sweepMs = performance.now() - sweepStarted;
    await trackAsService(connections[0]!.db!);
    let published = 0;
    if (relayMode !== 'off') {
      running = relayOver(connections[0]!, stores[0]!, relayMode as 'pending' | 'scanned', { ...producer, publish: async (events) => { await producer.publish(events); published += events.length; } }, true);
      running.start();
    }
    const claimHolders = holders();
    log('claims: closed loop');
    const { result: claimLoop, counts: claimCommands } = await counter.during(() => closedLoop(concurrency, seconds * 1000, async (client, seq) => {
      const book = books[client % connectionsCount]!;
      try {
        const reservation = await book.reserve({ reservationId: `R-${client}-${seq}`, workOrderId: `WO-${client}-${seq}`, requestId: 'SR-BENCH', engineerId: null, lines: [{ partNumber: 'P-HOT', quantity: 1 }], ttlMs: 3_600_000, by: 'bench' }, cause);
        claimHolders.take();
        await sleep(holdMs);
        claimHolders.give();
        await book.release(reservation._id, 'cancelled', cause, reservation);
        return true;
      } catch (error) {
        if (error instanceof InsufficientStock) return false;
        throw error;
      }
    }));

    await running?.stop();
    running = null;
    await raws[0]!.insertOne({ _id: 'P-HOT', available: units });
    const rawHolders = holders();
    log('raw conditional $inc: closed loop');
    const { result: rawLoop, counts: rawCommands } = await counter.during(() => closedLoop(concurrency, seconds * 1000, async (client) => {
      const raw = raws[client % connectionsCount]!;
      const taken = await raw.updateOne({ _id: 'P-HOT', available: { $gte: 1 } }, { $inc: { available: -1 } });
      if (taken.modifiedCount !== 1) return false;
      rawHolders.take();
      await sleep(holdMs);
      rawHolders.give();
      await raw.updateOne({ _id: 'P-HOT' }, { $inc: { available: 1 } });
      return true;
    }));
    const rawAfter = (await raws[0]!.findOne({ _id: 'P-HOT' }))?.available ?? Number.NaN;
    const claimsAfter = await stores[0]!.claims.countDocuments({ partNumber: 'P-HOT' });

    // 2. Drain rounds: many reservations at once against a few fresh units; winners above the stock are oversells.
    const drain = { claims: [] as number[], raw: [] as number[], rawLeft: [] as number[] };
    for (let round = 1; round <= rounds; round++) {
      const part = `P-DRAIN-${round}`;
      await books[0]!.receive(part, 'CENTRAL', units, 'bench');
      const claimWins = await Promise.allSettled(
        Array.from({ length: attempts }, (_, i) =>
          books[i % connectionsCount]!.reserve({ reservationId: `D-${round}-${i}`, workOrderId: `WO-D-${round}-${i}`, requestId: 'SR-BENCH', engineerId: null, lines: [{ partNumber: part, quantity: 1 }], ttlMs: 3_600_000, by: 'bench' }, cause),
        ),
      );
      drain.claims.push(claimWins.filter((r) => r.status === 'fulfilled').length);
      await raws[0]!.insertOne({ _id: part, available: units });
      const rawWins = await Promise.all(Array.from({ length: attempts }, (_, i) => raws[i % connectionsCount]!.updateOne({ _id: part, available: { $gte: 1 } }, { $inc: { available: -1 } })));
      drain.raw.push(rawWins.filter((r) => r.modifiedCount === 1).length);
      drain.rawLeft.push((await raws[0]!.findOne({ _id: part }))?.available ?? Number.NaN);
      log(`drain round ${round}: claims ${drain.claims.at(-1)} winners, raw ${drain.raw.at(-1)} winners (${units} units)`);
    }
    // 3. The spares desk's stock table, with the drain rounds' reservations open.
    log('stock table');
    const stockTable = await timeStockTable(stores[0]!, books[0]!, size, size > 0 ? 'P-S-7' : 'P-HOT');
    for (const d of stockTable.differences.slice(0, 5)) log(`[${size}] stock table differs: ${d}`);
    // 4. The daily stock valuation of one location: its first, then five days of a few write-offs each.
    log('stock valuation');
    const valuedAt = size > 0 ? 'REG-0' : 'CENTRAL';
    const valuation = await timeValuation(connections[0]!, stores[0]!, books[0]!, size, valuedAt, ctx.topic, counter.during);
    for (const d of valuation.differences.slice(0, 5)) log(`[${size}] stock valuation differs: ${d}`);
    const oversold = (wins: number[]) => wins.reduce((sum, w) => sum + Math.max(0, w - units), 0);
    const row = (name: string, loop: LoopResult, maxHeld: number, drainWins: number[], extra: string) => [
      name,
      fmt.n(loop.perSecond),
      fmt.ms(percentile(loop.latencies, 50)),
      fmt.ms(percentile(loop.latencies, 99)),
      String(loop.failed),
      `${maxHeld} / ${units}`,
      drainWins.join(' '),
      String(oversold(drainWins) + Math.max(0, maxHeld - units)),
      extra,
    ];
    const rows = [
      [String(size), ...row('unit claims (unique-key insert)', claimLoop, claimHolders.max, drain.claims, `${claimsAfter} claims of P-HOT left${claimLoop.firstError ? `; first error: ${claimLoop.firstError}` : ''}`)],
      [String(size), ...row('raw conditional $inc', rawLoop, rawHolders.max, drain.raw, `available ${rawAfter} (should be ${units}); drain left ${drain.rawLeft.join(' ')}${rawLoop.firstError ? `; first error: ${rawLoop.firstError}` : ''}`)],
    ];
    const profile = [
      `[${size}] unit claims, per reservation kept (${claimLoop.ok}; ${claimLoop.failed} refused): ${perSuccess(claimCommands, claimLoop.ok)}`,
      `[${size}] raw conditional $inc, per unit taken and given back (${rawLoop.ok}; ${rawLoop.failed} refused): ${perSuccess(rawCommands, rawLoop.ok)}`,
      `[${size}] worker sweep, one pass: ${fmt.ms(sweepPassMs)}, ${perSuccess(sweepCommands, 1)} (the one-time builds at start before it: ${fmt.ms(buildsMs)})`,
      `[${size}] a day's valuation of ${valuedAt}: ${perSuccess(valuation.lastDayCommands, 1)}`,
    ];
    const relay = [
      String(size),
      `${fmt.ms(percentile(idlePending, 50))} / ${fmt.ms(Math.max(...idlePending))}`,
      `${fmt.ms(percentile(idleScanned, 50))} / ${fmt.ms(Math.max(...idleScanned))}`,
      fmt.ms(sweepMs),
      relayMode === 'off' ? 'relay off' : `${published} (${relayMode} relay; ${2 * claimLoop.ok} reserved and released)`,
    ];
    return { size, rows, profile, relay, stockTable, valuation };
  } finally {
    await cleanup([
      ['drop database', () => connections[0]?.dropDatabase() ?? Promise.resolve()],
      ['close connections', () => Promise.all([...connections.map((c) => c.close()), ...clients.map((c) => c.close())])],
    ]);
  }
}

async function main(): Promise<void> {
  const results = [];
  const kafka = kafkaClient(stack, 'bench-spares');
  await ensureTopics(kafka, relayTopics);
  const producer = await createEventProducer(kafka);
  try {
    for (const size of sizes) results.push(await runAt(size, producer));
    if (results.some((r) => r.stockTable.differences.length || r.valuation.differences.length)) process.exitCode = 1;
  } finally {
    await cleanup([
      ['producer', () => producer.disconnect()],
      ['topics', () => deleteTopicsWithPrefix(stack.kafkaBrokers, `${ns}.`)],
    ]);
  }
  process.stdout.write(
    `\nbench:spares — one part, ${units} units, ${concurrency} clients, ${seconds} s per loop, each unit held ${holdMs} ms, ${rounds} drain rounds of ${attempts} concurrent attempts; stored stock units ${sizes.join(' and ')}; Mongo ${stack.mongoUrl}\n\n` +
      table(
        ['stock units stored', 'store', 'reservations/s (reserve+release)', 'p50', 'p99', 'refused (out of stock)', 'max held at once / stock', 'drain winners per round', 'oversells', 'after the loop'],
        results.flatMap((r) => r.rows),
      ) +
      '\n\nOversells = winners above the stock in the drain rounds plus any moment more units were held than exist.\n\n' +
      table(['stored (units, reservations)', 'relay idle pass, pending index, p50 / max', 'relay idle pass, polling the collections, p50 / max', 'relay sweep (once per database, then when a writer dies)', 'events published beside the claims loop'], results.map((r) => r.relay)) +
      '\n\nThe spares desk\'s stock table (GET /v1/stock through the reservation book), the drain rounds\' reservations open:\n\n' +
      table(stockTableHeader, results.map((r) => r.stockTable.row)) +
      '\n\nThe daily stock valuation of one location (POST /v1/stock-valuations names one; the worker values each once a UTC day):\n\n' +
      table(valuationHeader, results.map((r) => r.valuation.row)) +
      '\n' +
      `\nProfile: Mongo commands of each closed loop per success (refused attempts' commands included)\n${results.flatMap((r) => r.profile).join('\n')}\n`,
  );
}

await main();
if (process.exitCode) process.stderr.write('bench:spares: the stock table or the valuation differed from the count by filter\n');
