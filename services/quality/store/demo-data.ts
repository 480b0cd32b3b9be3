import type { QualityModels } from './models';

export async function loadDemoData(models: QualityModels): Promise<void> {
  const articles = [
    {
      _id: 'KB-0001',
      version: 1,
      title: 'Burr on the cut edge after nozzle change',
      models: ['FL-3015', 'FL-4020'],
      symptom: 'burr dross on cut edge, poor cut quality after nozzle change',
      cause: 'Nozzle not centred on the beam',
      fix: 'Run the nozzle centring routine; replace the nozzle if the bore is damaged',
      parts: ['P-NOZZLE-15'],
      publishedAt: new Date('2026-03-02T00:00:00Z'),
    },
  ];
  await models.articles.bulkWrite(articles.map((a) => ({ updateOne: { filter: { _id: a._id }, update: { $setOnInsert: a }, upsert: true } })));
  // Which cutting model is newer: the newer-model recurrence rule compares these.
  const generations = [
    { _id: 'FL-3015', productLine: 'fiber-laser-cutting', generation: 1 },
    { _id: 'FL-4020', productLine: 'fiber-laser-cutting', generation: 2 },
  ];
  await models.modelGenerations.bulkWrite(generations.map((g) => ({ updateOne: { filter: { _id: g._id }, update: { $setOnInsert: g }, upsert: true } })));
}
