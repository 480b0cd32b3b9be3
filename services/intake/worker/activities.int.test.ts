import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import { commandNames, commandRecorder, testLogger, uniqueName, monitoredConnection } from '@aftersales/platform/testing';
import type { ServiceRequestView, SyncInput } from '@aftersales/workflows';
import { createIntakeModels, type IntakeModels } from '../store/models';
import { createWorkflowEventModel } from '../store/workflow-events';
import { createServiceRequestActivities } from './activities';

/**
 * The serviceRequest workflow's first step on the real FerretDB: a new run's first sync carries the
 * run, and the record's link to it goes in the same update as the clocks (it was an activity of its
 * own: a read, an update and a read-back more per request).
 */
const stack = inject('stack');
const ns = uniqueName('intake-activities');
const logger = testLogger();

let mongo: Connection;
let models: IntakeModels;
let activities: ReturnType<typeof createServiceRequestActivities>;
const { listener, recorded } = commandRecorder();

async function storeRequest(id: string): Promise<void> {
  const now = Date.now();
  await models.serviceRequests.collection.insertOne({
    _id: id, customerId: 'C-1', contact: { name: 'Ada', phone: '+86 21 5555 0101' }, channel: 'phone', serialNumber: 'CUT-1', symptom: 'No laser output',
    raisedAt: new Date(now - 60_000), neededBy: new Date(now + 86_400_000), status: 'registered', registeredAt: new Date(now - 60_000), registeredBy: 'agent-1',
    correlationId: id, idempotencyKey: id, requestFingerprint: 'x', workflow: null, dispatchedAt: null, owner: null, solvedAt: null, acceptedAt: null,
  } as never);
}

function firstSync(requestId: string, started?: SyncInput['started']): SyncInput {
  const registeredAt = new Date(Date.now() - 60_000).toISOString();
  const view: ServiceRequestView = {
    requestId, status: 'registered', registeredAt, screening: null, waitingOnCustomer: false, workOrder: null, resolution: null, survey: null, reopened: 0,
    escalations: [], history: [{ event: 'registered', at: registeredAt }], eventSeq: 0, tier: 'P3', tierProvisional: true, clocks: [],
  };
  return { requestId, revision: 1, view, events: [], ...(started ? { started } : {}) };
}

const updatesOfRecords = (names: string[]) => names.filter((n) => n === 'update serviceRequests').length;

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  const platform = { topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date() };
  activities = createServiceRequestActivities({ platform, serviceRequests: models.serviceRequests, workflowEvents: createWorkflowEventModel(mongo) });
  logger.debug({ ns }, 'activities test database');
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe('serviceRequest activities', () => {
  it('a new run\'s first sync links the record to the run in the same update that stores its state', async () => {
    const startedAt = new Date(Date.now() - 1_000).toISOString();
    await storeRequest('SR-APART');
    await storeRequest('SR-TOGETHER');

    // As runs started before the change do it: the link, then the sync.
    const apart = await recorded(async () => {
      await activities.recordWorkflowStarted({ requestId: 'SR-APART', workflowId: 'SR-APART', runId: 'run-apart', startedAt });
      await activities.syncServiceRequest(firstSync('SR-APART'));
    });
    const together = await recorded(() => activities.syncServiceRequest(firstSync('SR-TOGETHER', { workflowId: 'SR-TOGETHER', runId: 'run-together', startedAt })));

    const stored = await models.serviceRequests.findById('SR-TOGETHER').lean<{ workflow: { id: string; runId: string; startedAt: Date }; workflowRevision: number; status: string }>();
    expect(stored).toMatchObject({ workflow: { id: 'SR-TOGETHER', runId: 'run-together' }, workflowRevision: 1, status: 'registered' });
    expect(stored!.workflow.startedAt.toISOString()).toBe(startedAt);
    expect(updatesOfRecords(commandNames(apart.commands))).toBe(2);
    expect(updatesOfRecords(commandNames(together.commands))).toBe(1);
    expect(together.commands.length).toBeLessThan(apart.commands.length);

    // A retried first sync (its revision is stored) writes nothing and keeps the link.
    const retried = await recorded(() => activities.syncServiceRequest(firstSync('SR-TOGETHER', { workflowId: 'SR-TOGETHER', runId: 'run-together', startedAt })));
    expect(updatesOfRecords(commandNames(retried.commands))).toBe(0);
    expect((await models.serviceRequests.findById('SR-TOGETHER').lean<{ workflow: { runId: string } }>())!.workflow.runId).toBe('run-together');
  });

  it('a later sync leaves the run\'s link as it is', async () => {
    await storeRequest('SR-LATER');
    await activities.syncServiceRequest(firstSync('SR-LATER', { workflowId: 'SR-LATER', runId: 'run-later', startedAt: new Date().toISOString() }));
    await activities.syncServiceRequest({ ...firstSync('SR-LATER'), revision: 2, view: { ...firstSync('SR-LATER').view, status: 'cancelled' } });
    const stored = await models.serviceRequests.findById('SR-LATER').lean<{ workflow: { runId: string }; workflowRevision: number; status: string }>();
    expect(stored).toMatchObject({ workflow: { runId: 'run-later' }, workflowRevision: 2, status: 'cancelled' });
  });
});
