/**
 * Work orders with optimistic concurrency on a unique key: every change inserts a change document
 * `${workOrderId}#${version}` holding the state after it and its events (the outbox, published by
 * the relay). Two concurrent changes of one version collide on that key and the loser gets 409;
 * the work-order document is then brought up to the change. A process dying between the two writes
 * leaves the change stored; the next load rolls the work order forward to it.
 */
import { randomUUID } from 'node:crypto';
import { buildEvent, topics, type EventKey } from '@aftersales/contracts';
import { ConflictError, isDuplicateKeyError, outboxForInsert, type OutgoingEvent, type Platform } from '@aftersales/platform';
import type { z } from 'zod';
import type { eventContracts } from '@aftersales/contracts';
import type { DispatchCollections, WorkOrderChangeDoc, WorkOrderDoc } from './models';

export type WorkOrderStoreDeps = Pick<Platform, 'topic' | 'now' | 'nudgeOutbox'>;

type WorkOrderEventKey = Extract<EventKey, `work-order.${string}`>;

export function createWorkOrderStore(deps: WorkOrderStoreDeps, c: Pick<DispatchCollections, 'workOrders' | 'workOrderChanges'>) {
  function event<K extends WorkOrderEventKey>(key: K, data: z.input<(typeof eventContracts)[K]['schema']>, wo: WorkOrderDoc, causationId: string | null): OutgoingEvent {
    const built = buildEvent(key, data, { id: randomUUID(), occurredAt: deps.now(), source: 'dispatch', subject: wo._id, correlationId: wo.requestId, causationId });
    return { topic: deps.topic(topics.workOrders), event: built };
  }

  function changeDoc(next: WorkOrderDoc, events: OutgoingEvent[]): WorkOrderChangeDoc {
    const at = deps.now();
    return { _id: `${next._id}#${next.version}`, workOrderId: next._id, version: next.version, at, snapshot: next, ...(events.length > 0 ? outboxForInsert(events, at) : {}) };
  }

  async function load(id: string): Promise<WorkOrderDoc | null> {
    let wo: WorkOrderDoc | null = await c.workOrders.findOne({ _id: id });
    if (!wo) {
      const first = await c.workOrderChanges.findOne({ _id: `${id}#1` });
      if (!first) return null;
      await c.workOrders.insertOne(first.snapshot).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
      });
      wo = first.snapshot;
    }
    // Roll forward over changes stored by a process that died before updating the work order.
    for (;;) {
      const ahead: WorkOrderChangeDoc | null = await c.workOrderChanges.findOne({ _id: `${id}#${wo.version + 1}` });
      if (!ahead) return wo;
      const current: WorkOrderDoc = wo;
      await c.workOrders.replaceOne({ _id: id, version: current.version }, ahead.snapshot);
      wo = ahead.snapshot;
    }
  }

  /** Creates version 1; a second create of the same id returns the stored one. */
  async function create(wo: WorkOrderDoc, events: OutgoingEvent[]): Promise<{ created: boolean; workOrder: WorkOrderDoc }> {
    try {
      await c.workOrderChanges.insertOne(changeDoc({ ...wo, version: 1 }, events));
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return { created: false, workOrder: (await load(wo._id))! };
    }
    await c.workOrders.insertOne({ ...wo, version: 1 }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
    deps.nudgeOutbox();
    return { created: true, workOrder: { ...wo, version: 1 } };
  }

  /** Stores `next` as the version after `current` with its events, or 409 when someone changed it first. */
  async function commit(current: WorkOrderDoc, next: Omit<WorkOrderDoc, 'version'>, events: OutgoingEvent[]): Promise<WorkOrderDoc> {
    const stored: WorkOrderDoc = { ...next, version: current.version + 1, updatedAt: deps.now() };
    try {
      await c.workOrderChanges.insertOne(changeDoc(stored, events));
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ConflictError(`work order ${current._id} was changed meanwhile (version ${current.version}); reload and try again`, 'version');
      throw error;
    }
    await c.workOrders.replaceOne({ _id: current._id, version: current.version }, stored);
    if (events.length > 0) deps.nudgeOutbox();
    return stored;
  }

  return { load, create, commit, event };
}

export type WorkOrderStore = ReturnType<typeof createWorkOrderStore>;
