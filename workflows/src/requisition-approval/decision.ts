import type { DecideInput, RequisitionApprovalInput, RequisitionDecision, RequisitionOutcome } from './messages';

/** Why a decision is refused; the update's validator throws it, so the caller gets the message. */
export class DecisionRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'DecisionRefused';
  }
}

/**
 * Checks a decision against the requisition: nobody approves their own, only the approver asked
 * now or one asked before (an escalation adds an approver, it does not remove one), and no line
 * approved above what was asked.
 */
export function checkDecision(input: RequisitionApprovalInput, level: number, decide: DecideInput): void {
  if (decide.by === input.requesterId) throw new DecisionRefused('by', 'nobody may decide their own requisition');
  const allowed = input.approvers.slice(0, level + 1);
  if (!allowed.includes(decide.by)) throw new DecisionRefused('by', `${decide.by} is not an approver of this requisition now (asked: ${allowed.join(', ')})`);
  for (const [i, line] of (decide.lines ?? []).entries()) {
    const asked = input.lines.find((l) => l.partNumber === line.partNumber);
    if (!asked) throw new DecisionRefused(`lines[${i}].partNumber`, `${line.partNumber} was not requisitioned`);
    if (!Number.isInteger(line.approved) || line.approved < 0 || line.approved > asked.quantity) {
      throw new DecisionRefused(`lines[${i}].approved`, `must be an integer from 0 to ${asked.quantity}`);
    }
  }
  if (decide.outcome === 'partial' && !decide.lines?.length) throw new DecisionRefused('lines', 'a partial approval names the approved quantities');
}

export function decisionOf(input: RequisitionApprovalInput, decide: DecideInput, at: string): RequisitionDecision {
  const lines = input.lines.map((l) => {
    const given = decide.lines?.find((d) => d.partNumber === l.partNumber)?.approved;
    const approved = decide.outcome === 'reject' ? 0 : (given ?? (decide.outcome === 'approve' ? l.quantity : 0));
    return { partNumber: l.partNumber, requested: l.quantity, approved };
  });
  return { decision: outcomeOf(lines), lines, by: decide.by, at, note: decide.note ?? null, lapsed: false };
}

function outcomeOf(lines: { requested: number; approved: number }[]): RequisitionOutcome {
  if (lines.every((l) => l.approved === 0)) return 'rejected';
  return lines.every((l) => l.approved === l.requested) ? 'approved' : 'partially-approved';
}

/** Nobody answered, the last approver included: the requisition lapses as rejected. */
export function lapsedDecision(input: RequisitionApprovalInput, at: string): RequisitionDecision {
  return { decision: 'rejected', lines: input.lines.map((l) => ({ partNumber: l.partNumber, requested: l.quantity, approved: 0 })), by: 'system', at, note: 'no approver answered in time', lapsed: true };
}
