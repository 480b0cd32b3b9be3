import { z } from 'zod';
import { kpiDefinitions } from '../domain/kpis';

/** The bodies insight answers, as JSON. */
const kpiIds = kpiDefinitions.map((d) => d.id) as [string, ...string[]];
const tier = z.enum(['P1', 'P2', 'P3', 'P4']);
const clock = z.enum(['first-response', 'on-site', 'resolution']);
const at = z.string();

export const kpiIdSchema = z.enum(kpiIds);

export const kpiDefinitionSchema = z.object({
  id: kpiIdSchema,
  label: z.string(),
  unit: z.string(),
  definition: z.string(),
  better: z.enum(['higher', 'lower']),
});

const figure = {
  value: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  /** How many cases are behind it (GET /v1/kpis/{kpiId}/cases lists them). */
  caseCount: z.number().int(),
};

export const kpiFigureSchema = z.object({
  id: kpiIdSchema,
  label: z.string(),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
  ...figure,
  note: z.string().optional(),
  breakdown: z.array(z.object({ key: z.string(), ...figure })).optional(),
});

export const kpiReportSchema = z.object({
  from: at,
  to: at,
  now: at,
  generation: z.number().int(),
  groupBy: z.string().nullable(),
  filters: z.record(z.string(), z.string()),
  groups: z.array(z.object({ key: z.string(), caseCount: z.number().int(), kpis: z.array(kpiFigureSchema) })),
  installedBase: z.record(z.string(), z.number().int()),
});

/** A case as a drill-down lists it. */
export const caseSummarySchema = z.object({
  requestId: z.string(),
  customerId: z.string(),
  customerClass: z.string().nullable(),
  channel: z.string(),
  serialNumber: z.string(),
  model: z.string().nullable(),
  productLine: z.string().nullable(),
  region: z.string().nullable(),
  tier: tier.nullable(),
  engineerId: z.string().nullable(),
  registeredAt: at,
  firstAssignedAt: at.nullable(),
  resolvedAt: at.nullable(),
  closedAt: at.nullable(),
  firstTimeFix: z.boolean().nullable(),
  slaMet: z.boolean().nullable(),
});

export const drillDownSchema = z.object({
  kpiId: kpiIdSchema,
  from: at,
  to: at,
  group: z.string(),
  slice: z.string().nullable(),
  value: z.number().nullable(),
  cases: z.array(caseSummarySchema),
});

const costLine = z.object({ costCentre: z.enum(['factory', 'sales-centre', 'customer']), kind: z.string(), amountCents: z.number(), currency: z.string(), inWarranty: z.boolean() });

/** The whole case record (domain/case-record.ts) with the facts it was folded from. */
export const caseRecordSchema = caseSummarySchema.extend({
  dealerId: z.string().nullable(),
  finalTier: tier.nullable(),
  complaintOf: z.string().nullable(),
  raisedAt: at,
  neededBy: at,
  screenedAt: at.nullable(),
  screening: z.enum(['valid', 'invalid']).nullable(),
  dispatchRequestedAt: at.nullable(),
  arrivedAt: at.nullable(),
  acceptedAt: at.nullable(),
  cancelledAt: at.nullable(),
  workOrderIds: z.array(z.string()),
  cause: z.string().nullable(),
  failureCategory: z.string().nullable(),
  effortMinutes: z.number(),
  travelMinutes: z.number(),
  breaches: z.array(z.object({ clock, at })),
  escalations: z.array(z.object({ clock, action: z.string(), step: z.number(), at })),
  partsRequested: z.array(z.object({ partNumber: z.string(), requested: z.number(), approved: z.number(), requesterId: z.string().nullable(), approverId: z.string().nullable(), requisitionId: z.string().optional() })),
  partsConsumed: z.array(z.object({ partNumber: z.string(), quantity: z.number() })),
  overdueReturns: z.array(z.object({ returnId: z.string(), partNumber: z.string(), flagged: z.boolean() })),
  costLines: z.array(costLine),
  revenueCents: z.number(),
  revenueCurrency: z.string().nullable(),
  survey: z.object({ score: z.number(), at }).nullable(),
  complaintRaised: z.boolean(),
  changedAfterClose: z.array(z.object({ type: z.string(), at, by: z.string().nullable() })),
  hasContact: z.boolean().optional(),
  symptom: z.string().nullable().optional(),
  cancellationReason: z.string().nullable().optional(),
  awaitingRegistration: z.boolean(),
  facts: z.array(z.object({ id: z.string(), type: z.string(), at, by: z.string().nullable(), changes: z.boolean() })),
  generation: z.number().int(),
});

const rebuildState = z.object({ generation: z.number().int(), requestedAt: at, requestedBy: z.string(), phase: z.enum(['filling', 'switched']), switchedAt: at.nullable() });
export const rebuildStateSchema = rebuildState;
export const generationsSchema = z.object({
  current: z.number().int(),
  building: rebuildState.nullable(),
  lastRebuild: rebuildState.extend({ finishedAt: at }).nullable(),
});
