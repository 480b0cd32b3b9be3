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
 * status), never a closed one no list names.
 */
export type ClosedListEntryDoc = NumberedEntryDoc<'workOrderId'>;
export type ClosingStatus = Extract<WorkOrderStatus, 'completed' | 'cancelled'>;

type Lists = Pick<DispatchCollections, 'closedWorkOrderLists' | 'closedWorkOrders'>;

/** Work orders read by `_id` at once while a list is read. */
const readsAtOnce = 16;

export function createClosedWorkOrderLists(c: Lists) {
  // One per process: its bound of each list's end saves the reads that find the end again.
  const entries = numberedEntries(c.closedWorkOrderLists, 'workOrderId', { batch: readsAtOnce });
  return {
    /** Lists a work order under the status it closes with: before it is placed among the closed. */
    listed: (wo: WorkOrderDoc) => entries.append(wo.status, wo._id),
    /** The `limit` closed last with `status` (as stored now), newest closed first. */
    async latest(status: ClosingStatus, limit: number): Promise<WorkOrderDoc[]> {
      const found: WorkOrderDoc[] = [];
      const read = (_id: string) => c.closedWorkOrders.findOne({ _id });
      let ids: string[] = [];
      // The list's ids come a batch of entries at a time; each batch's work orders are read at once.
      for await (const id of entries.newestFirst(status)) {
        ids.push(id);
        if (ids.length < readsAtOnce) continue;
        found.push(...(await readEachById(ids, read, { batch: readsAtOnce, keep: (wo) => wo.status === status })));
        ids = [];
        if (found.length >= limit) return found.slice(0, limit);
      }
      found.push(...(await readEachById(ids, read, { batch: readsAtOnce, keep: (wo) => wo.status === status })));
      return found.slice(0, limit);
    },
  };
}

export type ClosedWorkOrderLists = ReturnType<typeof createClosedWorkOrderLists>;

/** Marks the one-time listing of the work orders closed before the lists existed. */
export const closedListsBuildId = 'closed-work-order-lists@1';

/**
 * Lists the work orders closed before the lists existed, once (a marker in `dispatchBuilds`): reads
 * the closed ones by filter, one time, at start, each status in the order they were last changed.
 * Returns how many were listed, or -1 when built already.
 */
export async function buildClosedListsOnce(c: Lists & Pick<DispatchCollections, 'builds'>, now: Date): Promise<number> {
  if (await c.builds.findOne({ _id: closedListsBuildId })) return -1;
  const closed = await c.closedWorkOrders.find({}, { projection: { _id: 1, status: 1, updatedAt: 1 } }).toArray();
  const entries = numberedEntries(c.closedWorkOrderLists, 'workOrderId', { batch: readsAtOnce });
  for (const status of ['completed', 'cancelled'] as const) {
    const ids = closed.filter((wo) => wo.status === status).sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime() || (a._id < b._id ? -1 : 1)).map((wo) => wo._id);
    await entries.appendMissing(status, ids);
  }
  await insertedOnce(c.builds.insertOne({ _id: closedListsBuildId, builtAt: now }));
  return closed.length;
}
