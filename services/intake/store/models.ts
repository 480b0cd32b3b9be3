import { Schema, type Connection } from 'mongoose';
import type { Channel, Contact } from '@aftersales/contracts';
import type { OutboxFields } from '@aftersales/platform';

export type CustomerClass = 'vip' | 'key_account' | 'standard' | 'indirect';

export interface CustomerDoc {
  _id: string;
  name: string;
  class: CustomerClass;
  dealerId: string | null;
}

export interface MachineDoc {
  _id: string; // serial number
  customerId: string;
  model: string;
  productLine: string;
  status: 'active' | 'decommissioned';
  parentSerial: string | null;
  warrantyEnd: Date | null;
}

export interface ServiceRequestDoc extends OutboxFields {
  _id: string;
  customerId: string;
  contact: Contact;
  channel: Channel;
  serialNumber: string;
  symptom: string;
  raisedAt: Date;
  neededBy: Date;
  status: 'registered';
  registeredAt: Date;
  registeredBy: string;
  correlationId: string;
  /** Scoped by the caller; equals the request id when the caller sent no Idempotency-Key. */
  idempotencyKey: string;
  /** Hash of the accepted body: a key reused with another body is refused, not silently replayed. */
  requestFingerprint: string;
  workflow: { id: string; runId: string; startedAt: Date } | null;
  dispatchedAt: Date | null;
  owner: string | null;
  solvedAt: Date | null;
  acceptedAt: Date | null;
}


const contactSchema = new Schema<Contact>({ name: String, phone: String, email: String }, { _id: false });

export function createIntakeModels(connection: Connection) {
  const customers = new Schema<CustomerDoc>(
    { _id: String, name: { type: String, required: true }, class: { type: String, required: true }, dealerId: { type: String, default: null } },
    { versionKey: false },
  );
  const machines = new Schema<MachineDoc>(
    {
      _id: String,
      customerId: { type: String, required: true, index: true },
      model: { type: String, required: true },
      productLine: { type: String, required: true },
      status: { type: String, required: true },
      parentSerial: { type: String, default: null },
      warrantyEnd: { type: Date, default: null },
    },
    { versionKey: false },
  );
  const serviceRequests = new Schema<ServiceRequestDoc>(
    {
      _id: String,
      customerId: { type: String, required: true, index: true },
      contact: { type: contactSchema, required: true },
      channel: { type: String, required: true },
      serialNumber: { type: String, required: true, index: true },
      symptom: { type: String, required: true },
      raisedAt: { type: Date, required: true },
      neededBy: { type: Date, required: true },
      status: { type: String, required: true },
      registeredAt: { type: Date, required: true },
      registeredBy: { type: String, required: true },
      correlationId: { type: String, required: true },
      idempotencyKey: { type: String, required: true, unique: true },
      requestFingerprint: { type: String, required: true },
      workflow: { type: Schema.Types.Mixed, default: null },
      dispatchedAt: { type: Date, default: null },
      owner: { type: String, default: null },
      solvedAt: { type: Date, default: null },
      acceptedAt: { type: Date, default: null },
      outbox: { type: [Schema.Types.Mixed], default: undefined },
      outboxDueAt: { type: Date, index: true },
    },
    { versionKey: false },
  );
  return {
    customers: connection.model('Customer', customers, 'customers'),
    machines: connection.model('Machine', machines, 'machines'),
    serviceRequests: connection.model('ServiceRequest', serviceRequests, 'serviceRequests'),
  };
}

export type IntakeModels = ReturnType<typeof createIntakeModels>;
