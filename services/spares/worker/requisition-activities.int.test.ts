import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, scansOf, testLogger, uniqueName } from '@aftersales/platform/testing';
import { createSparesStore, type RequisitionDoc, type SparesStore } from '../store/collections';
import { createRequisitionActivities } from './requisition-activities';

/**
 * On the real Mongo server: an escalation of a requisition is read, checked and written by `_id`
 * (FerretDB v1 reads the whole collection for any other filter), once per level, and two writes of
 * one requisition at once both land.
 */
const stack = inject('stack');
const dbName = uniqueName('spares-requisition-activities').replace(/-/g, '_');
const { listener, recorded } = commandRecorder();
const keyed = new Set(['requisitions', 'requisitionDecisions', 'approvalRequests']);
const small = new Set(['sparesKeyLocks', 'outboxPending']);

let connection: Connection;
let store: SparesStore;
let activities: ReturnType<typeof createRequisitionActivities>;

const requisition = (id: string): RequisitionDoc => ({
  _id: id, workOrderId: `WO-${id}`, requestId: `SR-${id}`, requesterId: 'ENG-1', lines: [{ partNumber: 'P-1', quantity: 3, unitPriceCents: 1000 }], model: null, reasons: ['over budget'],
  approvalNeeded: true, approvers: ['A-1', 'A-2', 'A-3'], deadlineMs: 5_000, currentApprover: 'A-1', escalations: [], status: 'pending-approval', createdAt: new Date(),
});
const escalation = (requisitionId: string, level: number) => ({ requisitionId, level, fromApprover: `A-${level}`, toApprover: `A-${level + 1}`, at: new Date(Date.UTC(2026, 11, 5, 8, level)).toISOString() });
const levels = async (id: string) => ((await store.requisitions.findOne({ _id: id }))?.escalations ?? []).map((e) => e.level).sort();

beforeAll(async () => {
  connection = mongoose.createConnection(stack.mongoUrl, { dbName, maxPoolSize: 8, monitorCommands: true });
  await connection.asPromise();
  connection.getClient().on('commandStarted', listener);
  store = createSparesStore(connection);
  await store.init();
  activities = createRequisitionActivities({ topic: (name: string) => `${dbName}.${name}`, now: () => new Date(), nudgeOutbox: () => undefined, logger: testLogger() } as never, store);
});

afterAll(async () => {
  await connection?.dropDatabase();
  await connection?.close();
});

describe('requisition activities', () => {
  it('records an escalation once, retried, by _id reads and writes only', async () => {
    await store.requisitions.insertMany([requisition('REQ-1'), requisition('REQ-OTHER')]);
    const { commands } = await recorded(async () => {
      await activities.recordEscalation(escalation('REQ-1', 1));
      await activities.recordEscalation(escalation('REQ-1', 1));
    });
    expect(scansOf(commands, { keyed, small })).toEqual([]);
    expect(commands.some((c) => c.commandName === 'update' && String((c.command as Record<string, unknown>).update) === 'requisitions')).toBe(true);
    const stored = await store.requisitions.findOne({ _id: 'REQ-1' });
    expect(stored?.escalations).toEqual([{ level: 1, fromApprover: 'A-1', toApprover: 'A-2', at: escalation('REQ-1', 1).at }]);
    expect(stored?.currentApprover).toBe('A-2');
    expect(await levels('REQ-OTHER')).toEqual([]);
    expect(await store.locks.countDocuments({})).toBe(0);
  });

  it('two levels recorded at once both land, and the approver is the highest level\u2019s', async () => {
    await store.requisitions.insertOne(requisition('REQ-2'));
    const { commands } = await recorded(() => Promise.all([activities.recordEscalation(escalation('REQ-2', 1)), activities.recordEscalation(escalation('REQ-2', 2)), activities.recordEscalation(escalation('REQ-2', 1))]));
    expect(scansOf(commands, { keyed, small })).toEqual([]);
    expect(await levels('REQ-2')).toEqual([1, 2]);
    expect((await store.requisitions.findOne({ _id: 'REQ-2' }))?.currentApprover).toBe('A-3');
  });

  it('a decision recorded while an escalation is keeps both', async () => {
    await store.requisitions.insertOne(requisition('REQ-3'));
    const { commands } = await recorded(() =>
      Promise.all([
        activities.recordEscalation(escalation('REQ-3', 1)),
        activities.recordDecision({ requisitionId: 'REQ-3', decision: 'rejected', lines: [{ partNumber: 'P-1', requested: 3, approved: 0 }], by: 'A-1', at: new Date().toISOString(), note: null, lapsed: false }),
      ]),
    );
    expect(scansOf(commands, { keyed, small })).toEqual([]);
    const stored = await store.requisitions.findOne({ _id: 'REQ-3' });
    expect(stored?.escalations.map((e) => e.level)).toEqual([1]);
    expect(stored).toMatchObject({ status: 'rejected', currentApprover: null });
  });
});
