import type { mongo } from 'mongoose';

type Collection<T extends mongo.Document> = mongo.Collection<T>;
type Db = mongo.Db;
import { createKeyLocks, insertedOnce, numberedEntries, type KeyLockDoc, type NumberedEntryDoc } from '@aftersales/platform';
import type { OpenRequestSummary } from '../domain/duplicates';
import { createMachineLinks } from './machine-links';
import { createDealerCustomers } from './dealer-customers';
import { createCustomerNames } from './customer-names';
import { customerClosedRequests } from './customer-requests';
import { contractInForce } from '../domain/contract-lifecycle';
import { closedRequestStatuses, isOpenStatus } from '../domain/installed-base';
import type { AlarmDoc, ContractDoc, CustomerDoc, MachineDoc, ServiceRequestDoc } from './models';
import { syncBoardEntry, type SlaBoardEntry, type SlaBoardShardDoc, type SlaBoardVersionDoc } from './sla-board-store';

export { boardEntries, syncBoardEntry, type SlaBoardEntry } from './sla-board-store';

/**
 * Keyed read models for intake's hot paths. FerretDB v1 pushes down only a filter that is exactly
 * `{ _id: <string> }`; every other filter reads the whole collection, so a registration that looked
 * up open requests by serial, contracts by customer or a request by its idempotency key took longer
 * with every stored request. Each model here is read by `_id` (or is small by construction) and is
 * written with the write it follows. On MongoDB the same documents serve; ordinary indexes would too.
 */

/** An open request as its machine's entry holds it; the alarm code when a device alarm opened it. */
export interface OpenEntry {
  symptom: string;
  raisedAt: Date;
  registeredAt?: Date;
  alarmCode?: string;
}

/** Open requests on one machine (`_id` = serial): the duplicate candidates of its next registration. */
export interface MachineOpenRequestsDoc {
  _id: string;
  open: Record<string, OpenEntry>;
}

/** One link of a customer to a contract, `_id` = `<customer>#<n>`: claimed by a unique insert, so concurrent contracts never lose one. */
export interface CustomerContractLinkDoc {
  _id: string;
  customerId: string;
  contractId: string;
}

/** An Idempotency-Key (as scoped by the caller) to the request it registered. */
export interface RequestKeyDoc {
  _id: string;
  requestId: string;
}

/** The device alarms a request received (`_id` = request id): what its page lists. */
export interface RequestAlarmsDoc {
  _id: string;
  alarms: AlarmDoc[];
}

export function intakeReadModels(db: Db) {
  const builds = db.collection<{ _id: string; builtAt: Date }>('readModelBuilds');
  /** A customer's record (its sites, its dealer) changes only under its lock; wall clock, as machineLocks below. */
  const customerLocks = createKeyLocks(db.collection<KeyLockDoc>('customerLocks'), { what: 'customer', now: () => new Date() });
  return {
    requestAlarms: db.collection<RequestAlarmsDoc>('requestAlarms'),
    machineOpenRequests: db.collection<MachineOpenRequestsDoc>('machineOpenRequests'),
    customerContractLinks: db.collection<CustomerContractLinkDoc>('customerContractLinks'),
    /**
     * The SLA board: every open request's entry, in a few shard documents (`shard-<k>`, the entries
     * as one JSON string each). FerretDB reads one string far faster than as many documents as there
     * are open requests (1,362 entries took 2.1 s as documents), and each shard changes under its lock.
     */
    slaBoardShards: db.collection<SlaBoardShardDoc>('slaBoardShards'),
    /** One tiny document per shard, its stamp moved by every write: what a process's board cache checks (see sla-board-store.ts). */
    slaBoardVersions: db.collection<SlaBoardVersionDoc>('slaBoardVersions'),
    boardLocks: createKeyLocks(db.collection<KeyLockDoc>('slaBoardLocks'), { what: 'SLA board shard', now: () => new Date() }),
    requestKeys: db.collection<RequestKeyDoc>('requestKeys'),
    /** The known fixes' stamp, what each process's cache of them checks (see known-fixes.ts). */
    knownFixStamps: db.collection<{ _id: string; stamp: string }>('knownFixStamps'),
    /** A customer's machines and a machine's parts (see machine-links.ts). */
    machineLinks: createMachineLinks(db, db.collection<MachineDoc>('machines')),
    /** A dealer's customers, what a dealer's list calls are scoped to (see dealer-customers.ts). */
    dealerCustomers: createDealerCustomers(db, db.collection<CustomerDoc>('customers'), customerLocks, builds),
    /** Customers by the start of their names, what the name search reads (see customer-names.ts). */
    customerNames: createCustomerNames(db, db.collection<CustomerDoc>('customers'), builds),
    /** A customer's closed requests, in the order they closed (see customer-requests.ts). */
    customerClosedRequests: customerClosedRequests(db),
    /** A machine's service history entries (see service-history.ts). */
    machineHistory: numberedEntries(db.collection<NumberedEntryDoc<'entryId'>>('machineHistoryEntries'), 'entryId', { batch: 16 }),
    builds,
    /**
     * A machine's entry changes only under its lock. The lease is measured on the wall clock: it is
     * about a process that died holding it, not about domain time.
     */
    machineLocks: createKeyLocks(db.collection<KeyLockDoc>('machineOpenRequestLocks'), { what: 'machine open requests', now: () => new Date() }),
    customerLocks,
  };
}

