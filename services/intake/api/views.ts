import type { Entitlement } from '../domain/entitlement';
import { toEntitlementMachine } from '../domain/installed-base';
import type { AlarmDoc, ContractDoc, CustomerDoc, DealerDoc, KnownFixDoc, MachineDoc, ServiceHistoryDoc, ServiceRequestDoc } from '../store/models';

/** What the API shows of stored documents: `id` instead of `_id`, no plumbing, defaults for records older than a field. */

export function presentCustomer(doc: CustomerDoc) {
  return {
    id: doc._id,
    name: doc.name,
    class: doc.class,
    dealerId: doc.dealerId ?? null,
    contacts: doc.contacts ?? [],
    sites: doc.sites ?? [],
    createdAt: doc.createdAt ?? null,
  };
}

export function presentDealer(doc: DealerDoc) {
  return { id: doc._id, name: doc.name, region: doc.region ?? null, contacts: doc.contacts ?? [], createdAt: doc.createdAt ?? null };
}

export function presentMachine(doc: MachineDoc) {
  const warranty = toEntitlementMachine(doc).warranty;
  return {
    serialNumber: doc._id,
    customerId: doc.customerId,
    siteId: doc.siteId ?? null,
    model: doc.model,
    productLine: doc.productLine,
    status: doc.status,
    installDate: doc.installDate ?? null,
    commissioningDate: doc.commissioningDate ?? null,
    warranty,
    supplierOrDealer: doc.supplierOrDealer ?? null,
    parentSerial: doc.parentSerial ?? null,
  };
}

export function presentContract(doc: ContractDoc) {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export function presentHistory(doc: ServiceHistoryDoc) {
  const { _id, ...rest } = doc;
  return { id: _id, ...rest };
}

export function presentKnownFix(doc: KnownFixDoc) {
  const { _id, receivedAt: _received, eventId: _event, ...rest } = doc;
  return { id: _id, ...rest };
}

export function presentAlarm(doc: AlarmDoc) {
  const { _id, ...rest } = doc;
  return { deviceEventId: _id, ...rest };
}

/** The record as the API shows it: stored fields, without the outbox plumbing. */
export function presentRequest(doc: ServiceRequestDoc) {
  const { _id, outbox: _outbox, outboxDueAt: _due, requestFingerprint: _fp, idempotencyKey: _key, workflow: _wf, ...rest } = doc;
  return { id: _id, ...rest, workflow: null };
}

/** The few words about an entitlement a list shows; the full snapshot is on the machine's own page. */
export function entitlementBrief(entitlement: Entitlement) {
  return {
    source: entitlement.source,
    quoteRequired: entitlement.quoteRequired,
    responseMode: entitlement.responseMode,
    slaPolicyId: entitlement.slaPolicyId,
    until: entitlement.contract?.end ?? entitlement.warranty?.end ?? null,
  };
}

/** A tree node: a machine with the machines inside it. */
export interface MachineTreeNode extends ReturnType<typeof presentMachine> {
  children: MachineTreeNode[];
}

/** Nests descendants (breadth-first, ordered) under their parents. */
export function nestChildren(rootSerial: string, descendants: readonly MachineDoc[]): MachineTreeNode[] {
  const byParent = new Map<string, MachineDoc[]>();
  for (const m of descendants) {
    const list = byParent.get(m.parentSerial ?? '') ?? [];
    list.push(m);
    byParent.set(m.parentSerial ?? '', list);
  }
  const build = (serial: string, seen: Set<string>): MachineTreeNode[] =>
    (byParent.get(serial) ?? [])
      .filter((m) => !seen.has(m._id))
      .map((m) => ({ ...presentMachine(m), children: build(m._id, new Set([...seen, m._id])) }));
  return build(rootSerial, new Set([rootSerial]));
}
