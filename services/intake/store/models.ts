import { createContainmentModel, type ContainmentWarning } from './containment';
import { Schema, type Connection } from 'mongoose';
import type { AlarmSeverity, Channel, Contact, LocationClass } from '@aftersales/contracts';
import type { OutboxFields } from '@aftersales/platform';
import type { DuplicateCandidate } from '../domain/duplicates';
import type { Entitlement } from '../domain/entitlement';
import { createInstalledBaseModels, type CustomerClass } from './installed-base-models';

export * from './installed-base-models';

/** What the registration showed the agent from the local knowledge-base read model. */
export interface KnownFixSuggestion {
  articleId: string;
  version: number;
  title: string;
  score: number;
  matched: string[];
}

/** The device alarm that opened a request (channel alarm). */
export interface RequestAlarm {
  deviceEventId: string;
  alarmCode: string;
  severity: AlarmSeverity;
  message: string;
  raisedAt: Date;
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
  /** 'registered' at intake; the serviceRequest workflow moves it on (see domain/installed-base closedRequestStatuses). */
  status: string;
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
  // Fields below were added with the installed base; records from before them lack them.
  /** False when the serial was not in the installed base and the agent registered it anyway. */
  machineKnown?: boolean;
  /** Who the customer and the machine were at registration, so the record reads on its own. */
  customer?: { name: string; class: CustomerClass; dealerId: string | null };
  machine?: { model: string; productLine: string; status: string; parentSerial: string | null; ancestors: string[] } | null;
  siteId?: string | null;
  locationClass?: LocationClass | null;
  timeZone?: string | null;
  /** The site's city at registration: the region the boards filter by. */
  city?: string | null;
  /** Frozen at the registration instant: later edits of a contract or a warranty do not rewrite it. */
  entitlement?: Entitlement;
  /** The open request this one probably repeats; screening confirms or overrules it. */
  duplicateOf?: string | null;
  duplicateMatch?: Omit<DuplicateCandidate, 'duplicateOf'> | null;
  knownFixes?: KnownFixSuggestion[];
  alarm?: RequestAlarm | null;
  /** Set for a complaint opened by a low satisfaction score: about which request, at which tier. */
  complaint?: { of: string; tier: 'P1' | 'P2' | 'P3' | 'P4' } | null;
  /** Things an agent should look at: machine-unknown, installed-base-inconsistent, no-site, containment. */
  flags?: string[];
  /** Quality's containment flags on this machine at registration: what the agent and the engineer must know. */
  containment?: ContainmentWarning[];
}

/** A knowledge-base article as intake keeps it: a read model fed by quality's article.published events. */
export interface KnownFixDoc {
  _id: string; // article id
  version: number;
  title: string;
  models: string[];
  symptom: string;
  cause: string;
  fix: string;
  parts: string[];
  publishedAt: Date;
  receivedAt: Date;
  eventId: string | null;
}

/**
 * Every device alarm intake received, once (id = the device's event id): which request it opened
 * or was linked to. Its own insert-only document, so a repeated alarm never has to update the
 * request's document while the outbox relay may be writing it (FerretDB v1 does not isolate
 * concurrent updates of one document).
 */
export interface AlarmDoc {
  _id: string;
  serialNumber: string;
  alarmCode: string;
  severity: AlarmSeverity;
  message: string;
  raisedAt: Date;
  receivedAt: Date;
  via: 'kafka' | 'http';
  serviceRequestId: string;
  outcome: 'opened' | 'linked';
}


const contactSchema = new Schema<Contact>({ name: String, phone: String, email: String }, { _id: false });

export function createIntakeModels(connection: Connection) {
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
      machineKnown: Boolean,
      customer: Schema.Types.Mixed,
      machine: Schema.Types.Mixed,
      siteId: String,
      locationClass: String,
      timeZone: String,
      city: String,
      entitlement: Schema.Types.Mixed,
      duplicateOf: { type: String, index: true },
      duplicateMatch: Schema.Types.Mixed,
      knownFixes: { type: [Schema.Types.Mixed], default: undefined },
      alarm: Schema.Types.Mixed,
      complaint: Schema.Types.Mixed,
      flags: { type: [String], default: undefined },
      containment: { type: [Schema.Types.Mixed], default: undefined },
      outbox: { type: [Schema.Types.Mixed], default: undefined },
      outboxDueAt: { type: Date, index: true },
    },
    { versionKey: false },
  );
  const knownFixes = new Schema<KnownFixDoc>(
    {
      _id: String,
      version: { type: Number, required: true },
      title: { type: String, required: true },
      models: { type: [String], index: true },
      symptom: { type: String, required: true },
      cause: { type: String, default: '' },
      fix: { type: String, required: true },
      parts: { type: [String], default: [] },
      publishedAt: { type: Date, required: true },
      receivedAt: { type: Date, required: true },
      eventId: { type: String, default: null },
    },
    { versionKey: false },
  );
  const alarms = new Schema<AlarmDoc>(
    {
      _id: String,
      serialNumber: { type: String, required: true, index: true },
      alarmCode: { type: String, required: true },
      severity: { type: String, required: true },
      message: { type: String, required: true },
      raisedAt: { type: Date, required: true },
      receivedAt: { type: Date, required: true },
      via: { type: String, required: true },
      serviceRequestId: { type: String, required: true, index: true },
      outcome: { type: String, required: true },
    },
    { versionKey: false },
  );
  return {
    ...createInstalledBaseModels(connection),
    serviceRequests: connection.model('ServiceRequest', serviceRequests, 'serviceRequests'),
    knownFixes: connection.model('KnownFix', knownFixes, 'knownFixes'),
    alarms: connection.model('DeviceAlarm', alarms, 'deviceAlarms'),
    containmentFlags: createContainmentModel(connection),
  };
}

export type IntakeModels = ReturnType<typeof createIntakeModels>;
