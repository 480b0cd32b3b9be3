import { z } from 'zod';
import type { ContractEntry } from '../contract-entry';
import { topics } from '../topics';

/**
 * Facts dispatch publishes about a work order, on dispatch.work-orders.v1 keyed by the work
 * order id. Each names the service request it serves; intake turns them into signals on the
 * request's workflow. Optional fields were added after the first release.
 */
const instant = z.iso.datetime();
const tier = z.enum(['P1', 'P2', 'P3', 'P4']);
const base = {
  workOrderId: z.string().min(1),
  requestId: z.string().min(1),
  engineerId: z.string().min(1).nullable(),
};

/** How a case gets fixed: by phone or remote diagnosis, a part shipped for the customer to fit, a field visit, or at a depot. */
export const resolutionRoutes = ['remote', 'ship-part', 'field-visit', 'depot'] as const;
export const resolutionRouteSchema = z.enum(resolutionRoutes);
export type ResolutionRoute = z.infer<typeof resolutionRouteSchema>;

export const workOrderCreatedV1 = z.object({ ...base, tier, route: resolutionRouteSchema, onSiteDueAt: instant.nullable(), createdAt: instant });
export const workOrderAssignedV1 = z.object({
  ...base,
  assignedAt: instant,
  plannedStart: instant.nullable(),
  plannedEnd: instant.nullable().optional(),
  /** 'auto' when dispatch assigned by rule, else the dispatcher's user id. */
  assignedBy: z.string().min(1).optional(),
});
export const workOrderAcceptedV1 = z.object({ ...base, acceptedAt: instant });
/** The engineer declined; dispatch re-plans (the work order goes back to unassigned). */
export const workOrderDeclinedV1 = z.object({ ...base, declinedAt: instant, reason: z.string().min(1) });
export const workOrderTravelStartedV1 = z.object({ ...base, startedAt: instant });
export const workOrderArrivedV1 = z.object({ ...base, arrivedAt: instant });
export const workOrderWorkStartedV1 = z.object({ ...base, startedAt: instant });
export const workOrderWorkFinishedV1 = z.object({ ...base, finishedAt: instant });

/**
 * Who pays follows a structured decision about why the machine failed, never the words of the
 * finding: chosen by the engineer at the report, confirmed or changed by quality's failure
 * analysis. Each decision says who made it and when; the text of cause and fix is evidence only.
 */
export const failureCategories = ['quality-failure', 'wear', 'misuse', 'no-fault-found', 'other'] as const;
export const failureCategorySchema = z.enum(failureCategories);
export type FailureCategory = z.infer<typeof failureCategorySchema>;
export const failureDecisionSchema = z.object({ category: failureCategorySchema, decidedBy: z.string().min(1), decidedAt: instant });
export type FailureDecision = z.infer<typeof failureDecisionSchema>;

export const usedPartSchema = z.object({ partNumber: z.string().min(1), quantity: z.number().int().positive(), removedSerial: z.string().min(1).nullable().optional() });

/** The engineer's report: the work order is done. */
export const workOrderCompletedV1 = z.object({
  ...base,
  startedAt: instant,
  finishedAt: instant,
  effortMinutes: z.number().int().nonnegative(),
  cause: z.string().min(1),
  fix: z.string().min(1),
  workDone: z.string().min(1),
  partsUsed: z.array(usedPartSchema),
  firstTimeFix: z.boolean(),
  /** A failure-mode code (quality groups failures by it), when the engineer chose one. */
  failureMode: z.string().min(1).optional(),
  /** The engineer's decision on why it failed (who pays); absent on reports made before it was asked. */
  failureDecision: failureDecisionSchema.optional(),
  safetyRelated: z.boolean().optional(),
  travelMinutes: z.number().int().nonnegative().optional(),
  customerSignOff: z.object({ name: z.string().min(1), at: instant }).nullable().optional(),
});

/** Dispatch chose (or changed) how the case will be fixed; the workflow follows the route. */
export const workOrderRouteChosenV1 = z.object({ ...base, route: resolutionRouteSchema, chosenAt: instant, by: z.string().min(1), reason: z.string().min(1).optional() });

/** Re-planning moved the work order: to another engineer or another time. */
export const workOrderReplannedV1 = z.object({
  ...base,
  fromEngineerId: z.string().min(1).nullable(),
  plannedStart: instant.nullable(),
  reason: z.enum(['absence', 'overrun', 'escalation', 'declined', 'manual']),
  replannedAt: instant,
});
export const workOrderCancelledV1 = z.object({ ...base, reason: z.string().min(1), cancelledAt: instant });

export const workOrderContracts = {
  'work-order.created@1': { topic: topics.workOrders, schema: workOrderCreatedV1 },
  'work-order.assigned@1': { topic: topics.workOrders, schema: workOrderAssignedV1 },
  'work-order.accepted@1': { topic: topics.workOrders, schema: workOrderAcceptedV1 },
  'work-order.declined@1': { topic: topics.workOrders, schema: workOrderDeclinedV1 },
  'work-order.travel-started@1': { topic: topics.workOrders, schema: workOrderTravelStartedV1 },
  'work-order.arrived@1': { topic: topics.workOrders, schema: workOrderArrivedV1 },
  'work-order.work-started@1': { topic: topics.workOrders, schema: workOrderWorkStartedV1 },
  'work-order.work-finished@1': { topic: topics.workOrders, schema: workOrderWorkFinishedV1 },
  'work-order.completed@1': { topic: topics.workOrders, schema: workOrderCompletedV1 },
  'work-order.route-chosen@1': { topic: topics.workOrders, schema: workOrderRouteChosenV1 },
  'work-order.replanned@1': { topic: topics.workOrders, schema: workOrderReplannedV1 },
  'work-order.cancelled@1': { topic: topics.workOrders, schema: workOrderCancelledV1 },
} as const satisfies Record<string, ContractEntry>;
