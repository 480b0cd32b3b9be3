import type { Connection, mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import { commandRecorder, scansOf, testLogger, uniqueName, monitoredConnection } from '@aftersales/platform/testing';
import { closedRequestStatuses } from '../domain/installed-base';
import type { RegistrationInput } from '../domain/registration';
import type { ServiceRequestView } from '@aftersales/workflows';
import { createServiceRequestActivities } from '../worker/activities';
import { buildClosedRequestsOnce, openRequestsOfCustomer, requestsOfCustomer } from './customer-requests';
import { createWorkflowEventModel } from './workflow-events';
import { createIntakeModels, type IntakeModels, type ServiceRequestDoc } from './models';
import { noteOpenRequest, readModelsOf } from './read-models';
import { createRegistrar, type Registrar } from './registrar';

/** On the real Mongo server: the customer page's open requests, read by `_id` only, are what the filter over every request finds. */
const stack = inject('stack');
const ns = uniqueName('intake-cust-open');
const day = 86_400_000;
const keyed = new Set(['serviceRequests', 'machineOpenRequests', 'machineLinks', 'customerClosedRequests']);
const { listener, recorded } = commandRecorder();

let mongo: Connection;
let models: IntakeModels;
let registrar: Registrar;
let requests: driver.Collection<ServiceRequestDoc>;

const registration = (customerId: string, serialNumber: string, symptom: string, hoursAgo: number, over: Partial<RegistrationInput> = {}): RegistrationInput => ({
  customerId,
  contact: { name: 'Ada', phone: '+86 21 5555 0101' },
  channel: 'phone',
  serialNumber,
  symptom,
  raisedAt: new Date(Date.now() - hoursAgo * 3_600_000),
  neededBy: new Date(Date.now() + 2 * day),
  ...over,
});

const register = (input: RegistrationInput) =>
  registrar.register({ input, idempotencyKey: null, checkFingerprint: true, registeredBy: 'agent-1', correlationId: 'corr', causationId: 'req', scope: { kind: 'all' } });

/** What the page read before: every request of the customer not closed, newest raised first. */
const closedByFilter = async (customerId: string) => (await requests.find({ customerId, status: { $in: [...closedRequestStatuses] } }).toArray()).map((r) => r._id).sort();

const byFilter = async (customerId: string) =>
  (await requests.find({ customerId, status: { $nin: [...closedRequestStatuses] } }).sort({ raisedAt: -1, _id: 1 }).toArray()).map((r) => r._id);

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  requests = models.serviceRequests.collection as unknown as driver.Collection<ServiceRequestDoc>;
  const customer = (id: string) => ({ _id: id, name: id, class: 'key_account', dealerId: null, contacts: [{ name: 'Ada', phone: '+86 21 5555 0101' }], sites: [] });
  await models.customers.collection.insertMany([customer('C-1'), customer('C-2'), customer('C-3')] as never[]);
  const machine = (id: string, customerId: string) => ({ _id: id, customerId, model: 'FL-3015', productLine: 'laser', status: 'active', parentSerial: null, warranty: null, installDate: new Date(Date.now() - 30 * day) });
  await models.machines.collection.insertMany([machine('M-1', 'C-1'), machine('M-2', 'C-1'), machine('M-3', 'C-2'), machine('M-4', 'C-3')] as never[]);
  const links = readModelsOf(models).machineLinks;
  await links.buildOnce(new Date());
  registrar = createRegistrar({ topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date(), logger: testLogger() }, models);
});

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

