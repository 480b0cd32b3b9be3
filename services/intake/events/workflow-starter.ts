import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import type { KnownEvent } from '@aftersales/contracts';
import type { ConsumedEvent, Platform } from '@aftersales/platform';
import { serviceRequestTaskQueue, type serviceRequest } from '@aftersales/workflows';
import type { SlaReference } from '../store/sla-reference';

/**
 * Starts the serviceRequest workflow from the registered event, not from the HTTP handler: the
 * event is stored with the record, so a crash after the 201 still reaches the workflow.
 * The request id is the workflow id, and a duplicate id is refused, so a re-delivered event never
 * starts a second process (not even after the first one closed).
 */
export function createWorkflowStarter(platform: Platform, reference: SlaReference) {
  return async ({ event }: ConsumedEvent): Promise<void> => {
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
  };
}
