import { allHandlersFinished, condition, log, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { RequisitionApprovalActivities } from './activities';
import { checkDecision, decisionOf, lapsedDecision } from './decision';
import { decideRequisitionUpdate, getRequisitionStateQuery, type RequisitionApprovalInput, type RequisitionApprovalState } from './messages';

const activities = proxyActivities<RequisitionApprovalActivities>({
  startToCloseTimeout: '30 seconds',
  // Mongo may be down for a while: the decision is recorded late rather than lost.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/**
 * One requisition waiting for approval. Each approver in the chain has `deadlineMs` to answer;
 * silence moves it to the next, and silence from the last lapses it as rejected. Decisions
 * arrive as updates, refused at once when the decider may not decide.
 */
export async function requisitionApproval(input: RequisitionApprovalInput): Promise<RequisitionApprovalState> {
  if (input.approvers.length === 0) throw new Error('a requisition needs at least one approver');
  const now = () => new Date(Date.now()).toISOString();
  const deadlineFrom = (ms: number) => new Date(ms + input.deadlineMs).toISOString();
  const state: RequisitionApprovalState = {
    requisitionId: input.requisitionId,
    status: 'pending',
    level: 0,
    currentApprover: input.approvers[0]!,
    deadlineAt: deadlineFrom(Date.now()),
    escalations: [],
    decision: null,
  };
  setHandler(getRequisitionStateQuery, () => state);
  setHandler(
    decideRequisitionUpdate,
    (decide) => {
      state.decision = decisionOf(input, decide, now());
      state.status = state.decision.decision;
      return state;
    },
    {
      validator: (decide) => {
        if (state.status !== 'pending') throw new Error(`the requisition is already ${state.status}`);
        checkDecision(input, state.level, decide);
      },
    },
  );

  // Requisitions raised before approvers were told replay without asking; the others ask each approver in turn.
  const asks = patched('ask-each-approver');
  for (let level = 0; level < input.approvers.length; level++) {
    if (asks) await activities.askApprover({ requisitionId: input.requisitionId, level, approver: state.currentApprover, deadlineAt: state.deadlineAt, at: now() });
    if (await condition(() => state.decision !== null, input.deadlineMs)) break;
    const next = input.approvers[level + 1];
    if (next === undefined) {
      state.decision = lapsedDecision(input, now());
      state.status = 'rejected';
      break;
    }
    const escalation = { level: level + 1, fromApprover: input.approvers[level]!, toApprover: next, at: now() };
    state.escalations.push(escalation);
    state.level = level + 1;
    state.currentApprover = next;
    state.deadlineAt = deadlineFrom(Date.now());
    log.info('requisition escalated', { requisitionId: input.requisitionId, ...escalation });
    await activities.recordEscalation({ requisitionId: input.requisitionId, ...escalation });
  }
  await activities.recordDecision({ requisitionId: input.requisitionId, ...state.decision! });
  await condition(allHandlersFinished);
  return state;
}
