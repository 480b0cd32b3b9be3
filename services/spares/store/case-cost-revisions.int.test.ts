import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, outboxPendingCollection } from '@aftersales/platform';
import { testLogger, uniqueName } from '@aftersales/platform/testing';
import { validateEvent } from '@aftersales/contracts';
import { DEFAULT_RETURN_POLICY } from '../domain/returns';
import { createCaseFlow, type CaseFlow } from './case-flow';
import { createSparesStore, type CaseCostRevisionDoc, type SparesStore } from './collections';
import { createSparesModels } from './models';
import { createReservationBook } from './reservations';

const stack = inject('stack');
const dbName = uniqueName('spares-cost-rev').replace(/-/g, '_');
const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => new Date() };

/** case-cost.allocated on the real Mongo server: each change of who pays is the next revision, stored with its event. */
describe('case cost revisions', () => {
  let connection: Connection;
  let store: SparesStore;
  let flow: CaseFlow;
  const revisions = async () => (await store.caseCostRevisions.find({ requestId: 'SR-9' }).toArray()).sort((a, b) => a.revision - b.revision);
  const eventOf = (doc: CaseCostRevisionDoc) => doc.outbox?.[0]?.event as { type: string; subject: string; data: { revision: number; currency: string; lines: { lineId: string; kind: string; costCentre: string; amountCents: number; inWarranty: boolean; reason: string }[] } } | undefined;

  beforeAll(async () => {
    connection = await connectMongo(stack.mongoUrl, dbName);
    store = createSparesStore(connection);
    await store.init();
    const models = createSparesModels(connection);
    flow = createCaseFlow(store, models, createReservationBook(store, ctx, testLogger()), ctx, testLogger(), { returnPolicy: DEFAULT_RETURN_POLICY, salesCentreId: 'SC', factoryId: 'F' });
    const at = new Date(Date.now() - 3_600_000);
    // No price list: the part's catalogue price and currency price the case.
    await models.parts.create({ _id: 'P-LENS', description: 'Lens', fitsModels: [], supersededBy: null, listPrice: 150, currency: 'CNY' });
    await store.cases.insertOne({ _id: 'SR-9', customerId: 'CUST-9', serialNumber: 'SN-9', entitlementSource: 'warranty', quoteRequired: false, covers: { parts: true, labour: true, travel: true }, warrantyEnd: new Date(Date.now() + 100 * 86_400_000), model: null, productLine: null, raisedAt: at, status: 'open', closedAt: null });
    await store.workOrders.insertOne({
      _id: 'WO-9', requestId: 'SR-9', engineerId: 'ENG-1', status: 'completed', route: 'remote', updatedAt: at,
      completion: { eventId: 'E-9', effortMinutes: 0, travelMinutes: 0, cause: 'lens cracked', failureMode: null, partsUsed: [{ partNumber: 'P-LENS', quantity: 1, removedSerial: null }], finishedAt: at, failureDecision: { category: 'quality-failure', decidedBy: 'ENG-1', decidedAt: at } },
    });
    await store.consumptions.insertOne({ _id: 'WO-9', workOrderId: 'WO-9', requestId: 'SR-9', engineerId: 'ENG-1', lines: [{ partNumber: 'P-LENS', locationId: 'VAN-1', quantity: 1, fromReservation: 0, writtenOff: 1 }], consumedAt: at, sourceEventId: 'E-9' });
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('charging is revision 1, stored with its event; charging again (a redelivery) publishes nothing new', async () => {
    await flow.allocate('SR-9', new Date(), 'WO-9');
    const [first] = await revisions();
    const event = eventOf(first!);
    expect(first!.outbox![0]!.topic).toBe(`${dbName}.spares.reservations.v1`);
    expect(validateEvent(JSON.parse(JSON.stringify(event)))).toMatchObject({ ok: true });
    expect(event).toMatchObject({ type: 'case-cost.allocated', subject: 'SR-9', data: { revision: 1, currency: 'CNY' } });
    expect(event!.data.lines).toEqual([{ lineId: 'part-1-P-LENS', kind: 'part', costCentre: 'factory', amountCents: 15_000, inWarranty: true, reason: 'quality failure covered by the warranty' }]);
    // In the relay's pending index too: the relay publishes it by `_id`.
    expect(await connection.db!.collection(outboxPendingCollection).countDocuments({ _id: `caseCostRevisions|SR-9|1` as never })).toBe(1);
    // The ledger's entries now say their kind and currency.
    expect(await store.allocations.findOne({ caseId: 'SR-9' })).toMatchObject({ kind: 'part', currency: 'CNY' });

    await flow.allocate('SR-9', new Date(), 'WO-9');
    expect((await revisions()).map((r) => r.revision)).toEqual([1]);
  });

  it('a failure analysis that moves the part is revision 2; the same analysis again is none', async () => {
    await flow.adjustForAnalysis('SR-9', 'P-LENS', 'wear', new Date());
    const second = (await revisions())[1];
    expect(eventOf(second!)?.data).toMatchObject({ revision: 2, currency: 'CNY', lines: [{ lineId: 'part-1-P-LENS', kind: 'part', costCentre: 'sales-centre', amountCents: 15_000, inWarranty: true, reason: 'failure analysis of P-LENS: wear, not a quality failure' }] });
    await flow.adjustForAnalysis('SR-9', 'P-LENS', 'wear', new Date());
    expect((await revisions()).map((r) => r.revision)).toEqual([1, 2]);
  });

  it('a crash after the ledger moved and before the revision was stored: the redelivered fact publishes it', async () => {
    await store.caseCostRevisions.deleteOne({ _id: 'SR-9|2' });
    await flow.adjustForAnalysis('SR-9', 'P-LENS', 'wear', new Date());
    const again = await revisions();
    expect(again.map((r) => r.revision)).toEqual([1, 2]);
    expect(eventOf(again[1]!)?.data.lines.map((l) => l.costCentre)).toEqual(['sales-centre']);
  });

  it('a review that moves the cost back is revision 3', async () => {
    await store.failureReviews.insertOne({ _id: 'SR-9|1', requestId: 'SR-9', revision: 1, category: 'quality-failure', previousCategory: 'wear', outcome: 'changed', decidedBy: 'qe-1', decidedAt: new Date(), reason: 'lab found a coating defect' } as never);
    await flow.applyReview('SR-9', { revision: 1, category: 'quality-failure', decidedBy: 'qe-1', decidedAt: new Date().toISOString() });
    const third = (await revisions())[2];
    expect(eventOf(third!)?.data).toMatchObject({ revision: 3, lines: [{ lineId: 'part-1-P-LENS', costCentre: 'factory', amountCents: 15_000 }] });
  });
});
