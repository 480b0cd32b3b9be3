import type { z } from 'zod';
import type { ContractEntry } from './contract-entry';
import { eventEnvelopeSchema, type EventEnvelope } from './envelope';
import { serviceRequestRegisteredV1 } from './events/service-request';
import { deviceAlarmRaisedV1 } from './events/device-alarm';
import { articlePublishedV1 } from './events/article';
import { calendarHorizonShortV1, calendarVersionPublishedV1 } from './events/calendar';
import {
  serviceRequestCancelledV1,
  serviceRequestClosedV1,
  serviceRequestComplaintRaisedV1,
  serviceRequestDispatchRequestedV1,
  serviceRequestEscalatedV1,
  serviceRequestScreenedV1,
  serviceRequestSlaBreachedV1,
  serviceRequestSlaWarningV1,
  serviceRequestSurveyedV1,
} from './events/service-request-lifecycle';
import { workOrderContracts } from './events/work-order';
import { sparesContracts } from './events/spares';
import { eightDContracts } from './events/eight-d';
import { noticeContracts } from './events/notice';
import { machineContracts } from './events/machine';
import { topics, type TopicName } from './topics';

/**
 * Every event type and version the platform knows: its schema and the topic it travels on.
 * Keyed "type@version". A new data shape is a new version here, never an edit of an old one.
 */
export const eventContracts = {
  'service-request.registered@1': { topic: topics.serviceRequests, schema: serviceRequestRegisteredV1 },
  'service-request.screened@1': { topic: topics.serviceRequests, schema: serviceRequestScreenedV1 },
  'service-request.dispatch-requested@1': { topic: topics.serviceRequests, schema: serviceRequestDispatchRequestedV1 },
  'service-request.sla-warning@1': { topic: topics.serviceRequests, schema: serviceRequestSlaWarningV1 },
  'service-request.sla-breached@1': { topic: topics.serviceRequests, schema: serviceRequestSlaBreachedV1 },
  'service-request.escalated@1': { topic: topics.serviceRequests, schema: serviceRequestEscalatedV1 },
  'service-request.closed@1': { topic: topics.serviceRequests, schema: serviceRequestClosedV1 },
  'service-request.cancelled@1': { topic: topics.serviceRequests, schema: serviceRequestCancelledV1 },
  'service-request.complaint-raised@1': { topic: topics.serviceRequests, schema: serviceRequestComplaintRaisedV1 },
  'service-request.surveyed@1': { topic: topics.serviceRequests, schema: serviceRequestSurveyedV1 },
  ...workOrderContracts,
  ...sparesContracts,
  ...eightDContracts,
  ...noticeContracts,
  ...machineContracts,
  'device.alarm-raised@1': { topic: topics.deviceAlarms, schema: deviceAlarmRaisedV1 },
  'article.published@1': { topic: topics.articles, schema: articlePublishedV1 },
  'calendar.version-published@1': { topic: topics.calendars, schema: calendarVersionPublishedV1 },
  'calendar.horizon-short@1': { topic: topics.calendars, schema: calendarHorizonShortV1 },
} as const satisfies Record<string, ContractEntry>;

export type EventKey = keyof typeof eventContracts;
type TypeOf<K extends string> = K extends `${infer T}@${string}` ? T : never;
export type EventType = TypeOf<EventKey>;

/** The typed envelope of one known event type and version. */
export type KnownEvent<K extends EventKey> = EventEnvelope<TypeOf<K>, z.infer<(typeof eventContracts)[K]['schema']>>;

export function contractFor(type: string, version: number): ContractEntry | undefined {
  return (eventContracts as Record<string, ContractEntry>)[`${type}@${version}`];
}

export type ValidationResult =
  | { ok: true; event: EventEnvelope }
  | { ok: false; reason: string };

/** Checks the envelope, then the data against the schema of its type and version. */
export function validateEvent(candidate: unknown): ValidationResult {
  const envelope = eventEnvelopeSchema.safeParse(candidate);
  if (!envelope.success) {
    return { ok: false, reason: `envelope: ${envelope.error.issues.map(describeIssue).join('; ')}` };
  }
  const { type, version } = envelope.data;
  const contract = contractFor(type, version);
  if (!contract) return { ok: false, reason: `unknown event ${type}@${version}` };
  const data = contract.schema.safeParse(envelope.data.data);
  if (!data.success) {
    return { ok: false, reason: `${type}@${version} data: ${data.error.issues.map(describeIssue).join('; ')}` };
  }
  return { ok: true, event: { ...envelope.data, data: data.data } };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

export interface EventMeta {
  id: string;
  occurredAt: Date;
  source: string;
  subject: string;
  correlationId: string;
  causationId: string | null;
}

/** Builds a known event and checks it against its contract, so no service can publish a malformed one. */
export function buildEvent<K extends EventKey>(
  key: K,
  data: z.input<(typeof eventContracts)[K]['schema']>,
  meta: EventMeta,
): KnownEvent<K> {
  const [type, version] = key.split('@') as [TypeOf<K>, string];
  const candidate = { ...meta, occurredAt: meta.occurredAt.toISOString(), type, version: Number(version), data };
  const result = validateEvent(candidate);
  if (!result.ok) throw new Error(`refusing to build an invalid event: ${result.reason}`);
  return result.event as KnownEvent<K>;
}

export function topicOf(key: EventKey): TopicName {
  return eventContracts[key].topic;
}
