import { describe, expect, it } from 'vitest';
import { returnAction, returnDueAt, supplierClaimFor, DEFAULT_RETURN_POLICY } from './returns';

const day = 86_400_000;
const consumed = new Date('2026-03-02T10:00:00Z');
const due = returnDueAt(consumed);
const at = (days: number) => new Date(due.getTime() + days * day);
const open = { dueAt: due, returnedAt: null, lastChasedAt: null, flaggedAt: null };

describe('defective returns', () => {
  it('is due 14 days after the replacement', () => {
    expect(due.toISOString()).toBe('2026-03-16T10:00:00.000Z');
  });
  it('is left alone until due, and once returned', () => {
    expect(returnAction(open, at(0))).toBe('none');
    expect(returnAction({ ...open, returnedAt: at(5) }, at(40))).toBe('none');
  });
  it('is chased once overdue, then again every 3 days', () => {
    expect(returnAction(open, at(1))).toBe('chase');
    expect(returnAction({ ...open, lastChasedAt: at(1) }, at(2))).toBe('none');
    expect(returnAction({ ...open, lastChasedAt: at(1) }, at(4))).toBe('chase');
  });
  it('is flagged once past 30 days overdue, and flagged only once', () => {
    expect(returnAction({ ...open, lastChasedAt: at(29) }, at(31))).toBe('chase-and-flag');
    expect(returnAction({ ...open, lastChasedAt: at(31), flaggedAt: at(31) }, at(32))).toBe('none');
    expect(DEFAULT_RETURN_POLICY.flagAfterDaysOverdue).toBe(30);
  });
  it('opens a supplier claim only for a supplier defect with a known supplier', () => {
    expect(supplierClaimFor('supplier-defect', 'SUP-1', 'LOT-7')).toEqual({ claim: true, reason: 'supplier defect in lot LOT-7' });
    expect(supplierClaimFor('supplier-defect', null, 'LOT-7').claim).toBe(false);
    expect(supplierClaimFor('wear', 'SUP-1', 'LOT-7').claim).toBe(false);
  });
});
