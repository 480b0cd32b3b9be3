/**
 * Pure adapters between the stored installed base and the domain functions (entitlement, tree),
 * and the small rules about sites, contacts and open requests that registration needs.
 */
import type { Contact } from '@aftersales/contracts';
import type { ContractDoc, CustomerContact, CustomerDoc, MachineDoc, SiteDoc } from '../store/installed-base-models';
import type { EntitlementMachine, ServiceContract, WarrantyRecord } from './entitlement';

/** The machine as entitlement sees it. A record from the first demo data set had only `warrantyEnd`: read it as a standard warranty. */
export function toEntitlementMachine(machine: Pick<MachineDoc, '_id' | 'customerId' | 'warranty' | 'warrantyEnd'>): EntitlementMachine {
  let warranty: WarrantyRecord | null = null;
  if (machine.warranty) warranty = { type: machine.warranty.type, start: machine.warranty.start ?? null, end: machine.warranty.end };
  else if (machine.warranty === undefined && machine.warrantyEnd) warranty = { type: 'standard', start: null, end: machine.warrantyEnd };
  return { serial: machine._id, customerId: machine.customerId, warranty };
}

export function toServiceContract(doc: ContractDoc): ServiceContract {
  return {
    id: doc._id,
    customerId: doc.customerId,
    name: doc.name,
    type: doc.type,
    status: doc.status,
    coveredSerials: doc.coveredSerials === 'all' ? 'all' : [...doc.coveredSerials],
    start: doc.start,
    end: doc.end,
    responseMode: doc.responseMode,
    slaPolicyId: doc.slaPolicyId,
    calendarId: doc.calendarId,
    covers: { ...doc.covers },
    ...(doc.exclusions ? { exclusions: { partNumbers: [...doc.exclusions.partNumbers], categories: [...doc.exclusions.categories] } } : {}),
    ...(doc.coversConsumables !== undefined ? { coversConsumables: doc.coversConsumables } : {}),
    ...(doc.version !== undefined ? { version: doc.version } : {}),
  };
}

/** The tree functions' node: serial and parent link. */
export function toMachineNode<T extends Pick<MachineDoc, '_id' | 'parentSerial'>>(machine: T): T & { serial: string; parentSerial: string | null } {
  return { ...machine, serial: machine._id, parentSerial: machine.parentSerial ?? null };
}

/**
 * The site a request is about: the machine's own site; else, when the machine names none, the
 * customer's only site (a customer with one site has no doubt where its machines are); else none.
 */
export function siteOf(customer: Pick<CustomerDoc, 'sites'>, machine: Pick<MachineDoc, 'siteId'> | null): SiteDoc | null {
  const sites = customer.sites ?? [];
  if (machine?.siteId) return sites.find((s) => s.id === machine.siteId) ?? null;
  return sites.length === 1 ? sites[0]! : null;
}

/**
 * Whom to call about a machine nobody phoned about (an alarm): a contact at the machine's site,
 * else the customer's first contact, else the customer by name (the record still needs someone).
 */
export function contactFor(customer: Pick<CustomerDoc, 'name' | 'contacts'>, siteId: string | null): Contact {
  const contacts = customer.contacts ?? [];
  const chosen: CustomerContact | undefined = (siteId ? contacts.find((c) => c.siteId === siteId) : undefined) ?? contacts[0];
  if (!chosen) return { name: customer.name };
  return { name: chosen.name, ...(chosen.phone ? { phone: chosen.phone } : {}), ...(chosen.email ? { email: chosen.email } : {}) };
}

/**
 * Statuses after which a request is no longer open (the serviceRequest workflow's own names). A
 * request in any other status, including one the workflow adds later, counts as open: a missed
 * duplicate is worse than a suggested one that screening overrules.
 */
export const closedRequestStatuses = ['screened-invalid', 'closed', 'followed-up', 'cancelled'] as const;

export function isOpenStatus(status: string): boolean {
  return !(closedRequestStatuses as readonly string[]).includes(status);
}

/** A warranty whose end is not after its start, or a commissioning before installation, is a typing mistake: named by field. */
export function machineDateProblems(m: { installDate?: Date | null; commissioningDate?: Date | null; warranty?: { start: Date | null; end: Date } | null }): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (m.installDate && m.commissioningDate && m.commissioningDate.getTime() < m.installDate.getTime()) {
    problems.push({ field: 'commissioningDate', message: 'commissioningDate: must not be before installDate' });
  }
  if (m.warranty?.start && m.warranty.end.getTime() <= m.warranty.start.getTime()) {
    problems.push({ field: 'warranty.end', message: 'warranty.end: must be after warranty.start' });
  }
  return problems;
}
