import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, monitoredConnection, scansOf, testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import { createSparesStore, type DefectiveReturnDoc, type SparesStore } from '../store/collections';
import { createReservationBook, type ReservationBook } from '../store/reservations';
import { createOpenLists } from '../store/open-lists';
import { createSweeps } from './sweeps';

const stack = inject('stack');
const dbName = uniqueName('spares-sweep').replace(/-/g, '_');
const day = 86_400_000;

/** The worker's sweep on the real Mongo server: unconsumed reservations expire, overdue returns are chased and flagged once. */
describe('spares sweep', () => {
  let connection: Connection;
  let store: SparesStore;
  let book: ReservationBook;
  let now = utcDayAt(0, '08:00');
  const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => now };
  const { listener, recorded } = commandRecorder();

  beforeAll(async () => {
    connection = await monitoredConnection(stack.mongoUrl, dbName, listener);
    store = createSparesStore(connection);
    await store.init();
    book = createReservationBook(store, ctx, testLogger());
    await store.locations.insertOne({ _id: 'CENTRAL', kind: 'central', name: 'Central', engineerId: null });
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

  it('gives back claims of a reservation that was never stored (a crash between claim and reservation)', async () => {
    await store.claims.insertOne({ _id: 'P-FILTER|CENTRAL|1', partNumber: 'P-FILTER', locationId: 'CENTRAL', unitNo: 1, state: 'reserved', reservationId: 'RES-LOST', workOrderId: 'WO-LOST', claimedAt: now });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    expect(await sweeps.dropOrphanClaims()).toBe(0);
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await sweeps.dropOrphanClaims()).toBe(1);
    expect((await book.levels({ partNumber: 'P-FILTER' }))[0]).toMatchObject({ available: 2 });
  });

  it('gives back the claims of a release that died after storing its end', async () => {
    const reservation = await book.reserve({ reservationId: 'RES-HALF', workOrderId: 'WO-HALF', requestId: 'SR-HALF', engineerId: null, lines: [{ partNumber: 'P-FILTER', quantity: 1 }], ttlMs: day, by: 'test' }, { correlationId: 'c', causationId: null });
    await store.reservationEnds.insertOne({ _id: reservation._id, workOrderId: 'WO-HALF', kind: 'released', reason: 'cancelled', at: now });
    // A repeated release answers "ended before" and leaves the units to the sweep.
    expect(await book.release(reservation._id, 'cancelled', { correlationId: 'c', causationId: null })).toBe(false);
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    expect(await sweeps.dropOrphanClaims()).toBe(0);
    expect((await book.levels({ partNumber: 'P-FILTER' }))[0]).toMatchObject({ reserved: 1 });
    now = new Date(now.getTime() + 11 * 60_000);
    expect(await sweeps.dropOrphanClaims()).toBe(1);
    expect((await book.levels({ partNumber: 'P-FILTER' }))[0]).toMatchObject({ reserved: 0, available: 2 });
  });

  it('counts receipts their stock card missed, so their units can be reserved', async () => {
    // A receipt stored by a process that died before counting it (or stored before stock cards existed).
    await store.receipts.insertOne({ _id: 'P-GASKET|CENTRAL|1', partNumber: 'P-GASKET', locationId: 'CENTRAL', quantity: 3, receivedAt: now, by: 'test' });
    const reserve = (id: string) => book.reserve({ reservationId: id, workOrderId: `WO-${id}`, requestId: 'SR-G', engineerId: null, lines: [{ partNumber: 'P-GASKET', quantity: 3 }], ttlMs: day, by: 'test' }, { correlationId: 'c', causationId: null });
    await expect(reserve('RES-G1')).rejects.toMatchObject({ status: 409 });
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY);
    expect(await sweeps.reconcileStockCards()).toBe(1);
    expect(await sweeps.reconcileStockCards()).toBe(0);
    expect(await store.stockCards.findOne({ _id: 'P-GASKET|CENTRAL' })).toMatchObject({ received: 3 });
    expect((await reserve('RES-G2')).lines).toEqual([{ partNumber: 'P-GASKET', locationId: 'CENTRAL', quantity: 3 }]);
    // The next receipt there is numbered past the one the card missed, and both count.
    await book.receive('P-GASKET', 'CENTRAL', 2, 'test');
    expect(await store.stockCards.findOne({ _id: 'P-GASKET|CENTRAL' })).toMatchObject({ received: 5 });
  });
});
