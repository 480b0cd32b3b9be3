/**
 * Defective returns: every in-warranty replacement must come back for failure analysis by a due
 * date; past it the engineer is chased, and past a further limit the return is a red flag.
 */
export interface ReturnPolicy {
  dueDays: number;
  /** Chase again at most this often. */
  chaseEveryDays: number;
  /** Days past the due date after which an unreturned part is flagged. */
  flagAfterDaysOverdue: number;
}

export const DEFAULT_RETURN_POLICY: ReturnPolicy = { dueDays: 14, chaseEveryDays: 3, flagAfterDaysOverdue: 30 };

const DAY = 86_400_000;

export function returnDueAt(consumedAt: Date, policy: ReturnPolicy = DEFAULT_RETURN_POLICY): Date {
  return new Date(consumedAt.getTime() + policy.dueDays * DAY);
}

export interface OpenReturn {
  dueAt: Date;
  returnedAt: Date | null;
  lastChasedAt: Date | null;
  flaggedAt: Date | null;
}

export type ReturnAction = 'none' | 'chase' | 'chase-and-flag';

/** What the sweep does to one return now. */
export function returnAction(r: OpenReturn, now: Date, policy: ReturnPolicy = DEFAULT_RETURN_POLICY): ReturnAction {
  if (r.returnedAt !== null || now <= r.dueAt) return 'none';
  const flagDue = r.flaggedAt === null && now.getTime() > r.dueAt.getTime() + policy.flagAfterDaysOverdue * DAY;
  const chaseDue = r.lastChasedAt === null || now.getTime() - r.lastChasedAt.getTime() >= policy.chaseEveryDays * DAY;
  if (flagDue) return 'chase-and-flag';
  return chaseDue ? 'chase' : 'none';
}

/** Only a supplier defect turns into a claim against the supplier; the claim is the supplier's price of what failed. */
export function supplierClaimFor(finding: string, supplierId: string | null, lot: string | null): { claim: boolean; reason: string } {
  if (finding !== 'supplier-defect') return { claim: false, reason: `finding ${finding} is not the supplier's` };
  if (!supplierId) return { claim: false, reason: 'supplier unknown' };
  return { claim: true, reason: lot ? `supplier defect in lot ${lot}` : 'supplier defect, lot unknown' };
}
