import { z } from 'zod';
import { problemsAgainst, type RecordProblem } from '@aftersales/platform';
import type { ApprovalRules } from './approval';
import type { CostRules, GoodwillRule } from './cost-allocation';

export type Problem = RecordProblem;

/** Who pays what the entitlement leaves open: misuse in warranty, and goodwill shortly after it ended. */
export interface CaseCostRules extends CostRules {
  goodwill: GoodwillRule[];
}

export const approvalRules = z.strictObject({
  /** A requisition worth more than this (in cents) needs a person. */
  budgetCents: z.number().int().nonnegative().max(1_000_000_000),
  outliers: z.strictObject({
    k: z.number().positive().max(100),
    madFloor: z.number().positive().max(1000),
    minSamples: z.number().int().min(1).max(1000),
  }),
});

export const costRules = z.strictObject({
  misuseInWarrantyPayer: z.enum(['customer', 'sales-centre']),
  goodwill: z
    .array(
      z.strictObject({
        id: z.string().trim().min(1).max(64),
        withinDaysAfterWarrantyEnd: z.number().int().positive().max(3650),
        kinds: z.array(z.enum(['part', 'labour', 'travel'])).min(1).max(3),
        payer: z.enum(['factory', 'sales-centre']),
        shareBasisPoints: z.number().int().min(1).max(10_000),
        qualityFailureOnly: z.boolean(),
      }),
    )
    .max(20)
    .superRefine((rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((r, i) => {
        if (seen.has(r.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `${r.id} is listed twice` });
        seen.add(r.id);
      });
    }),
});

export const checkApprovalRules = (body: unknown): Problem[] => problemsAgainst(approvalRules, body, 'rules');
export const checkCostRules = (body: unknown): Problem[] => problemsAgainst(costRules, body, 'rules');

export type { ApprovalRules };
