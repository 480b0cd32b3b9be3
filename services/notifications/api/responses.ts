import { z } from 'zod';

/**
 * The bodies notifications answers, as JSON (dates as ISO strings): people and rosters as the
 * directory stores them, notices and deliveries as stored, minus `_id` (answered as `id`).
 */

const at = z.iso.datetime();
const language = z.enum(['zh-CN', 'en']);
const quietHours = z.object({ from: z.string(), until: z.string() }).nullable().optional();

const noticeKinds = [
  'sla-warning', 'sla-breached', 'sla-escalation', 'work-assigned', 'requisition-approval', 'return-overdue', 'quote-answer-due',
  'eight-d-opened', 'eight-d-assigned', 'eight-d-due-soon', 'eight-d-escalated', 'eight-d-closed', 'calendar-horizon-short',
] as const;

export const personSchema = z.object({
  id: z.string(),
  name: z.string(),
  roles: z.array(z.string()),
  email: z.string(),
  phone: z.string().nullable(),
  timeZone: z.string(),
  language,
  regions: z.array(z.string()),
  productLines: z.array(z.string()),
  manager: z.string().nullable(),
  absences: z.array(z.object({ from: z.string(), until: z.string() })),
  quietHours,
});

export const rosterSchema = z.object({
  id: z.string(),
  role: z.string(),
  region: z.string().nullable(),
  productLine: z.string().nullable(),
  shifts: z.array(z.object({ personId: z.string(), from: z.string().nullable(), until: z.string().nullable() })),
  standIn: z.string().nullable(),
  acknowledgeWithinMinutes: z.number(),
  quietHours,
});

export const dutySchema = z.object({
  role: z.string(),
  at,
  holders: z.array(z.object({ personId: z.string(), because: z.enum(['on-duty', 'stand-in']), rosterId: z.string(), name: z.string().nullable() })),
  rosterId: z.string().nullable(),
  unresolved: z.string().nullable(),
});

/** A stored notice (NoticeDoc); `call` is the fact it was worded from, one shape per kind. */
export const noticeSchema = z.object({
  id: z.string(),
  personId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  kind: z.enum(noticeKinds),
  subject: z.string(),
  role: z.string(),
  rosterId: z.string().nullable(),
  because: z.enum(['on-duty', 'stand-in', 'passed-on', 'named']),
  urgent: z.boolean(),
  language,
  title: z.string(),
  body: z.string(),
  link: z.string(),
  call: z.looseObject({ kind: z.enum(noticeKinds) }),
  chainId: z.string().nullable(),
  level: z.number().int(),
  occurredAt: at,
  createdAt: at,
  readAt: at.nullable(),
  acknowledgedAt: at.nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedVia: z.enum(['inbox', 'email-link']).optional(),
});

export const deliverySchema = z.object({
  id: z.string(),
  noticeId: z.string(),
  personId: z.string(),
  subject: z.string(),
  channel: z.enum(['inbox', 'email']),
  address: z.string().nullable(),
  status: z.enum(['delivered', 'pending', 'sent']),
  createdAt: at,
  deliveredAt: at.nullable(),
  heldUntil: at.nullable().optional(),
  attempts: z.array(z.object({ at, outcome: z.enum(['delivered', 'sent', 'failed']), error: z.string().optional(), digest: z.string().optional() })),
});

export const webhookKinds = z.enum(['sla-warning', 'sla-breached', 'sla-escalation', 'eight-d-opened', 'eight-d-escalated']);

export const subscriberSchema = z.object({ id: z.string(), url: z.string(), kinds: z.array(webhookKinds), updatedAt: at });

export const webhookDeliverySchema = z.object({
  id: z.string(),
  subscriberId: z.string(),
  eventId: z.string(),
  subject: z.string(),
  kind: z.enum(noticeKinds),
  body: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  createdAt: at,
  deliveredAt: at.nullable(),
  attempts: z.array(z.object({ at, outcome: z.enum(['delivered', 'failed']), httpStatus: z.number().int().nullable(), error: z.string().optional() })),
});
