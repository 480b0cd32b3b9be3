import { z } from 'zod';

/**
 * Facts dispatch publishes about a work order, on dispatch.work-orders.v1 keyed by the work
 * order id. Each names the service request it serves; intake turns them into signals on the
 * request's workflow.
 */
const base = {
  workOrderId: z.string().min(1),
  requestId: z.string().min(1),
  engineerId: z.string().min(1).nullable(),
};

export const workOrderAssignedV1 = z.object({ ...base, assignedAt: z.iso.datetime(), plannedStart: z.iso.datetime().nullable() });
export const workOrderArrivedV1 = z.object({ ...base, arrivedAt: z.iso.datetime() });

export const usedPartSchema = z.object({ partNumber: z.string().min(1), quantity: z.number().int().positive(), removedSerial: z.string().min(1).nullable().optional() });

export const workOrderCompletedV1 = z.object({
  ...base,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  effortMinutes: z.number().int().nonnegative(),
  cause: z.string().min(1),
  fix: z.string().min(1),
  workDone: z.string().min(1),
  partsUsed: z.array(usedPartSchema),
  firstTimeFix: z.boolean(),
});
