import { z } from 'zod';
import { problemsAgainst } from '@aftersales/platform';
import { escalationActions, priorityTiers, validateCalendar, validatePolicy, type SlaPolicy } from '@aftersales/sla';

export interface Problem {
  field: string;
  message: string;
}

const ms = z.number().int().positive();
const tierTargets = z.strictObject({
  firstResponseMs: ms,
  onSite: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('duration'), defaultMs: ms, byLocationClass: z.record(z.string().min(1), ms).optional() }),
    z.strictObject({ kind: z.literal('next-business-day') }),
  ]),
  resolutionMs: ms,
});
const ladder = z.array(z.strictObject({ action: z.enum(escalationActions), afterBreachMs: z.number().int().nonnegative() })).max(10);
const byTier = <T extends z.ZodType>(schema: T) => z.strictObject({ P1: schema, P2: schema, P3: schema, P4: schema });

/** An SLA policy as operations write it: tier targets (by location class) and escalation ladders. */
export const policySchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  warnAtRatio: z.number().gt(0).lt(1),
  provisionalTier: z.enum(priorityTiers),
  tiers: byTier(tierTargets),
  escalation: byTier(ladder),
});


/** Problems with a policy body, each naming its field; the shape first, then what the clocks need of it. */
export function checkPolicy(body: unknown): Problem[] {
  const problems = problemsAgainst(policySchema, body, 'policy');
  return problems.length > 0 ? problems : validatePolicy(body as SlaPolicy);
}

/** Problems with a calendar body (the SLA package's own check, which names each field). */
export function checkCalendar(body: unknown): Problem[] {
  return validateCalendar(body);
}
