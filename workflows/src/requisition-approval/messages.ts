import { defineQuery, defineUpdate } from '@temporalio/workflow';

export type * from './activities';

/** Task queue served by spares' own worker. */
export const requisitionApprovalTaskQueue = 'spares-requisitions';
export const requisitionApprovalWorkflowType = 'requisitionApproval';

export interface RequisitionLine {
  partNumber: string;
  quantity: number;
}

export interface RequisitionApprovalInput {
  requisitionId: string;
  /** Who asked; never the one who approves. */
  requesterId: string;
  /** Approvers in escalation order: the first decides unless the deadline passes, then the next. */
  approvers: string[];
  /** How long each approver has before the requisition moves on to the next. */
  deadlineMs: number;
  lines: RequisitionLine[];
  /** Why approval is needed (the rules that fired), for the approver. */
  reasons: string[];
}

export type RequisitionOutcome = 'approved' | 'partially-approved' | 'rejected';

export interface RequisitionDecision {
  decision: RequisitionOutcome;
  lines: { partNumber: string; requested: number; approved: number }[];
  by: string;
  at: string;
  note: string | null;
  /** True when no approver answered and the requisition lapsed. */
  lapsed: boolean;
}

export interface RequisitionApprovalState {
  requisitionId: string;
  status: 'pending' | RequisitionOutcome;
  /** Index into approvers of who is asked now. */
  level: number;
  currentApprover: string;
  /** When the current approver's time runs out. */
  deadlineAt: string;
  escalations: { level: number; fromApprover: string; toApprover: string; at: string }[];
  decision: RequisitionDecision | null;
}

export interface DecideInput {
  by: string;
  /** Approved quantity per part; a part left out is approved in full for 'approve' and not at all otherwise. */
  outcome: 'approve' | 'reject' | 'partial';
  lines?: { partNumber: string; approved: number }[];
  note?: string;
}

export const getRequisitionStateQuery = defineQuery<RequisitionApprovalState>('getRequisitionState');
export const decideRequisitionUpdate = defineUpdate<RequisitionApprovalState, [DecideInput]>('decideRequisition');