export type IntakeReadModels = ReturnType<typeof intakeReadModels>;

const ofConnection = new WeakMap<object, IntakeReadModels>();

/** The read models in the database of intake's models (the connection must be open). */
export function readModelsOf(models: { serviceRequests: { db: { db?: Db } } }): IntakeReadModels {
  const connection = models.serviceRequests.db;
  let found = ofConnection.get(connection);
  if (!found) {
    if (!connection.db) throw new Error('intake read models: the Mongo connection is not open');
    found = intakeReadModels(connection.db);
    ofConnection.set(connection, found);
  }
  return found;
}

/** Open requests on a machine, newest first (an `_id` read). */
export async function openRequestsOn(models: IntakeReadModels, serialNumber: string, limit = 100): Promise<OpenRequestSummary[]> {
  const doc = await models.machineOpenRequests.findOne({ _id: serialNumber });
  return Object.entries(doc?.open ?? {})
    .map(([id, r]) => ({ id, serialNumber, symptom: r.symptom, raisedAt: new Date(r.raisedAt) }))
    .sort((a, b) => b.raisedAt.getTime() - a.raisedAt.getTime() || (a.id < b.id ? -1 : 1))
    .slice(0, limit);
}

type NotedRequest = Pick<ServiceRequestDoc, '_id' | 'serialNumber' | 'symptom' | 'raisedAt' | 'status'> & Partial<Pick<ServiceRequestDoc, 'registeredAt' | 'alarm'>>;

/** The update of a machine's entry that adds (open) or removes (closed) one request. */
function openRequestUpdate(request: NotedRequest): { update: mongo.UpdateFilter<MachineOpenRequestsDoc>; upsert: boolean } {
  const field = `open.${request._id}`;
  if (!isOpenStatus(request.status)) return { update: { $unset: { [field]: '' } }, upsert: false };
  const entry: OpenEntry = {
    symptom: request.symptom,
    raisedAt: request.raisedAt,
    ...(request.registeredAt ? { registeredAt: request.registeredAt } : {}),
    ...(request.alarm ? { alarmCode: request.alarm.alarmCode } : {}),
  };
  return { update: { $set: { [field]: entry } }, upsert: true };
}

/**
 * Adds or removes one request in its machine's entry, under the machine's lock: FerretDB v1 does
 * not serialise updates of one document, and two registrations on one machine at once would each
 * write the entry as they read it, losing the other's request.
 */
export async function noteOpenRequest(models: IntakeReadModels, request: NotedRequest): Promise<void> {
  const { update, upsert } = openRequestUpdate(request);
  await models.machineLocks.holding(request.serialNumber, () => models.machineOpenRequests.updateOne({ _id: request.serialNumber }, update, { upsert }));
}

/**
 * noteOpenRequest for a request still being stored: the machine's lock is taken while `stored`
 * settles (the record's insert), so the lock's round trip is not added to the registration's; the
 * entry is written once the record is stored, and nothing when `stored` gives null (not stored:
 * answered with an earlier request, or refused).
 */
export async function noteOpenRequestWhenStored(models: IntakeReadModels, serialNumber: string, stored: Promise<NotedRequest | null>): Promise<void> {
  await models.machineLocks.holding(serialNumber, async () => {
    const request = await stored;
    if (!request) return;
    const { update, upsert } = openRequestUpdate(request);
    await models.machineOpenRequests.updateOne({ _id: serialNumber }, update, { upsert });
  });
}

/**
 * Lists a stored alarm under its request, once (the alarm as stored: a repeat adds nothing). Under
 * the machine's lock, as FerretDB v1 would lose one of two updates of the same document at once.
 */
export async function noteRequestAlarm(models: IntakeReadModels, alarm: AlarmDoc): Promise<void> {
  await models.machineLocks.holding(alarm.serialNumber, () => models.requestAlarms.updateOne({ _id: alarm.serviceRequestId }, { $addToSet: { alarms: alarm } }, { upsert: true }));
}

/** A request's alarms, earliest raised first (an `_id` read; the alarms collection grows with every alarm received). */
export async function alarmsOfRequest(models: IntakeReadModels, requestId: string): Promise<AlarmDoc[]> {
  const doc = await models.requestAlarms.findOne({ _id: requestId });
  const byId = new Map((doc?.alarms ?? []).map((a) => [a._id, a]));
  return [...byId.values()].sort((a, b) => new Date(a.raisedAt).getTime() - new Date(b.raisedAt).getTime() || (a._id < b._id ? -1 : 1));
}

/** Lists the alarms stored before their requests' lists existed, once. */
export async function buildRequestAlarmsOnce(models: IntakeReadModels, alarms: Collection<AlarmDoc>, now: Date): Promise<boolean> {
  const id = 'request-alarms@1';
  if (await models.builds.findOne({ _id: id })) return false;
  for await (const alarm of alarms.find({})) await noteRequestAlarm(models, alarm);
  await insertedOnce(models.builds.insertOne({ _id: id, builtAt: now }));
  return true;
}

