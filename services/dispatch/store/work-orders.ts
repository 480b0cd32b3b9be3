/**
 * Work orders with optimistic concurrency on a unique key: every change inserts a change document
 * `${workOrderId}#${version}` holding the state after it and its events (the outbox, published by
 * the relay). Two concurrent changes of one version collide on that key and the loser gets 409;
 * the work-order document is then brought up to the change. A process dying between the two writes
 * leaves the change stored; the next commit collides with it and rolls the work order forward.
 *
 * Open work orders live in `workOrders`, a collection as small as the work under way: FerretDB v1
 * scans a collection for every update and delete, even by `_id`, so the state that changes must
 * not share a collection with years of finished jobs. A completed or cancelled work order moves to
 * `closedWorkOrders` (inserted there, then deleted from the open ones; a load after a crash in
 * between finishes the move). A request's work orders are found by their ids (`WO-<request>-<n>`,
 * whose first change always exists), never by a query.
 *
 * A change's events go to the relay through the pending index (`notePendingOutbox`), noted just
 * before the work order is brought up to the change, by the commit or by whoever rolls it forward:
 * so a version's events are due before the next version can be made, and the relay never polls
 * the change log, which grows with every change ever made (on FerretDB v1 that poll read it whole).
 */
import { randomUUID } from 'node:crypto';
import { buildEvent, topics, type EventKey } from '@aftersales/contracts';
import { ConflictError, isDuplicateKeyError, notePendingOutbox, outboxForInsert, type OutgoingEvent, type Platform } from '@aftersales/platform';
import type { Collection, Document } from 'mongodb';
import type { z } from 'zod';
import type { eventContracts } from '@aftersales/contracts';
import { isOpen } from '../domain/work-order';
import { createClosedWorkOrderLists } from './closed-work-orders';
import type { DispatchCollections, WorkOrderChangeDoc, WorkOrderDoc } from './models';

export type WorkOrderStoreDeps = Pick<Platform, 'topic' | 'now' | 'nudgeOutbox'>;

type WorkOrderEventKey = Extract<EventKey, `work-order.${string}`>;

const ignoreDuplicate = (error: unknown) => {
  if (!isDuplicateKeyError(error)) throw error;
};

