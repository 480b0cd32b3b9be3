import { insertedOnce, numberedEntries, type NumberedEntryDoc } from '@aftersales/platform';
import type mongoose from 'mongoose';
import type { FailureRecordDoc, QualityModels } from './models';

/**
 * Each 8D's failure records, read by `_id`: a `{ eightDId }` filter reads every failure record on
 * FerretDB v1 (one per service request). Each 8D keeps a numbered list `<8D id>#<n>` of the records
 * it took, added before the record names the 8D: an entry whose record names no 8D or another one
 * (a crash between the two writes, or another 8D took it first) is skipped by the reader, so the
 * records listed are exactly those naming the 8D.
 */
export function createEightDRecords(models: Pick<QualityModels, 'eightDRecords' | 'failureRecords' | 'builds'>, now: () => Date) {
  const lists = numberedEntries(models.eightDRecords.collection as unknown as mongoose.mongo.Collection<NumberedEntryDoc<'failureRecordId'>>, 'failureRecordId', { batch: 16 });

  /** Lists a record under an 8D: call it before the record's `eightDId` is set. */
  const listed = (eightDId: string, recordId: string) => lists.append(eightDId, recordId);

  /** The 8D's records, oldest first (as the `{ eightDId }` filter sorted by `occurredAt` returned them). */
  async function of(eightDId: string): Promise<FailureRecordDoc[]> {
    const { refs } = await lists.readFrom(eightDId, 0);
    const docs = await Promise.all([...new Set(refs)].map((id) => models.failureRecords.findById(id).lean<FailureRecordDoc>()));
    return docs.filter((d): d is FailureRecordDoc => d !== null && d.eightDId === eightDId).sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  }

  /** Lists records stored with their 8D before the lists existed (seed data, older stores); a repeat is harmless. */
  const listAll = (eightDId: string, recordIds: readonly string[]) => lists.appendMissing(eightDId, recordIds);

  /** Lists the records that named an 8D before the lists existed, once (the marker is written last: a pass cut short runs again). */
  async function buildOnce(): Promise<boolean> {
    const id = 'eight-d-records@1';
    if (await models.builds.findById(id).lean()) return false;
    const byEightD = new Map<string, string[]>();
    for await (const doc of models.failureRecords.find({ eightDId: { $ne: null } }, { eightDId: 1 }).lean<Pick<FailureRecordDoc, '_id' | 'eightDId'>[]>().cursor()) {
      if (doc.eightDId) byEightD.set(doc.eightDId, [...(byEightD.get(doc.eightDId) ?? []), doc._id]);
    }
    for (const [eightDId, recordIds] of byEightD) await listAll(eightDId, recordIds);
    await insertedOnce(models.builds.collection.insertOne({ _id: id as never, builtAt: now() }));
    return true;
  }

  return { listed, of, listAll, buildOnce };
}

export type EightDRecords = ReturnType<typeof createEightDRecords>;
