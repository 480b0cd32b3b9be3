import { insertedOnce, numberedEntries, readEachById, type NumberedEntryDoc } from '@aftersales/platform';
import type mongoose from 'mongoose';
import type { FailureRecordDoc, QualityModels } from './models';

type ListModels = Pick<QualityModels, 'failureRecordLists' | 'failureRecords' | 'builds'>;

/** The list of every failure record, and of one model's. */
export const allRecords = 'all';
export const recordsOfModel = (model: string) => `model:${model}`;

/**
 * The documents a list names, newest entry first: each read by `_id` (16 at once, 64 entries at a
 * time), kept when `keep` accepts it, until `limit` are kept. An entry naming nothing (its writer
 * died before the document was stored) or a document that no longer matches is skipped.
 */
export async function newestListed<T>(ids: AsyncIterable<string>, read: (id: string) => Promise<T | null>, keep: (doc: T) => boolean, limit: number): Promise<T[]> {
  const kept: T[] = [];
  let chunk: string[] = [];
  const readChunk = async () => {
    kept.push(...(await readEachById(chunk, read, { batch: 16, keep, limit: limit - kept.length })));
    chunk = [];
  };
  if (limit <= 0) return kept;
  for await (const id of ids) {
    chunk.push(id);
    if (chunk.length < 64) continue;
    await readChunk();
    if (kept.length >= limit) break;
  }
  if (kept.length < limit && chunk.length > 0) await readChunk();
  return kept.slice(0, limit);
}

/** By `occurredAt`, then id: the order the `{ … }` filter sorted by `occurredAt` returned. */
export const oldestOccurredFirst = (a: FailureRecordDoc, b: FailureRecordDoc) =>
  a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : a._id < b._id ? -1 : a._id > b._id ? 1 : 0;

/** One `create(models)` per store and process (keyed by `keyOf`), so each list's end is remembered between calls. */
export function onePerStore<M, T>(keyOf: (models: M) => object, create: (models: M) => T): (models: M) => T {
  const made = new WeakMap<object, T>();
  return (models) => {
    const key = keyOf(models);
    if (!made.has(key)) made.set(key, create(models));
    return made.get(key)!;
  };
}

/** The failure record lists of a store, one per process. */
export const failureRecordListsOf = onePerStore((models: ListModels) => models.failureRecordLists, createFailureRecordLists);

/**
 * Failure records, read by `_id`: the records tab filtered `{ model }` (or nothing) sorted by
 * `occurredAt`, which on FerretDB v1 reads every record (one per failure reported). Numbered lists
 * (platform numbered-entries.ts) `all` and `model:<model>`, each entry naming a failure record by
 * its `_id`. A record is listed in `all` (and its model's list, if it has a model) before it is
 * inserted, and under its model before a model is set on a record that arrived without one. A
 * crash leaves an entry naming no record, or a record without that model yet; the reader skips
 * both (it keeps a record only if it is stored and has the list's model), so what a list yields is
 * exactly the records the filter matched, in the order they were listed.
 */
function createFailureRecordLists(models: ListModels) {
  const lists = numberedEntries(models.failureRecordLists.collection as unknown as mongoose.mongo.Collection<NumberedEntryDoc<'failureRecordId'>>, 'failureRecordId', { batch: 16 });

  /** Before a new record is inserted: in `all`, and under its model when it has one. */
  async function listed(recordId: string, model: string | null): Promise<void> {
    await Promise.all([lists.append(allRecords, recordId), model !== null ? lists.append(recordsOfModel(model), recordId) : undefined]);
  }

  /** Before a stored record's model is set (a fact that overtook its registration). */
  const listedUnderModel = (recordId: string, model: string) => lists.append(recordsOfModel(model), recordId);

  /** The `limit` records listed last (of `model`, else all), as stored, oldest `occurredAt` first. */
  async function latest(model: string | null, limit: number): Promise<FailureRecordDoc[]> {
    const ids = lists.newestFirst(model !== null ? recordsOfModel(model) : allRecords);
    const read = (id: string) => models.failureRecords.findById(id).lean<FailureRecordDoc>().exec();
    const docs = await newestListed(ids, read, (doc) => model === null || doc.model === model, limit);
    return docs.sort(oldestOccurredFirst);
  }

  /**
   * Lists the records stored before the lists existed, once, in the order they were received (the
   * marker is written last: a pass cut short runs again, and appendMissing adds only what a list lacks).
   */
  async function buildOnce(now: Date): Promise<boolean> {
    const id = 'failure-record-lists@1';
    if (await models.builds.findById(id).lean()) return false;
    const stored: Pick<FailureRecordDoc, '_id' | 'model' | 'receivedAt'>[] = [];
    for await (const doc of models.failureRecords.find({}, { model: 1, receivedAt: 1 }).lean<Pick<FailureRecordDoc, '_id' | 'model' | 'receivedAt'>[]>().cursor()) stored.push(doc);
    const at = (d: { receivedAt?: Date | null }) => (d.receivedAt ? new Date(d.receivedAt).getTime() : 0);
    stored.sort((a, b) => at(a) - at(b) || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    const byModel = new Map<string, string[]>();
    for (const doc of stored) {
      if (!doc.model) continue;
      const ids = byModel.get(doc.model) ?? [];
      ids.push(doc._id);
      byModel.set(doc.model, ids);
    }
    await lists.appendMissing(allRecords, stored.map((d) => d._id));
    for (const [model, recordIds] of byModel) await lists.appendMissing(recordsOfModel(model), recordIds);
    await insertedOnce(models.builds.collection.insertOne({ _id: id as never, builtAt: now }));
    return true;
  }

  return { listed, listedUnderModel, latest, buildOnce };
}

export type FailureRecordLists = ReturnType<typeof createFailureRecordLists>;
