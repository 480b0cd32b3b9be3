import { managedRecords, type HeadDoc, type Platform, type VersionDoc } from '@aftersales/platform';
import type { ApprovalRules } from '../domain/approval';
import { DEFAULT_GOODWILL_RULES, DEFAULT_OUTLIER_RULES } from '../domain/cost-allocation';
import { checkApprovalRules, checkCostRules, type CaseCostRules } from '../domain/managed-rules';

/**
 * Spares' rules as managed versions (one record `default` each): when a requisition needs a
 * person, and who pays what cover leaves open. A requisition is judged by the approval rules in
 * force when it is raised; a case's cost is split by the cost rules in force when it closed, so a
 * later change never re-splits a closed case.
 */
export function createSparesRules(platform: Platform, shipped: { budgetCents: number; misuseInWarrantyPayer: CaseCostRules['misuseInWarrantyPayer'] }) {
  const db = platform.mongo.db!;
  const approval = managedRecords<ApprovalRules>(
    { what: 'requisition approval rules', heads: db.collection<HeadDoc>('approvalRules'), versions: db.collection<VersionDoc<ApprovalRules>>('approvalRuleVersions'), check: checkApprovalRules },
    platform.now,
  );
  const cost = managedRecords<CaseCostRules>(
    { what: 'cost rules', heads: db.collection<HeadDoc>('costRules'), versions: db.collection<VersionDoc<CaseCostRules>>('costRuleVersions'), check: checkCostRules },
    platform.now,
  );
  // Version 1 is what the deployment ran with before the rules were data (its settings, the code's goodwill).
  const shippedApproval: ApprovalRules = { budgetCents: shipped.budgetCents, outliers: { ...DEFAULT_OUTLIER_RULES } };
  const shippedCost: CaseCostRules = { misuseInWarrantyPayer: shipped.misuseInWarrantyPayer, goodwill: DEFAULT_GOODWILL_RULES.map((r) => ({ ...r, kinds: [...r.kinds] })) };

  return {
    approval,
    cost,
    async seed(at: Date): Promise<void> {
      await approval.seed({ default: shippedApproval }, at);
      await cost.seed({ default: shippedCost }, at);
    },
    approvalRulesAt: async (at: Date): Promise<ApprovalRules> => (await approval.inForce('default', at))?.body ?? shippedApproval,
    costRulesAt: async (at: Date): Promise<CaseCostRules> => (await cost.inForce('default', at))?.body ?? shippedCost,
  };
}

export type SparesRules = ReturnType<typeof createSparesRules>;
