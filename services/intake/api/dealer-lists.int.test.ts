import type { CommandStartedEvent } from 'mongodb';
import type { Connection, mongo as driver } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic } from '@aftersales/contracts';
import type { Platform, Principal, RouteSpec } from '@aftersales/platform';
import { callRoute, commandRecorder, monitoredConnection, scansOf, testLogger, uniqueName } from '@aftersales/platform/testing';
import type { ServiceRequestView } from '@aftersales/workflows';
import type { RegistrationInput } from '../domain/registration';
import { buildClosedRequestsOnce, closedWindow } from '../store/customer-requests';
import { createIntakeModels, type CustomerDoc, type IntakeModels, type MachineDoc, type ServiceRequestDoc } from '../store/models';
import { readModelsOf } from '../store/read-models';
import { createRegistrar, type Registrar } from '../store/registrar';
import { createWorkflowEventModel } from '../store/workflow-events';
import { createServiceRequestActivities } from '../worker/activities';
import { contractRoutes } from './contracts';
import { machineRoutes } from './machines';
import { serviceRequestRoutes } from './service-requests';

/**
 * On the real Mongo server: a dealer's machine, contract and request lists, read by `_id` from the
 * keyed lists, answer what the old filter `{ customerId: { $in: <the dealer's customers> } }` with
 * the same sort and limit answered, and no command of theirs filters machines, contracts or requests.
 */
const stack = inject('stack');
const ns = uniqueName('intake-dealer-lists');
const day = 86_400_000;
const keyed = new Set(['machines', 'serviceContracts', 'serviceRequests', 'dealerCustomers', 'machineLinks', 'customerContractLinks', 'machineOpenRequests', 'customerClosedRequests']);
const { listener, recorded } = commandRecorder();

let mongo: Connection;
let models: IntakeModels;
let registrar: Registrar;
let requests: driver.Collection<ServiceRequestDoc>;
let machinesList: RouteSpec;
let contractsList: RouteSpec;
let requestsList: RouteSpec;
let contractCreate: RouteSpec;

const now = new Date();
/** The registrar's clock: each registration is stamped with it, so the order of `registeredAt` (and its ties) is the test's. */
let clock = now.getTime() - 20 * day;
const dealer: Principal = { sub: 'dealer-user', roles: ['dealer'], dealerId: 'D-1' };
const manager: Principal = { sub: 'manager-user', roles: ['manager'] };

/** D-1 serves 20 customers (more than one batch of 16), D-2 three, two are served directly. */
const d1 = Array.from({ length: 20 }, (_, i) => `C1-${String(i).padStart(2, '0')}`);
const d2 = ['C2-00', 'C2-01', 'C2-02'];
const direct = ['C0-00', 'C0-01'];
const dealerOf = (id: string) => (id.startsWith('C1-') ? 'D-1' : id.startsWith('C2-') ? 'D-2' : null);
/** Serials that interleave customers in serial order, so a list in serial order crosses customers. */
const serialsOf = (customerId: string, k: number) => Array.from({ length: 3 }, (_, j) => `SN-${(k * 7 + j * 13) % 50}-${customerId}`);
const all = [...d1, ...d2, ...direct];

const registration = (customerId: string, serialNumber: string, symptom: string, at: number, over: Partial<RegistrationInput> = {}): RegistrationInput => ({
  customerId,
  contact: { name: 'Ada', phone: '+86 21 5555 0101' },
  channel: 'phone',
  serialNumber,
  symptom,
  raisedAt: new Date(at - 3_600_000),
  neededBy: new Date(Date.now() + 2 * day),
  ...over,
});

/** Registered at `at` (the registrar's clock), as POST /v1/service-requests does. */
const register = async (input: RegistrationInput, at: number) => {
  clock = at;
  return (await registrar.register({ input, idempotencyKey: null, checkFingerprint: true, registeredBy: 'agent-1', correlationId: 'corr', causationId: 'req', scope: { kind: 'all' } })).record;
};

/** The route's answer for this caller, with the commands it sent. */
async function listed(route: RouteSpec, query: Record<string, string>, principal: Principal) {
  const { result, commands } = await recorded(() =>
    callRoute(route, { query, principal }),
  );
  return { items: (result.body as { items: Record<string, unknown>[] }).items, commands };
}

