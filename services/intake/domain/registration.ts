import { createHash } from 'node:crypto';
import { buildEvent, type Channel, type Contact, type KnownEvent } from '@aftersales/contracts';
import { UnprocessableError, ValidationError } from '@aftersales/platform';
import type { CustomerDoc, MachineDoc, RequestAlarm, ServiceRequestDoc } from '../store/models';
import { entitlementSummary, type Assessment } from './assessment';

export interface RegistrationInput {
  customerId: string;
  contact: Contact;
  channel: Channel;
  serialNumber: string;
  symptom: string;
  neededBy: Date;
  /** When the customer raised it, if earlier than now (an e-mail read this morning). */
  raisedAt?: Date | undefined;
  /**
   * The agent checked the serial with the caller and it is not in the installed base yet:
   * register anyway, flagged `machine-unknown` (people's channels only, see checkRegistration).
   */
  acceptUnknownSerial?: boolean | undefined;
}

/**
 * Channels where a person reports the fault and may not know more than the serial on the plate.
 * A dealer registers machines it sold before reporting on them, and an alarm names its own
 * machine, so those two need a known serial.
 */
export const unknownSerialChannels: readonly Channel[] = ['phone', 'email', 'portal', 'app', 'chat'];

export interface RegistrationContext {
  requestId: string;
  now: Date;
  registeredBy: string;
  correlationId: string;
  causationId: string;
  idempotencyKey: string | null;
  eventId: string;
}

