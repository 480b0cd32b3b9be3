import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, monitoredConnection, scansOf, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { createSparesStore, type RequisitionDoc, type SparesStore } from './collections';
import { buildRequisitionsRaisedOnce, createRequisitionsRaised } from './requisitions-raised';

const dbName = uniqueName('spares-req-raised').replace(/-/g, '_');
const anchor = utcDayAt(0, '08:00');

const requisition = (id: string, minutesAgo: number): RequisitionDoc => ({
  _id: id, workOrderId: `WO-${id}`, requestId: `SR-${id}`, requesterId: 'ENG-1', model: null,
  lines: [{ partNumber: 'P-BELT', quantity: 1, unitPriceCents: 100 }],
  reasons: [], approvalNeeded: false, approvers: [], deadlineMs: 0, currentApprover: null, escalations: [], status: 'approved',
  createdAt: new Date(anchor.getTime() - minutesAgo * 60_000),
});

/** On the real Mongo server: the requisitions desk's latest requisitions, read by `_id`, are what the filter sorted by creation gave. */
describe('requisitions raised', () => {
  let connection: Connection;
  let store: SparesStore;
  const { listener, recorded } = commandRecorder();

  beforeAll(async () => {
    connection = await monitoredConnection(inject('stack').mongoUrl, dbName, listener);
    store = createSparesStore(connection);
    await store.init();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('lists those raised before once, then each new one before it is stored, newest first without a scanning filter', async () => {
    // Raised before the list existed, stored out of order.
    await store.requisitions.insertMany([requisition('REQ-B', 20), requisition('REQ-A', 30), requisition('REQ-C', 10)]);
    expect(await buildRequisitionsRaisedOnce(store, () => anchor)).toBe(3);
    expect(await buildRequisitionsRaisedOnce(store, () => anchor)).toBe(-1);
    const raised = createRequisitionsRaised(store);
    // Raised since, as POST /v1/requisitions does: listed, then stored; one whose process died between the two.
    for (const [id, minutesAgo] of [['REQ-D', 5], ['REQ-E', 2]] as const) {
      await raised.listed(id);
      await store.requisitions.insertOne(requisition(id, minutesAgo));
    }
    await raised.listed('REQ-NEVER-STORED');
    const byFilter = (await store.requisitions.find({}, { projection: { _id: 1 } }).sort({ createdAt: -1 }).limit(4).toArray()).map((r) => r._id);
    // A fresh process (no bound of the list's end), as a poll after a restart.
    const latest = await recorded(() => createRequisitionsRaised(store).latest(5));
    const stored = (await Promise.all(latest.result.map((_id) => store.requisitions.findOne({ _id })))).flatMap((r) => (r ? [r._id] : []));
    expect(stored).toEqual(byFilter);
    expect(latest.result[0]).toBe('REQ-NEVER-STORED');
    expect(scansOf(latest.commands, { keyed: new Set(['requisitionsRaised']), small: new Set() })).toEqual([]);
    expect(latest.commands.length).toBeLessThanOrEqual(16);
  });
});
