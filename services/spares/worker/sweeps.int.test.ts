import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, monitoredConnection, scansOf, testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import { buildAwaitingReportsOnce } from '../store/awaiting-reports';
import { createCaseFlow, type CaseFlow } from '../store/case-flow';
import { createSparesStore, type DefectiveReturnDoc, type SparesStore } from '../store/collections';
import { createSparesModels } from '../store/models';
import { buildOpenReservationsOnce } from '../store/open-reservations';
import { createReservationBook, type ReservationBook } from '../store/reservations';
import { createOpenLists } from '../store/open-lists';
import { createSweeps, reportGraceMs } from './sweeps';

const stack = inject('stack');
const dbName = uniqueName('spares-sweep').replace(/-/g, '_');
const day = 86_400_000;
const cause = { correlationId: 'c', causationId: null };
/** Collections that grow with every reservation, claim, case, receipt and transfer: `_id` filters only. */
const keyed = new Set(['reservations', 'reservationEnds', 'unitClaims', 'cases', 'workOrders', 'consumptions', 'stockReceipts', 'stockCards', 'partStock', 'stockTransfers', 'defectiveReturns']);
/** Small by construction: the sweep's lists, locks in use, flags and chases. */
const small = new Set(['openReservations', 'casesAwaitingReport', 'uncountedStock', 'openReturns', 'sparesKeyLocks', 'redFlags', 'returnChases', 'outboxPending']);