/** Hash of what the caller asked for; a repeated Idempotency-Key must come with the same body. */
export function fingerprint(input: RegistrationInput): string {
  const canonical = JSON.stringify({
    ...input,
    contact: { name: input.contact.name, phone: input.contact.phone ?? null, email: input.contact.email ?? null },
    neededBy: input.neededBy.toISOString(),
    raisedAt: input.raisedAt?.toISOString() ?? null,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/** A short id an agent can read out on the phone: SR-20261124-4K7Q2M. */
export function newRequestId(now: Date, randomBytes: Uint8Array): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'; // no 0/O, 1/I: read aloud without mistakes
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  const suffix = Array.from(randomBytes.slice(0, 6), (b) => alphabet[b % alphabet.length]).join('');
  return `SR-${day}-${suffix}`;
}

/**
 * The earliest raisedAt taken: an earlier one is a typo or a clock never set (year 0020, 1970),
 * and would count as years of lateness in every report.
 */
export const earliestRaisedAt = new Date('2000-01-01T00:00:00Z');
/** How far a caller's clock may run ahead of ours. */
export const raisedAtClockSkewMs = 60_000;

/** Why raisedAt is not a plausible instant for a request raised by now, or null when it is. */
export function implausibleRaisedAt(raisedAt: Date, now: Date): string | null {
  if (raisedAt.getTime() < earliestRaisedAt.getTime()) return `must be on or after ${earliestRaisedAt.toISOString()}`;
  if (raisedAt.getTime() > now.getTime() + raisedAtClockSkewMs) return `must not be more than ${raisedAtClockSkewMs / 1000} s ahead of the server's clock (${now.toISOString()})`;
  return null;
}

/** Refuses what cannot be a valid registration, naming the field at fault. */
export function checkRegistration(input: RegistrationInput, customer: CustomerDoc | null, machine: MachineDoc | null, now: Date): asserts customer is CustomerDoc {
  // Bad input before what it refers to: an implausible instant is 400 whoever the customer is.
  const implausible = input.raisedAt ? implausibleRaisedAt(input.raisedAt, now) : null;
  if (implausible) throw new ValidationError('raisedAt', `raisedAt: ${implausible}`);
  if (!customer) throw new UnprocessableError('customerId', `customerId: no customer ${input.customerId}`);
  if (!machine) {
    if (!input.acceptUnknownSerial) {
      throw new UnprocessableError(
        'serialNumber',
        `serialNumber: no machine with serial ${input.serialNumber} in the installed base; check it with the caller, or register anyway with "acceptUnknownSerial": true`,
      );
    }
    if (!unknownSerialChannels.includes(input.channel)) {
      throw new UnprocessableError('acceptUnknownSerial', `acceptUnknownSerial: a ${input.channel} request needs a machine in the installed base (${input.serialNumber} is not)`);
    }
  } else if (machine.customerId !== customer._id) {
    throw new UnprocessableError('serialNumber', `serialNumber: machine ${machine._id} does not belong to customer ${customer._id}`);
  }
  const raisedAt = input.raisedAt ?? now;
  if (input.neededBy.getTime() <= raisedAt.getTime()) {
    throw new UnprocessableError('neededBy', 'neededBy: must be after the time the request was raised');
  }
}

/** The record to store and the event announcing it; both leave in one document write. */
export function registerServiceRequest(
  input: RegistrationInput,
  context: RegistrationContext,
  assessment: Assessment,
  alarm: RequestAlarm | null = null,
  complaint: { of: string; tier: 'P1' | 'P2' | 'P3' | 'P4' } | null = null,
): { record: Omit<ServiceRequestDoc, 'outbox' | 'outboxDueAt'>; event: KnownEvent<'service-request.registered@1'> } {
  const raisedAt = input.raisedAt ?? context.now;
  const { site, duplicate } = assessment;
  const record = {
    _id: context.requestId,
    customerId: input.customerId,
    contact: input.contact,
    channel: input.channel,
    serialNumber: input.serialNumber,
    symptom: input.symptom,
    raisedAt,
    neededBy: input.neededBy,
    status: 'registered' as const,
    registeredAt: context.now,
    registeredBy: context.registeredBy,
    correlationId: context.correlationId,
    idempotencyKey: context.idempotencyKey ?? context.requestId,
    requestFingerprint: fingerprint(input),
    workflow: null,
    dispatchedAt: null,
    owner: null,
    solvedAt: null,
    acceptedAt: null,
    machineKnown: assessment.machineKnown,
    customer: assessment.customer,
    machine: assessment.machine,
    siteId: site?.siteId ?? null,
    locationClass: site?.locationClass ?? null,
    timeZone: site?.timeZone ?? null,
    city: site?.city ?? null,
    entitlement: assessment.entitlement,
    duplicateOf: duplicate?.duplicateOf ?? null,
    duplicateMatch: duplicate ? { score: duplicate.score, sharedWords: duplicate.sharedWords, measure: duplicate.measure } : null,
    knownFixes: assessment.knownFixes,
    ...(assessment.containment.length > 0 ? { containment: assessment.containment } : {}),
    alarm,
    complaint,
    flags: assessment.flags,
  };
  const event = buildEvent(
    'service-request.registered@1',
    {
      requestId: record._id,
      customerId: record.customerId,
      contact: record.contact,
      channel: record.channel,
      serialNumber: record.serialNumber,
      symptom: record.symptom,
      raisedAt: raisedAt.toISOString(),
      neededBy: record.neededBy.toISOString(),
      machineKnown: record.machineKnown,
      siteId: record.siteId,
      locationClass: record.locationClass,
      timeZone: record.timeZone,
      entitlement: entitlementSummary(record.entitlement),
      duplicateOf: record.duplicateOf,
      machine: assessment.machine ? { model: assessment.machine.model, productLine: assessment.machine.productLine } : null,
      site: site?.coordinates ? { city: site.city, lat: site.coordinates.lat, lon: site.coordinates.lon } : null,
      ...(alarm ? { alarm: { deviceEventId: alarm.deviceEventId, alarmCode: alarm.alarmCode, severity: alarm.severity } } : {}),
      ...(complaint ? { complaint } : {}),
      dealerId: assessment.customer.dealerId,
      customerClass: assessment.customer.class,
    },
    {
      id: context.eventId,
      occurredAt: context.now,
      source: 'intake',
      subject: record._id,
      correlationId: record._id,
      causationId: context.causationId,
    },
  );
  return { record, event };
}
