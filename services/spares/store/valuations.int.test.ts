import type { Connection } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { commandNames, commandRecorder, scansOf, testLogger, uniqueName } from '@aftersales/platform/testing';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import type { UnitCursor } from '../domain/valuation';
import { createCaseFlow, type CaseFlow } from './case-flow';
import type { SparesStore } from './collections';
import { completedUsing, monitoredSpares, stockedAt } from './on-stack';
import { createReservationBook, type ReservationBook } from './reservations';
import { createStockValuations, type StockValuations } from './valuations';

/**
 * The daily stock valuation against FerretDB, with 1,500 units on a shelf: it reads the claims of
 * the units gone since the previous valuation only (never those on the shelf), by `_id`, and its
 * figures equal a count of every claim by filter, day after day, a consumption whose card lags its
 * claims included.
 */
const dbName = uniqueName('spares-valuations').replace(/-/g, '_');
const cause = { correlationId: 'c', causationId: null };
const day = 86_400_000;
let at = new Date();
const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => at };
// Small by construction: one document per part in stock and per location (each read whole once a
// run), the locations' latest valuations, and the locks held now.
const small = new Set(['partStock', 'locations', 'stockValuationHeads', 'sparesKeyLocks']);

let connection: Connection;
let store: SparesStore;
let book: ReservationBook;
let flow: CaseFlow;
let valuations: StockValuations;
const { listener, recorded } = commandRecorder();

const completed = (id: string, partNumber: string, quantity: number) => completedUsing(id, null, partNumber, quantity, at);

/** What every claim at central says, by filter: the units gone, and those consumed. */
async function claimsByScan(partNumber: string) {
  const claims = await store.claims.find({ partNumber, locationId: 'CENTRAL' }).toArray();
  return { gone: claims.filter((c) => c.state !== 'reserved').map((c) => c.unitNo).sort((a, b) => a - b), consumed: claims.filter((c) => c.state === 'consumed').length };
}

/** Values central today, checked against the count by filter; answers the claims it read and the cursor it left. */
async function valueCentral(partNumber: string, received: number, consumedBefore: number) {
  const before = (await valuations.collection.find({ locationId: 'CENTRAL' }).toArray()).sort((a, b) => a.day.localeCompare(b.day)).at(-1);
  const cursor: UnitCursor | null = before?.lines.find((l) => l.partNumber === partNumber)?.cursor ?? null;
  const run = await recorded(() => valuations.run('CENTRAL'));
  const line = run.result.outcomes[0]!.valuation.lines.find((l) => l.partNumber === partNumber)!;
  const scan = await claimsByScan(partNumber);
  expect(line.onHand).toBe(received - scan.gone.length);
  expect(line.consumedUnits).toBe(scan.consumed - consumedBefore);
  expect(scansOf(run.commands, { keyed: new Set(['unitClaims']), small })).toEqual([]);
  const claimReads = commandNames(run.commands).filter((n) => n === 'find unitClaims').length;
  // Exactly the units gone since the cursor and not counted by it.
  expect(claimReads).toBe(scan.gone.filter((n) => n >= (cursor?.countedBelow ?? 1) && !(cursor?.counted ?? []).includes(n)).length);
  return { line, claimReads };
}

stockedAt(async () => {
  const opened = await monitoredSpares(dbName, listener);
  ({ connection, store } = opened);
  book = createReservationBook(store, ctx, testLogger());
  flow = createCaseFlow(store, opened.models, book, ctx, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
  valuations = createStockValuations(connection, store, opened.models, ctx, testLogger());
  return opened;
});

describe('the daily stock valuation', () => {
  it('reads only the claims of units gone since the previous one, and counts each consumed unit once, with 1,500 units on a shelf', async () => {
    await book.receive('P-V', 'CENTRAL', 1500, 'test');
    // The two lowest units held by a reservation that stays open a day: what goes above them stays above the hint.
    await book.reserve({ reservationId: 'RES-LOW', workOrderId: 'WO-LOW', requestId: 'SR-LOW', engineerId: null, lines: [{ partNumber: 'P-V', quantity: 2 }], ttlMs: 3 * day, by: 'test' }, cause);
    for (const k of [1, 2, 3]) await flow.consume(completed(`WO-A${k}`, 'P-V', 2), 'SN-1', `E-A${k}`, cause);
    await book.ship('TRF-1', 'P-V', 'CENTRAL', 'VAN-ENG-1', 3, 'test');

    // Day 1, the first valuation: the six consumed units and the three shipped, not the 1,489 left.
    const first = await valueCentral('P-V', 1500, 0);
    expect(first.line.consumedUnits).toBe(6);
    expect(first.claimReads).toBe(9);

    // Day 2: the held units consumed at last, four more written off.
    await flow.consume(completed('WO-LOW', 'P-V', 2), 'SN-1', 'E-LOW', cause);
    await flow.consume(completed('WO-B', 'P-V', 4), 'SN-1', 'E-B', cause);
    at = new Date(at.getTime() + day);
    const second = await valueCentral('P-V', 1500, 6);
    expect(second.line.consumedUnits).toBe(6);
    expect(second.claimReads).toBeLessThan(20);

    // Day 3: a consumption whose card has not noted it yet (its process between the claims and the
    // card) counts as on hand, not consumed; once its card notes it, the next day counts it, once.
    const lagging = await book.claimUnits('P-V', 'CENTRAL', 3, { state: 'consumed', reservationId: null, workOrderId: 'WO-LAG' });
    at = new Date(at.getTime() + day);
    const third = await recorded(() => valuations.run('CENTRAL'));
    const line = third.result.outcomes[0]!.valuation.lines.find((l) => l.partNumber === 'P-V')!;
    expect([line.onHand, line.consumedUnits]).toEqual([1500 - 15, 0]);
    await book.cards.passConsumed('P-V', 'CENTRAL', lagging.map((c) => c.unitNo));
    at = new Date(at.getTime() + day);
    const fourth = await valueCentral('P-V', 1500, 12);
    expect(fourth.line.consumedUnits).toBe(3);
    // Those three, and any shipped unit the cursor has not passed yet (units are claimed spread over
    // the lowest free ones; a shipment's units stay unlisted, as one never stored is given back).
    expect(fourth.claimReads).toBeGreaterThanOrEqual(3);
    expect(fourth.claimReads).toBeLessThanOrEqual(3 + 3);
  });
});
