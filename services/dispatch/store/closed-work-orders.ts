import { insertedOnce, numberedEntries, readEachById, type NumberedEntryDoc } from '@aftersales/platform';
import type { WorkOrderStatus } from '../domain/work-order';
import type { DispatchCollections, WorkOrderDoc } from './models';

/**
 * The work orders closed, per closing status in the order they closed: the platform's numbered
 * entries `<status>#<n>` in `closedWorkOrderLists`, read newest first by `_id`. The dispatch desk
 * lists the completed or the cancelled ones, and on FerretDB v1
 * `closedWorkOrders.find({ status }).sort({ createdAt: -1 })` reads every job ever finished. An
 * entry goes in before the work order is placed among the closed, so a crash between leaves an
 * entry naming a work order not closed yet (read past: a reader keeps only those stored with that
 * status), never a closed one no list names. A work order with an engineer is also listed under
 * `<status>|<engineer id>`, so one engineer's closed jobs are read the same way.
 */
export type ClosedListEntryDoc = NumberedEntryDoc<'workOrderId'>;
export type ClosingStatus = Extract<WorkOrderStatus, 'completed' | 'cancelled'>;

type Lists = Pick<DispatchCollections, 'closedWorkOrderLists' | 'closedWorkOrders'>;

/** Work orders read by `_id` at once while a list is read. */
const readsAtOnce = 16;
/** A closing status's list, or one engineer's under it. */
const listOf = (status: string, engineerId?: string | null) => (engineerId ? `${status}|${engineerId}` : status);

export function createClosedWorkOrderLists(c: Lists) {
  // One per process: its bound of each list's end saves the reads that find the end again.
  const entries = numberedEntries(c.closedWorkOrderLists, 'workOrderId', { batch: readsAtOnce });
  return {
    /** Lists a work order under the status it closes with (and its engineer's): before it is placed among the closed. */
    listed: async (wo: WorkOrderDoc) => {
      await Promise.all([entries.append(wo.status, wo._id), ...(wo.engineerId ? [entries.append(listOf(wo.status, wo.engineerId), wo._id)] : [])]);
    },
    /** The `limit` closed last with `status` (as stored now), of one engineer when given, newest closed first. */
    async latest(status: ClosingStatus, limit: number, engineerId?: string): Promise<WorkOrderDoc[]> {
      const found: WorkOrderDoc[] = [];
      const read = (_id: string) => c.closedWorkOrders.findOne({ _id });
      const keep = (wo: WorkOrderDoc) => wo.status === status && (!engineerId || wo.engineerId === engineerId);
      let ids: string[] = [];
      // The list's ids come a batch of entries at a time; each batch's work orders are read at once.
      for await (const id of entries.newestFirst(listOf(status, engineerId))) {
        ids.push(id);
        if (ids.length < readsAtOnce) continue;
        found.push(...(await readEachById(ids, read, { batch: readsAtOnce, keep })));
        ids = [];
        if (found.length >= limit) return found.slice(0, limit);
      }
      found.push(...(await readEachById(ids, read, { batch: readsAtOnce, keep })));
      return found.slice(0, limit);
    },
  };
}

export type ClosedWorkOrderLists = ReturnType<typeof createClosedWorkOrderLists>;

/** Marks the one-time listing of the work orders closed before the lists existed. */
export const closedListsBuildId = 'closed-work-order-lists@1';
/** Marks the one-time listing under their engineers of the work orders closed before those lists existed. */
export const engineerClosedListsBuildId = 'closed-work-order-engineer-lists@1';

/**
 * Lists the work orders closed before the lists existed, once (markers in `dispatchBuilds`: the
 * statuses' lists, then the engineers'): reads the closed ones by filter, one time, at start, each
 * list in the order they were last changed. Returns how many were read, or -1 when built already.
 */
export async function buildClosedListsOnce(c: Lists & Pick<DispatchCollections, 'builds'>, now: Date): Promise<number> {
  const [byStatus, byEngineer] = await Promise.all([closedListsBuildId, engineerClosedListsBuildId].map((_id) => c.builds.findOne({ _id })));
  if (byStatus && byEngineer) return -1;
  const closed = await c.closedWorkOrders.find({}, { projection: { _id: 1, status: 1, engineerId: 1, updatedAt: 1 } }).toArray();
  closed.sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || (a._id < b._id ? -1 : 1));
  const entries = numberedEntries(c.closedWorkOrderLists, 'workOrderId', { batch: readsAtOnce });
  const lists = new Map<string, string[]>();
  for (const wo of closed) {
    if (wo.status !== 'completed' && wo.status !== 'cancelled') continue;
    for (const list of [...(byStatus ? [] : [listOf(wo.status)]), ...(!byEngineer && wo.engineerId ? [listOf(wo.status, wo.engineerId)] : [])]) {
      const ids = lists.get(list);
      if (ids) ids.push(wo._id);
      else lists.set(list, [wo._id]);
    }
  }
  for (const [list, ids] of lists) await entries.appendMissing(list, ids);
  for (const [done, _id] of [[byStatus, closedListsBuildId], [byEngineer, engineerClosedListsBuildId]] as const) if (!done) await insertedOnce(c.builds.insertOne({ _id, builtAt: now }));
  return closed.length;
}
