import pLimit from 'p-limit';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import type { KnownEvent } from '@aftersales/contracts';
import type { ConsumedEvent, EventHandler, Platform } from '@aftersales/platform';
import { serviceRequestTaskQueue, type serviceRequest } from '@aftersales/workflows';
import type { SlaReference } from '../store/sla-reference';

/** Starts in flight at once across all partitions: one at a time held end to end to one Temporal round trip per request. */
export const defaultStartsInFlight = 24;

export interface WorkflowStarter {
  /** One event: used when a batch failed for good and its events are applied one by one. */
  handler: EventHandler;
  /** A fetched batch: its starts go out together, and it returns only when every one is started. */
  batchHandler: (batch: ConsumedEvent[], heartbeat: () => Promise<void>) => Promise<void>;
}

/**
 * Starts the serviceRequest workflow from the registered event, not from the HTTP handler: the
 * event is stored with the record, so a crash after the 201 still reaches the workflow.
 * The request id is the workflow id, and a duplicate id is refused, so a re-delivered event never
 * starts a second process (not even after the first one closed): a batch that fails part-way is
 * delivered again whole (its offsets are committed only after it returns) and the starts it already
 * made answer "already started", which counts as done.
 */
export function createWorkflowStarter(platform: Pick<Platform, 'temporal' | 'taskQueue' | 'logger' | 'now'>, reference: Pick<SlaReference, 'termsFor'>, options: { startsInFlight?: number } = {}): WorkflowStarter {
  const inFlight = pLimit(options.startsInFlight ?? defaultStartsInFlight);

  async function start({ event }: ConsumedEvent): Promise<void> {
    const { data } = event as KnownEvent<'service-request.registered@1'>;
    // The policy in force when the request was registered; the calendar in force now (a newer
    // calendar version would reach the running request anyway, through its rollout).
    const sla = await reference.termsFor({
      slaPolicyId: data.entitlement?.slaPolicyId ?? null,
      calendarId: data.entitlement?.calendarId ?? null,
      responseMode: data.entitlement?.responseMode ?? null,
      locationClass: data.locationClass ?? null,
      timeZone: data.timeZone ?? null,
    }, new Date(event.occurredAt), platform.now());
    try {
      await platform.temporal.workflow.start<typeof serviceRequest>('serviceRequest', {
        workflowId: data.requestId,
        taskQueue: platform.taskQueue(serviceRequestTaskQueue),
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        args: [
          {
            requestId: data.requestId,
            customerId: data.customerId,
            serialNumber: data.serialNumber,
            channel: data.channel,
            registeredAt: event.occurredAt,
            correlationId: event.correlationId,
            sla,
            ...(data.complaint ? { initialTier: data.complaint.tier } : {}),
            // Paid work: the workflow holds dispatch until the quote is accepted or the wait overridden.
            ...(data.entitlement?.quoteRequired ? { quoteRequired: true } : {}),
          },
        ],
        memo: { causationId: event.id },
      });
      platform.logger.info({ workflowId: data.requestId, slaPolicy: sla.policy.id }, 'serviceRequest workflow started');
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return;
      throw error;
    }
  }

  return {
    handler: start,
    async batchHandler(batch, heartbeat) {
      // Every start is awaited, failed or not, before the batch answers: a retry of the batch then
      // never races starts of its own previous attempt.
      const outcomes = await Promise.allSettled(
        batch.map((consumed) =>
          inFlight(async () => {
            await (consumed.inOwnTrace ? consumed.inOwnTrace(() => start(consumed)) : start(consumed));
            // A missed heartbeat costs at most a redelivery, which the workflow id absorbs.
            await heartbeat().catch(() => undefined);
          }),
        ),
      );
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      if (failed.length > 0) {
        platform.logger.warn({ failed: failed.length, of: batch.length }, 'serviceRequest starts failed; the batch is delivered again');
        throw failed[0]!.reason;
      }
    },
  };
}
