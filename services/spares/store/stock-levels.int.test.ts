import { describe, expect, it } from 'vitest';
import { commandNames, commandRecorder, scansOf, testLogger, uniqueName } from '@aftersales/platform/testing';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import { createCaseFlow, type CaseFlow } from './case-flow';
import type { SparesStore } from './collections';
import { createReservationBook, type ReservationBook } from './reservations';
import { buildGoneAboveOnce, goneAboveBuildId } from './stock-levels';
import { completedUsing, monitoredSpares, stockedAt } from './on-stack';

/**
 * The spares desk's stock table, polled every 15 s, against FerretDB: levels from the parts' stock
 * and the open reservations' list equal a count of every receipt, claim and transfer by filter,
 * through reservations at once from two processes, releases, consumptions that leave units gone
 * above one still held, write-offs, a shipment and its arrival, with no claim read and no scan.
 */
const dbName = uniqueName('spares-levels').replace(/-/g, '_');
const cause = { correlationId: 'c', causationId: null };
const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => new Date() };
const keyed = new Set(['partStock', 'reservations']);
const small = new Set(['openReservations']);

let store: SparesStore;
let books: ReservationBook[];
let flow: CaseFlow;
const { listener, recorded } = commandRecorder();

/** The levels of a part counted from every receipt, claim and transfer by filter. */
async function levelsByScan(partNumber: string) {
  const [receipts, claims, transfers] = await Promise.all([store.receipts.find({ partNumber }).toArray(), store.claims.find({ partNumber }).toArray(), store.transfers.find({ partNumber }).toArray()]);
  const arrived = new Set(receipts.flatMap((r) => (r.transferId ? [r.transferId] : [])));
  const locations = [...new Set([...receipts.map((r) => r.locationId), ...transfers.map((t) => t.toLocationId)])].sort();
  return locations.map((locationId) => {
    const received = receipts.filter((r) => r.locationId === locationId).reduce((sum, r) => sum + r.quantity, 0);
    const here = claims.filter((c) => c.locationId === locationId);
    const gone = here.filter((c) => c.state !== 'reserved').length;
    const reserved = here.length - gone;
    const inTransit = transfers.filter((t) => t.toLocationId === locationId && !arrived.has(t._id)).reduce((sum, t) => sum + t.quantity, 0);
    return { partNumber, locationId, onHand: received - gone, reserved, available: received - gone - reserved, inTransit };
  });
}

/** The levels as the desk reads them, checked against the scan, with the commands they took. */
async function levelsChecked(partNumber: string) {
  const run = await recorded(() => books[0]!.levels({ partNumber }));
  expect(run.result).toEqual(await levelsByScan(partNumber));
  expect(scansOf(run.commands, { keyed, small })).toEqual([]);
  expect(commandNames(run.commands).filter((n) => n !== 'find reservations')).toEqual(['find openReservations', 'find partStock']);
  return run;
}

/** Each location's hint and runs say what the claims say: every unit below the hint and in the runs gone, the unit at the hint not. */
async function expectCardsTrue(partNumber: string) {
  const claims = await store.claims.find({ partNumber }).toArray();
  for (const l of (await store.partStock.findOne({ _id: partNumber }))!.locations) {
    const gone = new Set(claims.filter((c) => c.locationId === l.locationId && c.state !== 'reserved').map((c) => c.unitNo));
    const listed = [...Array.from({ length: l.goneBelow - 1 }, (_, i) => i + 1), ...(l.goneAbove ?? []).flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i))];
    expect(listed.filter((n) => !gone.has(n)), l.locationId).toEqual([]);
    expect(gone.has(l.goneBelow), l.locationId).toBe(false);
  }
}

const completed = completedUsing;

const reserve = (book: ReservationBook, id: string, engineerId: string | null, partNumber: string, quantity: number) =>
  book.reserve({ reservationId: `RES-${id}`, workOrderId: `WO-${id}`, requestId: `SR-${id}`, engineerId, lines: [{ partNumber, quantity }], ttlMs: 3_600_000, by: 'test' }, cause);

