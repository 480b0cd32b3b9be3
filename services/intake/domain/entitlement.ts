/**
 * Entitlement: what a service request may claim at the moment it is registered. A service
 * contract that covers the customer and the machine on that date rules; otherwise the machine's
 * warranty (a component without one inherits its nearest ancestor's); otherwise the work is paid
 * and needs a quote. The result is a frozen snapshot with the terms copied by value, stored on
 * the request so that later edits to a contract or a warranty do not rewrite history.
 */
export const responseModes = ['on-site', 'nbd', 'remote'] as const;
export type ResponseMode = (typeof responseModes)[number];

export const serviceContractTypes = ['premium', 'standard', 'basic'] as const;
export type ServiceContractType = (typeof serviceContractTypes)[number];

export const serviceContractStatuses = ['draft', 'active', 'suspended', 'expired', 'cancelled', 'terminated'] as const;
export type ServiceContractStatus = (typeof serviceContractStatuses)[number];

export interface Coverage {
  parts: boolean;
  labour: boolean;
  travel: boolean;
}

/** A warranty period: `end` is the first instant no longer covered; a missing start means from installation. */
export interface WarrantyRecord {
  type: string;
  start: Date | null;
  end: Date;
}

export interface EntitlementMachine {
  serial: string;
  customerId: string;
  warranty: WarrantyRecord | null;
}

export interface EntitlementCustomer {
  id: string;
}

export interface ServiceContract {
  id: string;
  customerId: string;
  name: string;
  type: ServiceContractType;
  status: ServiceContractStatus;
  /** 'all' covers every machine the customer owns; a list covers those serials and the components inside them. */
  coveredSerials: 'all' | readonly string[];
  /** Active on [start, end): `end` is the first instant no longer covered. */
  start: Date;
  end: Date;
  responseMode: ResponseMode;
  slaPolicyId: string;
  calendarId: string;
  covers: Coverage;
  /** Parts and part categories the contract does not pay for, and whether it pays for consumables. */
  exclusions?: ContractExclusions;
  coversConsumables?: boolean;
  /** The contract's version whose terms these are (1: as signed). */
  version?: number;
}

export interface ContractExclusions {
  partNumbers: readonly string[];
  categories: readonly string[];
}

/** What an entitlement grants when it does not come from a contract: per warranty type, and for paid work. */
export interface EntitlementTerms {
  covers: Coverage;
  responseMode: ResponseMode;
  slaPolicyId: string;
  calendarId: string;
}

export interface EntitlementPolicy {
  warrantyTerms: Readonly<Record<string, EntitlementTerms>>;
  /** Applied to a warranty type the table does not know, rather than refusing the registration. */
  unknownWarrantyTerms: EntitlementTerms;
  paidTerms: EntitlementTerms;
}

export const defaultEntitlementPolicy: EntitlementPolicy = {
  warrantyTerms: {
    standard: { covers: { parts: true, labour: true, travel: true }, responseMode: 'on-site', slaPolicyId: 'warranty-standard', calendarId: 'business-hours' },
    extended: { covers: { parts: true, labour: true, travel: true }, responseMode: 'on-site', slaPolicyId: 'warranty-extended', calendarId: 'business-hours' },
    'parts-only': { covers: { parts: true, labour: false, travel: false }, responseMode: 'remote', slaPolicyId: 'warranty-parts-only', calendarId: 'business-hours' },
    supplier: { covers: { parts: true, labour: true, travel: false }, responseMode: 'nbd', slaPolicyId: 'warranty-supplier', calendarId: 'business-hours' },
  },
  unknownWarrantyTerms: { covers: { parts: true, labour: true, travel: true }, responseMode: 'on-site', slaPolicyId: 'warranty-standard', calendarId: 'business-hours' },
  paidTerms: { covers: { parts: false, labour: false, travel: false }, responseMode: 'on-site', slaPolicyId: 'paid-standard', calendarId: 'business-hours' },
};

export type EntitlementSource =
  | { kind: 'contract'; contractId: string }
  | { kind: 'warranty'; warrantyType: string; fromSerial: string }
  | { kind: 'none' };

export interface ContractSnapshot {
  id: string;
  /** The version of the contract whose terms the request was registered under. */
  version: number;
  name: string;
  type: ServiceContractType;
  start: Date;
  end: Date;
  coveredSerials: 'all' | readonly string[];
  responseMode: ResponseMode;
  slaPolicyId: string;
  calendarId: string;
  covers: Coverage;
  exclusions: ContractExclusions;
  coversConsumables: boolean;
}

