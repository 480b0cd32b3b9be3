import type { RequisitionDecision } from './messages';

export interface EscalationInput {
  requisitionId: string;
  /** 1 for the first escalation. */
  level: number;
  fromApprover: string;
  toApprover: string;
  at: string;
}

export interface ApprovalRequest {
  requisitionId: string;
  /** 0 for the first approver. */
  level: number;
  approver: string;
  deadlineAt: string;
  at: string;
}

/**
 * Activity types the requisitionApproval workflow calls. Implementations live in
 * services/spares/worker/requisition-activities.ts, next to the requisitions they write.
 */
export interface RequisitionApprovalActivities {
  /** The requisition waits on this approver now: spares publishes requisition.approval-requested once per level. */
  askApprover(input: ApprovalRequest): Promise<void>;
  /** Nobody answered in time: the requisition now waits on the next approver. Idempotent per level. */
  recordEscalation(input: EscalationInput): Promise<void>;
  /** Stores the decision and publishes requisition.decided once. Idempotent per requisition. */
  recordDecision(input: RequisitionDecision & { requisitionId: string }): Promise<void>;
}
