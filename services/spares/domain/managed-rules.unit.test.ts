import { describe, expect, it } from 'vitest';
import { DEFAULT_APPROVAL_RULES } from './approval';
import { DEFAULT_GOODWILL_RULES } from './cost-allocation';
import { checkApprovalRules, checkCostRules } from './managed-rules';

describe('spares rules as data', () => {
  const cost = { misuseInWarrantyPayer: 'customer', goodwill: DEFAULT_GOODWILL_RULES };

  it('the shipped rules pass their own checks', () => {
    expect(checkApprovalRules(DEFAULT_APPROVAL_RULES)).toEqual([]);
    expect(checkCostRules(cost)).toEqual([]);
  });

  it('names the field at fault', () => {
    const fields = (problems: { field: string }[]) => problems.map((p) => p.field);
    expect(fields(checkApprovalRules({ ...DEFAULT_APPROVAL_RULES, budgetCents: -1 }))).toEqual(['budgetCents']);
    expect(fields(checkApprovalRules({ ...DEFAULT_APPROVAL_RULES, outliers: { ...DEFAULT_APPROVAL_RULES.outliers, minSamples: 0 } }))).toEqual(['outliers.minSamples']);
    expect(fields(checkApprovalRules({ ...DEFAULT_APPROVAL_RULES, budget: 1 }))).toEqual(['budget']);
    expect(fields(checkCostRules({ ...cost, misuseInWarrantyPayer: 'factory' }))).toEqual(['misuseInWarrantyPayer']);
    expect(fields(checkCostRules({ ...cost, goodwill: [{ ...DEFAULT_GOODWILL_RULES[0]!, shareBasisPoints: 12_000 }] }))).toEqual(['goodwill[0].shareBasisPoints']);
    expect(fields(checkCostRules({ ...cost, goodwill: [DEFAULT_GOODWILL_RULES[0]!, DEFAULT_GOODWILL_RULES[0]!] }))).toEqual(['goodwill[1].id']);
  });
});
