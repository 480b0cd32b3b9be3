import { z } from 'zod';
import { failureCategorySchema, resolutionRoutes } from '@aftersales/contracts';
import type { ResponseLink } from '@aftersales/platform';
import { scoreKeys } from '../domain/assignment';
import { workOrderStatuses, type WorkOrderStep } from '../domain/work-order';

/**
 * The bodies dispatch answers, as JSON (dates as ISO strings). Objects the handlers build field by
 * field are closed; stored documents answered whole are open to the fields a later version adds.
 */

const instant = z.iso.datetime();
const tier = z.enum(['P1', 'P2', 'P3', 'P4']);
const interval = z.object({ start: instant, end: instant });

const report = z.looseObject({
  startedAt: instant,
  finishedAt: instant,
  effortMinutes: z.number().int(),
  cause: z.string(),
  fix: z.string(),
  workDone: z.string(),
  partsUsed: z.array(z.looseObject({ partNumber: z.string(), quantity: z.number().int(), removedSerial: z.string().nullable().optional() })),
  firstTimeFix: z.boolean(),
  failureMode: z.string().optional(),
  failureDecision: z.looseObject({ category: failureCategorySchema, decidedBy: z.string(), decidedAt: instant }).optional(),
  customerSignOff: z.looseObject({ name: z.string(), at: instant }).nullable(),
});

const stepNames = ['acceptedAt', 'travelStartedAt', 'arrivedAt', 'workStartedAt', 'workFinishedAt', 'completedAt', 'cancelledAt'] as const;

/** A stored work order as presentWorkOrder answers it. */
export const workOrderRecord = z.looseObject({
  id: z.string(),
  requestId: z.string(),
  version: z.number().int(),
  status: z.enum(workOrderStatuses),
  route: z.enum(resolutionRoutes),
  tier,
  onSiteDueAt: instant.nullable(),
  customerId: z.string(),
  serialNumber: z.string(),
  createdAt: instant,
  updatedAt: instant,
  engineerId: z.string().nullable(),
  bookingId: z.string().nullable(),
  round: z.number().int(),
  plannedDepartAt: instant.nullable(),
  plannedStart: instant.nullable(),
  plannedEnd: instant.nullable(),
  assignedAt: instant.nullable(),
  assignedBy: z.string().nullable(),
  excludedEngineers: z.array(z.string()),
  planningNote: z.string().nullable(),
  steps: z.object(Object.fromEntries(stepNames.map((s) => [s, instant.optional()]))),
  report: report.nullable(),
  depot: z.looseObject({ depotId: z.string(), benchId: z.string().nullable(), rush: z.boolean(), tokenId: z.string().nullable() }).nullable(),
  cancelReason: z.string().nullable(),
  history: z.array(z.looseObject({ at: instant, what: z.string(), by: z.string(), note: z.string().optional() })),
});

const containmentMatch = z.object({
  flagId: z.string(),
  eightDId: z.string(),
  discipline: z.enum(['D3', 'D7']),
  instruction: z.string(),
  carryParts: z.array(z.string()),
  matchedOn: z.array(z.string()),
});

/** A work order with what the engineer needs on site (the route's view()). */
export const workOrderView = workOrderRecord.extend({
  machine: z.looseObject({ model: z.string(), productLine: z.string() }).nullable(),
  site: z.looseObject({ city: z.string(), lat: z.number(), lon: z.number() }).nullable(),
  symptom: z.string().nullable(),
  containment: z.array(containmentMatch),
  partsToCarry: z.array(z.string()),
});

const assessment = z.object({
  engineerId: z.string(),
  eligible: z.boolean(),
  ineligibility: z.object({ code: z.enum(['missing-skill', 'skill-below-minimum', 'absent', 'no-free-slot', 'no-slot-before-due']), explanation: z.string() }).nullable(),
  score: z.number(),
  parts: z.array(z.object({ key: z.enum(scoreKeys), value: z.number(), weight: z.number(), points: z.number(), explanation: z.string() })),
  distanceKm: z.number().nullable(),
  travelMinutes: z.number().nullable(),
  slot: z.object({ departAt: instant, start: instant, end: instant }).nullable(),
});

export const candidatesView = z.object({
  workOrderId: z.string(),
  status: z.enum(workOrderStatuses),
  ranked: z.array(assessment),
  ineligible: z.array(assessment),
  excluded: z.array(z.string()),
  problem: z.object({ field: z.string(), reason: z.string() }).nullable(),
  neededParts: z.array(z.string()),
});

/** What a re-plan moved (to the engineer now holding it, or nobody) and what stayed. */
export const replanned = z.object({
  moved: z.array(z.object({ workOrderId: z.string(), to: z.string().nullable(), plannedStart: instant.nullable() })),
  kept: z.array(z.string()),
});

export const overrunView = replanned.extend({ workOrder: workOrderView });