/** The open request a device alarm of this code opened on the machine, earliest first (an `_id` read). */
export async function openAlarmRequest(models: IntakeReadModels, serialNumber: string, alarmCode: string): Promise<string | null> {
  const doc = await models.machineOpenRequests.findOne({ _id: serialNumber });
  const time = (e: OpenEntry) => new Date(e.registeredAt ?? e.raisedAt).getTime();
  const matching = Object.entries(doc?.open ?? {})
    .filter(([, e]) => e.alarmCode === alarmCode)
    .sort(([a, x], [b, y]) => time(x) - time(y) || (a < b ? -1 : 1));
  return matching[0]?.[0] ?? null;
}

/** Links a contract to its customer: the next free `<customer>#<n>`, or nothing when it is already linked. */
export async function linkContract(models: IntakeReadModels, customerId: string, contractId: string): Promise<void> {
  for (let n = 0; n < 10_000; n++) {
    const _id = `${customerId}#${n}`;
    if (await insertedOnce(models.customerContractLinks.insertOne({ _id, customerId, contractId }))) return;
    const taken = await models.customerContractLinks.findOne({ _id });
    if (taken?.contractId === contractId) return;
  }
  throw new Error(`customer ${customerId}: no free contract link`);
}

/**
 * A customer's contracts, by `_id` reads only: links in parallel batches until one is missing (two
 * first, as most customers hold one contract or none; then four at a time), then the contracts they
 * name. A link is written before its contract, so a link whose contract is missing or belongs to
 * someone else (a refused insert) is skipped. Newest start first.
 */
export async function contractsOf(models: IntakeReadModels, contracts: Collection<ContractDoc>, customerId: string): Promise<ContractDoc[]> {
  const ids: string[] = [];
  for (let from = 0, size = 2; ; from += size, size = 4) {
    const batch = await Promise.all(Array.from({ length: size }, (_, i) => models.customerContractLinks.findOne({ _id: `${customerId}#${from + i}` })));
    const present = batch.filter((l) => l !== null);
    ids.push(...present.map((l) => l.contractId));
    if (present.length < size) break;
  }
  const docs = await Promise.all([...new Set(ids)].map((id) => contracts.findOne({ _id: id })));
  return docs.filter((d): d is ContractDoc => d !== null && d.customerId === customerId).sort((a, b) => b.start.getTime() - a.start.getTime());
}

/** Contracts of the customer in force at `at`, each with the terms and version of that instant (resolveEntitlement checks coverage itself). */
export async function activeContracts(models: IntakeReadModels, contracts: Collection<ContractDoc>, customerId: string, at: Date): Promise<ContractDoc[]> {
  const all = await contractsOf(models, contracts, customerId);
  return all.map((c) => contractInForce(c, at)).filter((c) => c.status === 'active' && c.start.getTime() <= at.getTime() && c.end.getTime() > at.getTime());
}

type StoredRequest = ServiceRequestDoc & { tier?: string | null; sla?: unknown[]; escalations?: unknown[]; workflowRevision?: number };

export function boardEntryOf(doc: StoredRequest): SlaBoardEntry {
  return {
    _id: doc._id,
    customerId: doc.customerId,
    serialNumber: doc.serialNumber,
    status: doc.status,
    tier: doc.tier ?? null,
    owner: doc.owner ?? null,
    productLine: doc.machine?.productLine ?? null,
    city: doc.city ?? null,
    sla: doc.sla ?? [],
    escalations: doc.escalations ?? [],
    revision: doc.workflowRevision ?? 0,
  };
}

// @2: the board moved into shard documents; a database built at @1 builds them once.
const buildId = 'open-requests-board-contracts-keys@2';

/**
 * Builds the read models once from what is stored (records and contracts from before they
 * existed): one pass over the collections, then a marker so later starts skip it.
 */
export async function buildReadModelsOnce(models: IntakeReadModels, requests: Collection<StoredRequest>, contracts: Collection<ContractDoc>, now: Date): Promise<boolean> {
  if (await models.builds.findOne({ _id: buildId })) return false;
  const open = await requests.find({ status: { $nin: [...closedRequestStatuses] } }).toArray();
  for (const doc of open) {
    await noteOpenRequest(models, doc);
    if (doc.sla?.length) await syncBoardEntry(models, boardEntryOf(doc));
  }
  for await (const doc of requests.find({}, { projection: { _id: 1, idempotencyKey: 1 } })) {
    if (doc.idempotencyKey && doc.idempotencyKey !== doc._id) await insertedOnce(models.requestKeys.insertOne({ _id: doc.idempotencyKey, requestId: doc._id }));
  }
  for await (const contract of contracts.find({}, { projection: { _id: 1, customerId: 1 } })) await linkContract(models, contract.customerId, contract._id);
  await insertedOnce(models.builds.insertOne({ _id: buildId, builtAt: now }));
  return true;
}
