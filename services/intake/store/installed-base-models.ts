import { Schema, type Connection } from 'mongoose';
import type { LocationClass } from '@aftersales/contracts';
import type { ContractChange, Suspension } from '../domain/contract-lifecycle';
import type { Coverage, ResponseMode, ServiceContractStatus, ServiceContractType } from '../domain/entitlement';

/**
 * Intake's installed base: customers (with their contacts and sites), the dealers that serve
 * indirect customers, machines in a parent-child tree, service contracts and each machine's
 * service history. Every write is to one document: FerretDB v1 has no multi-document transactions.
 */

export type CustomerClass = 'vip' | 'key_account' | 'standard' | 'indirect';

export interface CustomerContact {
  name: string;
  phone?: string;
  email?: string;
  role?: string;
  /** The site this person is at, when there is one; alarms from that site's machines reach them first. */
  siteId?: string;
}

export interface SiteDoc {
  id: string;
  name: string;
  address: string;
  city: string;
  locationClass: LocationClass;
  coordinates: { lat: number; lon: number } | null;
  /** IANA time zone, e.g. Asia/Shanghai: business-hours clocks run in it. */
  timeZone: string;
}

/**
 * Sites and contacts live inside the customer document: a customer is created with them in one
 * insert, and a site added later is one single-document update.
 */
export interface CustomerDoc {
  _id: string;
  name: string;
  class: CustomerClass;
  /** The dealer serving an indirect customer; null for customers served directly. */
  dealerId: string | null;
  contacts?: CustomerContact[];
  sites?: SiteDoc[];
  createdAt?: Date;
  createdBy?: string;
}

export interface DealerDoc {
  _id: string;
  name: string;
  region: string | null;
  contacts: CustomerContact[];
  createdAt: Date;
  createdBy: string;
}

export const machineStatuses = ['active', 'idle', 'in-repair', 'decommissioned'] as const;
export type MachineStatus = (typeof machineStatuses)[number];

export interface MachineWarranty {
  type: string;
  start: Date | null;
  /** The first instant no longer covered. */
  end: Date;
}

export interface MachineDoc {
  _id: string; // serial number
  customerId: string;
  siteId?: string | null;
  model: string;
  productLine: string;
  status: MachineStatus;
  installDate?: Date | null;
  commissioningDate?: Date | null;
  warranty?: MachineWarranty | null;
  /** Who supplied the machine: the factory, a dealer id, or a third-party supplier for a component. */
  supplierOrDealer?: string | null;
  parentSerial: string | null;
  /** The first demo data set stored only an end date; read as a standard warranty (see toEntitlementMachine). */
  warrantyEnd?: Date | null;
  createdAt?: Date;
  createdBy?: string;
  /** The machine.registered that announced it; absent on machines stored before (see announceInstalledBaseOnce). */
  registeredEventId?: string;
}

export interface ContractDoc {
  _id: string;
  customerId: string;
  name: string;
  type: ServiceContractType;
  status: ServiceContractStatus;
  coveredSerials: 'all' | string[];
  start: Date;
  end: Date;
  responseMode: ResponseMode;
  slaPolicyId: string;
  calendarId: string;
  covers: Coverage;
  /** Parts and part categories the contract does not pay for; consumables only when it says so. */
  exclusions?: { partNumbers: string[]; categories: string[] };
  coversConsumables?: boolean;
  /** The zone whose days a date-only start, end or change date was read in (the customer's site). */
  timeZone?: string;
  /** Lifecycle (domain/contract-lifecycle.ts): the current version, every change, suspensions, a termination. */
  version?: number;
  history?: ContractChange[];
  suspensions?: Suspension[];
  terminatedFrom?: Date | null;
  createdAt: Date;
  createdBy: string;
}

export const serviceHistoryKinds = ['repair', 'maintenance', 'part-replacement', 'inspection', 'remote-fix', 'installation', 'upgrade'] as const;
export type ServiceHistoryKind = (typeof serviceHistoryKinds)[number];