stockedAt(async () => {
  const opened = await monitoredSpares(dbName, listener);
  ({ store } = opened);
  // Two processes; the second keeps no copies, so it reads the part's stock on every reservation.
  books = [createReservationBook(store, ctx, testLogger()), createReservationBook(store, ctx, testLogger(), { stockCopyMaxAgeMs: 0 })];
  flow = createCaseFlow(store, opened.models, books[0]!, ctx, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
  return opened;
});

describe('stock levels read no claim', () => {
  it('equal the count by filter through reservations, releases, consumptions, write-offs and a shipment, with 1,500 units on a shelf', async () => {
    await books[0]!.receive('P-S', 'CENTRAL', 1500, 'test');
    await books[0]!.receive('P-S', 'VAN-ENG-1', 3, 'test');
    // The lowest units at central held by a reservation that stays open: what is consumed above it stays above the hint.
    await reserve(books[0]!, 'LOW', null, 'P-S', 2);
    const first = await levelsChecked('P-S');
    expect(commandNames(first.commands).filter((n) => n === 'find reservations')).toHaveLength(1);
    // A warm read reads no reservation it read before.
    expect(commandNames((await levelsChecked('P-S')).commands)).toEqual(['find openReservations', 'find partStock']);

    // Twenty reservations at once from two processes, then every other one released.
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => reserve(books[i % 2]!, `R${i}`, i % 3 === 0 ? 'ENG-1' : null, 'P-S', 1 + (i % 3)).catch(() => null)));
    await levelsChecked('P-S');
    for (const [i, r] of made.entries()) if (r && i % 2 === 0) await books[1]!.release(r._id, 'cancelled', cause);
    await levelsChecked('P-S');

    // Consumed: each kept reservation's work order uses one unit less than it reserved (at least one), the rest goes back.
    for (const [i, r] of made.entries()) {
      if (!r || i % 2 === 0) continue;
      const units = r.lines.reduce((sum, l) => sum + l.quantity, 0);
      await flow.consume(completed(r.workOrderId, i % 3 === 0 ? 'ENG-1' : null, 'P-S', Math.max(1, units - 1)), 'SN-1', `E-${i}`, cause);
    }
    // Written off with no reservation: the van's units first, then central's.
    await flow.consume(completed('WO-OFF', 'ENG-1', 'P-S', 4), 'SN-1', 'E-OFF', cause);
    await levelsChecked('P-S');
    const central = (await store.partStock.findOne({ _id: 'P-S' }))!.locations.find((l) => l.locationId === 'CENTRAL')!;
    // The path this is about: units gone above a unit still held, noted on the card as runs.
    expect(central.goneAbove?.length).toBeGreaterThan(0);

    // Shipped to the van: gone from central, in transit to the van, then arrived.
    await books[1]!.ship('TRF-1', 'P-S', 'CENTRAL', 'VAN-ENG-1', 5, 'test');
    await levelsChecked('P-S');
    expect(await books[0]!.arrive('TRF-1', 'test')).toBe(true);
    await levelsChecked('P-S');

    // The open reservation consumed at last: the hint moves past the runs above it.
    await flow.consume(completed('WO-LOW', null, 'P-S', 2), 'SN-1', 'E-LOW', cause);
    await levelsChecked('P-S');
    await expectCardsTrue('P-S');
    // Every part and one location, as the desk asks without a part.
    expect((await books[0]!.levels({})).filter((l) => l.partNumber === 'P-S')).toEqual(await levelsByScan('P-S'));
    expect(await books[0]!.levels({ locationId: 'VAN-ENG-1' })).toEqual((await levelsByScan('P-S')).filter((l) => l.locationId === 'VAN-ENG-1'));
  });

  it('the whole table: read whole once, then only the parts another process changed since, by `_id`', async () => {
    await books[1]!.receive('P-WHOLE', 'CENTRAL', 4, 'test');
    const whole = () => recorded(() => books[0]!.levels({}));
    const partOf = (levels: Awaited<ReturnType<ReservationBook['levels']>>) => levels.filter((l) => l.partNumber === 'P-WHOLE');
    const partReads = (run: Awaited<ReturnType<typeof whole>>) => commandNames(run.commands).filter((n) => n === 'find partStock').length;
    await whole();
    const kept = await whole();
    expect(partReads(kept)).toBe(0);
    expect(scansOf(kept.commands, { keyed: new Set([...keyed, 'partStockChanges']), small })).toEqual([]);
    expect(partOf(kept.result)).toEqual(await levelsByScan('P-WHOLE'));
    // Another process receives, then this one consumes: each shows on the next read, that part alone read again.
    await books[1]!.receive('P-WHOLE', 'CENTRAL', 3, 'test');
    const received = await whole();
    expect(partReads(received)).toBe(1);
    expect(scansOf(received.commands, { keyed: new Set([...keyed, 'partStockChanges']), small })).toEqual([]);
    expect(partOf(received.result)[0]?.onHand).toBe(7);
    expect(partOf(received.result)).toEqual(await levelsByScan('P-WHOLE'));
    await flow.consume(completed('WO-WHOLE', null, 'P-WHOLE', 2), 'SN-1', 'E-WHOLE', cause);
    const consumed = await whole();
    expect(partOf(consumed.result)[0]?.onHand).toBe(5);
    // The whole table equals the count for every part this file stocked.
    for (const part of [...new Set(consumed.result.map((l) => l.partNumber))]) expect(consumed.result.filter((l) => l.partNumber === part)).toEqual(await levelsByScan(part));
  });

  it('notes once at start the units consumed above a hint before cards kept them; reservations then never try them', async () => {
    await books[0]!.receive('P-OLD', 'CENTRAL', 20, 'test');
    // As stored before: units 2 to 8 consumed while unit 1 was not, and no card noting them.
    await store.claims.insertMany([2, 3, 4, 5, 6, 7, 8].map((unitNo) => ({ _id: `P-OLD|CENTRAL|${unitNo}`, partNumber: 'P-OLD', locationId: 'CENTRAL', unitNo, state: 'consumed' as const, reservationId: null, workOrderId: `WO-OLD-${unitNo}`, claimedAt: new Date() })));
    expect((await books[0]!.levels({ partNumber: 'P-OLD' }))[0]?.onHand).toBe(20);
    await store.builds.deleteOne({ _id: goneAboveBuildId });
    expect(await buildGoneAboveOnce(store, books[0]!.cards, () => new Date())).toBeGreaterThanOrEqual(1);
    await levelsChecked('P-OLD');
    expect((await store.partStock.findOne({ _id: 'P-OLD' }))!.locations[0]).toMatchObject({ goneBelow: 1, goneAbove: [{ from: 2, to: 8 }] });
    expect(await buildGoneAboveOnce(store, books[0]!.cards, () => new Date())).toBe(-1);
    // A reservation of three tries unit 1 and units from 9 up only: three inserts, no race lost on a unit gone.
    const run = await recorded(() => reserve(books[1]!, 'OLD', null, 'P-OLD', 3));
    expect(commandNames(run.commands).filter((n) => n === 'insert unitClaims')).toHaveLength(3);
    expect(run.result.claimIds?.every((id) => !/\|[2-8]$/.test(id))).toBe(true);
    await levelsChecked('P-OLD');
  });

  it('a shipment cut short: the sweep notes a stored transfer\u2019s units gone at the origin, and gives back those of one never stored', async () => {
    await books[0]!.receive('P-SHIP', 'CENTRAL', 10, 'test');
    const cards = books[0]!.cards;
    // Stored, then the process died before the cards: in transit nowhere, still on central's shelf by the card.
    await cards.note('transfer', 'TRF-CUT');
    const won = await books[0]!.claimUnits('P-SHIP', 'CENTRAL', 3, { state: 'shipped', reservationId: null, workOrderId: 'TRF-CUT' });
    await store.transfers.insertOne({ _id: 'TRF-CUT', partNumber: 'P-SHIP', fromLocationId: 'CENTRAL', toLocationId: 'VAN-ENG-1', quantity: 3, unitNos: won.map((c) => c.unitNo), shippedAt: new Date(), by: 'test' });
    // Never stored: its units claimed, then the process died.
    await cards.note('transfer', 'TRF-LOST');
    await books[0]!.claimUnits('P-SHIP', 'CENTRAL', 2, { state: 'shipped', reservationId: null, workOrderId: 'TRF-LOST' });
    expect((await books[0]!.levels({ partNumber: 'P-SHIP' }))[0]?.onHand).toBe(10);

    // Within the grace the entry naming nothing stored is left alone (its writer may be storing it now).
    await cards.reconcileUncounted(new Date(), 60_000);
    expect(await store.claims.countDocuments({ workOrderId: 'TRF-LOST' })).toBe(2);
    await cards.reconcileUncounted(new Date(Date.now() + 120_000), 60_000);
    expect(await store.claims.countDocuments({ workOrderId: 'TRF-LOST' })).toBe(0);
    expect(await store.uncountedStock.countDocuments({})).toBe(0);
    const levels = await levelsChecked('P-SHIP');
    expect(levels.result.map((l) => [l.locationId, l.onHand, l.inTransit])).toEqual([
      ['CENTRAL', 7, 0],
      ['VAN-ENG-1', 0, 3],
    ]);
    // The units given back are in reach again, though the hint had passed them.
    const all = await reserve(books[1]!, 'SHIP', null, 'P-SHIP', 7);
    expect(all.claimIds).toHaveLength(7);
    await levelsChecked('P-SHIP');
  });
});