describe("a customer's open requests", () => {
  it('lists those on its machines and on serials it reported unknown, newest first, skipping closed ones and other customers\u2019, by _id reads only', async () => {
    const read = readModelsOf(models);
    // Registered before reported serials were linked: an open request on an unknown serial, listed on its serial.
    const legacy = (await register(registration('C-1', 'PLATE-OLD', 'Loud chiller', 50, { acceptUnknownSerial: true }))).record;
    await read.machineLinks.buildReportedOnce(requests, new Date());
    await mongo.db!.collection('machineLinks').deleteOne({ _id: 'reported|C-1' as never });
    await mongo.db!.collection('readModelBuilds').deleteOne({ _id: 'reported-serials@1' as never });
    expect(await read.machineLinks.buildReportedOnce(requests, new Date())).toBe(true);
    expect(await read.machineLinks.buildReportedOnce(requests, new Date())).toBe(false);

    const mine = await Promise.all([
      register(registration('C-1', 'M-1', 'No laser output', 5)),
      register(registration('C-1', 'M-1', 'Axis Y drifts', 3)),
      register(registration('C-1', 'M-2', 'Door interlock open', 8)),
      register(registration('C-1', 'PLATE-9', 'Gas pressure alarm', 1, { acceptUnknownSerial: true })),
    ]);
    // Another customer's requests, one on the same unknown serial.
    await register(registration('C-2', 'PLATE-9', 'Nozzle crash', 2, { acceptUnknownSerial: true }));
    await register(registration('C-2', 'M-3', 'Cut edge burr', 4));
    // One closed with its machine's entry written, one closed whose entry is not written yet.
    const closed = mine[1]!.record;
    await requests.updateOne({ _id: closed._id }, { $set: { status: 'closed' } });
    await noteOpenRequest(read, { ...closed, status: 'closed' });
    await requests.updateOne({ _id: mine[2]!.record._id }, { $set: { status: 'cancelled' } });

    const { result, commands } = await recorded(() => openRequestsOfCustomer(read, requests, 'C-1'));
    expect(result.map((r) => r._id)).toEqual(await byFilter('C-1'));
    expect(result.map((r) => r._id)).toEqual([mine[3]!.record._id, mine[0]!.record._id, legacy._id]);
    expect(result[0]).toMatchObject({ serialNumber: 'PLATE-9', status: 'registered', symptom: 'Gas pressure alarm', channel: 'phone' });
    expect(result[0]).not.toHaveProperty('customerId');
    expect(scansOf(commands, { keyed, small: new Set() })).toEqual([]);
    expect((await openRequestsOfCustomer(read, requests, 'C-2')).map((r) => r._id)).toEqual(await byFilter('C-2'));
    expect((await openRequestsOfCustomer(read, requests, 'C-1', 2)).map((r) => r._id)).toEqual((await byFilter('C-1')).slice(0, 2));
    expect(await openRequestsOfCustomer(read, requests, 'C-NONE')).toEqual([]);
  });
});

describe("a customer's recently closed requests", () => {
  /** The workflow's sync of a request to `status` at `revision`, as the activity runs it. */
  const sync = (activities: ReturnType<typeof createServiceRequestActivities>, requestId: string, revision: number, status: string) => {
    const at = new Date().toISOString();
    const view: ServiceRequestView = {
      requestId, status: status as ServiceRequestView['status'], registeredAt: at, screening: null, waitingOnCustomer: false, workOrder: null, resolution: null, survey: null, reopened: 0,
      escalations: [], history: [{ event: 'registered', at }], eventSeq: 0, tier: 'P3', tierProvisional: true, clocks: [],
    };
    return activities.syncServiceRequest({ requestId, revision, view, events: [] });
  };

  it('lists each request once as its workflow closes it, newest closed first, beside the open ones, by _id reads only', async () => {
    const read = readModelsOf(models);
    const activities = createServiceRequestActivities({ platform: { topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date() }, serviceRequests: models.serviceRequests, workflowEvents: createWorkflowEventModel(mongo) });
    // Closed before the lists existed: listed once by the build.
    const legacy = (await register(registration('C-3', 'M-4', 'Old fault', 90))).record;
    await requests.updateOne({ _id: legacy._id }, { $set: { status: 'closed' } });
    expect(await buildClosedRequestsOnce(read, requests, new Date())).toBe(true);
    expect(await buildClosedRequestsOnce(read, requests, new Date())).toBe(false);

    const [a, b, c] = await Promise.all(['Chiller alarm', 'Axis drift', 'Nozzle crash'].map((symptom, i) => register(registration('C-3', 'M-4', symptom, 10 - i))));
    // The registered events are relayed (the sync waits for that), then the workflow moves them on.
    await requests.updateMany({ customerId: 'C-3' }, { $unset: { outbox: '', outboxDueAt: '' } });
    await sync(activities, a!.record._id, 1, 'closed');
    await sync(activities, c!.record._id, 1, 'cancelled');
    await sync(activities, b!.record._id, 1, 'dispatched');
    // A later sync of a closed request (its survey) and a retried closing sync list nothing again.
    await sync(activities, a!.record._id, 2, 'followed-up');
    await sync(activities, c!.record._id, 1, 'cancelled');

    const { result, commands } = await recorded(() => requestsOfCustomer(read, requests, 'C-3', 100));
    expect(result.recentlyClosed.map((r) => r._id)).toEqual([c!.record._id, a!.record._id, legacy._id]);
    expect(result.recentlyClosed.map((r) => r._id).sort()).toEqual(await closedByFilter('C-3'));
    expect(result.open.map((r) => r._id)).toEqual(await byFilter('C-3'));
    expect(result.open.map((r) => r._id)).toEqual([b!.record._id]);
    expect(scansOf(commands, { keyed, small: new Set() })).toEqual([]);
    expect((await requestsOfCustomer(read, requests, 'C-3', 1)).recentlyClosed.map((r) => r._id)).toEqual([c!.record._id]);
  });
});