/** The worker's sweep on the real Mongo server: unconsumed reservations expire, overdue returns are chased and flagged once. */
describe('spares sweep', () => {
  let connection: Connection;
  let store: SparesStore;
  let book: ReservationBook;
  let flow: CaseFlow;
  let now = utcDayAt(0, '08:00');
  const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => now };
  const { listener, recorded } = commandRecorder();
  const entries = async () => ({
    reservations: (await store.openReservations.find({}).toArray()).map((e) => e._id).sort(),
    cases: (await store.casesAwaitingReport.find({}).toArray()).map((e) => e._id).sort(),
    uncounted: (await store.uncountedStock.find({}).toArray()).map((e) => e._id).sort(),
  });

  beforeAll(async () => {
    connection = await monitoredConnection(stack.mongoUrl, dbName, listener);
    store = createSparesStore(connection);
    await store.init();
    book = createReservationBook(store, ctx, testLogger());
    const models = createSparesModels(connection);
    await Promise.all(Object.values(models).map((m) => m.init()));
    flow = createCaseFlow(store, models, book, ctx, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
    await store.locations.insertMany([
      { _id: 'CENTRAL', kind: 'central', name: 'Central', engineerId: null },
      { _id: 'REG-EAST', kind: 'regional', name: 'Regional east', engineerId: null },
    ]);
    await book.receive('P-FILTER', 'CENTRAL', 2, 'test');
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('expires a reservation nobody consumed and gives its units back, once', async () => {
    await book.reserve({ reservationId: 'RES-OLD', workOrderId: 'WO-OLD', requestId: 'SR-OLD', engineerId: null, lines: [{ partNumber: 'P-FILTER', quantity: 2 }], ttlMs: day, by: 'test' }, { correlationId: 'c', causationId: null });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    expect((await sweeps.runOnce()).expired).toBe(0);
    now = new Date(now.getTime() + day + 1);
    expect((await sweeps.runOnce()).expired).toBe(1);
    expect(await store.reservationEnds.findOne({ _id: 'RES-OLD' })).toMatchObject({ kind: 'released', reason: 'expired' });
    // Off the open list once its claims went back.
    expect((await entries()).reservations).toEqual([]);
    expect((await store.reservationEnds.findOne({ _id: 'RES-OLD' }))?.outbox?.[0]?.event.type).toBe('parts.released');
    expect((await book.levels({ partNumber: 'P-FILTER' }))[0]).toMatchObject({ reserved: 0, available: 2 });
    expect((await sweeps.runOnce()).expired).toBe(0);
  });

  it('chases an overdue defective return and flags it once past the limit', async () => {
    const due = new Date(now.getTime() - day);
    const doc: DefectiveReturnDoc = {
      _id: 'RET-WO-9-1', partNumber: 'P-FILTER', removedSerial: null, quantity: 1, workOrderId: 'WO-9', requestId: 'SR-9', engineerId: 'ENG-9', machineSerial: 'SN-9', model: null, productLine: null, failureMode: null,
      createdAt: due, dueAt: due, status: 'awaiting-return', returnedAt: null, lastChasedAt: null, chaseCount: 0, flaggedAt: null,
    };
    // Stored as a report opens it: listed among the open returns, which the chase reads.
    await createOpenLists(store, () => now).insert('returns', doc);
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY, undefined, { topic: (t) => t, now: () => now });
    const first = await recorded(() => sweeps.chaseReturns());
    expect(first.result).toEqual({ chased: 1, flagged: 0 });
    // The open returns' list, then the return by `_id`: no filter over every return stored.
    expect(scansOf(first.commands, { keyed: new Set(['defectiveReturns']), small: new Set(['openReturns', 'returnChases', 'sparesKeyLocks', 'redFlags']) })).toEqual([]);
    expect(await sweeps.chaseReturns()).toEqual({ chased: 0, flagged: 0 });
    now = new Date(due.getTime() + 31 * day);
    expect(await sweeps.chaseReturns()).toEqual({ chased: 1, flagged: 1 });
    expect(await store.returns.findOne({ _id: doc._id })).toMatchObject({ chaseCount: 2, flaggedAt: now });
    // Each chase is a fact for the notifications service, keyed by its number: told once each, the second flagged.
    const chases = await Promise.all([1, 2].map((n) => store.returnChases.findOne({ _id: `${doc._id}#${n}` })));
    expect(chases.map((c) => c?.outbox?.map((o) => [o.topic, o.event.type, (o.event.data as { chase: number; flagged: boolean; engineerId: string }).chase, (o.event.data as { flagged: boolean }).flagged]))).toEqual([
      [['spares.returns.v1', 'defective-part.return-overdue', 1, false]],
      [['spares.returns.v1', 'defective-part.return-overdue', 2, true]],
    ]);
    expect(await store.redFlags.findOne({ _id: `defective-part-not-returned|${doc._id}` })).toMatchObject({ kind: 'defective-part-not-returned', engineerId: 'ENG-9' });
  });

  it('a sweep with nothing crashed reads the small lists and documents by _id only, none a filter FerretDB would scan', async () => {
    // Live work of every kind the sweep looks after: a reservation open, a case closed waiting for its
    // report, a receipt counted and a transfer on its way, all written by the real paths.
    await book.receive('P-BELT', 'CENTRAL', 3, 'test');
    await book.reserve({ reservationId: 'RES-LIVE', workOrderId: 'WO-LIVE', requestId: 'SR-LIVE', engineerId: null, lines: [{ partNumber: 'P-BELT', quantity: 1 }], ttlMs: 30 * day, by: 'test' }, cause);
    await book.ship('TR-LIVE', 'P-BELT', 'CENTRAL', 'REG-EAST', 1, 'test');
    await store.cases.insertOne({ _id: 'SR-WAIT', customerId: 'CUST-1', serialNumber: 'SN-W', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: now, status: 'open', closedAt: null });
    expect(await flow.allocate('SR-WAIT', now, 'WO-WAIT')).toBe(0);
    // Counted and noted: nothing uncounted; the reservation and the case listed.
    expect(await entries()).toEqual({ reservations: ['RES-LIVE'], cases: ['SR-WAIT'], uncounted: [] });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY, flow, { topic: (t) => t, now: () => now });
    const run = await recorded(() => sweeps.runOnce());
    expect(run.result).toEqual({ expired: 0, chased: 0, flagged: 0 });
    // Before the lists, this sweep sent `reservations { expiresAt: { $lte } }`, `reservationEnds { _id: { $in } }`,
    // `unitClaims { state, claimedAt }`, `cases { status, closedAt }` and `{}` over stockReceipts, stockCards,
    // partStock and stockTransfers: each reported here as a scan.
    expect(scansOf(run.commands, { keyed, small })).toEqual([]);
    expect(await entries()).toEqual({ reservations: ['RES-LIVE'], cases: ['SR-WAIT'], uncounted: [] });
    expect((await book.levels({ partNumber: 'P-BELT', locationId: 'REG-EAST' }))[0]).toMatchObject({ inTransit: 1 });
  });

  it('gives back claims of a reservation that was never stored (a crash between claim and reservation)', async () => {
    // What the attempt left: its open entry (written first) and a claim; the reservation never stored.
    await store.openReservations.insertOne({ _id: 'RES-LOST', workOrderId: 'WO-LOST', at: now });
    await store.claims.insertOne({ _id: 'P-FILTER|CENTRAL|1', partNumber: 'P-FILTER', locationId: 'CENTRAL', unitNo: 1, state: 'reserved', reservationId: 'RES-LOST', workOrderId: 'WO-LOST', claimedAt: now });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    expect(await sweeps.dropOrphanClaims()).toBe(0);
    expect((await entries()).reservations).toContain('RES-LOST');
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await sweeps.dropOrphanClaims()).toBe(1);
    expect((await book.levels({ partNumber: 'P-FILTER' }))[0]).toMatchObject({ available: 2 });
    expect((await entries()).reservations).not.toContain('RES-LOST');
    expect(await sweeps.dropOrphanClaims()).toBe(0);
  });

  it('leaves an attempt younger than the grace alone, and its claims with it', async () => {
    await store.openReservations.insertOne({ _id: 'RES-FLIGHT', workOrderId: 'WO-FLIGHT', at: new Date(now.getTime() - 60_000) });
    await store.claims.insertOne({ _id: 'P-FILTER|CENTRAL|2', partNumber: 'P-FILTER', locationId: 'CENTRAL', unitNo: 2, state: 'reserved', reservationId: 'RES-FLIGHT', workOrderId: 'WO-FLIGHT', claimedAt: now });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    expect(await sweeps.dropOrphanClaims()).toBe(0);
    expect(await store.claims.findOne({ _id: 'P-FILTER|CENTRAL|2' })).not.toBeNull();
    // The attempt refused after all: it gives its claim back and leaves the list (as reserve's catch does).
    await store.claims.deleteOne({ _id: 'P-FILTER|CENTRAL|2' });
    await book.openList.close('RES-FLIGHT');
  });

  it('gives back the claims of a release that died after storing its end', async () => {
    const reservation = await book.reserve({ reservationId: 'RES-HALF', workOrderId: 'WO-HALF', requestId: 'SR-HALF', engineerId: null, lines: [{ partNumber: 'P-FILTER', quantity: 1 }], ttlMs: day, by: 'test' }, { correlationId: 'c', causationId: null });
    await store.reservationEnds.insertOne({ _id: reservation._id, workOrderId: 'WO-HALF', kind: 'released', reason: 'cancelled', at: now });
    // A repeated release answers "ended before" and leaves the units to the sweep.
    expect(await book.release(reservation._id, 'cancelled', { correlationId: 'c', causationId: null })).toBe(false);
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    expect(await sweeps.dropOrphanClaims()).toBe(0);
    expect((await book.levels({ partNumber: 'P-FILTER' }))[0]).toMatchObject({ reserved: 1 });
    // The release died before leaving the open list: its entry is still there.
    expect((await entries()).reservations).toContain('RES-HALF');
    now = new Date(now.getTime() + 11 * 60_000);
    // Its claims are read and given back by `_id` (the reservation kept their ids): no scan.
    const run = await recorded(() => sweeps.dropOrphanClaims());
    expect(run.result).toBe(1);
    expect(scansOf(run.commands, { keyed, small })).toEqual([]);
    expect((await book.levels({ partNumber: 'P-FILTER' }))[0]).toMatchObject({ reserved: 0, available: 2 });
    expect((await entries()).reservations).not.toContain('RES-HALF');
    expect(await sweeps.dropOrphanClaims()).toBe(0);
  });

  it('charges a case awaiting its report past the grace, once, and drops an entry its close left', async () => {
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY, flow);
    const closedAt = (await store.cases.findOne({ _id: 'SR-WAIT' }))!.closedAt!;
    // A case closed (and charged) whose close died before taking it off the list.
    await store.cases.insertOne({ _id: 'SR-DONE', customerId: 'CUST-1', serialNumber: 'SN-D', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: now, status: 'closed', closedAt: now });
    await store.casesAwaitingReport.insertOne({ _id: 'SR-DONE', at: now });
    now = new Date(closedAt.getTime() + reportGraceMs - 1);
    expect(await sweeps.settleUnreportedCases()).toBe(0);
    expect((await entries()).cases).toEqual(['SR-WAIT']);
    now = new Date(closedAt.getTime() + reportGraceMs + 1);
    expect(await sweeps.settleUnreportedCases()).toBe(1);
    expect(await store.cases.findOne({ _id: 'SR-WAIT' })).toMatchObject({ status: 'closed' });
    expect(await store.redFlags.findOne({ _id: 'no-completion-report|SR-WAIT' })).toMatchObject({ kind: 'no-completion-report' });
    expect((await entries()).cases).toEqual([]);
    expect(await sweeps.settleUnreportedCases()).toBe(0);
  });

  it('counts receipts their stock card missed, so their units can be reserved', async () => {
    // A receipt stored by a process that died before counting it: its uncounted entry (written first) and the receipt.
    await store.uncountedStock.insertOne({ _id: 'receipt|P-GASKET|CENTRAL|1', kind: 'receipt', ref: 'P-GASKET|CENTRAL|1', at: now });
    await store.receipts.insertOne({ _id: 'P-GASKET|CENTRAL|1', partNumber: 'P-GASKET', locationId: 'CENTRAL', quantity: 3, receivedAt: now, by: 'test' });
    const reserve = (id: string) => book.reserve({ reservationId: id, workOrderId: `WO-${id}`, requestId: 'SR-G', engineerId: null, lines: [{ partNumber: 'P-GASKET', quantity: 3 }], ttlMs: day, by: 'test' }, { correlationId: 'c', causationId: null });
    await expect(reserve('RES-G1')).rejects.toMatchObject({ status: 409 });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    const run = await recorded(() => sweeps.reconcileStockCards());
    expect(run.result).toBe(1);
    expect(scansOf(run.commands, { keyed, small })).toEqual([]);
    expect(await sweeps.reconcileStockCards()).toBe(0);
    expect(await store.stockCards.findOne({ _id: 'P-GASKET|CENTRAL' })).toMatchObject({ received: 3 });
    expect((await entries()).uncounted).toEqual([]);
    expect((await reserve('RES-G2')).lines).toEqual([{ partNumber: 'P-GASKET', locationId: 'CENTRAL', quantity: 3 }]);
    // The next receipt there is numbered past the one the card missed, and both count.
    await book.receive('P-GASKET', 'CENTRAL', 2, 'test');
    expect(await store.stockCards.findOne({ _id: 'P-GASKET|CENTRAL' })).toMatchObject({ received: 5 });
  });

  it('notes a transfer shipped whose destination card missed it, and forgets an entry naming nothing past the grace', async () => {
    // The shipment died after storing the transfer (its units claimed shipped), before noting it on the card.
    await book.claimUnits('P-BELT', 'CENTRAL', 1, { state: 'shipped', reservationId: null, workOrderId: 'TR-HALF' });
    await store.uncountedStock.insertOne({ _id: 'transfer|TR-HALF', kind: 'transfer', ref: 'TR-HALF', at: now });
    await store.transfers.insertOne({ _id: 'TR-HALF', partNumber: 'P-BELT', fromLocationId: 'CENTRAL', toLocationId: 'REG-EAST', quantity: 1, shippedAt: now, by: 'test' });
    // And one that died before storing its transfer: only the entry.
    await store.uncountedStock.insertOne({ _id: 'transfer|TR-NEVER', kind: 'transfer', ref: 'TR-NEVER', at: now });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    const run = await recorded(() => sweeps.reconcileStockCards());
    expect(scansOf(run.commands, { keyed, small })).toEqual([]);
    expect((await store.stockCards.findOne({ _id: 'P-BELT|REG-EAST' }))?.inTransit).toEqual([{ transferId: 'TR-LIVE', quantity: 1 }, { transferId: 'TR-HALF', quantity: 1 }]);
    expect((await book.levels({ partNumber: 'P-BELT', locationId: 'REG-EAST' }))[0]).toMatchObject({ inTransit: 2 });
    expect((await entries()).uncounted).toEqual(['transfer|TR-NEVER']);
    now = new Date(now.getTime() + 11 * 60_000);
    await sweeps.reconcileStockCards();
    expect((await entries()).uncounted).toEqual([]);
    // It arrives: counted as received, no longer in transit.
    expect(await book.arrive('TR-HALF', 'test')).toBe(true);
    expect(await store.stockCards.findOne({ _id: 'P-BELT|REG-EAST' })).toMatchObject({ received: 1, inTransit: [{ transferId: 'TR-LIVE', quantity: 1 }] });
    expect((await entries()).uncounted).toEqual([]);
  });

  it('lists what was stored before the lists, once, so the sweep still finds it', async () => {
    // A reservation and a case stored awaiting its report as the code before the lists stored them: no entries.
    await book.receive('P-OLD', 'CENTRAL', 1, 'test');
    const stored = await book.reserve({ reservationId: 'RES-BEFORE', workOrderId: 'WO-BEFORE', requestId: 'SR-BEFORE', engineerId: null, lines: [{ partNumber: 'P-OLD', quantity: 1 }], ttlMs: day, by: 'test' }, cause);
    await store.openReservations.deleteOne({ _id: stored._id });
    await store.cases.insertOne({ _id: 'SR-BEFORE', customerId: 'CUST-1', serialNumber: 'SN-B', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: now, status: 'awaiting-report', closedAt: now, closedWorkOrderId: 'WO-BEFORE' });
    // RES-BEFORE only: the open RES-LIVE and RES-G2 listed themselves, the others ended with their claims given back.
    expect(await buildOpenReservationsOnce(store, () => now)).toBe(1);
    expect(await buildOpenReservationsOnce(store, () => now)).toBe(-1);
    expect(await buildAwaitingReportsOnce(store, () => now)).toBe(1);
    expect(await buildAwaitingReportsOnce(store, () => now)).toBe(-1);
    expect(await store.builds.findOne({ _id: 'open-reservations@1' })).not.toBeNull();
    // A receipt stored before the uncounted entries, never counted: the full reconcile counts it, once per database.
    await store.receipts.insertOne({ _id: 'P-OLD|CENTRAL|2', partNumber: 'P-OLD', locationId: 'CENTRAL', quantity: 4, receivedAt: now, by: 'test' });
    expect(await book.cards.reconcileOnce()).toBe(1);
    expect(await book.cards.reconcileOnce()).toBe(-1);
    expect(await store.stockCards.findOne({ _id: 'P-OLD|CENTRAL' })).toMatchObject({ received: 5 });
    now = new Date(now.getTime() + reportGraceMs + day);
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY, flow);
    // RES-BEFORE and RES-G2 (a day each) expire; RES-LIVE (thirty days) stays open.
    expect(await sweeps.expireReservations()).toBe(2);
    expect(await store.reservationEnds.findOne({ _id: 'RES-BEFORE' })).toMatchObject({ reason: 'expired' });
    expect(await sweeps.settleUnreportedCases()).toBe(1);
    expect(await entries()).toEqual({ reservations: ['RES-LIVE'], cases: [], uncounted: [] });
  });
});
