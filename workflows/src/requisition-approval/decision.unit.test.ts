import { describe, expect, it } from 'vitest';
import { checkDecision, decisionOf, DecisionRefused, lapsedDecision } from './decision';
import type { RequisitionApprovalInput } from './messages';

const input: RequisitionApprovalInput = {
  requisitionId: 'REQ-1',
  requesterId: 'eng-1',
  approvers: ['lead', 'manager', 'head'],
  deadlineMs: 3_600_000,
  lines: [
    { partNumber: 'A', quantity: 4 },
    { partNumber: 'B', quantity: 1 },
  ],
  reasons: ['over budget'],
};

function refusal(fn: () => void): string | null {
  try {
    fn();
    return null;
  } catch (error) {
    return error instanceof DecisionRefused ? error.field : 'other';
  }
}

describe('requisition decisions', () => {
  it('refuses the requester, and approvers not yet asked', () => {
    expect(refusal(() => checkDecision(input, 2, { by: 'eng-1', outcome: 'approve' }))).toBe('by');
    expect(refusal(() => checkDecision(input, 0, { by: 'manager', outcome: 'approve' }))).toBe('by');
    expect(refusal(() => checkDecision(input, 1, { by: 'manager', outcome: 'approve' }))).toBeNull();
    expect(refusal(() => checkDecision(input, 1, { by: 'lead', outcome: 'approve' }))).toBeNull();
  });
  it('refuses approving more than requested or parts not requested', () => {
    expect(refusal(() => checkDecision(input, 0, { by: 'lead', outcome: 'partial', lines: [{ partNumber: 'A', approved: 5 }] }))).toBe('lines[0].approved');
    expect(refusal(() => checkDecision(input, 0, { by: 'lead', outcome: 'partial', lines: [{ partNumber: 'C', approved: 1 }] }))).toBe('lines[0].partNumber');
    expect(refusal(() => checkDecision(input, 0, { by: 'lead', outcome: 'partial' }))).toBe('lines');
  });
  it('derives approved, partially approved and rejected from the quantities', () => {
    expect(decisionOf(input, { by: 'lead', outcome: 'approve' }, 't').decision).toBe('approved');
    const partial = decisionOf(input, { by: 'lead', outcome: 'partial', lines: [{ partNumber: 'A', approved: 2 }] }, 't');
    expect(partial.decision).toBe('partially-approved');
    expect(partial.lines).toEqual([
      { partNumber: 'A', requested: 4, approved: 2 },
      { partNumber: 'B', requested: 1, approved: 0 },
    ]);
    expect(decisionOf(input, { by: 'lead', outcome: 'reject' }, 't').decision).toBe('rejected');
    expect(lapsedDecision(input, 't')).toMatchObject({ decision: 'rejected', by: 'system', lapsed: true });
  });
});
