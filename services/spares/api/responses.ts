import { z } from 'zod';
import type { ResponseLink } from '@aftersales/platform';
import { failureCategorySchema, failureFindings } from '@aftersales/contracts';
import { COST_CENTRES } from '../domain/cost-allocation';
import { locationKinds } from '../domain/stock';

/**
 * The bodies spares answers, as JSON (dates as ISO strings). Objects the handlers build field by
 * field are closed; stored documents answered whole are open to the fields a later version adds.
 */

const instant = z.iso.datetime();
const count = z.number().int();
const costCentre = z.enum(COST_CENTRES as [string, ...string[]]);

export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

export const partView = z.looseObject({
  partNumber: z.string(),
  description: z.string(),
  fitsModels: z.array(z.string()),
  supersededBy: z.string().nullable(),
  listPrice: z.number(),
  currency: z.string(),
  consumable: z.boolean(),
  category: z.string().nullable(),
  parentParts: z.array(z.string()),
  supplierId: z.string().nullable(),
});

/** The part the field uses now: the end of the supersession chain, and the chain to it. */
export const partWithCurrent = partView.extend({ current: z.object({ partNumber: z.string(), chain: z.array(z.string()) }) });

type BomNode = { partNumber: string; description: string; children: BomNode[] };
const bomNode: z.ZodType<BomNode> = z.object({ partNumber: z.string(), description: z.string(), children: z.array(z.lazy(() => bomNode)) });
export const bomView = z.object({ model: z.string(), items: z.array(bomNode) });

export const locationView = z.looseObject({ id: z.string(), kind: z.enum(locationKinds), name: z.string(), engineerId: z.string().nullable() });

export const stockLevelView = z.object({ partNumber: z.string(), locationId: z.string(), onHand: count, reserved: count, available: count, inTransit: count });
export const transferView = z.object({ id: z.string(), partNumber: z.string(), fromLocationId: z.string(), toLocationId: z.string(), quantity: count });
export const arrivalView = z.object({ id: z.string(), arrived: z.literal(true) });

/** Spares' copy of a work order, from dispatch's events. */
export const sparesWorkOrderView = z.looseObject({
  id: z.string(),
  requestId: z.string(),
  engineerId: z.string().nullable(),
  status: z.enum(['created', 'assigned', 'completed', 'cancelled']),
  route: z.string().nullable(),
  updatedAt: instant,
  completion: z
    .looseObject({
      eventId: z.string(),
      effortMinutes: z.number(),
      travelMinutes: z.number().nullable(),
      cause: z.string(),
      failureMode: z.string().nullable(),
      failureDecision: z.looseObject({ category: failureCategorySchema, decidedBy: z.string(), decidedAt: instant }).nullable().optional(),
      partsUsed: z.array(z.looseObject({ partNumber: z.string(), quantity: count, removedSerial: z.string().nullable() })),
      finishedAt: instant,
    })
    .nullable(),
  reservations: z.array(z.string()),
});

export const reservationView = z.looseObject({
  id: z.string(),
  workOrderId: z.string(),
  requestId: z.string(),
  lines: z.array(z.looseObject({ partNumber: z.string(), quantity: count, locationId: z.string() })),
  reservedAt: instant,
  expiresAt: instant,
  by: z.string(),
  status: z.enum(['active', 'consumed', 'released']),
  endedAt: instant.nullable(),
  endReason: z.enum(['consumed', 'cancelled', 'expired', 'replaced', 'not-used']).nullable(),
  usedUnits: count.optional(),
  returnedUnits: count.optional(),
});

/** A reservation just made, with the parts served by their successors. */
export const newReservationView = reservationView.extend({
  substitutions: z.array(z.object({ requested: z.string(), reserved: z.string(), chain: z.array(z.string()) })),
});

