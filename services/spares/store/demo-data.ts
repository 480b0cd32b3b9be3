import { isDuplicateKeyError } from '@aftersales/platform';
import type { SparesStore } from './collections';
import type { SparesModels } from './models';
import { createStockCards } from './stock-cards';

export async function loadDemoData(models: SparesModels, store?: SparesStore): Promise<void> {
  const parts = [
    { _id: 'P-NOZZLE-15', description: 'Cutting nozzle 1.5 mm', fitsModels: ['FL-3015'], supersededBy: null, listPrice: 12, currency: 'EUR', consumable: true },
    { _id: 'P-LENS-A', description: 'Focus lens, first generation', fitsModels: ['FL-3015'], supersededBy: 'P-LENS-B', listPrice: 180, currency: 'EUR' },
    { _id: 'P-LENS-B', description: 'Focus lens, coated', fitsModels: ['FL-3015', 'FL-4020'], supersededBy: null, listPrice: 210, currency: 'EUR', supplierId: 'SUP-OPTICS' },
  ];
  await models.parts.bulkWrite(parts.map((p) => ({ updateOne: { filter: { _id: p._id }, update: { $setOnInsert: p }, upsert: true } })));
  if (!store) return;
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
}
