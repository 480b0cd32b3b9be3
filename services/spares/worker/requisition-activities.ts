import { isDuplicateKeyError, type Platform } from '@aftersales/platform';
import type { RequisitionApprovalActivities } from '@aftersales/workflows';
import type { SparesStore } from '../store/collections';
import { withEvent } from '../store/events';
import { createGuardedWrites } from '../store/guarded-writes';

/** Activities of the requisitionApproval workflow, built with spares' store. */
export function createRequisitionActivities(platform: Pick<Platform, 'topic' | 'now' | 'nudgeOutbox' | 'logger'>, store: SparesStore): RequisitionApprovalActivities {
  const log = platform.logger.child({ module: 'requisition-activities' });
  // Every write of a requisition after its insert holds the document's lock (`requisitions|<id>`):
  // FerretDB v1 loses one of two concurrent updates of one document.
  const guarded = createGuardedWrites(store, () => platform.now());
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
      // Read, checked and written by `_id` under the requisition's lock (a filter on `escalations.level`
      // reads the whole collection on FerretDB); a retry finds its level recorded and writes nothing.
      const entry = { level: input.level, fromApprover: input.fromApprover, toApprover: input.toApprover, at: input.at };
      await guarded.updateIf(store.requisitions, input.requisitionId, (doc) => {
        if (doc.escalations.some((e) => e.level === input.level)) return null;
        // The approver now is the one of the highest level recorded, whatever order escalations land in (none once decided).
        const latest = doc.status === 'pending-approval' && doc.escalations.every((e) => e.level < input.level);
        return { $push: { escalations: entry }, ...(latest ? { $set: { currentApprover: input.toApprover } } : {}) };
      });
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
      await guarded.setIf(store.requisitions, input.requisitionId, () => true, { status: input.decision, currentApprover: null });
      platform.nudgeOutbox();
      log.info({ requisitionId: input.requisitionId, decision: input.decision, by: input.by }, 'requisition decided');
    },
  };
}
