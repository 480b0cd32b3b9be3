import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo, outboxForInsert, outboxPendingCollection, PlatformError, type OutboxPendingDoc } from '@aftersales/platform';
import { uniqueName } from '@aftersales/platform/testing';
import { createDispatchCollections, type DispatchCollections, type WorkOrderDoc } from './models';
import { createWorkOrderStore, type WorkOrderStore } from './work-orders';

/** Work-order changes on the real FerretDB: one winner per version, events in the same insert, roll-forward after a crash. */
const stack = inject('stack');
const db = uniqueName('dispatch-work-orders');
const connections: Connection[] = [];
const stores: WorkOrderStore[] = [];
let c: DispatchCollections;

const now = new Date();
function workOrder(id: string): WorkOrderDoc {
  return {
    _id: id, requestId: `SR-${id}`, version: 1, status: 'assigned', route: 'field-visit', tier: 'P2', onSiteDueAt: null, customerId: 'C', serialNumber: 'S', createdAt: now, updatedAt: now,
    engineerId: 'E1', bookingId: `${id}:r1`, round: 1, plannedDepartAt: null, plannedStart: null, plannedEnd: null, assignedAt: now, assignedBy: 'auto', excludedEngineers: [], planningNote: null,
    steps: {}, report: null, depot: null, cancelReason: null, history: [],
  };
}

beforeAll(async () => {
  for (let i = 0; i < 4; i++) {
    const conn = await connectMongo(stack.mongoUrl, db);
    connections.push(conn);
    const cols = await createDispatchCollections(conn);
    if (i === 0) c = cols;
    stores.push(createWorkOrderStore({ topic: (t) => `${db}.${t}`, now: () => new Date(), nudgeOutbox: () => undefined }, cols));
  }
});

afterAll(async () => {
  await connections[0]?.db?.dropDatabase();
  await Promise.all(connections.map((conn) => conn.close()));
});

describe('work-order changes', () => {
  it('of 12 concurrent accepts of one version exactly one is stored, with its one event; the others get 409', async () => {
    const { workOrder: wo } = await stores[0]!.create(workOrder('WO-RACE'), []);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => {
        const s = stores[i % stores.length]!;
        return s.commit(wo, { ...wo, status: 'accepted' }, [s.event('work-order.accepted@1', { workOrderId: wo._id, requestId: wo.requestId, engineerId: 'E1', acceptedAt: new Date().toISOString() }, wo, null)]);
      }),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(PlatformError);
      expect(r.reason).toMatchObject({ status: 409, field: 'version' });
    }
    const changes = await c.workOrderChanges.find({ workOrderId: 'WO-RACE' }).toArray();
    expect(changes.map((ch) => ch._id).sort()).toEqual(['WO-RACE#1', 'WO-RACE#2']);
    expect(changes.find((ch) => ch.version === 2)?.outbox?.map((o) => o.event.type)).toEqual(['work-order.accepted']);
    // Its events are due at the relay through the pending index; the losers' never were.
    const pending = connections[0]!.db!.collection<OutboxPendingDoc>(outboxPendingCollection);
    const due = await pending.find({ docId: { $regex: '^WO-RACE#' } }).toArray();
    expect(due.map((p) => [p._id, p.entries.map((e) => e.event.type)])).toEqual([['workOrderChanges|WO-RACE#2', ['work-order.accepted']]]);
    expect(await stores[1]!.load('WO-RACE')).toMatchObject({ version: 2, status: 'accepted' });
  });

  it('rolls a work order forward to a change a dead process stored but did not apply, on the next commit', async () => {
    const { workOrder: wo } = await stores[0]!.create(workOrder('WO-CRASH'), []);
    // The change insert happened, with its event; neither its pending entry nor the update of the work order did.
    const travelled = stores[0]!.event('work-order.travel-started@1', { workOrderId: wo._id, requestId: wo.requestId, engineerId: 'E1', startedAt: new Date().toISOString() }, wo, null);
    await c.workOrderChanges.insertOne({ _id: 'WO-CRASH#2', workOrderId: 'WO-CRASH', version: 2, at: new Date(), snapshot: { ...wo, version: 2, status: 'travelling' }, ...outboxForInsert([travelled], new Date()) });
    const pending = connections[0]!.db!.collection<OutboxPendingDoc>(outboxPendingCollection);
    expect(await pending.findOne({ _id: 'workOrderChanges|WO-CRASH#2' })).toBeNull();
    // The next commit collides with it, answers 409 and brings the work order up to the change.
    await expect(stores[3]!.commit(wo, { ...wo, status: 'accepted' }, [])).rejects.toMatchObject({ status: 409 });
    expect(await stores[2]!.load('WO-CRASH')).toMatchObject({ version: 2, status: 'travelling' });
    expect(await c.workOrders.findOne({ _id: 'WO-CRASH' })).toMatchObject({ version: 2, status: 'travelling' });
    // Rolled forward with its events: due at the relay before the work order showed it.
    expect((await pending.findOne({ _id: 'workOrderChanges|WO-CRASH#2' }))?.entries.map((e) => e.event.id)).toEqual([travelled.event.id]);
  });

  it('creating the same work order twice keeps the first', async () => {
    const first = await stores[0]!.create(workOrder('WO-TWICE'), []);
    const second = await stores[1]!.create({ ...workOrder('WO-TWICE'), tier: 'P1' }, []);
    expect([first.created, second.created]).toEqual([true, false]);
    expect(second.workOrder.tier).toBe('P2');
  });
});
