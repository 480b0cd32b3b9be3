import type { Logger } from 'pino';
import { insertedOnce, numberedEntries, type NumberedEntryDoc } from '@aftersales/platform';
import type { SparesStore } from './collections';

/**
 * Every requisition in the order raised, as the platform's numbered entries `all#<n>` read by
 * `_id`: the requisitions desk polls the latest every 10 s, and on FerretDB v1
 * `find({}).sort({ createdAt: -1 })` reads and sorts every requisition ever raised. An entry goes
 * in before its requisition is stored, so a crash between leaves an entry naming nothing, which the
 * reader skips, never a requisition the list misses.
 */
export type RaisedEntryDoc = NumberedEntryDoc<'requisitionId'>;

type RaisedStore = Pick<SparesStore, 'requisitionsRaised'>;

const everyRequisition = 'all';

export function createRequisitionsRaised(store: RaisedStore) {
  // One per process: its bound of the list's end saves the reads that find the end again.
  const entries = numberedEntries(store.requisitionsRaised, 'requisitionId', { batch: 16 });
  return {
    /** Lists a requisition: before it is stored. */
    listed: (requisitionId: string) => entries.append(everyRequisition, requisitionId),
    /** The ids listed last, newest first, at most `max` entries read (an entry a crash left names nothing stored). */
    async latest(max: number): Promise<string[]> {
      const ids: string[] = [];
      for await (const id of entries.newestFirst(everyRequisition, max)) ids.push(id);
      return ids;
    },
  };
}

export type RequisitionsRaised = ReturnType<typeof createRequisitionsRaised>;

/** Marks the one-time listing of the requisitions raised before the list existed. */
export const requisitionsRaisedBuildId = 'requisitions-raised@1';

/**
 * Lists the requisitions raised before the list existed, in the order raised, once (a marker in
 * `sparesBuilds`): reads every requisition by filter, one time, at start. The number listed, or -1
 * when built already.
 */
export async function buildRequisitionsRaisedOnce(store: RaisedStore & Pick<SparesStore, 'requisitions' | 'builds'>, now: () => Date, log?: Logger): Promise<number> {
  if (await store.builds.findOne({ _id: requisitionsRaisedBuildId })) return -1;
  const raised = await store.requisitions.find({}, { projection: { _id: 1, createdAt: 1 } }).toArray();
  const ids = raised.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a._id < b._id ? -1 : 1)).map((r) => r._id);
  await numberedEntries(store.requisitionsRaised, 'requisitionId', { batch: 16 }).appendMissing(everyRequisition, ids);
  await insertedOnce(store.builds.insertOne({ _id: requisitionsRaisedBuildId, builtAt: now() }));
  log?.info({ listed: ids.length }, 'requisitions raised before the list, listed');
  return ids.length;
}
