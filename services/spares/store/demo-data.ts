import type { Collection } from 'mongodb';
import { isDuplicateKeyError, bulkWriteInChunks } from '@aftersales/platform';
import { allocateCaseCost, allocationEntries, type ClosedCase } from '../domain/cost-allocation';
import { createCaseLists } from './case-lists';
import { createCostLedger } from './cost-ledger';
import { createOpenLists } from './open-lists';
import type { SparesStore } from './collections';
import type { PartDoc, SparesModels } from './models';
import { createModelParts } from './model-parts';
import { createStockCards } from './stock-cards';

export async function loadDemoData(models: SparesModels, store?: SparesStore): Promise<void> {
  const parts = [
    { _id: 'P-NOZZLE-15', description: 'Cutting nozzle 1.5 mm', fitsModels: ['FL-3015'], supersededBy: null, listPrice: 12, currency: 'EUR', consumable: true },
    { _id: 'P-LENS-A', description: 'Focus lens, first generation', fitsModels: ['FL-3015'], supersededBy: 'P-LENS-B', listPrice: 180, currency: 'EUR' },
    { _id: 'P-LENS-B', description: 'Focus lens, coated', fitsModels: ['FL-3015', 'FL-4020'], supersededBy: null, listPrice: 210, currency: 'EUR', supplierId: 'SUP-OPTICS' },
  ];
  // Listed under their models first and stamped after, as every part write (a database built before the demo data was seeded).
  const modelParts = store ? createModelParts(store, models.parts.collection as unknown as Collection<PartDoc>, () => new Date()) : null;
  for (const model of new Set(parts.flatMap((p) => p.fitsModels))) await modelParts?.list(model, parts.filter((p) => p.fitsModels.includes(model)).map((p) => p._id));
  await bulkWriteInChunks(models.parts, parts.map((p) => ({ updateOne: { filter: { _id: p._id }, update: { $setOnInsert: p }, upsert: true } })));
  if (!store) return;
  await modelParts!.stamp();
  const locations = [
    { _id: 'CENTRAL', kind: 'central' as const, name: 'Central warehouse', engineerId: null },
    { _id: 'REG-EAST', kind: 'regional' as const, name: 'Regional warehouse east (Shanghai)', engineerId: null },
  ];
  for (const l of locations) await store.locations.updateOne({ _id: l._id }, { $setOnInsert: l }, { upsert: true });
  await store.priceLists.updateOne(
    { _id: 'default' },
    {
      $setOnInsert: {
        currency: 'EUR',
        labourRateCentsPerHour: 9_000,
        travelCentsPerTrip: 12_000,
        parts: {
          'P-NOZZLE-15': { listPriceCents: 1_200, minimumPriceCents: 900, quantityBreaks: [{ minQuantity: 10, discountBasisPoints: 1000 }] },
          'P-LENS-A': { listPriceCents: 18_000, minimumPriceCents: 15_000 },
          'P-LENS-B': { listPriceCents: 21_000, minimumPriceCents: 18_000, quantityBreaks: [{ minQuantity: 5, discountBasisPoints: 500 }] },
        },
        updatedAt: new Date(),
      },
    },
    { upsert: true },
  );
  // Receipt number 1 per part and location, counted on its stock card: seeding again adds nothing.
  const cards = createStockCards(store, () => new Date());
  const receipts = [
    ['P-NOZZLE-15', 'CENTRAL', 200],
    ['P-LENS-B', 'CENTRAL', 20],
    ['P-LENS-B', 'REG-EAST', 4],
    ['P-NOZZLE-15', 'REG-EAST', 40],
  ] as const;
  for (const [partNumber, locationId, quantity] of receipts) {
    await store.receipts.insertOne({ _id: `${partNumber}|${locationId}|1`, partNumber, locationId, quantity, receivedAt: new Date(), by: 'demo-data' }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
    await cards.count(partNumber, locationId, [{ id: `${partNumber}|${locationId}|1`, quantity }]);
  }
  // Defective parts for the spares desk: one overdue (the sweep chases it), one not yet due, and
  // one analysed as a supplier defect with its recovery claim open. Dated from the first seeding.
  const day = 86_400_000;
  const at = (days: number) => new Date(Date.now() + days * day);
  const defective = { quantity: 1, engineerId: 'ENG-SZ-02', machineSerial: 'SN-0001', model: 'FL-3015', productLine: 'fiber-laser-cutting', lastChasedAt: null, chaseCount: 0, flaggedAt: null };
  const returns = [
    { _id: 'RET-DEMO-0001', partNumber: 'P-LENS-B', removedSerial: 'LB-77120', workOrderId: 'WO-DEMO-0001', requestId: 'SR-DEMO-0001', failureMode: 'FM-COATING', createdAt: at(-20), dueAt: at(-6), status: 'awaiting-return' as const, returnedAt: null, ...defective },
    { _id: 'RET-DEMO-0002', partNumber: 'P-NOZZLE-15', removedSerial: null, workOrderId: 'WO-DEMO-0002', requestId: 'SR-DEMO-0002', failureMode: null, createdAt: at(-5), dueAt: at(9), status: 'awaiting-return' as const, returnedAt: null, ...defective },
    { _id: 'RET-DEMO-0003', partNumber: 'P-LENS-B', removedSerial: 'LB-76981', workOrderId: 'WO-DEMO-0003', requestId: 'SR-DEMO-0003', failureMode: 'FM-COATING', createdAt: at(-30), dueAt: at(-16), status: 'analysed' as const, returnedAt: at(-18), ...defective },
  ];
  const lists = createCaseLists(store);
  // Listed under their cases and, while open, as open (store/open-lists.ts) before they are stored.
  const open = createOpenLists(store, () => new Date());
  for (const r of returns) {
    await lists.add('returns', r.requestId, [r._id]);
    await open.insert('returns', r);
  }
  await open.insert('supplier-claims', { _id: 'SCL-RET-DEMO-0003', returnId: 'RET-DEMO-0003', partNumber: 'P-LENS-B', lot: 'LOT-2317', supplierId: 'SUP-OPTICS', amountCents: 21_000, currency: 'EUR', status: 'open', reason: 'supplier defect in lot LOT-2317', openedAt: at(-15) });
  await loadDemoCharges(store, new Date());
}

const DAY = 86_400_000;

/**
 * Three closed cases already charged, so finance's who-pays screen shows real splits on a first
 * start: a quality failure under contract (the factory; the consumable nozzles the customer's), a
 * quality failure three weeks after warranty end (goodwill: the factory half the lens, the
 * customer the rest, labour and travel), and wear in warranty (the sales centre; the nozzles the
 * customer's). Split by the shipped rules, as the case flow would; payers are the default
 * SPARES_FACTORY_ID and SPARES_SALES_CENTRE_ID. Dated from the first load and keyed by case, line
 * and cost centre: loading again adds nothing.
 */
async function loadDemoCharges(store: SparesStore, loadedAt: Date): Promise<void> {
  const ago = (days: number) => new Date(loadedAt.getTime() - days * DAY).toISOString();
  const payers = { salesCentreId: 'SALES-CENTRE', factoryId: 'FACTORY' };
  const lens = { kind: 'part' as const, lineId: 'part-1-P-LENS-B', partNumber: 'P-LENS-B', quantity: 1, unitCostCents: 21_000, consumable: false };
  const nozzle = { kind: 'part' as const, lineId: 'part-2-P-NOZZLE-15', partNumber: 'P-NOZZLE-15', quantity: 2, unitCostCents: 1_200, consumable: true };
  const labour = (minutes: number) => ({ kind: 'labour' as const, lineId: 'labour', minutes, rateCentsPerHour: 9_000 });
  const travel = { kind: 'travel' as const, lineId: 'travel', trips: 1, costCentsPerTrip: 12_000 };
  const cases: ClosedCase[] = [
    {
      caseId: 'SR-DEMO-0101', closedAt: ago(2), ...payers, customerId: 'CUST-0001',
      entitlement: { source: 'contract', covers: { parts: true, labour: true, travel: true } },
      classification: { qualityFailure: true, category: 'quality-failure' },
      lines: [lens, nozzle, labour(75), travel],
    },
    {
      caseId: 'SR-DEMO-0102', closedAt: ago(9), ...payers, customerId: 'CUST-0002',
      entitlement: { source: 'warranty', covers: { parts: true, labour: true, travel: true }, warrantyEnd: ago(30) },
      classification: { qualityFailure: true, category: 'quality-failure' },
      lines: [lens, labour(50), travel],
    },
    {
      caseId: 'SR-DEMO-0103', closedAt: ago(40), ...payers, customerId: 'CUST-0001',
      entitlement: { source: 'warranty', covers: { parts: true, labour: true, travel: true }, warrantyEnd: ago(-400) },
      classification: { qualityFailure: false, category: 'wear' },
      lines: [nozzle, labour(40)],
    },
  ];
  const ledger = createCostLedger(store);
  for (const closed of cases) {
    const entries = allocationEntries(allocateCaseCost(closed));
    // Booked on the first start only: their dates move with each start, and the first booking stands.
    if (await store.allocations.findOne({ _id: `${entries[0]!.caseId}|${entries[0]!.lineId}|${entries[0]!.costCentre}` })) continue;
    await ledger.record(closed.caseId, entries, 'EUR');
  }
}