const idsOf = (items: Record<string, unknown>[]) => items.map((i) => String(i.id ?? i.serialNumber));
/** The old dealer filter: the dealer's customers by `dealerId`, then `customerId: { $in }` with the rest of the query. */
const visibleByFilter = async () => (await models.customers.collection.find({ dealerId: 'D-1' }, { projection: { _id: 1 } }).toArray()).map((c) => c._id as unknown as string);
/** The filter a caller without a dealer scope sent, with the same sort and limit. */
async function filterIds(collection: string, filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<string[]> {
  return (await mongo.db!.collection(collection).find(filter, { projection: { _id: 1 } }).sort(sort).limit(limit).toArray()).map((d) => String(d._id));
}
async function oldIds(collection: string, filter: Record<string, unknown>, sort: Record<string, 1 | -1>, limit: number): Promise<string[]> {
  const docs = await mongo.db!.collection(collection).find({ customerId: { $in: await visibleByFilter() }, ...filter }, { projection: { _id: 1 } }).sort(sort).limit(limit).toArray();
  return docs.map((d) => String(d._id));
}

/** POST /v1/service-contracts as a manager: a standard contract on every machine of the customer to 200 days from now, unless `over` says otherwise. */
const createContract = (over: Record<string, unknown>) => {
  const body = {
    name: 'Contract',
    type: 'standard',
    status: 'draft',
    coveredSerials: 'all',
    start: now.toISOString().slice(0, 10),
    end: new Date(now.getTime() + 200 * day).toISOString().slice(0, 10),
    timeZone: 'UTC',
    responseMode: 'on-site',
    slaPolicyId: 'SLA-STD',
    calendarId: 'CAL-STD',
    covers: { parts: true, labour: true, travel: false },
    ...over,
  };
  return callRoute(contractCreate, { body, principal: manager });
};

beforeAll(async () => {
  mongo = await monitoredConnection(stack.mongoUrl, ns, listener, 16);
  models = createIntakeModels(mongo);
  await Promise.all(Object.values(models).map((m) => m.init()));
  requests = models.serviceRequests.collection as unknown as driver.Collection<ServiceRequestDoc>;
  const read = readModelsOf(models);
  const customer = (id: string): CustomerDoc => ({ _id: id, name: id, class: dealerOf(id) ? 'indirect' : 'key_account', dealerId: dealerOf(id), contacts: [{ name: 'Ada', phone: '+86 21 5555 0101' }], sites: [] });
  await models.customers.collection.insertMany(all.map(customer) as never[]);
  await read.dealerCustomers.buildOnce(now);
  const models3 = ['FL-3015', 'TB-200', 'PB-100'];
  const statuses = ['active', 'idle', 'in-repair'];
  const machines: MachineDoc[] = all.flatMap((customerId, k) =>
    serialsOf(customerId, k).map((serial, j) => ({ _id: serial, customerId, siteId: null, model: models3[(k + j) % 3]!, productLine: 'laser', status: statuses[(k * 2 + j) % 3] as MachineDoc['status'], installDate: new Date(now.getTime() - 300 * day), commissioningDate: null, warranty: null, supplierOrDealer: null, parentSerial: null })),
  );
  await models.machines.collection.insertMany(machines as never[]);
  await read.machineLinks.buildOnce(now);

  const platform = { now: () => now, topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined } as unknown as Platform;
  contractCreate = contractRoutes(platform, models, { assertTermsExist: async () => undefined }).find((r) => r.method === 'post' && r.path === '/v1/service-contracts')!;
  // Contracts of 14 customers across the dealers, some two, with different starts (and two the same start) and statuses.
  let n = 0;
  for (const [k, customerId] of [...d1.slice(0, 10), ...d2, 'C0-00'].entries()) {
    for (let c = 0; c < (k % 3 === 0 ? 2 : 1); c++) {
      const start = new Date(now.getTime() - ((k * 11 + c * 5) % 17) * day).toISOString().slice(0, 10);
      await createContract({ id: `SC-${String(n++).padStart(3, '0')}`, customerId, name: `Contract ${n}`, status: ['active', 'draft', 'suspended'][n % 3], start });
    }
  }

  registrar = createRegistrar({ topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date(clock), logger: testLogger() }, models);
  const activities = createServiceRequestActivities({
    platform: { topic: (name: string) => namespacedTopic(ns, name), nudgeOutbox: () => undefined, now: () => new Date() },
    serviceRequests: models.serviceRequests,
    workflowEvents: createWorkflowEventModel(mongo),
  });
  const sync = (requestId: string, status: string) => {
    const at = new Date().toISOString();
    const view: ServiceRequestView = {
      requestId, status: status as ServiceRequestView['status'], registeredAt: at, screening: null, waitingOnCustomer: false, workOrder: null, resolution: null, survey: null, reopened: 0,
      escalations: [], history: [{ event: 'registered', at }], eventSeq: 0, tier: 'P3', tierProvisional: true, clocks: [],
    };
    return activities.syncServiceRequest({ requestId, revision: 1, view, events: [] });
  };
  // Requests on D-1's customers (and some of D-2's and a direct one's), one an unknown serial; two registered at the same instant.
  const stored: ServiceRequestDoc[] = [];
  const base = now.getTime() - 10 * day;
  for (const [i, customerId] of [...d1, ...d1.slice(0, 8), ...d2, 'C0-01'].entries()) {
    const k = all.indexOf(customerId);
    const at = base + (i === 5 ? 4 : (i * 37) % 31) * 3_600_000;
    stored.push(await register(registration(customerId, serialsOf(customerId, k)[i % 3]!, `Fault ${i}`, at), at));
  }
  stored.push(await register(registration('C1-03', 'PLATE-UNKNOWN', 'Gas alarm', base + 40 * 3_600_000, { acceptUnknownSerial: true }), base + 40 * 3_600_000));
  // Relayed (the sync waits for that); then some close, some are cancelled, some move on.
  await requests.updateMany({}, { $unset: { outbox: '', outboxDueAt: '' } });
  for (const [i, request] of stored.entries()) {
    if (i % 4 === 0) await sync(request._id, 'closed');
    else if (i % 7 === 0) await sync(request._id, 'cancelled');
    else if (i % 5 === 0) await sync(request._id, 'dispatched');
  }
  // A customer with more closed requests than its window: stored closed before the lists (listed by the build, oldest registered first).
  const { outbox: _outbox, outboxDueAt: _due, ...template } = stored[19]! as ServiceRequestDoc & { outboxDueAt?: unknown };
  expect(template.customerId).toBe('C1-19');
  const legacy = Array.from({ length: closedWindow + 5 }, (_, i) => ({ ...template, _id: `SR-OLD-${String(i).padStart(3, '0')}`, idempotencyKey: `SR-OLD-${i}`, status: 'closed', registeredAt: new Date(base - (i + 1) * day) }));
  await requests.insertMany(legacy);
  expect(await buildClosedRequestsOnce(read, requests, now)).toBe(true);

  machinesList = machineRoutes(platform, models).find((r) => r.method === 'get' && r.path === '/v1/machines')!;
  contractsList = contractRoutes(platform, models, { assertTermsExist: async () => undefined }).find((r) => r.method === 'get' && r.path === '/v1/service-contracts')!;
  requestsList = serviceRequestRoutes(platform, models, registrar).find((r) => r.method === 'get' && r.path === '/v1/service-requests')!;
}, 120_000);

afterAll(async () => {
  await mongo?.dropDatabase();
  await mongo?.close();
});

/** The dealer's answer, checked to send no filter but `{ _id }` to any collection. */
async function dealerIds(route: RouteSpec, query: Record<string, string>): Promise<string[]> {
  const { items, commands } = await listed(route, query, dealer);
  expect(scansOf(commands, { keyed, small: new Set() }), JSON.stringify(query)).toEqual([]);
  return idsOf(items);
}

describe("a dealer's list calls read by _id and answer what the filter did", () => {
  it('machines: in serial order, by model and status, up to the limit', async () => {
    const cases: [Record<string, string>, Record<string, unknown>][] = [
      [{}, {}],
      [{ limit: '7' }, {}],
      [{ limit: '500' }, {}],
      [{ model: 'TB-200' }, { model: 'TB-200' }],
      [{ status: 'idle', limit: '4' }, { status: 'idle' }],
      [{ model: 'FL-3015', status: 'in-repair' }, { model: 'FL-3015', status: 'in-repair' }],
      [{ model: 'NONE' }, { model: 'NONE' }],
    ];
    for (const [query, filter] of cases) {
      const expected = await oldIds('machines', filter, { _id: 1 }, Number(query.limit ?? 100));
      expect(await dealerIds(machinesList, query), JSON.stringify(query)).toEqual(expected);
    }
    expect((await dealerIds(machinesList, {})).length).toBe(60);
    // One customer's: its own; another dealer's customer: nothing.
    expect(await dealerIds(machinesList, { customerId: 'C1-04', status: 'active' })).toEqual(await oldIds('machines', { customerId: 'C1-04', status: 'active' }, { _id: 1 }, 100));
    expect(await dealerIds(machinesList, { customerId: 'C2-00' })).toEqual([]);
  });

  it('contracts: newest start first, by status, customer, machine and instant, up to the limit', async () => {
    const cases: [Record<string, string>, Record<string, unknown>][] = [
      [{}, {}],
      [{ limit: '3' }, {}],
      [{ status: 'active' }, { status: 'active' }],
      [{ status: 'draft', limit: '2' }, { status: 'draft' }],
      [{ status: 'terminated' }, { status: 'terminated' }],
      [{ customerId: 'C1-03' }, { customerId: 'C1-03' }],
    ];
    for (const [query, filter] of cases) {
      const expected = await oldIds('serviceContracts', filter, { start: -1, _id: 1 }, Number(query.limit ?? 100));
      expect(await dealerIds(contractsList, query), JSON.stringify(query)).toEqual(expected);
    }
    expect((await dealerIds(contractsList, {})).length).toBe(14);
    expect(await dealerIds(contractsList, { customerId: 'C2-01' })).toEqual([]);
    // Scoped to one of the dealer's customers, the old dealer filter was the manager's: the same answer, item for item.
    for (const query of <Record<string, string>[]>[{ serial: serialsOf('C1-01', 1)[0]! }, { customerId: 'C1-03', activeAt: now.toISOString() }, { activeAt: now.toISOString(), customerId: 'C1-08', status: 'active' }]) {
      const mine = await listed(contractsList, query, dealer);
      expect(scansOf(mine.commands, { keyed, small: new Set() })).toEqual([]);
      expect(mine.items, JSON.stringify(query)).toEqual((await listed(contractsList, query, manager)).items);
      expect(mine.items.length, JSON.stringify(query)).toBeGreaterThan(0);
    }
  });

  it('service requests: newest registered first, by status, open, customer and serial, up to the limit', async () => {
    const cases: [Record<string, string>, Record<string, unknown>][] = [
      [{}, {}],
      [{ limit: '5' }, {}],
      [{ limit: '500', customerId: 'C1-05' }, { customerId: 'C1-05' }],
      [{ status: 'registered' }, { status: 'registered' }],
      [{ status: 'closed', limit: '6' }, { status: 'closed' }],
      [{ status: 'cancelled' }, { status: 'cancelled' }],
      [{ open: 'true' }, { status: { $nin: ['screened-invalid', 'closed', 'followed-up', 'cancelled'] } }],
      [{ open: 'true', status: 'dispatched' }, { status: 'dispatched' }],
      [{ serial: serialsOf('C1-02', 2)[2]! }, { serialNumber: serialsOf('C1-02', 2)[2]! }],
      [{ serial: 'PLATE-UNKNOWN' }, { serialNumber: 'PLATE-UNKNOWN' }],
      [{ serial: serialsOf('C1-00', 0)[0]!, status: 'closed' }, { serialNumber: serialsOf('C1-00', 0)[0]!, status: 'closed' }],
    ];
    for (const [query, filter] of cases) {
      const expected = await oldIds('serviceRequests', filter, { registeredAt: -1, _id: 1 }, Number(query.limit ?? 100));
      expect(await dealerIds(requestsList, query), JSON.stringify(query)).toEqual(expected);
      expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
    }
    expect(await dealerIds(requestsList, { open: 'true', status: 'closed' })).toEqual([]);
    expect(await dealerIds(requestsList, { customerId: 'C2-00' })).toEqual([]);
    // Item for item what the manager's filter gives for one of the dealer's customers.
    const mine = await listed(requestsList, { customerId: 'C1-01' }, dealer);
    expect(mine.items).toEqual((await listed(requestsList, { customerId: 'C1-01' }, manager)).items);
  });

  it("service requests: a customer's closed ones older than its last 100 closed are not listed for a dealer", async () => {
    const closedOf19 = await oldIds('serviceRequests', { customerId: 'C1-19', status: 'closed' }, { registeredAt: -1, _id: 1 }, 500);
    expect(closedOf19.length).toBeGreaterThan(closedWindow);
    const shown = await dealerIds(requestsList, { customerId: 'C1-19', status: 'closed', limit: '500' });
    // Listed oldest registered first by the build, so the window holds the newest registered: the filter's first 100.
    expect(shown).toEqual(closedOf19.slice(0, closedWindow));
  });

  it("service requests by customer for a caller without a dealer scope: read by key, the items the filter answered", async () => {
    const open = { $nin: ['screened-invalid', 'closed', 'followed-up', 'cancelled'] };
    // C1-03 and C1-07 have open and closed (closed, cancelled) requests; C0-01 is served directly.
    for (const customerId of ['C1-03', 'C1-07']) {
      expect((await filterIds('serviceRequests', { customerId, status: open }, { _id: 1 }, 500)).length, customerId).toBeGreaterThan(0);
      expect((await filterIds('serviceRequests', { customerId, status: { $in: ['closed', 'cancelled'] } }, { _id: 1 }, 500)).length, customerId).toBeGreaterThan(0);
    }
    const cases: [Record<string, string>, Record<string, unknown>][] = [
      [{ customerId: 'C1-03' }, { customerId: 'C1-03' }],
      [{ customerId: 'C1-07' }, { customerId: 'C1-07' }],
      [{ customerId: 'C1-03', limit: '1' }, { customerId: 'C1-03' }],
      [{ customerId: 'C0-01' }, { customerId: 'C0-01' }],
      [{ customerId: 'C1-03', status: 'closed' }, { customerId: 'C1-03', status: 'closed' }],
      [{ customerId: 'C1-07', status: 'cancelled' }, { customerId: 'C1-07', status: 'cancelled' }],
      [{ customerId: 'C1-07', open: 'true' }, { customerId: 'C1-07', status: open }],
      [{ customerId: 'C1-03', serial: 'PLATE-UNKNOWN' }, { customerId: 'C1-03', serialNumber: 'PLATE-UNKNOWN' }],
      [{ customerId: 'C1-05', serial: serialsOf('C1-05', 5)[1]! }, { customerId: 'C1-05', serialNumber: serialsOf('C1-05', 5)[1]! }],
      [{ customerId: 'C2-01', status: 'registered' }, { customerId: 'C2-01', status: 'registered' }],
      [{ customerId: 'C-NONE' }, { customerId: 'C-NONE' }],
    ];
    let nonEmpty = 0;
    for (const [query, filter] of cases) {
      const expected = await filterIds('serviceRequests', filter, { registeredAt: -1, _id: 1 }, Number(query.limit ?? 100));
      if (expected.length > 0) nonEmpty++;
      const { items, commands } = await listed(requestsList, query, manager);
      expect(scansOf(commands, { keyed, small: new Set() }), JSON.stringify(query)).toEqual([]);
      expect(idsOf(items), JSON.stringify(query)).toEqual(expected);
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(8);
    // Item for item what a dealer serving the customer is shown.
    expect((await listed(requestsList, { customerId: 'C1-07' }, manager)).items).toEqual((await listed(requestsList, { customerId: 'C1-07' }, dealer)).items);
    // As for a dealer, a customer's closed ones older than its last 100 closed are not listed.
    const closedOf19 = await filterIds('serviceRequests', { customerId: 'C1-19', status: 'closed' }, { registeredAt: -1, _id: 1 }, 500);
    expect(closedOf19.length).toBeGreaterThan(closedWindow);
    expect(idsOf((await listed(requestsList, { customerId: 'C1-19', status: 'closed', limit: '500' }, manager)).items)).toEqual(closedOf19.slice(0, closedWindow));
    // Without a customer the list is the filter still (an occasional look-up).
    const byStatus = await listed(requestsList, { status: 'registered', limit: '5' }, manager);
    expect(idsOf(byStatus.items)).toEqual(await filterIds('serviceRequests', { status: 'registered' }, { registeredAt: -1, _id: 1 }, 5));
    expect(scansOf(byStatus.commands, { keyed, small: new Set() })).toEqual(['serviceRequests {"status":"registered"}']);
  });

  it("a new contract's covered serials are read by _id: an unknown one and another customer's are refused, naming the item", async () => {
    /** The create's error (or null), with the commands it sent. */
    const create = (customerId: string, coveredSerials: string[]) =>
      recorded(() =>
        Promise.resolve(createContract({ customerId, coveredSerials })).then(
          () => null,
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        ),
      );
    const machineReads = (commands: CommandStartedEvent[]) => commands.filter((c) => c.commandName === 'find' && c.command.find === 'machines');
    const own = serialsOf('C0-01', all.indexOf('C0-01'));
    const other = serialsOf('C1-04', all.indexOf('C1-04'))[2]!;
    // More than one batch of 100: each serial read once by `_id`, the first refused named.
    const unknown = Array.from({ length: 120 }, (_, i) => `SN-NONE-${String(i).padStart(3, '0')}`);
    const refused = await create('C0-01', [...own, ...unknown, other]);
    expect(refused.result).toContain('coveredSerials.3: no machine with serial SN-NONE-000');
    expect(machineReads(refused.commands).map((c) => JSON.stringify(c.command.filter)).sort()).toEqual([...own, ...unknown, other].map((serial) => JSON.stringify({ _id: serial })).sort());
    expect(scansOf(refused.commands, { keyed, small: new Set() })).toEqual([]);
    const foreign = await create('C0-01', [own[0]!, other, own[1]!]);
    expect(foreign.result).toContain(`coveredSerials.1: machine ${other} belongs to another customer`);
    expect(machineReads(foreign.commands)).toHaveLength(3);
    expect((await create('C0-01', own)).result).toBeNull();
  });
});
