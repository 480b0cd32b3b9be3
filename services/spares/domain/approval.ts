import { requisitionOutliers, DEFAULT_OUTLIER_RULES, type OutlierRules, type RequisitionQuantity } from './cost-allocation';

/**
 * When a requisition needs a person's approval. Each rule that fires is a reason; no reason
 * means the requisition is approved at once by rule.
 */
export interface ApprovalRules {
  /** Requisition value above this needs approval. */
  budgetCents: number;
  outliers: OutlierRules;
}

/** 500.00 per requisition; quantity outliers as in cost-allocation (median + 3 x max(MAD, 1), 5 samples at least). */
export const DEFAULT_APPROVAL_RULES: ApprovalRules = { budgetCents: 50_000, outliers: DEFAULT_OUTLIER_RULES };

export interface RequisitionForApproval {
  requisitionId: string;
  engineerId: string;
  model: string | null;
  lines: readonly { partNumber: string; quantity: number; unitPriceCents: number }[];
  /** Entitlement of the case: out of cover (source 'none') is paid work. */
  entitlementSource: 'contract' | 'warranty' | 'none' | null;
  quoteAccepted: boolean;
}

export type ApprovalReason =
  | { rule: 'over-budget'; valueCents: number; budgetCents: number }
  | { rule: 'unusual-quantity'; partNumber: string; detail: string }
  | { rule: 'paid-work-without-accepted-quote' };

export function approvalReasons(req: RequisitionForApproval, history: readonly RequisitionQuantity[], rules: ApprovalRules = DEFAULT_APPROVAL_RULES): ApprovalReason[] {
  const reasons: ApprovalReason[] = [];
  const valueCents = req.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0);
  if (valueCents > rules.budgetCents) reasons.push({ rule: 'over-budget', valueCents, budgetCents: rules.budgetCents });
  const asked = req.lines.map((l) => ({ requisitionId: req.requisitionId, engineerId: req.engineerId, partNumber: l.partNumber, quantity: l.quantity, ...(req.model ? { model: req.model } : {}) }));
  for (const flag of requisitionOutliers(asked, history, rules.outliers)) reasons.push({ rule: 'unusual-quantity', partNumber: flag.partNumber, detail: flag.reason });
  if (req.entitlementSource === 'none' && !req.quoteAccepted) reasons.push({ rule: 'paid-work-without-accepted-quote' });
  return reasons;
}

export function describeReason(reason: ApprovalReason): string {
  switch (reason.rule) {
    case 'over-budget':
      return `value ${reason.valueCents} cents over budget ${reason.budgetCents}`;
    case 'unusual-quantity':
      return `${reason.partNumber}: ${reason.detail}`;
    case 'paid-work-without-accepted-quote':
      return 'out of warranty and no accepted quote';
  }
}