export function createWorkOrderStore(deps: WorkOrderStoreDeps, c: Pick<DispatchCollections, 'workOrders' | 'closedWorkOrders' | 'closedWorkOrderLists' | 'workOrderChanges'>) {
  const closedLists = createClosedWorkOrderLists(c);
  function event<K extends WorkOrderEventKey>(key: K, data: z.input<(typeof eventContracts)[K]['schema']>, wo: WorkOrderDoc, causationId: string | null): OutgoingEvent {
    const built = buildEvent(key, data, { id: randomUUID(), occurredAt: deps.now(), source: 'dispatch', subject: wo._id, correlationId: wo.requestId, causationId });
    return { topic: deps.topic(topics.workOrders), event: built };
  }

  const changes = c.workOrderChanges as unknown as Collection<Document>;
  // The change each recorded version was stored with, for its settle (a resume settles one read back).
  const recorded = new WeakMap<WorkOrderDoc, WorkOrderChangeDoc>();

  /** The change's events due at the relay; before the work order shows the change. */
  async function release(change: WorkOrderChangeDoc | null): Promise<void> {
    if (change) await notePendingOutbox(changes, change);
  }

  function changeDoc(next: WorkOrderDoc, events: OutgoingEvent[]): WorkOrderChangeDoc {
    const at = deps.now();
    return { _id: `${next._id}#${next.version}`, workOrderId: next._id, version: next.version, at, snapshot: next, ...(events.length > 0 ? outboxForInsert(events, at) : {}) };
  }

  /** Brings the stored work order from `from` (null: not stored) to `to`: replaced among the open ones, or moved to the closed. */
  async function place(to: WorkOrderDoc, from: WorkOrderDoc | null): Promise<void> {
    if (isOpen(to.status)) {
      // By `_id` alone: FerretDB v1 reads every open work order for any other filter (and does not
      // make a conditional write atomic anyway). The change's unique key already decided who stores
      // this version; a placement that arrives late over a newer one is rolled forward again by the
      // next commit, whose insert collides with the newer change.
      if (from) await c.workOrders.replaceOne({ _id: to._id }, to);
      else await c.workOrders.insertOne(to).catch(ignoreDuplicate);
      return;
    }
    // Listed under its closing status first (a crash after leaves an entry a reader skips); a change
    // after closing (rare) that keeps the status replaces the closed copy and is listed already.
    if (!from || from === to || from.status !== to.status) await closedLists.listed(to);
    await c.closedWorkOrders.insertOne(to).catch(async (error: unknown) => {
      ignoreDuplicate(error);
      await c.closedWorkOrders.replaceOne({ _id: to._id }, to);
    });
    await c.workOrders.deleteOne({ _id: to._id });
  }

  /**
   * The stored work order. A change a dead process stored without updating the work order is
   * applied by the next commit, whose insert collides with it (see commit), not by every read: on
   * FerretDB v1 even an `_id` read scans the collection up to the match, and a miss scans all of
   * it, so probing the change log for the next version would cost a scan of all history per read.
   */
  async function load(id: string): Promise<WorkOrderDoc | null> {
    const wo: WorkOrderDoc | null = await c.workOrders.findOne({ _id: id });
    if (wo) {
      if (!isOpen(wo.status)) await place(wo, wo); // a move a dead process left half-done
      return wo;
    }
    const closed = await c.closedWorkOrders.findOne({ _id: id });
    if (closed) return closed;
    const first = await c.workOrderChanges.findOne({ _id: `${id}#1` });
    if (!first) return null;
    await release(first);
    await place(first.snapshot, null);
    return rollForward(first.snapshot);
  }

  /** Applies the changes stored after `wo` (by a process that died before updating the work order). */
  async function rollForward(from: WorkOrderDoc): Promise<WorkOrderDoc> {
    let wo = from;
    for (;;) {
      const ahead: WorkOrderChangeDoc | null = await c.workOrderChanges.findOne({ _id: `${wo._id}#${wo.version + 1}` });
      if (!ahead) return wo;
      await release(ahead);
      await place(ahead.snapshot, wo);
      wo = ahead.snapshot;
    }
  }

  /** The work orders of a service request, in order, by their ids: `WO-<request>-1`, `-2`, ... while a first change exists. */
  async function ofRequest(requestId: string): Promise<WorkOrderDoc[]> {
    const found: WorkOrderDoc[] = [];
    for (let n = 1; ; n++) {
      const wo = await load(`WO-${requestId}-${n}`);
      if (!wo) return found;
      found.push(wo);
    }
  }

  /** Creates version 1; a second create of the same id returns the stored one. */
  async function create(wo: WorkOrderDoc, events: OutgoingEvent[]): Promise<{ created: boolean; workOrder: WorkOrderDoc }> {
    const change = changeDoc({ ...wo, version: 1 }, events);
    try {
      await c.workOrderChanges.insertOne(change);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return { created: false, workOrder: (await load(wo._id))! };
    }
    await release(change);
    await place({ ...wo, version: 1 }, null);
    deps.nudgeOutbox();
    return { created: true, workOrder: { ...wo, version: 1 } };
  }

  /** Stores `next` as the version after `current` with its events, or 409 when someone changed it first. */
  async function commit(current: WorkOrderDoc, next: Omit<WorkOrderDoc, 'version'>, events: OutgoingEvent[]): Promise<WorkOrderDoc> {
    const stored = await record(current, next, events);
    await settle(stored, current, events.length > 0);
    return stored;
  }

  /**
   * The first half of a commit: the change and its events are stored (the change is decided here),
   * the work order itself not yet updated; `settle` does that. An assignment writes the engineer's
   * calendar in between, so nobody sees the work order assigned before its calendar shows it.
   */
  async function record(current: WorkOrderDoc, next: Omit<WorkOrderDoc, 'version'>, events: OutgoingEvent[]): Promise<WorkOrderDoc> {
    const stored: WorkOrderDoc = { ...next, version: current.version + 1, updatedAt: deps.now() };
    const change = changeDoc(stored, events);
    try {
      await c.workOrderChanges.insertOne(change);
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        // Someone stored this version first, or a dead process did without updating the work order: bring it up to date.
        const stored = (await c.workOrders.findOne({ _id: current._id })) ?? (await c.closedWorkOrders.findOne({ _id: current._id }));
        if (stored) await rollForward(stored);
        throw new ConflictError(`work order ${current._id} was changed meanwhile (version ${current.version}); reload and try again`, 'version');
      }
      throw error;
    }
    recorded.set(stored, change);
    return stored;
  }

  /** The second half: the change's events due, the work order brought up to the change, and the relay nudged. */
  async function settle(stored: WorkOrderDoc, current: WorkOrderDoc, withEvents = true): Promise<void> {
    await release(recorded.get(stored) ?? (await c.workOrderChanges.findOne({ _id: `${stored._id}#${stored.version}` })));
    await place(stored, current);
    if (withEvents) deps.nudgeOutbox();
  }

  return { load, ofRequest, create, commit, record, settle, event };
}

export type WorkOrderStore = ReturnType<typeof createWorkOrderStore>;