export interface WarrantySnapshot {
  type: string;
  start: Date | null;
  end: Date;
  fromSerial: string;
  inherited: boolean;
}

export interface Entitlement {
  source: EntitlementSource;
  serial: string;
  customerId: string;
  at: Date;
  covers: Coverage;
  responseMode: ResponseMode;
  slaPolicyId: string;
  calendarId: string;
  /** True when anything (parts, labour or travel) is chargeable: the customer agrees a price first. */
  quoteRequired: boolean;
  reason: string;
  contract: ContractSnapshot | null;
  warranty: WarrantySnapshot | null;
  /** Other contracts that also matched and lost to the tie-break, kept so the choice can be explained later. */
  passedOver: readonly string[];
  /** When paid because the warranty ran out: when it ended (goodwill shortly after may still apply). */
  lapsedWarrantyEnd?: Date;
}

export interface EntitlementQuery {
  customer: EntitlementCustomer;
  machine: EntitlementMachine;
  /** Parent first, root last (see ancestorsOf in machine-tree). */
  machineAncestors: readonly EntitlementMachine[];
  contracts: readonly ServiceContract[];
  at: Date;
  /** The site's IANA zone: the reason's dates are the days people there read (UTC when unknown). */
  timeZone?: string;
}

/** Active on the date: status active and start <= at < end. */
export function isContractActive(contract: ServiceContract, at: Date): boolean {
  const t = at.getTime();
  return contract.status === 'active' && contract.start.getTime() <= t && t < contract.end.getTime();
}

/** The serial through which a contract covers the machine (itself or an ancestor), or null. */
export function contractCoverage(contract: ServiceContract, customer: EntitlementCustomer, machine: EntitlementMachine, machineAncestors: readonly EntitlementMachine[]): string | null {
  if (contract.customerId !== customer.id) return null;
  if (contract.coveredSerials === 'all') return machine.customerId === customer.id ? machine.serial : null;
  const listed = new Set(contract.coveredSerials);
  return [machine, ...machineAncestors].find((m) => listed.has(m.serial))?.serial ?? null;
}

const responseRank: Record<ResponseMode, number> = { 'on-site': 3, nbd: 2, remote: 1 };

/**
 * Tie-break when several contracts apply: the most generous wins, so the customer is never
 * served below what one of its contracts promises. Higher response mode (on-site > NBD >
 * remote), then more of parts/labour/travel free, then the latest start (the newest agreement),
 * then the contract id so the answer never depends on input order.
 */
