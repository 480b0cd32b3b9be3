import { z } from 'zod';
import type { ContractEntry } from '../contract-entry';
import { topics } from '../topics';
import { failureCategorySchema } from './work-order';

/**
 * Facts spares publishes. Reservations, consumption, requisition decisions and quotes travel on
 * spares.reservations.v1 keyed by the work order (or the request, for a quote), so one case's
 * facts stay in order; defective returns travel on spares.returns.v1 keyed by the return id.
 * Stock valuations travel on spares.reservations.v1 too (the stock stream), keyed by the location.
 */
const instant = z.iso.datetime();
const id = z.string().min(1);
const partLine = z.object({ partNumber: id, quantity: z.number().int().positive(), locationId: id });

export const partsReservedV1 = z.object({ reservationId: id, workOrderId: id, requestId: id, lines: z.array(partLine).min(1), expiresAt: instant, reservedAt: instant });
/** No location can serve the part now: the case waits for it. */
export const partsBackorderedV1 = z.object({ workOrderId: id, requestId: id, partNumber: id, quantity: z.number().int().positive(), expectedAt: instant.nullable(), at: instant });
export const partsReleasedV1 = z.object({ reservationId: id, workOrderId: id, requestId: id, reason: z.enum(['cancelled', 'expired', 'replaced']), at: instant });
export const partsConsumedV1 = z.object({ workOrderId: id, requestId: id, machineSerial: id, lines: z.array(partLine).min(1), consumedAt: instant });

export const requisitionDecidedV1 = z.object({
  requisitionId: id,
  workOrderId: id,
  requestId: id,
  decision: z.enum(['approved', 'partially-approved', 'rejected']),
  lines: z.array(z.object({ partNumber: id, requested: z.number().int().positive(), approved: z.number().int().nonnegative() })).min(1),
  by: id,
  decidedAt: instant,
});

/** A requisition waits on an approver: the first on raising, the next each time the previous one let the deadline pass. */
export const requisitionApprovalRequestedV1 = z.object({
  requisitionId: id,
  workOrderId: id,
  requestId: id,
  requesterId: id,
  /** A person id or a duty role, as spares' approver chain names it. */
  approver: id,
  /** 0 for the first approver asked. */
  level: z.number().int().nonnegative(),
  deadlineAt: instant,
  reasons: z.array(z.string()),
  lines: z.array(z.object({ partNumber: id, quantity: z.number().int().positive() })).min(1),
  askedAt: instant,
});

/** A defective part was not returned by its due date: the engineer is chased (again); `flagged` once past the limit. */
export const defectivePartReturnOverdueV1 = z.object({
  returnId: id,
  partNumber: id,
  workOrderId: id,
  requestId: id,
  engineerId: id.nullable(),
  dueAt: instant,
  chase: z.number().int().positive(),
  flagged: z.boolean(),
  chasedAt: instant,
});

const quoteBase = { quoteId: id, requestId: id, workOrderId: id.nullable() };
/** Paid work waits for the customer's yes: the request's clocks pause until the quote is answered. */
export const quoteIssuedV1 = z.object({ ...quoteBase, totalCents: z.number().int().nonnegative(), currency: z.string().length(3), validUntil: instant, issuedAt: instant });
export const quoteAcceptedV1 = z.object({ ...quoteBase, acceptedAt: instant, by: id });
export const quoteDeclinedV1 = z.object({ ...quoteBase, declinedAt: instant, by: id, reason: z.string().min(1).optional() });

export const failureFindings = ['supplier-defect', 'manufacturing', 'design', 'wear', 'misuse', 'no-fault-found'] as const;

/** A defective part came back and failure analysis says why it failed: quality's failure data. */
export const defectivePartReturnedV1 = z.object({
  returnId: id,
  partNumber: id,
  partSerial: id.nullable(),
  lot: id.nullable(),
  supplierId: id.nullable(),
  workOrderId: id,
  requestId: id,
  machineSerial: id,
  model: id.nullable(),
  productLine: id.nullable(),
  failureMode: id.nullable(),
  finding: z.enum(failureFindings),
  notes: z.string().max(4000).optional(),
  returnedAt: instant,
  analysedAt: instant,
});

/**
 * Quality's failure analysis confirmed or changed the case's failure decision (who pays). Each
 * review is a new fact with who and when; spares charges by the latest one. Keyed by the request
 * on spares.returns.v1, the failure-analysis stream quality reads.
 */
