import { insertedOnce } from '@aftersales/platform';
import type { IntakeModels, ServiceHistoryDoc } from './models';

export type ServiceHistoryEntry = Omit<ServiceHistoryDoc, 'recordedAt'>;

/**
 * Adds an entry to a machine's service history, once: the id comes from its source (the event id
 * of dispatch's or spares' report, or the id of a dealer's report), and a second write with the
 * same id leaves the first as it is. Dispatch and spares consumers call this when their events
 * arrive; the dealer's part-replacement report calls it over HTTP.
 */
export async function recordServiceHistory(models: IntakeModels, entry: ServiceHistoryEntry, now: Date): Promise<{ stored: boolean }> {
  const { _id, ...fields } = entry;
  // A duplicate key is the same entry written at the same instant by another consumer: already stored.
  const stored = await insertedOnce(models.serviceHistory.collection.insertOne({ _id, ...fields, recordedAt: now } as never));
  return { stored };
}

/** A machine's history, newest first. */
export async function serviceHistoryOf(models: IntakeModels, serialNumber: string, limit = 100): Promise<ServiceHistoryDoc[]> {
  return models.serviceHistory.find({ serialNumber }).sort({ at: -1, _id: 1 }).limit(limit).lean<ServiceHistoryDoc[]>();
}
