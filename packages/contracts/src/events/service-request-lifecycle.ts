import { z } from 'zod';

/**
 * Events the serviceRequest workflow publishes as the request moves and its SLA clocks run.
 * All travel on intake.service-requests.v1, keyed by the request id.
 */
const tier = z.enum(['P1', 'P2', 'P3', 'P4']);
const clock = z.enum(['first-response', 'on-site', 'resolution']);
const instant = z.iso.datetime();
const base = { requestId: z.string().min(1) };

export const serviceRequestScreenedV1 = z.object({
  ...base,
  outcome: z.enum(['valid', 'invalid']),
  faultCategory: z.string().min(1).optional(),
  severity: z.string().min(1).optional(),
  tier: tier.optional(),
  reason: z.string().min(1).optional(),
  duplicateOf: z.string().min(1).nullable().optional(),
});

/** A valid request needs a person or a part: dispatch plans it from here. */
export const serviceRequestDispatchRequestedV1 = z.object({
  ...base,
  customerId: z.string().min(1),
  serialNumber: z.string().min(1),
  tier,
  responseMode: z.enum(['on-site', 'nbd', 'remote']),
  locationClass: z.string().min(1).nullable(),
  onSiteDueAt: instant.nullable(),
  /**
   * Paid work (the entitlement required a quote) goes ahead on the customer's accepted quote or on
   * a recorded override (who, why, when); absent when no quote was required and on earlier events.
   */
  paidWork: z
    .discriminatedUnion('basis', [
      z.object({ basis: z.literal('quote-accepted'), quoteId: z.string().min(1), acceptedAt: instant }),
      z.object({ basis: z.literal('override'), by: z.string().min(1), reason: z.string().min(1), at: instant }),
    ])
    .optional(),
});

const slaFacts = { ...base, clock, tier, targetMs: z.number().int().nonnegative(), warnAt: instant, dueAt: instant, elapsedMs: z.number().int().nonnegative() };
export const serviceRequestSlaWarningV1 = z.object(slaFacts);
export const serviceRequestSlaBreachedV1 = z.object(slaFacts);

export const serviceRequestEscalatedV1 = z.object({
  ...base,
  clock,
  action: z.enum(['notify-supervisor', 'reassign', 'tell-customer', 'raise-tier']),
  step: z.number().int().positive(),
  tier,
  breachedAt: instant,
  /** The tier after this step (differs from `tier` only for raise-tier). */
  newTier: tier,
});

export const serviceRequestClosedV1 = z.object({
  ...base,
  customerId: z.string().min(1),
  serialNumber: z.string().min(1),
  tier,
  cause: z.string().min(1),
  fix: z.string().min(1),
  firstTimeFix: z.boolean(),
  resolvedAt: instant,
  acceptedAt: instant,
  workOrderId: z.string().min(1).nullable(),
  engineerId: z.string().min(1).nullable(),
  slaMet: z.boolean(),
});

export const serviceRequestCancelledV1 = z.object({ ...base, reason: z.string().min(1), by: z.string().min(1) });

/** A closed request's survey came back low: a complaint is opened about it at a more urgent tier. */
export const serviceRequestComplaintRaisedV1 = z.object({
  ...base,
  customerId: z.string().min(1),
  serialNumber: z.string().min(1),
  score: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  tier,
  complaintTier: tier,
});

/**
 * A closed request's satisfaction survey came back: the score (1 worst, 5 best) and the comment,
 * published once per survey whatever the score (a low one also raises a complaint).
 */
export const serviceRequestSurveyedV1 = z.object({
  ...base,
  customerId: z.string().min(1),
  score: z.number().int().min(1).max(5),
  comment: z.string().nullable(),
  answeredAt: instant,
});
