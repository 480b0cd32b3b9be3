import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { testLogger, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import { createSweeps, reportGraceMs } from '../worker/sweeps';
import { engineerDecision } from '../api/failure-decisions';
import { createCaseFlow, type CaseFlow } from './case-flow';
import { buildCaseListsOnce, createCaseLists } from './case-lists';
import { createSparesStore, type SparesStore, type WorkOrderDoc } from './collections';
import { createSparesModels, type SparesModels } from './models';
import { quotesOf } from './quotes';
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
  let models: SparesModels;

  beforeAll(async () => {
    connection = await connectMongo(stack.mongoUrl, dbName);
    store = createSparesStore(connection);
    await store.init();
    models = createSparesModels(connection);
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
    await store.cases.insertOne({ _id: 'SR-5', customerId: 'CUST-1', serialNumber: 'SN-5', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: ctx.now(), status: 'open', closedAt: null });
    await store.workOrders.insertOne({ _id: 'WO-5', requestId: 'SR-5', engineerId: 'ENG-1', status: 'assigned', route: 'field-visit', updatedAt: ctx.now(), completion: null });
    const closedAt = ctx.now();
    // No report yet: nothing charged, nothing thrown (a throw would hold the consumer's partition).
    expect(await flow.allocate('SR-5', closedAt, 'WO-5')).toBe(0);
    expect(await store.cases.findOne({ _id: 'SR-5' })).toMatchObject({ status: 'awaiting-report', closedWorkOrderId: 'WO-5' });
    expect(await store.allocations.countDocuments({ caseId: 'SR-5' })).toBe(0);

    let now = new Date(closedAt.getTime() + reportGraceMs - 1);
    const sweeps = createSweeps(store, book, () => now, testLogger(), DEFAULT_RETURN_POLICY, flow);
    expect(await sweeps.settleUnreportedCases()).toBe(0);
    now = new Date(closedAt.getTime() + reportGraceMs + 1);
    expect(await sweeps.settleUnreportedCases()).toBe(1);
    // Charged with what is known (one trip of the field visit), flagged, and settled only once.
    expect(await store.cases.findOne({ _id: 'SR-5' })).toMatchObject({ status: 'closed' });
    expect(await store.allocations.countDocuments({ caseId: 'SR-5' })).toBeGreaterThan(0);
    expect(await store.redFlags.findOne({ _id: 'no-completion-report|SR-5' })).toMatchObject({ kind: 'no-completion-report', subject: 'SR-5' });
    expect(await sweeps.settleUnreportedCases()).toBe(0);
  });

  it('a case whose close and report are handled at once is charged, whichever side marks or books first', async () => {
    await store.cases.insertOne({ _id: 'SR-3', customerId: 'CUST-1', serialNumber: 'SN-3', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: ctx.now(), status: 'open', closedAt: null });
    await store.workOrders.insertOne({ _id: 'WO-3', requestId: 'SR-3', engineerId: 'ENG-1', status: 'assigned', route: 'field-visit', updatedAt: ctx.now(), completion: null });
    const completion: WorkOrderDoc['completion'] = { eventId: 'E-3', effortMinutes: 45, travelMinutes: 20, cause: 'fuse', failureMode: null, partsUsed: [], finishedAt: ctx.now() };
    // The report's side runs whole between the close's first look (no parts written off yet) and its mark.
    let reportSide: (() => Promise<void>) | null = async () => {
      await store.workOrders.updateOne({ _id: 'WO-3' }, { $set: { completion, status: 'completed' } });
      await flow.consume({ ...(await store.workOrders.findOne({ _id: 'WO-3' }))!, completion }, 'SN-3', 'E-3', cause);
      expect(await flow.reportBooked('SR-3', 'WO-3')).toBe(0);
    };
    const cases = new Proxy(store.cases, {
      get(target, prop) {
        if (prop === 'updateOne' && reportSide) {
          return async (...args: Parameters<typeof target.updateOne>) => {
            const run = reportSide!;
            reportSide = null;
            await run();
            return target.updateOne(...args);
          };
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const closing = createCaseFlow({ ...store, cases }, models, book, ctx, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
    expect(await closing.allocate('SR-3', ctx.now(), 'WO-3')).toBeGreaterThan(0);
    expect(reportSide).toBeNull();
    expect(await store.cases.findOne({ _id: 'SR-3' })).toMatchObject({ status: 'closed' });
    const charged = await store.allocations.countDocuments({ caseId: 'SR-3' });
    // The report's side looking again later (a redelivery) charges nothing twice.
    await flow.reportBooked('SR-3', 'WO-3');
    await flow.allocate('SR-3', ctx.now(), 'WO-3');
    expect(await store.allocations.countDocuments({ caseId: 'SR-3' })).toBe(charged);
    expect(await store.caseCostRevisions.countDocuments({ requestId: 'SR-3' })).toBe(1);
  });

  it('a report that overtook its case\'s registration opens its returns once the case is recorded', async () => {
    const lists = createCaseLists(store);
    const workOrder: WorkOrderDoc = {
      _id: 'WO-7', requestId: 'SR-7', engineerId: 'ENG-1', status: 'completed', route: 'field-visit', updatedAt: ctx.now(),
      completion: { eventId: 'E-7', effortMinutes: 30, travelMinutes: 10, cause: 'pump', failureMode: null, partsUsed: [{ partNumber: 'P-PUMP', quantity: 1, removedSerial: 'PU-7' }], finishedAt: ctx.now() },
    };
    // The report as its consumer writes it: listed under the case, stored, and no case found to open returns for.
    await lists.add('reported-work-orders', 'SR-7', ['WO-7']);
    await store.workOrders.insertOne(workOrder);
    expect(await flow.caseRecorded('SR-7')).toBe(0);
    await store.cases.insertOne({ _id: 'SR-7', customerId: 'CUST-1', serialNumber: 'SN-7', entitlementSource: 'warranty', quoteRequired: false, model: null, productLine: null, raisedAt: ctx.now(), status: 'open', closedAt: null });
    expect(await flow.caseRecorded('SR-7')).toBe(1);
    expect(await store.returns.findOne({ _id: 'RET-WO-7-1' })).toMatchObject({ requestId: 'SR-7', machineSerial: 'SN-7', removedSerial: 'PU-7', status: 'awaiting-return' });
    expect(await flow.caseRecorded('SR-7')).toBe(0);
  });

  it('finds what was stored before cases listed it: built once at start; a consumption begun before write-offs were listed looks by filter', async () => {
    const lists = createCaseLists(store);
    await store.cases.insertOne({ _id: 'SR-9', customerId: 'CUST-1', serialNumber: 'SN-9', entitlementSource: 'warranty', quoteRequired: false, covers: { parts: true, labour: true, travel: true }, warrantyEnd: new Date(anchor.getTime() + 365 * 86_400_000), model: null, productLine: null, raisedAt: ctx.now(), status: 'open', closedAt: null });
    const workOrder: WorkOrderDoc = {
      _id: 'WO-9', requestId: 'SR-9', engineerId: 'ENG-1', status: 'completed', route: 'field-visit', updatedAt: ctx.now(),
      completion: { eventId: 'E-9', effortMinutes: 45, travelMinutes: 20, cause: 'belt torn', failureMode: null, failureDecision: { category: 'quality-failure', decidedBy: 'ENG-1', decidedAt: ctx.now() }, partsUsed: [{ partNumber: 'P-BELT', quantity: 1, removedSerial: 'B-9' }], finishedAt: ctx.now() },
    };
    await store.workOrders.insertOne(workOrder);
    await store.priceLists.insertOne({ _id: 'default', currency: 'EUR', labourRateCentsPerHour: 9_000, travelCentsPerTrip: 5_000, parts: {}, updatedAt: ctx.now() });
    await store.quotes.insertOne({ _id: 'Q-9', requestId: 'SR-9', workOrderId: null, priceListId: 'default', lines: [], totalCents: 100, currency: 'EUR', validUntil: ctx.now(), issuedAt: ctx.now(), by: 'test' });
    expect(await flow.openReturns(workOrder, { _id: 'SR-9', serialNumber: 'SN-9', model: null, productLine: null, entitlementSource: 'warranty' })).toBe(1);
    // Its parts written off first: a case is charged once its report is booked.
    await flow.consume(workOrder, 'SN-9', 'E-9', cause);
    expect(await flow.allocate('SR-9', ctx.now(), 'WO-9')).toBeGreaterThan(0);
    // As stored before the lists existed: no entry names them.
    await store.caseLists.deleteMany({});
    expect((await lists.docsOf(store.allocations, 'allocations', 'SR-9')).docs).toEqual([]);
    expect(await engineerDecision(store, 'SR-9')).toBeNull();

    await store.requisitions.insertOne({ _id: 'REQ-9', workOrderId: 'WO-9', requestId: 'SR-9', requesterId: 'ENG-1', lines: [{ partNumber: 'P-BELT', quantity: 1, unitPriceCents: 0 }], model: null, reasons: [], approvalNeeded: false, approvers: [], deadlineMs: 0, currentApprover: null, escalations: [], status: 'approved', createdAt: ctx.now() });
    expect(await buildCaseListsOnce(store, ctx.now)).toBeGreaterThan(0);
    expect((await lists.read('requisitions', 'WO-9')).ids).toEqual(['REQ-9']);
    expect(await buildCaseListsOnce(store, ctx.now)).toBe(-1);
    const byFilter = (await store.allocations.find({ caseId: 'SR-9' }).toArray()).map((e) => e._id).sort();
    expect((await lists.docsOf(store.allocations, 'allocations', 'SR-9')).docs.map((e) => e._id).sort()).toEqual(byFilter);
    expect((await lists.docsOf(store.returns, 'returns', 'SR-9')).docs.map((r) => r._id)).toEqual(['RET-WO-9-1']);
    expect((await quotesOf(store, 'SR-9')).map((q) => q._id)).toEqual(['Q-9']);
    expect(await engineerDecision(store, 'SR-9')).toMatchObject({ category: 'quality-failure', decidedBy: 'ENG-1' });
    // A review of the case charged before moves its cost from the entries the build listed.
    await store.failureReviews.insertOne({ _id: 'SR-9|1', requestId: 'SR-9', revision: 1, category: 'misuse', previousCategory: 'quality-failure', outcome: 'changed', decidedBy: 'QA-1', decidedAt: ctx.now(), reason: 'run dry' });
    expect(await flow.applyReview('SR-9', { revision: 1, category: 'misuse', decidedBy: 'QA-1', decidedAt: ctx.now().toISOString() })).toBeGreaterThan(0);

    // A consumption that crashed before write-offs were listed: its attempt has no mark, so its unit is found by filter and not written off twice.
    await book.receive('P-BELT', 'CENTRAL', 2, 'test');
    const onHand = async () => (await book.levels({ partNumber: 'P-BELT' })).reduce((sum, l) => sum + l.onHand, 0);
    const before = await onHand();
    await book.claimUnits('P-BELT', 'CENTRAL', 1, { state: 'consumed', reservationId: null, workOrderId: 'WO-10' });
    await store.consumptionAttempts.insertOne({ _id: 'WO-10', at: ctx.now() });
    const retried = await flow.consume({ ...workOrder, _id: 'WO-10', completion: { ...workOrder.completion!, eventId: 'E-10' } }, 'SN-9', 'E-10', cause);
    expect(retried?.lines).toEqual([{ partNumber: 'P-BELT', locationId: 'CENTRAL', quantity: 1, fromReservation: 0, writtenOff: 1 }]);
    // One unit gone, the crashed run's, noted on the card by the retry.
    expect(await onHand()).toBe(before - 1);
  });
});