export const boardEntryView = z.looseObject({
  id: z.string(),
  customerId: z.string(),
  serialNumber: z.string(),
  channel: z.string(),
  symptom: z.string(),
  raisedAt: instant,
  neededBy: instant,
  status: z.enum(['awaiting-dispatch', 'dispatched', 'completed', 'cancelled']),
  receivedAt: instant,
  sourceEventId: z.string(),
  machine: z.looseObject({ model: z.string(), productLine: z.string() }).nullable().optional(),
  site: z.looseObject({ city: z.string(), lat: z.number(), lon: z.number() }).nullable().optional(),
  siteId: z.string().nullable().optional(),
  locationClass: z.string().nullable().optional(),
  workOrderId: z.string().nullable().optional(),
});

const bench = z.looseObject({ benchId: z.string(), wipLimit: z.number().int() });
export const depotView = z.looseObject({ id: z.string(), name: z.string(), city: z.string(), lat: z.number(), lon: z.number(), benches: z.array(bench) });

export const depotQueueView = z.object({
  depotId: z.string(),
  benches: z.array(bench),
  items: z.array(z.object({ workOrderId: z.string(), position: z.number().int(), state: z.enum(['in-progress', 'waiting']), benchId: z.string().nullable(), nextBench: z.string().nullable(), why: z.string() })),
});

const absence = z.looseObject({ start: instant, end: instant, reason: z.string() });
export const engineerView = z.looseObject({
  id: z.string(),
  name: z.string(),
  skills: z.array(z.looseObject({ productLine: z.string(), skill: z.string(), level: z.number().int() })),
  territories: z.array(z.string()),
  homeBase: z.looseObject({ city: z.string(), lat: z.number(), lon: z.number() }),
  calendarId: z.string(),
  absences: z.array(absence),
  vanStock: z.array(z.string()),
  active: z.boolean(),
});

export const scheduleView = z.object({
  engineerId: z.string(),
  calendarId: z.string(),
  from: instant,
  to: instant,
  bookings: z.array(z.object({ bookingId: z.string(), workOrderId: z.string(), departAt: instant, start: instant, end: instant, state: z.enum(['pending', 'confirmed']) })),
  absences: z.array(absence),
  working: z.array(interval),
  free: z.array(interval),
});

export const itemsOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

/** The operations on one work order, by what a client does. */
const workOrderMoves = {
  getWorkOrder: 'getWorkOrdersById',
  getCandidates: 'getWorkOrdersByIdCandidates',
  accept: 'postWorkOrdersByIdAcceptance',
  decline: 'postWorkOrdersByIdDecline',
  startTravel: 'postWorkOrdersByIdTravelStart',
  arrive: 'postWorkOrdersByIdArrival',
  startWork: 'postWorkOrdersByIdWorkStart',
  finishWork: 'postWorkOrdersByIdWorkFinish',
  report: 'postWorkOrdersByIdReport',
  replan: 'postWorkOrdersByIdReplan',
  route: 'postWorkOrdersByIdRoute',
  overrun: 'postWorkOrdersByIdOverrun',
} as const;
type WorkOrderMove = keyof typeof workOrderMoves;

/**
 * What a client does next after each answer about a work order: the engineer's day in order
 * (accept, travel, arrive, work, finish, report), a re-plan where the day turns. Schemathesis's
 * stateful phase walks these, so it reaches an assigned, travelling, working and reported job.
 */
const nextMoves: Record<'read' | 'assign' | 'replan' | 'route' | 'overrun' | Exclude<WorkOrderStep, 'complete'> | 'report', WorkOrderMove[]> = {
  read: ['getWorkOrder', 'getCandidates', 'accept', 'decline', 'startTravel', 'arrive', 'startWork', 'finishWork', 'route', 'replan'],
  assign: ['getWorkOrder', 'getCandidates', 'accept', 'decline', 'route', 'replan', 'startWork'],
  replan: ['getWorkOrder', 'getCandidates', 'accept', 'startWork'],
  route: ['getWorkOrder', 'getCandidates', 'accept', 'startWork'],
  accept: ['getWorkOrder', 'getCandidates', 'accept', 'startTravel', 'startWork', 'overrun'],
  decline: ['getWorkOrder', 'getCandidates', 'accept', 'startWork'],
  'start-travel': ['getWorkOrder', 'getCandidates', 'accept', 'startWork', 'arrive'],
  arrive: ['getWorkOrder', 'getCandidates', 'accept', 'startWork', 'overrun'],
  'start-work': ['getWorkOrder', 'getCandidates', 'accept', 'startWork', 'finishWork', 'overrun'],
  'finish-work': ['getWorkOrder', 'getCandidates', 'accept', 'startWork', 'report'],
  overrun: ['getWorkOrder', 'getCandidates', 'accept', 'startWork', 'finishWork'],
  report: ['getWorkOrder'],
};

/** The links after `after`, the work order's id at the runtime expression `id`. */
export function workOrderLinks(after: keyof typeof nextMoves, id: string): Record<string, ResponseLink> {
  return Object.fromEntries(
    nextMoves[after].map((move) => {
      const link: ResponseLink = { operationId: workOrderMoves[move], parameters: { id } };
      // The report's times from the steps the work order recorded, so they add up.
      if (move === 'report' && id.startsWith('$response.body#')) link.requestBody = { startedAt: '$response.body#/steps/workStartedAt', finishedAt: '$response.body#/steps/workFinishedAt' };
      return [move, link];
    }),
  );
}
