import type { mongo } from 'mongoose';
import { readEachById } from '@aftersales/platform';
import { isOpenStatus } from '../domain/installed-base';
import { closedWindow, listedRequestsOfCustomer } from './customer-requests';
import type { ContractDoc, IntakeModels, MachineDoc, ServiceRequestDoc } from './models';
import { contractsOf, openRequestsOn, readModelsOf } from './read-models';

/**
 * A dealer's list calls (machines, contracts, service requests), read by `_id` from the keyed lists
 * intake keeps per customer, not by `{ customerId: { $in: <the dealer's customers> } }`, which on
 * FerretDB v1 reads every machine, contract or request ever stored. Each answer is what that filter
 * with the same sort and limit gave, except that a dealer's closed requests are those among each
 * customer's `closedWindow` that closed last (customerClosedRequests). A dealer's customers are read
 * `customerBatch` at a time, so hundreds of them never open hundreds of reads at once.
 */
const customerBatch = 16;
/** Documents read by `_id` at once. */
const docBatch = 100;

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** `read` of each customer, `customerBatch` customers at a time, the results in the customers' order. */
async function ofEach<T>(customerIds: readonly string[], read: (customerId: string) => Promise<readonly T[]>): Promise<T[]> {
  const found: T[] = [];
  for (let from = 0; from < customerIds.length; from += customerBatch) {
    for (const part of await Promise.all(customerIds.slice(from, from + customerBatch).map(read))) found.push(...part);
  }
  return found;
}

/**
 * The machines of these customers (a dealer's) with the model and status asked, in serial order, at
 * most `limit`: each customer's link (one `_id` read), then the machines by serial, in serial order,
 * until `limit` match (the sort is the serial, so it stops there).
 */
export async function machinesOfCustomers(models: IntakeModels, customerIds: readonly string[], query: { model?: string; status?: string; limit: number }): Promise<MachineDoc[]> {
  const links = readModelsOf(models).machineLinks;
  const owners = new Set(customerIds);
  const serials = [...new Set(await ofEach(customerIds, (id) => links.machineSerialsOf(id)))].sort(byId);
  const wanted = (m: MachineDoc) => owners.has(m.customerId) && (!query.model || m.model === query.model) && (!query.status || m.status === query.status);
  const found = await readEachById(serials, (serial) => models.machines.findById(serial).lean<MachineDoc>(), { batch: Math.min(docBatch, Math.max(16, query.limit)), keep: wanted, limit: query.limit });
  return found.slice(0, query.limit);
}

/**
 * The contracts of these customers with the status asked, newest start first (then by id), at most
 * `limit`: each customer's contract links and contracts by `_id` (read-models.ts contractsOf). The
 * sort is not the links' order, so every customer's contracts are read (a customer holds a few).
 */
export async function contractsOfCustomers(models: IntakeModels, customerIds: readonly string[], query: { status?: string; limit: number }): Promise<ContractDoc[]> {
  const read = readModelsOf(models);
  const contracts = models.contracts.collection as unknown as mongo.Collection<ContractDoc>;
  const all = await ofEach(customerIds, (id) => contractsOf(read, contracts, id));
  return all.filter((c) => !query.status || c.status === query.status).sort((a, b) => new Date(b.start).getTime() - new Date(a.start).getTime() || byId(a._id, b._id)).slice(0, query.limit);
}

const registered = (r: ServiceRequestDoc) => (r.registeredAt ? new Date(r.registeredAt).getTime() : Number.NEGATIVE_INFINITY);

/**
 * The requests of these customers matching the query, newest registered first (then by id), at most
 * `limit`: every open one (through each customer's serials, or the one serial asked) and those
 * among each customer's `closedWindow` that closed last, each by `_id`. A closed request older than
 * that window is not listed. Only the lists the status asks for are read (`open`, an open status:
 * no closed ones; a closed status: no open ones); the sort is not the lists' order, so each
 * customer's lists are read whole.
 */
export async function requestsOfCustomers(models: IntakeModels, customerIds: readonly string[], query: { status?: string; open?: boolean; serial?: string; limit: number }): Promise<ServiceRequestDoc[]> {
  const read = readModelsOf(models);
  const requests = models.serviceRequests.collection as unknown as mongo.Collection<ServiceRequestDoc>;
  const owners = new Set(customerIds);
  const wantOpen = !query.status || isOpenStatus(query.status);
  const wantClosed = !query.open && (!query.status || !isOpenStatus(query.status));
  const matches = (r: ServiceRequestDoc) =>
    owners.has(r.customerId) && (!query.status || r.status === query.status) && (!query.open || isOpenStatus(r.status)) && (!query.serial || r.serialNumber === query.serial);
  const found: ServiceRequestDoc[] = [];
  if (wantOpen && query.serial) {
    // One serial's open requests: its own entry, not every serial of every customer.
    const ids = (await openRequestsOn(read, query.serial, Number.POSITIVE_INFINITY)).map((r) => r.id);
    found.push(...(await readEachById(ids, (id) => requests.findOne({ _id: id }, { projection: { outbox: 0 } }), { batch: docBatch, keep: matches })));
  }
  if (customerIds.length > 0 && ((wantOpen && !query.serial) || wantClosed)) {
    found.push(...(await ofEach(customerIds, (id) => listedRequestsOfCustomer(read, requests, id, { open: wantOpen && !query.serial, closed: wantClosed ? closedWindow : 0 }))).filter(matches));
  }
  const once = [...new Map(found.map((r) => [r._id, r])).values()];
  return once.sort((a, b) => registered(b) - registered(a) || byId(a._id, b._id)).slice(0, query.limit);
}
