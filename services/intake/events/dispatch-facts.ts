import { WorkflowNotFoundError } from '@temporalio/client';
import type { KnownEvent } from '@aftersales/contracts';
import type { ConsumedEvent, EventHandler, Platform } from '@aftersales/platform';
import { engineerArrivedSignal, workOrderAssignedSignal, workOrderCompletedSignal } from '@aftersales/workflows';
import type { IntakeModels } from '../store/models';
import { recordServiceHistory } from '../store/service-history';

export const dispatchFactsConsumer = 'intake-dispatch-facts';

/**
 * Dispatch's work-order facts become signals on the request's workflow. The signal carries the
 * event id and the workflow applies each id once, so a re-delivered event changes nothing; a
 * request whose process has ended is noted and skipped.
 */
export function createDispatchFactHandlers(platform: Platform, models: IntakeModels): Record<'work-order.assigned@1' | 'work-order.arrived@1' | 'work-order.completed@1', EventHandler> {
  async function signal(requestId: string, send: (handle: ReturnType<Platform['temporal']['workflow']['getHandle']>) => Promise<void>): Promise<void> {
    try {
      await send(platform.temporal.workflow.getHandle(requestId));
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      platform.logger.warn({ workflowId: requestId }, 'work-order fact for a request with no running process; skipped');
    }
  }

  return {
    'work-order.assigned@1': async ({ event }: ConsumedEvent) => {
      const { data } = event as KnownEvent<'work-order.assigned@1'>;
      await signal(data.requestId, (h) => h.signal(workOrderAssignedSignal, { eventId: event.id, at: data.assignedAt, workOrderId: data.workOrderId, engineerId: data.engineerId }));
    },
    'work-order.arrived@1': async ({ event }: ConsumedEvent) => {
      const { data } = event as KnownEvent<'work-order.arrived@1'>;
      await signal(data.requestId, (h) => h.signal(engineerArrivedSignal, { eventId: event.id, at: data.arrivedAt, workOrderId: data.workOrderId }));
    },
    'work-order.completed@1': async ({ event }: ConsumedEvent) => {
      const { data } = event as KnownEvent<'work-order.completed@1'>;
      const request = await models.serviceRequests.findById(data.requestId, { serialNumber: 1, customerId: 1 }).lean();
      if (request) {
        // The machine's history keeps what was done even if the customer later rejects the work.
        await recordServiceHistory(
          models,
          {
            _id: `work-order:${event.id}`,
            serialNumber: request.serialNumber,
            customerId: request.customerId,
            at: new Date(data.finishedAt),
            kind: 'repair',
            summary: `${data.workDone} (cause: ${data.cause}; fix: ${data.fix})`,
            parts: data.partsUsed.map((p) => ({ partNumber: p.partNumber, quantity: p.quantity, ...(p.removedSerial ? { removedSerial: p.removedSerial } : {}) })),
            engineer: data.engineerId,
            serviceRequestId: data.requestId,
            workOrderId: data.workOrderId,
            source: { service: 'dispatch', eventId: event.id, reportedBy: data.engineerId },
          },
          platform.now(),
        );
      }
      await signal(data.requestId, (h) =>
        h.signal(workOrderCompletedSignal, { eventId: event.id, at: data.finishedAt, workOrderId: data.workOrderId, engineerId: data.engineerId, cause: data.cause, fix: data.fix, firstTimeFix: data.firstTimeFix }),
      );
    },
  };
}