const outcome = z.enum(['approved', 'partially-approved', 'rejected']);
const decidedLines = z.array(z.object({ partNumber: z.string(), requested: count, approved: count }));
const escalation = z.object({ level: count, fromApprover: z.string(), toApprover: z.string(), at: z.string() });

/** The approval process's own state (Temporal), while it runs. */
export const approvalStateView = z.object({
  requisitionId: z.string(),
  status: z.enum(['pending', 'approved', 'partially-approved', 'rejected']),
  level: count,
  currentApprover: z.string(),
  deadlineAt: z.string(),
  escalations: z.array(escalation),
  decision: z.object({ decision: outcome, lines: decidedLines, by: z.string(), at: z.string(), note: z.string().nullable(), lapsed: z.boolean() }).nullable(),
});

export const requisitionView = z.looseObject({
  id: z.string(),
  workOrderId: z.string(),
  requestId: z.string(),
  requesterId: z.string(),
  lines: z.array(z.looseObject({ partNumber: z.string(), quantity: count, unitPriceCents: count })),
  model: z.string().nullable(),
  reasons: z.array(z.string()),
  approvalNeeded: z.boolean(),
  approvers: z.array(z.string()),
  deadlineMs: z.number(),
  currentApprover: z.string().nullable(),
  escalations: z.array(escalation),
  status: z.enum(['pending-approval', 'approved', 'partially-approved', 'rejected']),
  createdAt: instant,
  decision: z.object({ decision: outcome, lines: decidedLines, by: z.string(), note: z.string().nullable(), lapsed: z.boolean(), decidedAt: instant }).nullable(),
  /** Null once decided, when no approval is needed, or when the process cannot be asked. */
  approval: approvalStateView.nullable(),
});

export const returnView = z.looseObject({
  id: z.string(),
  partNumber: z.string(),
  removedSerial: z.string().nullable(),
  quantity: count,
  workOrderId: z.string(),
  requestId: z.string(),
  engineerId: z.string().nullable(),
  machineSerial: z.string(),
  model: z.string().nullable(),
  productLine: z.string().nullable(),
  failureMode: z.string().nullable(),
  createdAt: instant,
  dueAt: instant,
  status: z.enum(['awaiting-return', 'returned', 'analysed']),
  returnedAt: instant.nullable(),
  lastChasedAt: instant.nullable(),
  chaseCount: count,
  flaggedAt: instant.nullable(),
});

export const analysedReturnView = returnView.extend({ finding: z.enum(failureFindings), supplierClaimId: z.string().nullable() });

export const supplierClaimView = z.looseObject({
  id: z.string(),
  returnId: z.string(),
  partNumber: z.string(),
  lot: z.string().nullable(),
  supplierId: z.string(),
  amountCents: count,
  currency: z.string(),
  status: z.enum(['open', 'submitted', 'accepted', 'rejected', 'settled']),
  reason: z.string(),
  openedAt: instant,
});

export const redFlagView = z.looseObject({
  id: z.string(),
  kind: z.enum(['requisition-outlier', 'defective-part-not-returned', 'consumption-edited', 'consumed-without-stock', 'no-completion-report']),
  subject: z.string(),
  detail: z.string(),
  engineerId: z.string().nullable(),
  raisedAt: instant,
});

const decision = z.object({ category: failureCategorySchema, decidedBy: z.string(), decidedAt: z.string() });
export const failureDecisionView = z.object({
  requestId: z.string(),
  engineer: decision.nullable(),
  reviews: z.array(decision.extend({ revision: count })),
  inForce: decision.nullable(),
});
export const failureReviewView = failureDecisionView.extend({
  review: z.object({
    requestId: z.string(),
    revision: count,
    category: failureCategorySchema,
    previousCategory: failureCategorySchema.nullable(),
    outcome: z.enum(['confirmed', 'changed']),
    decidedBy: z.string(),
    decidedAt: z.string(),
    reason: z.string(),
  }),
});

