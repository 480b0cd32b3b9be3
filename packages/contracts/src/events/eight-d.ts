import { z } from 'zod';
import type { ContractEntry } from '../contract-entry';
import { topics } from '../topics';

/** Facts of 8D quality escalations, on quality.eight-ds.v1 keyed by the 8D id. */
const instant = z.iso.datetime();
const id = z.string().min(1);

export const problemSchema = z.object({ productLine: id, model: id, failureMode: id });
export const disciplines = ['D0', 'D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'] as const;
export const disciplineSchema = z.enum(disciplines);

export const eightDOpenedV1 = z.object({
  eightDId: id,
  problem: problemSchema,
  /** The recurrence rule that fired, e.g. 'same-model-repeat'. */
  rule: id,
  /** Every rule that fired for this problem, `rule` first (added later, optional). */
  rules: z.array(id).optional(),
  reason: z.string().min(1),
  /** An earlier, closed 8D this one follows (the same mode on a newer model). */
  linkedTo: id.nullable(),
  failureRecordIds: z.array(id),
  openedAt: instant,
});

/** Which machines a containment or prevention action covers; every given field must match. */
export const containmentScopeSchema = z.object({
  productLine: id.optional(),
  model: id.optional(),
  serialFrom: id.optional(),
  serialTo: id.optional(),
  partNumber: id.optional(),
});
export type ContainmentScope = z.infer<typeof containmentScopeSchema>;

/** D3 or D7 flags affected machines: intake warns the next agent, dispatch tells the engineer what to carry. */
export const eightDContainmentFlaggedV1 = z.object({
  eightDId: id,
  flagId: id,
  discipline: z.enum(['D3', 'D7']),
  scope: containmentScopeSchema,
  instruction: z.string().min(1).max(2000),
  carryParts: z.array(id),
  flaggedAt: instant,
});
export const eightDContainmentLiftedV1 = z.object({ eightDId: id, flagId: id, liftedAt: instant });

/** A discipline is overdue and went one level up the chain. `owner` (added later, optional) is who still owes it. */
export const eightDEscalatedV1 = z.object({ eightDId: id, discipline: disciplineSchema, level: z.number().int().positive(), to: id, dueAt: instant, escalatedAt: instant, owner: id.nullable().optional() });

/** A discipline now waits on its owner (it opened, or was given to someone else or a new due date). */
export const eightDDisciplineAssignedV1 = z.object({ eightDId: id, discipline: disciplineSchema, owner: id, dueAt: instant, assignedAt: instant });

export const eightDClosedV1 = z.object({ eightDId: id, problem: problemSchema, rootCause: z.string().min(1), closedAt: instant });

export const eightDContracts = {
  'eight-d.opened@1': { topic: topics.eightDs, schema: eightDOpenedV1 },
  'eight-d.containment-flagged@1': { topic: topics.eightDs, schema: eightDContainmentFlaggedV1 },
  'eight-d.containment-lifted@1': { topic: topics.eightDs, schema: eightDContainmentLiftedV1 },
  'eight-d.escalated@1': { topic: topics.eightDs, schema: eightDEscalatedV1 },
  'eight-d.discipline-assigned@1': { topic: topics.eightDs, schema: eightDDisciplineAssignedV1 },
  'eight-d.closed@1': { topic: topics.eightDs, schema: eightDClosedV1 },
} as const satisfies Record<string, ContractEntry>;

/**
 * Serial order for scope ranges: serials of one length compare character by character, and a
 * shorter serial comes first, so zero-padded or prefixed serials ('SN-0009' < 'SN-0010') and
 * plain numbers of different lengths ('999' < '1000') both order as people read them.
 */
export function compareSerials(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface MachineInScope {
  serialNumber: string;
  model?: string | null;
  productLine?: string | null;
  /** Part numbers fitted in the machine (its BOM); absent when the reader does not know them. */
  partNumbers?: readonly string[];
}

/**
 * Whether a containment scope covers a machine: every field the scope gives must match. A scope
 * naming a part covers a machine whose parts the reader does not know: a warning too many costs
 * less than a containment action missed. An empty scope covers nothing: a flag must say what it is about.
 */
export function machineInScope(scope: ContainmentScope, machine: MachineInScope): boolean {
  const given = Object.values(scope).some((v) => v !== undefined);
  if (!given) return false;
  if (scope.productLine !== undefined && scope.productLine !== machine.productLine) return false;
  if (scope.model !== undefined && scope.model !== machine.model) return false;
  if (scope.serialFrom !== undefined && compareSerials(machine.serialNumber, scope.serialFrom) < 0) return false;
  if (scope.serialTo !== undefined && compareSerials(machine.serialNumber, scope.serialTo) > 0) return false;
  if (scope.partNumber !== undefined && machine.partNumbers !== undefined && !machine.partNumbers.includes(scope.partNumber)) return false;
  return true;
}