export const failureDecisionReviewedV1 = z.object({
  requestId: id,
  /** 1 for the first review of the case, then 2, 3, ...: the latest review is the highest. */
  revision: z.number().int().positive(),
  category: failureCategorySchema,
  /** The decision it reviewed (the engineer's, or an earlier review's); null when none was recorded. */
  previousCategory: failureCategorySchema.nullable(),
  outcome: z.enum(['confirmed', 'changed']),
  decidedBy: id,
  decidedAt: instant,
  /** The analyst's evidence, in words; it decides nothing. */
  reason: z.string().min(1).max(2000),
});

/**
 * Who pays for a case, as spares allocates it now: on close, and again whenever a failure-decision
 * review or a part's failure analysis moves the cost. Each allocation is a new revision carrying the
 * whole allocation in force (not a delta); the highest revision wins. One entry per line and cost
 * centre, so a line split between payers (goodwill) appears once per payer. Keyed by the request.
 */
export const caseCostAllocatedV1 = z.object({
  requestId: id,
  /** 1 for the first allocation of the case, then 2, 3, ...: the latest is the highest. */
  revision: z.number().int().positive(),
  allocatedAt: instant,
  /** ISO 4217 code of every amount below. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY'),
  lines: z.array(
    z.object({
      lineId: id,
      kind: z.enum(['part', 'labour', 'travel']),
      costCentre: z.enum(['factory', 'sales-centre', 'customer']),
      amountCents: z.number().int().nonnegative(),
      /** Whether the case was under warranty or contract cover for this line's kind of cost. */
      inWarranty: z.boolean(),
      /** Why this cost centre pays, in words. */
      reason: z.string().min(1),
    }),
  ),
});

const count = z.number().int().nonnegative();
const cents = z.number().int().nonnegative();

/**
 * A location's stock valued at the end of a valuation run (at least daily, once per location and
 * UTC day: `valuationId` is `SV-<day>-<location>` and a second run that day publishes nothing):
 * the units held of every part at its unit cost, and the cost of the units consumed (written off
 * to jobs) since the location's previous valuation. Unit cost is the cost spares charges cases for
 * the part (the default price list's list price, else the catalogue's); spares keeps no purchase
 * cost, so this is stock at standard cost. Units shipped to another location are not consumption;
 * units in transit count at their destination. Keyed by the location.
 */
export const stockValuedV1 = z.object({
  valuationId: id,
  locationId: id,
  /** The UTC day the valuation was taken (YYYY-MM-DD). */
  day: z.iso.date(),
  valuedAt: instant,
  /** The previous valuation of the location; null on its first, whose consumption runs from its first receipt. */
  previousValuedAt: instant.nullable(),
  /** ISO 4217 code of every amount below. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as CNY'),
  /** The sum of the lines' values: stock held at unit cost. */
  valueCents: cents,
  /** The sum of the lines' consumed cost since the previous valuation. */
  consumedCostCents: cents,
  lines: z.array(
    z.object({
      partNumber: id,
      /** Units on the shelf (reserved ones included: they are still held). */
      onHand: count,
      /** Units shipped here and not arrived yet. */
      inTransit: count,
      unitCostCents: cents,
      /** (onHand + inTransit) x unitCostCents. */
      valueCents: cents,
      consumedUnits: count,
      consumedCostCents: cents,
    }),
  ),
  /** Which jobs consumed the units counted, for drill-down. */
  consumedBy: z.array(z.object({ requestId: id, workOrderId: id, partNumber: id, quantity: z.number().int().positive() })),
});

export const sparesContracts = {
  'parts.reserved@1': { topic: topics.reservations, schema: partsReservedV1 },
  'parts.backordered@1': { topic: topics.reservations, schema: partsBackorderedV1 },
  'parts.released@1': { topic: topics.reservations, schema: partsReleasedV1 },
  'parts.consumed@1': { topic: topics.reservations, schema: partsConsumedV1 },
  'requisition.decided@1': { topic: topics.reservations, schema: requisitionDecidedV1 },
  'requisition.approval-requested@1': { topic: topics.reservations, schema: requisitionApprovalRequestedV1 },
  'quote.issued@1': { topic: topics.reservations, schema: quoteIssuedV1 },
  'quote.accepted@1': { topic: topics.reservations, schema: quoteAcceptedV1 },
  'quote.declined@1': { topic: topics.reservations, schema: quoteDeclinedV1 },
  'case-cost.allocated@1': { topic: topics.reservations, schema: caseCostAllocatedV1 },
  'stock.valued@1': { topic: topics.reservations, schema: stockValuedV1 },
  'defective-part.returned@1': { topic: topics.returns, schema: defectivePartReturnedV1 },
  'failure-decision.reviewed@1': { topic: topics.returns, schema: failureDecisionReviewedV1 },
  'defective-part.return-overdue@1': { topic: topics.returns, schema: defectivePartReturnOverdueV1 },
} as const satisfies Record<string, ContractEntry>;
