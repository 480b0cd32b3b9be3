import { setTimeout as sleep } from 'node:timers/promises';
import { buildEvent, topicOf, type EventKey } from '@aftersales/contracts';
import { insertWithOutbox, isDuplicateKeyError, type Platform } from '@aftersales/platform';
import type { ServiceRequestActivities } from '@aftersales/workflows';
import { isOpenStatus } from '../domain/installed-base';
import type { IntakeModels, ServiceRequestDoc } from '../store/models';
import { boardEntryOf, noteOpenRequest, readModelsOf, syncBoardEntry } from '../store/read-models';
import type { createWorkflowEventModel, WorkflowEventDoc } from '../store/workflow-events';

export interface ActivityDeps {
  platform: Pick<Platform, 'topic' | 'nudgeOutbox' | 'now'>;
  serviceRequests: IntakeModels['serviceRequests'];
  workflowEvents: ReturnType<typeof createWorkflowEventModel>;
}

/** Retriable: Temporal tries the activity again after its backoff. */
class RecordNotSettled extends Error {
  readonly retriable = true;
}

/**
 * FerretDB v1 does not serialise concurrent updates of one document: the outbox relay popping the
 * record's registered event at the same moment can undo a $set made here (measured: most runIds
 * lost under load). The relay writes the record only while its outbox holds that event, so the
 * activity writes once the outbox is empty, then reads its write back; if anything still lost it,
 * the activity fails and Temporal retries it. On MongoDB the first check passes at once.
 */
async function whenOutboxRelayed(serviceRequests: IntakeModels['serviceRequests'], requestId: string, attempts = 50): Promise<{ workflowRevision?: number; status: string; customerId: string } | null> {
  for (let i = 0; i < attempts; i++) {
    const record = await serviceRequests.findById(requestId, { outbox: 1, workflowRevision: 1, status: 1, customerId: 1 }).lean<{ outbox?: unknown[]; workflowRevision?: number; status: string; customerId: string }>();
    if (!record) return null;
    if (!record.outbox?.length) return record;
    await sleep(i < 10 ? 20 : 100);
  }
  throw new RecordNotSettled(`service request ${requestId}: its registered event is not relayed yet`);
}

/** Activities of the serviceRequest workflow that touch intake's data; built with their dependencies. */
export function createServiceRequestActivities({ platform, serviceRequests, workflowEvents }: ActivityDeps): ServiceRequestActivities {
  return {
    async recordWorkflowStarted({ requestId, workflowId, runId, startedAt }) {
      if (!(await whenOutboxRelayed(serviceRequests, requestId))) return;
      // $set of the same values: a retried activity changes nothing.
      await serviceRequests.updateOne({ _id: requestId }, { $set: { workflow: { id: workflowId, runId, startedAt: new Date(startedAt) } } });
      const stored = await serviceRequests.findById(requestId, { workflow: 1 }).lean();
      if (stored?.workflow?.runId !== runId) throw new RecordNotSettled(`service request ${requestId}: the workflow link did not stick`);
    },

    async syncServiceRequest({ requestId, revision, view, events, started }) {
      const now = platform.now();
      for (const [index, pending] of events.entries()) {
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
          await insertWithOutbox(
            workflowEvents.collection as never,
            { _id: pending.id, requestId, type: event.type, occurredAt: new Date(pending.occurredAt) } satisfies WorkflowEventDoc,
            [{ topic: platform.topic(topicOf(key)), event }],
            // Due a millisecond apart: the relay publishes in due order, so these keep the workflow's order.
            new Date(now.getTime() + index),
          );
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
        }
      }
      // The record mirrors the workflow; an older revision (a late retry) never overwrites a newer one.
      // Checked on the record read by `_id` (FerretDB v1 would read the whole collection for a
      // filter with the revision in it); the read-back below catches a write that lost a race.
      const current = await whenOutboxRelayed(serviceRequests, requestId);
      if (!current) {
        if (events.length > 0) platform.nudgeOutbox();
        return;
      }
      if ((current.workflowRevision ?? 0) >= revision) {
        if (events.length > 0) platform.nudgeOutbox();
        return;
      }
      // Closing: listed on its customer's closed requests before the status says so (the customer page reads that list).
      if (isOpenStatus(current.status) && !isOpenStatus(view.status)) await readModelsOf({ serviceRequests }).customerClosedRequests.append(current.customerId, requestId);
      await serviceRequests.updateOne(
        { _id: requestId },
        {
          $set: {
            // A new run's first sync links the record to it in the same write (it took an activity of its own).
            ...(started ? { workflow: { id: started.workflowId, runId: started.runId, startedAt: new Date(started.startedAt) } } : {}),
            workflowRevision: revision,
            status: view.status,
            tier: view.tier,
            tierProvisional: view.tierProvisional,
            sla: view.clocks,
            escalations: view.escalations,
            screening: view.screening,
            resolution: view.resolution,
            survey: view.survey,
            reopened: view.reopened,
            route: view.route ?? null,
            dispatchedAt: view.workOrder ? new Date(view.workOrder.assignedAt) : null,
            owner: view.workOrder?.engineerId ?? null,
            solvedAt: view.resolution ? new Date(view.resolution.at) : null,
            acceptedAt: view.history.findLast((h) => h.event === 'accepted')?.at ?? null,
          },
        },
        { strict: false },
      );
      const stored = await serviceRequests.findById(requestId, { workflowRevision: 1, customerId: 1, serialNumber: 1, symptom: 1, raisedAt: 1, machine: 1, city: 1 }).lean<ServiceRequestDoc & { workflowRevision?: number }>();
      if (stored && (stored.workflowRevision ?? 0) < revision) throw new RecordNotSettled(`service request ${requestId}: revision ${revision} did not stick`);
      if (events.length > 0) platform.nudgeOutbox();
      if (!stored) return;
      // The read models that follow the record: the SLA board's entry and the machine's open requests.
      const models = readModelsOf({ serviceRequests });
      await Promise.all([
        syncBoardEntry(models, boardEntryOf({ ...stored, status: view.status, tier: view.tier, owner: view.workOrder?.engineerId ?? null, sla: view.clocks, escalations: view.escalations, workflowRevision: revision })),
        isOpenStatus(view.status) ? null : noteOpenRequest(models, { ...stored, status: view.status }),
      ]);
    },
  };
}
