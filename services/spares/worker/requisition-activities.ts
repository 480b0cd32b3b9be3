import { isDuplicateKeyError, type Platform } from '@aftersales/platform';
import type { RequisitionApprovalActivities } from '@aftersales/workflows';
import type { SparesStore } from '../store/collections';
import { withEvent } from '../store/events';

/** Activities of the requisitionApproval workflow, built with spares' store. */
export function createRequisitionActivities(platform: Pick<Platform, 'topic' | 'now' | 'nudgeOutbox' | 'logger'>, store: SparesStore): RequisitionApprovalActivities {
  const log = platform.logger.child({ module: 'requisition-activities' });
  return {
    async askApprover(input) {
      const requisition = await store.requisitions.findOne({ _id: input.requisitionId });
      if (!requisition) throw new Error(`requisition ${input.requisitionId} not found`);
      const data = {
        requisitionId: requisition._id,
        workOrderId: requisition.workOrderId,
        requestId: requisition.requestId,
        requesterId: requisition.requesterId,
        approver: input.approver,
        level: input.level,
        deadlineAt: input.deadlineAt,
        reasons: requisition.reasons,
        lines: requisition.lines.map((l) => ({ partNumber: l.partNumber, quantity: l.quantity })),
        askedAt: input.at,
      };
      try {
        await store.approvalRequests.insertOne({
          _id: `${input.requisitionId}#${input.level}`,
          requisitionId: input.requisitionId,
          approver: input.approver,
          askedAt: new Date(input.at),
          ...withEvent(platform, 'requisition.approval-requested@1', requisition.workOrderId, data, { correlationId: requisition.requestId, causationId: null }),
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      platform.nudgeOutbox();
      log.info({ requisitionId: input.requisitionId, level: input.level, approver: input.approver }, 'approver asked');
    },
    async recordEscalation(input) {
      // The requisition document carries no outbox, so this update never races the relay; the filter makes a retry a no-op.
      await store.requisitions.updateOne(
        { _id: input.requisitionId, 'escalations.level': { $ne: input.level } },
        { $push: { escalations: { level: input.level, fromApprover: input.fromApprover, toApprover: input.toApprover, at: input.at } }, $set: { currentApprover: input.toApprover } },
      );
      log.info({ requisitionId: input.requisitionId, level: input.level, toApprover: input.toApprover }, 'requisition escalated to the next approver');
    },
    async recordDecision(input) {
      const requisition = await store.requisitions.findOne({ _id: input.requisitionId });
      if (!requisition) throw new Error(`requisition ${input.requisitionId} not found`);
      try {
        await store.requisitionDecisions.insertOne({
          _id: input.requisitionId,
          decision: input.decision,
          lines: input.lines,
          by: input.by,
          note: input.note,
          lapsed: input.lapsed,
          decidedAt: new Date(input.at),
          ...withEvent(
            platform,
            'requisition.decided@1',
            requisition.workOrderId,
            { requisitionId: input.requisitionId, workOrderId: requisition.workOrderId, requestId: requisition.requestId, decision: input.decision, lines: input.lines, by: input.by, decidedAt: input.at },
            { correlationId: requisition.requestId, causationId: null },
          ),
        });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      await store.requisitions.updateOne({ _id: input.requisitionId }, { $set: { status: input.decision, currentApprover: null } });
      platform.nudgeOutbox();
      log.info({ requisitionId: input.requisitionId, decision: input.decision, by: input.by }, 'requisition decided');
    },
  };
}
