import type { SparesModels } from './models';

export async function loadDemoData(models: SparesModels): Promise<void> {
  const parts = [
    { _id: 'P-NOZZLE-15', description: 'Cutting nozzle 1.5 mm', fitsModels: ['FL-3015'], supersededBy: null, listPrice: 12, currency: 'EUR' },
    { _id: 'P-LENS-A', description: 'Focus lens, first generation', fitsModels: ['FL-3015'], supersededBy: 'P-LENS-B', listPrice: 180, currency: 'EUR' },
    { _id: 'P-LENS-B', description: 'Focus lens, coated', fitsModels: ['FL-3015', 'FL-4020'], supersededBy: null, listPrice: 210, currency: 'EUR' },
  ];
  await models.parts.bulkWrite(parts.map((p) => ({ updateOne: { filter: { _id: p._id }, update: { $setOnInsert: p }, upsert: true } })));
}
