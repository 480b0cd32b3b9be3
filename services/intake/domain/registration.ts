import { createHash } from 'node:crypto';
import { buildEvent, type Channel, type Contact, type KnownEvent } from '@aftersales/contracts';
import { UnprocessableError } from '@aftersales/platform';
import type { CustomerDoc, MachineDoc, ServiceRequestDoc } from '../store/models';

export interface RegistrationInput {
  customerId: string;
  contact: Contact;
  channel: Channel;
  serialNumber: string;
  symptom: string;
  neededBy: Date;
  /** When the customer raised it, if earlier than now (an e-mail read this morning). */
  raisedAt?: Date | undefined;
}

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

/** Refuses what cannot be a valid registration, naming the field at fault. */
export function checkRegistration(input: RegistrationInput, customer: CustomerDoc | null, machine: MachineDoc | null, now: Date): void {
  if (!customer) throw new UnprocessableError('customerId', `customerId: no customer ${input.customerId}`);
  if (!machine) throw new UnprocessableError('serialNumber', `serialNumber: no machine with serial ${input.serialNumber}`);
  if (machine.customerId !== customer._id) {
    throw new UnprocessableError('serialNumber', `serialNumber: machine ${machine._id} does not belong to customer ${customer._id}`);
  }
  const raisedAt = input.raisedAt ?? now;
  if (raisedAt.getTime() > now.getTime() + 60_000) throw new UnprocessableError('raisedAt', 'raisedAt: must not be in the future');
  if (input.neededBy.getTime() <= raisedAt.getTime()) {
    throw new UnprocessableError('neededBy', 'neededBy: must be after the time the request was raised');
  }
}

/** The record to store and the event announcing it; both leave in one document write. */
export function registerServiceRequest(
  input: RegistrationInput,
  context: RegistrationContext,
): { record: Omit<ServiceRequestDoc, 'outbox' | 'outboxDueAt'>; event: KnownEvent<'service-request.registered@1'> } {
  const raisedAt = input.raisedAt ?? context.now;
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
