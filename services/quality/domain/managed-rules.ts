import { z } from 'zod';
import { problemsAgainst, type RecordProblem } from '@aftersales/platform';
import { defaultDueHours, defaultEscalationChain, eightDDisciplines, type Discipline, type EscalationLevel } from '@aftersales/workflows';
import { defaultRecurrenceThresholds, type RecurrenceThresholds } from './recurrence';

export type Problem = RecordProblem;

/** The 8D terms an 8D opens with: how long each discipline may take, and who hears when one is overdue. */
export interface EightDRules {
  dueHours: Record<Discipline, number>;
  escalationChain: EscalationLevel[];
}

const hours = z.number().int().positive().max(24 * 365);
const days = z.number().int().positive().max(3650);
const tiers = z.array(z.enum(['P1', 'P2', 'P3', 'P4'])).max(4);

const thresholdFields = {
  sameModelCount: z.number().int().min(2).max(1000),
  sameModelWindowDays: days,
  newerModelAfterClosure: z.boolean(),
  severeTiers: tiers,
  safetyIsSevere: z.boolean(),
  formalReportOpens: z.boolean(),
};
/** `default` holds every threshold; a product line's record only what differs from it. */
const defaultThresholds = z.strictObject(thresholdFields);
/** A product line's record: only what differs from `default` (which holds every field). */
export const productLineThresholds = z.strictObject(thresholdFields).partial();

export const eightDRules = z.strictObject({
  dueHours: z.strictObject(Object.fromEntries(eightDDisciplines.map((d) => [d, hours])) as Record<Discipline, typeof hours>),
  escalationChain: z
    .array(z.strictObject({ to: z.string().trim().min(1).max(64), afterHours: z.number().int().nonnegative().max(24 * 365) }))
    .min(1)
    .max(10)
    .refine((chain) => chain.every((level, i) => i === 0 || level.afterHours > chain[i - 1]!.afterHours), 'each level comes later than the one before'),
});

/** The record `default` must hold every threshold; another (a product line) overrides some. */
export function checkRecurrenceRule(body: unknown, id: string): Problem[] {
  return problemsAgainst(id === 'default' ? defaultThresholds : productLineThresholds, body, 'thresholds');
}

export function checkEightDRules(body: unknown): Problem[] {
  return problemsAgainst(eightDRules, body, 'rules');
}

/** What version 1 of each is seeded with: today's values. */
export const shippedRecurrenceRules: Record<string, Partial<RecurrenceThresholds>> = {
  default: defaultRecurrenceThresholds.default,
  ...defaultRecurrenceThresholds.byProductLine,
};
export const shippedEightDRules: Record<string, EightDRules> = {
  default: { dueHours: { ...defaultDueHours }, escalationChain: [...defaultEscalationChain] },
};
