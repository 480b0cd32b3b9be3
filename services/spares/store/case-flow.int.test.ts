import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import { createSweeps, reportGraceMs } from '../worker/sweeps';
import { createCaseFlow, type CaseFlow } from './case-flow';
import { createSparesStore, type SparesStore, type WorkOrderDoc } from './collections';
import { createSparesModels } from './models';
import { createReservationBook, type ReservationBook } from './reservations';

const stack = inject('stack');
const dbName = uniqueName('spares-flow').replace(/-/g, '_');
const anchor = utcDayAt(0, '08:00');
const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => anchor };
const cause = { correlationId: 'c', causationId: null };

/** Consumption on the real Mongo server: reservation first, van next, and a retry after a crash writes nothing off twice. */
describe('consumption and write-off', () => {
  let connection: Connection;
  let store: SparesStore;
  let book: ReservationBook;
  let flow: CaseFlow;

  beforeAll(async () => {
    connection = await connectMongo(stack.mongoUrl, dbName);
    store = createSparesStore(connection);
    await store.init();
    const models = createSparesModels(connection);
    book = createReservationBook(store, ctx, testLogger());
    flow = createCaseFlow(store, models, book, ctx, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
    await store.locations.insertMany([
      { _id: 'VAN-ENG-1', kind: 'van', name: 'Van', engineerId: 'ENG-1' },
      { _id: 'CENTRAL', kind: 'central', name: 'Central', engineerId: null },
    ]);
    await book.receive('P-BELT', 'VAN-ENG-1', 2, 'test');
    await book.receive('P-BELT', 'CENTRAL', 3, 'test');
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('takes the reserved unit, writes the extra one off the van, gives the unused reservation back, and a retry changes nothing', async () => {
    await book.reserve({ reservationId: 'RES-1', workOrderId: 'WO-1', requestId: 'SR-1', engineerId: null, lines: [{ partNumber: 'P-BELT', quantity: 2 }], ttlMs: 3_600_000, by: 'test' }, cause);
    const workOrder: WorkOrderDoc = {
      _id: 'WO-1', requestId: 'SR-1', engineerId: 'ENG-1', status: 'completed', route: 'field-visit', updatedAt: ctx.now(),
      completion: { eventId: 'E-1', effortMinutes: 60, travelMinutes: 30, cause: 'belt torn', failureMode: null, partsUsed: [{ partNumber: 'P-BELT', quantity: 3, removedSerial: null }], finishedAt: ctx.now() },
    };
    const first = await flow.consume(workOrder, 'SN-1', 'E-1', cause);
    // Reserved with no engineer: both units came from central; the third from the engineer's van.
    expect(first?.lines).toEqual([
      { partNumber: 'P-BELT', locationId: 'CENTRAL', quantity: 2, fromReservation: 2, writtenOff: 0 },
      { partNumber: 'P-BELT', locationId: 'VAN-ENG-1', quantity: 1, fromReservation: 0, writtenOff: 1 },
    ]);
    expect(await store.reservationEnds.findOne({ _id: 'RES-1' })).toMatchObject({ kind: 'consumed', usedUnits: 2, returnedUnits: 0 });
    const levels = async () => (await book.levels({ partNumber: 'P-BELT' })).map((l) => [l.locationId, l.onHand, l.reserved]);
    expect(await levels()).toEqual([
      ['CENTRAL', 1, 0],
      ['VAN-ENG-1', 1, 0],
    ]);
    // A crash after the write-off and before the consumption was stored: the handler runs again.
    await store.consumptions.deleteOne({ _id: 'WO-1' });
    const again = await flow.consume(workOrder, 'SN-1', 'E-1', cause);
    expect(again?.lines.reduce((sum, l) => sum + l.quantity, 0)).toBe(3);
    expect(await levels()).toEqual([
      ['CENTRAL', 1, 0],
      ['VAN-ENG-1', 1, 0],
    ]);
  });

  it('of two reservations a report uses one unit of, one reads consumed and the other released as not used', async () => {
    await book.receive('P-BELT', 'CENTRAL', 2, 'test');
    for (const reservationId of ['RES-A', 'RES-B']) {
      await book.reserve({ reservationId, workOrderId: 'WO-2', requestId: 'SR-2', engineerId: null, lines: [{ partNumber: 'P-BELT', quantity: 1 }], ttlMs: 3_600_000, by: 'test' }, cause);
    }
    const workOrder: WorkOrderDoc = {
      _id: 'WO-2', requestId: 'SR-2', engineerId: 'ENG-1', status: 'completed', route: 'field-visit', updatedAt: ctx.now(),
      completion: { eventId: 'E-2', effortMinutes: 30, travelMinutes: 0, cause: 'belt worn', failureMode: null, partsUsed: [{ partNumber: 'P-BELT', quantity: 1, removedSerial: null }], finishedAt: ctx.now() },
    };
    await flow.consume(workOrder, 'SN-2', 'E-2', cause);
    const ends = await store.reservationEnds.find({ _id: { $in: ['RES-A', 'RES-B'] } }).toArray();
    expect(ends.map(({ kind, reason, usedUnits, returnedUnits }) => ({ kind, reason, usedUnits, returnedUnits })).sort((a, b) => a.kind.localeCompare(b.kind))).toEqual([
      { kind: 'consumed', reason: 'consumed', usedUnits: 1, returnedUnits: 0 },
      { kind: 'released', reason: 'not-used', usedUnits: 0, returnedUnits: 1 },
    ]);
    // Releasing the consumed one afterwards changes nothing (the API answers 409 for it).
    const consumed = ends.find((e) => e.kind === 'consumed')!;
    expect(await book.release(consumed._id, 'cancelled', cause)).toBe(false);
    expect(await store.reservationEnds.findOne({ _id: consumed._id })).toMatchObject({ kind: 'consumed' });
  });

  it('a case closed before its work order was reported waits without blocking, and is charged once the grace is over', async () => {
    await store.cases.insertOne({ _id: 'SR-2', customerId: 'CUST-1', serialNumber: 'SN-2', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: ctx.now(), status: 'open', closedAt: null });
    await store.workOrders.insertOne({ _id: 'WO-2', requestId: 'SR-2', engineerId: 'ENG-1', status: 'assigned', route: 'field-visit', updatedAt: ctx.now(), completion: null });
    const closedAt = ctx.now();
    // No report yet: nothing charged, nothing thrown (a throw would hold the consumer's partition).
    expect(await flow.allocate('SR-2', closedAt, 'WO-2')).toBe(0);
    expect(await store.cases.findOne({ _id: 'SR-2' })).toMatchObject({ status: 'awaiting-report', closedWorkOrderId: 'WO-2' });
    expect(await store.allocations.countDocuments({ caseId: 'SR-2' })).toBe(0);

    let now = new Date(closedAt.getTime() + reportGraceMs - 1);
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY, flow);
    expect(await sweeps.settleUnreportedCases()).toBe(0);
    now = new Date(closedAt.getTime() + reportGraceMs + 1);
    expect(await sweeps.settleUnreportedCases()).toBe(1);
    // Charged with what is known (one trip of the field visit), flagged, and settled only once.
    expect(await store.cases.findOne({ _id: 'SR-2' })).toMatchObject({ status: 'closed' });
    expect(await store.allocations.countDocuments({ caseId: 'SR-2' })).toBeGreaterThan(0);
    expect(await store.redFlags.findOne({ _id: 'no-completion-report|SR-2' })).toMatchObject({ kind: 'no-completion-report', subject: 'SR-2' });
    expect(await sweeps.settleUnreportedCases()).toBe(0);
  });
});
