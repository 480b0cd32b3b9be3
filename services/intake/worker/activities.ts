import { buildEvent, topicOf, type EventKey } from '@aftersales/contracts';
import { isDuplicateKeyError, outboxForInsert, type Platform } from '@aftersales/platform';
import type { ServiceRequestActivities } from '@aftersales/workflows';
import type { IntakeModels } from '../store/models';
import type { createWorkflowEventModel } from '../store/workflow-events';

export interface ActivityDeps {
  platform: Pick<Platform, 'topic' | 'nudgeOutbox' | 'now'>;
  serviceRequests: IntakeModels['serviceRequests'];
  workflowEvents: ReturnType<typeof createWorkflowEventModel>;
}

/** Activities of the serviceRequest workflow that touch intake's data; built with their dependencies. */
export function createServiceRequestActivities({ platform, serviceRequests, workflowEvents }: ActivityDeps): ServiceRequestActivities {
  return {
    async recordWorkflowStarted({ requestId, workflowId, runId, startedAt }) {
      // $set of the same values: a retried activity changes nothing.
      await serviceRequests.updateOne({ _id: requestId }, { $set: { workflow: { id: workflowId, runId, startedAt: new Date(startedAt) } } });
    },

    async syncServiceRequest({ requestId, revision, view, events }) {
      const now = platform.now();
      for (const pending of events) {
        const key = pending.key as EventKey;
        // Built and checked against its contract here: an event that does not validate fails the
        // activity, which retries until fixed code is deployed, rather than being dropped.
        const event = buildEvent(key, pending.data as never, {
          id: pending.id,
          occurredAt: new Date(pending.occurredAt),
          source: 'intake',
          subject: requestId,
          correlationId: requestId,
          causationId: null,
        });
        try {
          await workflowEvents.collection.insertOne({
            _id: pending.id,
            requestId,
            type: event.type,
            occurredAt: new Date(pending.occurredAt),
            ...outboxForInsert([{ topic: platform.topic(topicOf(key)), event }], now),
          } as never);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      // The record mirrors the workflow; an older revision (a late retry) never overwrites a newer one.
      await serviceRequests.updateOne(
        { _id: requestId, $or: [{ workflowRevision: { $lt: revision } }, { workflowRevision: { $exists: false } }] },
        {
          $set: {
            workflowRevision: revision,
            status: view.status,
            tier: view.tier,
            tierProvisional: view.tierProvisional,
            sla: view.clocks,
            escalations: view.escalations,
            screening: view.screening,
            resolution: view.resolution,
            survey: view.survey,
            dispatchedAt: view.workOrder ? new Date(view.workOrder.assignedAt) : null,
            owner: view.workOrder?.engineerId ?? null,
            solvedAt: view.resolution ? new Date(view.resolution.at) : null,
            acceptedAt: view.history.findLast((h) => h.event === 'accepted')?.at ?? null,
          },
        },
        { strict: false },
      );
      if (events.length > 0) platform.nudgeOutbox();
    },
  };
}