export const priceListView = z.looseObject({
  id: z.string(),
  currency: z.string(),
  labourRateCentsPerHour: count,
  travelCentsPerTrip: count,
  parts: z.record(
    z.string(),
    z.looseObject({ listPriceCents: count, minimumPriceCents: count, quantityBreaks: z.array(z.looseObject({ minQuantity: count, discountBasisPoints: count })).optional() }),
  ),
});

const quoteLine = z.looseObject({
  kind: z.enum(['part', 'labour', 'travel']),
  partNumber: z.string().optional(),
  quantity: z.number(),
  unitPriceCents: count,
  discountBasisPoints: count,
  amountCents: count,
  atMinimumPrice: z.boolean().optional(),
});

export const quoteView = z.looseObject({
  id: z.string(),
  requestId: z.string(),
  workOrderId: z.string().nullable(),
  priceListId: z.string(),
  lines: z.array(quoteLine),
  totalCents: count,
  currency: z.string(),
  validUntil: instant,
  issuedAt: instant,
  by: z.string(),
  status: z.enum(['issued', 'accepted', 'declined', 'expired']),
  answer: z.object({ accepted: z.boolean(), reason: z.string().nullable(), at: instant, by: z.string() }).nullable(),
});

export const costAllocationView = z.object({
  entries: z.array(
    z.looseObject({
      caseId: z.string(),
      lineId: z.string(),
      kind: z.enum(['part', 'labour', 'travel']).optional(),
      closedAt: instant,
      costCentre,
      payerId: z.string().nullable(),
      amountCents: z.number().int(),
      reason: z.string(),
      currency: z.string().optional(),
    }),
  ),
  totals: z.array(z.object({ month: z.string(), costCentre, amountCents: z.number().int(), entries: count, cases: count })),
  /** Each month over every cost centre: a case two centres pay counts once. */
  months: z.array(z.object({ month: z.string(), amountCents: z.number().int(), entries: count, cases: count })),
});

/** A location's stock at unit cost on one day, and the cost consumed since its previous valuation. */
export const stockValuationView = z.object({
  id: z.string(),
  locationId: z.string(),
  day: z.string(),
  valuedAt: instant,
  previousValuedAt: instant.nullable(),
  currency: z.string(),
  valueCents: count,
  consumedCostCents: count,
  lines: z.array(z.object({ partNumber: z.string(), onHand: count, inTransit: count, unitCostCents: count, valueCents: count, consumedUnits: count, consumedCostCents: count })),
  consumedBy: z.array(z.object({ requestId: z.string(), workOrderId: z.string(), partNumber: z.string(), quantity: count })),
});

/** From a valuation (its id at `id`) to reading it again. */
export const stockValuationLinks = (id: string): Record<string, ResponseLink> => ({
  getValuation: { operationId: 'getStockValuationsById', parameters: { id } },
});

/** From a reservation (its id at the runtime expression `id`) to reading and releasing it. */
export const reservationLinks = (id: string): Record<string, ResponseLink> => ({
  getReservation: { operationId: 'getReservationsById', parameters: { id } },
  release: { operationId: 'postReservationsByIdRelease', parameters: { id } },
});

/** From a requisition (its id at `id`) to reading and deciding it. */
export const requisitionLinks = (id: string): Record<string, ResponseLink> => ({
  getRequisition: { operationId: 'getRequisitionsById', parameters: { id } },
  decide: { operationId: 'postRequisitionsByIdDecision', parameters: { id } },
});

/** From a work order spares knows (its id at `id`) to its parts: reserve from stock or requisition, and read both. */
export const sparesWorkOrderLinks = (id: string): Record<string, ResponseLink> => ({
  getReservations: { operationId: 'getReservations', parameters: { workOrderId: id } },
  getRequisitions: { operationId: 'getRequisitions', parameters: { workOrderId: id } },
  reserve: { operationId: 'postReservations', requestBody: { workOrderId: id } },
  requisition: { operationId: 'postRequisitions', requestBody: { workOrderId: id } },
});
