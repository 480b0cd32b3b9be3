import { insertedOnce, numberedEntries, readEachById, type NumberedEntryDoc } from '@aftersales/platform';
import type { mongo } from 'mongoose';
import { closedRequestStatuses, isOpenStatus } from '../domain/installed-base';
import type { ServiceRequestDoc } from './models';
import type { IntakeReadModels } from './read-models';

type Requests = mongo.Collection<ServiceRequestDoc>;

/** What the customer's overview shows of an open request. */
export type CustomerOpenRequest = Pick<ServiceRequestDoc, '_id' | 'serialNumber' | 'status' | 'symptom' | 'channel' | 'raisedAt' | 'neededBy' | 'duplicateOf'>;

const brief = { _id: 1, customerId: 1, serialNumber: 1, status: 1, symptom: 1, channel: 1, raisedAt: 1, neededBy: 1, duplicateOf: 1 } as const;
const whole = { outbox: 0 } as const;

const newestRaised = (a: Pick<ServiceRequestDoc, '_id' | 'raisedAt'>, b: Pick<ServiceRequestDoc, '_id' | 'raisedAt'>) =>
  new Date(b.raisedAt).getTime() - new Date(a.raisedAt).getTime() || (a._id < b._id ? -1 : 1);

/** Requests by `_id`, in batches of `batch` reads, kept while `keep` holds, until `limit` are kept. */
async function readUntil(requests: Requests, ids: readonly string[], projection: object, keep: (doc: ServiceRequestDoc) => boolean, limit: number, batch = limit): Promise<ServiceRequestDoc[]> {
  // None wanted, none read (readEachById refuses the batch of 0 that `batch` would default to).
  if (limit <= 0) return [];
  return (await readEachById(ids, (id) => requests.findOne({ _id: id }, { projection }), { batch, keep, limit })).slice(0, limit);
}

/** Every open request the customer's serials list, newest raised first (ids only: one `_id` read per serial). */
async function openCandidates(models: IntakeReadModels, customerId: string): Promise<string[]> {
  const serials = await models.machineLinks.serialsOf(customerId);
  // In batches, so a customer with thousands of machines does not open thousands of reads at once.
  const docs = await readEachById(serials, (serial) => models.machineOpenRequests.findOne({ _id: serial }), { batch: 200 });
  const candidates = docs.flatMap((doc) => Object.entries(doc.open ?? {}).map(([id, entry]) => ({ id, raisedAt: new Date(entry.raisedAt).getTime() })));
  return candidates.sort((a, b) => b.raisedAt - a.raisedAt || (a.id < b.id ? -1 : 1)).map((c) => c.id);
}

const openOf = (customerId: string) => (doc: ServiceRequestDoc) => doc.customerId === customerId && isOpenStatus(doc.status);

/**
 * A customer's open requests, newest raised first, by `_id` reads only: the customer's serials
 * (machine links), each serial's open requests (machineOpenRequests, kept with every registration
 * and close), then the requests themselves, newest first, until `limit` are found. The page read
 * them by `{ customerId, status }`, which on FerretDB v1 reads every request ever stored. A request
 * is shown as stored: one of another customer on a shared unknown serial, or one closed since its
 * machine's entry was written, is skipped.
 */
export async function openRequestsOfCustomer(models: IntakeReadModels, requests: Requests, customerId: string, limit = 100): Promise<CustomerOpenRequest[]> {
  const found = await readUntil(requests, await openCandidates(models, customerId), brief, openOf(customerId), limit);
  return found.sort(newestRaised).map(({ customerId: _, ...request }) => request);
}

/**
 * A customer's closed requests as a numbered list `<customer>#<n>`, in the order they closed
 * (platform numbered-entries.ts). The workflow's sync appends a request before it writes the
 * closing status, so a crash leaves an entry naming a request still open, which readers skip; a
 * retried sync may list it twice, and readers show it once.
 */
export function customerClosedRequests(db: mongo.Db) {
  return numberedEntries(db.collection<NumberedEntryDoc<'requestId'>>('customerClosedRequests'), 'requestId', { batch: 16 });
}

/**
 * The customer's whole request picture for its page: every open request (up to `limit`) and the
 * `limit` that closed last, each the stored record, by `_id` reads only.
 */
export async function requestsOfCustomer(models: IntakeReadModels, requests: Requests, customerId: string, limit: number): Promise<{ open: ServiceRequestDoc[]; recentlyClosed: ServiceRequestDoc[] }> {
  const closedIds: string[] = [];
  // Newest first, each once; a few more than `limit` read, as some may be repeats or not closed yet.
  for await (const id of models.customerClosedRequests.newestFirst(customerId, 2 * limit)) closedIds.push(id);
  const [open, recentlyClosed] = await Promise.all([
    openCandidates(models, customerId).then((ids) => readUntil(requests, ids, whole, openOf(customerId), limit)),
    readUntil(requests, closedIds, whole, (doc) => doc.customerId === customerId && !isOpenStatus(doc.status), limit),
  ]);
  return { open: open.sort(newestRaised), recentlyClosed };
}

/** How many of a customer's last closed requests a dealer's request list reads (what the customer page shows by default). */
export const closedWindow = 100;

/**
 * A customer's requests as far as its keyed lists reach, each the stored record (no outbox), by
 * `_id` reads only: every open one when `open` (through its serials, as on its page), and those
 * among the `closed` that closed last (0: none). What a dealer's request list is read from
 * (dealer-lists.ts): a closed request older than that window is not found here.
 */
export async function listedRequestsOfCustomer(models: IntakeReadModels, requests: Requests, customerId: string, want: { open: boolean; closed: number }): Promise<ServiceRequestDoc[]> {
  const closedIds: string[] = [];
  // Newest first, each once; twice as many entries read as wanted, as some may be repeats or not closed yet (as requestsOfCustomer does).
  if (want.closed > 0) for await (const id of models.customerClosedRequests.newestFirst(customerId, 2 * want.closed)) closedIds.push(id);
  const [open, closed] = await Promise.all([
    want.open ? openCandidates(models, customerId).then((ids) => readUntil(requests, ids, whole, openOf(customerId), Number.POSITIVE_INFINITY, 100)) : [],
    readUntil(requests, closedIds, whole, (doc) => doc.customerId === customerId && !isOpenStatus(doc.status), want.closed, 100),
  ]);
  return [...open, ...closed];
}

/** Lists the requests closed before the customers' lists existed, once, oldest registered first (the marker last). */
export async function buildClosedRequestsOnce(models: IntakeReadModels, requests: Requests, now: Date): Promise<boolean> {
  const id = 'customer-closed-requests@1';
  if (await models.builds.findOne({ _id: id })) return false;
  const grouped = new Map<string, { id: string; at: number }[]>();
  for await (const doc of requests.find({ status: { $in: [...closedRequestStatuses] } }, { projection: { _id: 1, customerId: 1, registeredAt: 1 } })) {
    grouped.set(doc.customerId, [...(grouped.get(doc.customerId) ?? []), { id: doc._id, at: new Date(doc.registeredAt ?? 0).getTime() }]);
  }
  for (const [customerId, closed] of grouped) {
    await models.customerClosedRequests.appendMissing(customerId, closed.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1)).map((c) => c.id));
  }
  await insertedOnce(models.builds.insertOne({ _id: id, builtAt: now }));
  return true;
}
