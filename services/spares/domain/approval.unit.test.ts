import { describe, expect, it } from 'vitest';
import { approvalReasons, DEFAULT_APPROVAL_RULES, type RequisitionForApproval } from './approval';

const base: RequisitionForApproval = {
  requisitionId: 'REQ-1',
  engineerId: 'ENG-1',
  model: 'FL-3015',
  lines: [{ partNumber: 'P-NOZZLE-15', quantity: 2, unitPriceCents: 1_200 }],
  entitlementSource: 'warranty',
  quoteAccepted: false,
};
const history = ['ENG-2', 'ENG-3', 'ENG-4', 'ENG-5', 'ENG-6', 'ENG-7'].map((engineerId) => ({ engineerId, partNumber: 'P-NOZZLE-15', model: 'FL-3015', quantity: 2 }));

describe('approval rules', () => {
  it('needs no approval for a small, usual, covered requisition', () => {
    expect(approvalReasons(base, history)).toEqual([]);
  });
  it('needs approval over the budget', () => {
    const reasons = approvalReasons({ ...base, lines: [{ partNumber: 'P-LENS-B', quantity: 3, unitPriceCents: 21_000 }] }, history);
    expect(reasons).toEqual([{ rule: 'over-budget', valueCents: 63_000, budgetCents: DEFAULT_APPROVAL_RULES.budgetCents }]);
  });
  it('needs approval for a quantity far above peers on the same model', () => {
    const reasons = approvalReasons({ ...base, lines: [{ partNumber: 'P-NOZZLE-15', quantity: 9, unitPriceCents: 1_200 }] }, history);
    expect(reasons.map((r) => r.rule)).toEqual(['unusual-quantity']);
  });
  it('does not judge a quantity without enough history', () => {
    expect(approvalReasons({ ...base, lines: [{ partNumber: 'P-NOZZLE-15', quantity: 9, unitPriceCents: 1_200 }] }, history.slice(0, 2))).toEqual([]);
  });
  it('needs approval for paid work without an accepted quote, and not once the quote is accepted', () => {
    expect(approvalReasons({ ...base, entitlementSource: 'none' }, history).map((r) => r.rule)).toEqual(['paid-work-without-accepted-quote']);
    expect(approvalReasons({ ...base, entitlementSource: 'none', quoteAccepted: true }, history)).toEqual([]);
  });
});
