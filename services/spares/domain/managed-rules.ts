import { z } from 'zod';
import type { ApprovalRules } from './approval';
import type { CostRules, GoodwillRule } from './cost-allocation';

export interface Problem {
  field: string;
  message: string;
}

/** Who pays what the entitlement leaves open: misuse in warranty, and goodwill shortly after it ended. */
export interface CaseCostRules extends CostRules {
  goodwill: GoodwillRule[];
}

const approvalRules = z.strictObject({
  /** A requisition worth more than this (in cents) needs a person. */
  budgetCents: z.number().int().nonnegative().max(1_000_000_000),
  outliers: z.strictObject({
    k: z.number().positive().max(100),
    madFloor: z.number().positive().max(1000),
    minSamples: z.number().int().min(1).max(1000),
  }),
});

const costRules = z.strictObject({
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

const pathOf = (path: readonly PropertyKey[]) => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
function problemsOf(schema: z.ZodType, body: unknown, whole: string): Problem[] {
  const parsed = schema.safeParse(body);
  if (parsed.success) return [];
  // A misspelt key is named itself, not the object holding it.
  return parsed.error.issues.map((issue) => ({ field: pathOf(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path) || whole, message: issue.message }));
}

export const checkApprovalRules = (body: unknown): Problem[] => problemsOf(approvalRules, body, 'rules');
export const checkCostRules = (body: unknown): Problem[] => problemsOf(costRules, body, 'rules');

export type { ApprovalRules };