export interface HistoryPart {
  partNumber: string;
  quantity: number;
  /** Serial of the part taken out, when it has one (for the defective return). */
  removedSerial?: string;
  fittedSerial?: string;
}

/** One line in a machine's service history: what the next engineer needs to know. */
export interface ServiceHistoryDoc {
  /** Derived from the source (its event id, or the report's id), so recording twice stores it once. */
  _id: string;
  serialNumber: string;
  customerId: string;
  at: Date;
  kind: ServiceHistoryKind;
  summary: string;
  parts: HistoryPart[];
  engineer: string | null;
  serviceRequestId: string | null;
  workOrderId: string | null;
  source: { service: string; eventId: string | null; reportedBy: string | null };
  recordedAt: Date;
}

export function createInstalledBaseModels(connection: Connection) {
  // Nested values (contacts, sites, warranty, covers) are validated by the API's zod schemas; here
  // they are Mixed so mongoose never strips or re-casts what was accepted.
  const customers = new Schema<CustomerDoc>(
    {
      _id: String,
      name: { type: String, required: true },
      class: { type: String, required: true },
      dealerId: { type: String, default: null, index: true },
      contacts: { type: [Schema.Types.Mixed], default: undefined },
      sites: { type: [Schema.Types.Mixed], default: undefined },
      createdAt: Date,
      createdBy: String,
    },
    { versionKey: false },
  );
  const dealers = new Schema<DealerDoc>(
    { _id: String, name: { type: String, required: true }, region: { type: String, default: null }, contacts: [Schema.Types.Mixed], createdAt: Date, createdBy: String },
    { versionKey: false },
  );
  const machines = new Schema<MachineDoc>(
    {
      _id: String,
      customerId: { type: String, required: true, index: true },
      siteId: { type: String, default: null },
      model: { type: String, required: true },
      productLine: { type: String, required: true },
      status: { type: String, required: true },
      installDate: { type: Date, default: null },
      commissioningDate: { type: Date, default: null },
      warranty: { type: Schema.Types.Mixed, default: null },
      supplierOrDealer: { type: String, default: null },
      parentSerial: { type: String, default: null, index: true },
      warrantyEnd: { type: Date },
      createdAt: Date,
      createdBy: String,
    },
    { versionKey: false },
  );
  const contracts = new Schema<ContractDoc>(
    {
      _id: String,
      customerId: { type: String, required: true, index: true },
      name: { type: String, required: true },
      type: { type: String, required: true },
      status: { type: String, required: true },
      coveredSerials: { type: Schema.Types.Mixed, required: true },
      start: { type: Date, required: true },
      end: { type: Date, required: true },
      responseMode: { type: String, required: true },
      slaPolicyId: { type: String, required: true },
      calendarId: { type: String, required: true },
      covers: { type: Schema.Types.Mixed, required: true },
      exclusions: { type: Schema.Types.Mixed },
      coversConsumables: Boolean,
      createdAt: Date,
      createdBy: String,
    },
    { versionKey: false },
  );
  const serviceHistory = new Schema<ServiceHistoryDoc>(
    {
      _id: String,
      serialNumber: { type: String, required: true, index: true },
      customerId: { type: String, required: true },
      at: { type: Date, required: true },
      kind: { type: String, required: true },
      summary: { type: String, required: true },
      parts: [Schema.Types.Mixed],
      engineer: { type: String, default: null },
      serviceRequestId: { type: String, default: null },
      workOrderId: { type: String, default: null },
      source: { type: Schema.Types.Mixed, required: true },
      recordedAt: { type: Date, required: true },
    },
    { versionKey: false },
  );
  return {
    customers: connection.model('Customer', customers, 'customers'),
    dealers: connection.model('Dealer', dealers, 'dealers'),
    machines: connection.model('Machine', machines, 'machines'),
    contracts: connection.model('ServiceContract', contracts, 'serviceContracts'),
    serviceHistory: connection.model('ServiceHistoryEntry', serviceHistory, 'serviceHistory'),
  };
}