export function compareContracts(a: ServiceContract, b: ServiceContract): number {
  return (
    responseRank[b.responseMode] - responseRank[a.responseMode] ||
    coverageCount(b.covers) - coverageCount(a.covers) ||
    b.start.getTime() - a.start.getTime() ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function resolveEntitlement(query: EntitlementQuery, policy: EntitlementPolicy = defaultEntitlementPolicy): Entitlement {
  const { customer, machine, machineAncestors, contracts, at } = query;
  const day = localDay(query.timeZone ?? 'UTC');
  // `end` is the first instant no longer covered: people read the day before it as the last one.
  const lastDay = (end: Date) => day(new Date(end.getTime() - 1));
  if (Number.isNaN(at.getTime())) throw new RangeError('entitlement: `at` is not a valid date');
  const base = { serial: machine.serial, customerId: customer.id, at: new Date(at) };

  const matching = contracts
    .map((contract) => ({ contract, via: isContractActive(contract, at) ? contractCoverage(contract, customer, machine, machineAncestors) : null }))
    .filter((m): m is { contract: ServiceContract; via: string } => m.via !== null)
    .sort((a, b) => compareContracts(a.contract, b.contract));
  const chosen = matching[0];
  if (chosen) {
    const c = chosen.contract;
    const passedOver = matching.slice(1).map((m) => m.contract.id);
    const through = chosen.via === machine.serial ? '' : ` through ${chosen.via}`;
    const over = passedOver.length > 0 ? `; chosen over ${passedOver.join(', ')} (most generous response and coverage, then latest start)` : '';
    return deepFreeze({
      ...base,
      source: { kind: 'contract', contractId: c.id },
      ...copyTerms(c),
      quoteRequired: !coversAll(c.covers),
      reason: `service contract ${c.id}${(c.version ?? 1) > 1 ? ` (version ${c.version})` : ''} "${c.name}" (${c.type}) covers ${machine.serial}${through} from ${day(c.start)} to ${lastDay(c.end)}${over}`,
      contract: {
        id: c.id,
        version: c.version ?? 1,
        name: c.name,
        type: c.type,
        start: new Date(c.start),
        end: new Date(c.end),
        coveredSerials: c.coveredSerials === 'all' ? 'all' : [...c.coveredSerials],
        ...copyTerms(c),
        exclusions: { partNumbers: [...(c.exclusions?.partNumbers ?? [])], categories: [...(c.exclusions?.categories ?? [])] },
        coversConsumables: c.coversConsumables ?? false,
      },
      warranty: null,
      passedOver,
    });
  }

  // The nearest machine that has a warranty of its own decides; an expired own warranty is not
  // replaced by a parent's, because the component's own record is the more specific promise.
  const holder = [machine, ...machineAncestors].find((m) => m.warranty !== null);
  const noContract = 'no active service contract covers this machine';
  if (holder?.warranty) {
    const w = holder.warranty;
    const inherited = holder.serial !== machine.serial;
    const whose = inherited ? `inherited from ${holder.serial} (${machine.serial} has no warranty of its own)` : `of ${machine.serial}`;
    const running = (w.start === null || w.start.getTime() <= at.getTime()) && at.getTime() < w.end.getTime();
    if (running) {
      const known = policy.warrantyTerms[w.type];
      const terms = copyTerms(known ?? policy.unknownWarrantyTerms);
      const unknownNote = known ? '' : `; warranty type ${w.type} is not in the policy, default warranty terms applied`;
      return deepFreeze({
        ...base,
        source: { kind: 'warranty', warrantyType: w.type, fromSerial: holder.serial },
        ...terms,
        quoteRequired: !coversAll(terms.covers),
        reason: `${noContract}; ${w.type} warranty ${whose} runs until ${lastDay(w.end)}${unknownNote}`,
        contract: null,
        warranty: { type: w.type, start: w.start ? new Date(w.start) : null, end: new Date(w.end), fromSerial: holder.serial, inherited },
        passedOver: [],
      });
    }
    const notYet = w.start !== null && at.getTime() < w.start.getTime();
    const when = notYet ? `only starts ${day(w.start!)}` : `ended ${lastDay(w.end)}`;
    const lapsed = notYet ? {} : { lapsedWarrantyEnd: new Date(w.end) };
    return paid({ ...base, ...lapsed }, policy, `${noContract}; ${w.type} warranty ${whose} ${when}; paid service, quote required`);
  }
  return paid(base, policy, `${noContract}; no warranty on ${machine.serial} or any machine it is part of; paid service, quote required`);
}

function paid(base: Pick<Entitlement, 'serial' | 'customerId' | 'at' | 'lapsedWarrantyEnd'>, policy: EntitlementPolicy, reason: string): Entitlement {
  return deepFreeze({ ...base, source: { kind: 'none' }, ...copyTerms(policy.paidTerms), quoteRequired: true, reason, contract: null, warranty: null, passedOver: [] });
}

function copyTerms(t: EntitlementTerms): EntitlementTerms {
  return { covers: { parts: t.covers.parts, labour: t.covers.labour, travel: t.covers.travel }, responseMode: t.responseMode, slaPolicyId: t.slaPolicyId, calendarId: t.calendarId };
}

function coverageCount(c: Coverage): number {
  return Number(c.parts) + Number(c.labour) + Number(c.travel);
}

function coversAll(c: Coverage): boolean {
  return c.parts && c.labour && c.travel;
}

/** 'YYYY-MM-DD' of an instant in a zone ('en-CA' writes dates in that order). */
function localDay(timeZone: string): (d: Date) => string {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return (d) => format.format(d);
}

/** A Date whose setters throw: Object.freeze cannot stop setTime, which writes an internal slot. */
class FrozenDate extends Date {}
for (const name of Object.getOwnPropertyNames(Date.prototype).filter((n) => n.startsWith('set'))) {
  Object.defineProperty(FrozenDate.prototype, name, {
    value() {
      throw new TypeError(`Date.${name}: an entitlement snapshot is frozen`);
    },
  });
}

/** Freezes the snapshot's objects and makes its dates unchangeable, so what was decided stays as decided. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const record = value as Record<string, unknown>;
    for (const [key, inner] of Object.entries(record)) {
      if (inner instanceof Date) record[key] = new FrozenDate(inner.getTime());
      else deepFreeze(inner);
    }
    Object.freeze(value);
  }
  return value;
}
