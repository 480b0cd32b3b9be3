import { insertedOnce, numberedEntries, type NumberedEntryDoc } from '@aftersales/platform';
import type mongoose from 'mongoose';
import { newestListed, onePerStore } from './failure-record-lists';
import type { QualityModels, RecurrenceDoc } from './models';

type ListModels = Pick<QualityModels, 'recurrenceHitLists' | 'recurrences' | 'builds'>;

/** The list of every recurrence hit, of one model's, and of those naming one 8D. */
export const allHits = 'all';
export const hitsOfModel = (model: string) => `model:${model}`;
export const hitsOfEightD = (eightDId: string) => `8d:${eightDId}`;

/** A check the recurrences tab shows: done, with at least one hit. */
export const isHit = (doc: RecurrenceDoc) => doc.status === 'done' && Array.isArray(doc.hits) && doc.hits.length > 0;

/** What a filter of the tab asks for, as the old `{ model, 'hits.eightDId' }` filter matched. */
const matches = (doc: RecurrenceDoc, model: string | null, eightDId: string | null) =>
  isHit(doc) && (model === null || doc.model === model) && (eightDId === null || doc.hits.some((h) => h.eightDId === eightDId));

/** Newest `checkedAt` first, then id: the order the filter sorted by `checkedAt: -1` returned. */
const newestCheckedFirst = (a: RecurrenceDoc, b: RecurrenceDoc) =>
  new Date(b.checkedAt).getTime() - new Date(a.checkedAt).getTime() || (a._id < b._id ? 1 : a._id > b._id ? -1 : 0);

/** The recurrence hit lists of a store, one per process. */
export const recurrenceHitListsOf = onePerStore((models: ListModels) => models.recurrenceHitLists, createRecurrenceHitLists);

/**
 * Recurrence hits, read by `_id`: the recurrences tab filtered `{ status: 'done', 'hits.0' }` (with
 * a model or an 8D) sorted by `checkedAt`, which on FerretDB v1 reads every check ever run. Numbered
 * lists (platform numbered-entries.ts) `all`, `model:<model>` and `8d:<8D id>`, each entry naming a
 * recurrence document by its `_id` (the check id, `<record id>` or `<record id>#<pass>`: one record
 * can have several checks). A check with hits is listed in `all`, its model's list and the list of
 * each 8D its hits name before it is stored `done`. A crash leaves an entry naming a check still
 * `checking` (or given back, so nothing); a check run again may end with other hits or none; the
 * reader keeps a document only if it is done with hits that match what was asked, so it yields
 * exactly the documents the filter matched.
 */
function createRecurrenceHitLists(models: ListModels) {
  const lists = numberedEntries(models.recurrenceHitLists.collection as unknown as mongoose.mongo.Collection<NumberedEntryDoc<'recurrenceId'>>, 'recurrenceId', { batch: 16 });

  const listsOf = (doc: Pick<RecurrenceDoc, 'model' | 'hits'>) => [allHits, hitsOfModel(doc.model), ...new Set(doc.hits.map((h) => hitsOfEightD(h.eightDId)))];

  /** Before a check is stored done with these hits (none: nothing to list). */
  async function listed(doc: Pick<RecurrenceDoc, '_id' | 'model' | 'hits'>): Promise<void> {
    if (doc.hits.length === 0) return;
    await Promise.all(listsOf(doc).map((list) => lists.append(list, doc._id)));
  }

  /**
   * The `limit` hit documents listed last, newest `checkedAt` first: from the 8D's list when one is
   * asked for (a model, if also asked, filtered in memory), else the model's, else all.
   */
  async function latest(query: { model: string | null; eightDId: string | null }, limit: number): Promise<RecurrenceDoc[]> {
    const { model, eightDId } = query;
    const list = eightDId !== null ? hitsOfEightD(eightDId) : model !== null ? hitsOfModel(model) : allHits;
    const read = (id: string) => models.recurrences.findById(id).lean<RecurrenceDoc>().exec();
    const docs = await newestListed(lists.newestFirst(list), read, (doc) => matches(doc, model, eightDId), limit);
    return docs.sort(newestCheckedFirst);
  }

  /**
   * Lists the hits stored before the lists existed, once, oldest check first (the marker is written
   * last: a pass cut short runs again, and appendMissing adds only what a list lacks).
   */
  async function buildOnce(now: Date): Promise<boolean> {
    const id = 'recurrence-hit-lists@1';
    if (await models.builds.findById(id).lean()) return false;
    const done: Pick<RecurrenceDoc, '_id' | 'model' | 'hits' | 'checkedAt'>[] = [];
    for await (const doc of models.recurrences.find({ status: 'done' }, { model: 1, hits: 1, checkedAt: 1 }).lean<RecurrenceDoc[]>().cursor()) {
      if (Array.isArray(doc.hits) && doc.hits.length > 0) done.push(doc);
    }
    done.sort((a, b) => new Date(a.checkedAt).getTime() - new Date(b.checkedAt).getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
    const byList = new Map<string, string[]>();
    for (const doc of done) {
      for (const list of listsOf(doc)) {
        const ids = byList.get(list) ?? [];
        ids.push(doc._id);
        byList.set(list, ids);
      }
    }
    for (const [list, ids] of byList) await lists.appendMissing(list, ids);
    await insertedOnce(models.builds.collection.insertOne({ _id: id as never, builtAt: now }));
    return true;
  }

  return { listed, latest, buildOnce };
}

export type RecurrenceHitLists = ReturnType<typeof createRecurrenceHitLists>;
