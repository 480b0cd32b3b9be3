import { insertedOnce, readEachById } from '@aftersales/platform';
import type { IntakeModels, ServiceHistoryDoc } from './models';
import { readModelsOf } from './read-models';

/**
 * A machine's history entries are a numbered list `<serial>#<n>` naming each entry by id
 * (`machineHistory` in read-models.ts): the machine page read them by `{ serialNumber }`, which on
 * FerretDB v1 reads every entry of every machine. The list is written before the entry, so a crash
 * leaves a number naming nothing, which readers skip; a report recorded twice is listed twice and
 * shown once.
 */
const machineHistory = (models: IntakeModels) => readModelsOf(models).machineHistory;

export type ServiceHistoryEntry = Omit<ServiceHistoryDoc, 'recordedAt'>;

/**
 * Adds an entry to a machine's service history, once: the id comes from its source (the event id
 * of dispatch's or spares' report, or the id of a dealer's report), and a second write with the
 * same id leaves the first as it is. Dispatch and spares consumers call this when their events
 * arrive; the dealer's part-replacement report calls it over HTTP.
 */
export async function recordServiceHistory(models: IntakeModels, entry: ServiceHistoryEntry, now: Date): Promise<{ stored: boolean }> {
  const { _id, ...fields } = entry;
  await machineHistory(models).append(entry.serialNumber, _id);
  // A duplicate key is the same entry written at the same instant by another consumer: already stored.
  const stored = await insertedOnce(models.serviceHistory.collection.insertOne({ _id, ...fields, recordedAt: now } as never));
  return { stored };
}

/**
 * A machine's history, newest first: its list read whole (a batch of 16 `_id` reads at a time, so
 * the work grows with the machine's own history, tens of entries a year, not with every machine's),
 * then the entries by `_id`.
 */
export async function serviceHistoryOf(models: IntakeModels, serialNumber: string, limit = 100): Promise<ServiceHistoryDoc[]> {
  const ids = [...new Set((await machineHistory(models).readFrom(serialNumber, 0)).refs)];
  const docs = await readEachById(ids, (id) => models.serviceHistory.findById(id).lean<ServiceHistoryDoc>(), { batch: 100, keep: (d) => d.serialNumber === serialNumber });
  return docs.sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime() || (a._id < b._id ? -1 : 1)).slice(0, limit);
}

/** Lists the entries recorded before the machines' lists existed, once (the marker last: a pass cut short runs again whole). */
export async function buildMachineHistoryOnce(models: IntakeModels, now: Date): Promise<boolean> {
  const id = 'machine-history@1';
  const { builds } = readModelsOf(models);
  if (await builds.findOne({ _id: id })) return false;
  const grouped = new Map<string, string[]>();
  for await (const entry of models.serviceHistory.collection.find({}, { projection: { _id: 1, serialNumber: 1 } })) {
    const serial = entry.serialNumber as string;
    grouped.set(serial, [...(grouped.get(serial) ?? []), String(entry._id)]);
  }
  for (const [serial, ids] of grouped) await machineHistory(models).appendMissing(serial, ids);
  await insertedOnce(builds.insertOne({ _id: id, builtAt: now }));
  return true;
}
