import type { WorkflowHandle } from '@temporalio/client';
import type { KnownEvent } from '@aftersales/contracts';
import type { ConsumedEvent, EventHandler, Platform } from '@aftersales/platform';
import { engineerArrivedSignal, routeChosenSignal, workOrderAssignedSignal, workOrderCompletedSignal, workOrderStepSignal, type WorkOrderStep } from '@aftersales/workflows';
import type { IntakeModels } from '../store/models';
import { recordServiceHistory } from '../store/service-history';
import { signalRequest } from './signal-request';

export const dispatchFactsConsumer = 'intake-dispatch-facts';

/** Dispatch's work-order facts become signals on the request's workflow (see signalRequest). */
type StepEvent =
  | 'work-order.accepted@1'
  | 'work-order.declined@1'
  | 'work-order.travel-started@1'
  | 'work-order.work-started@1'
  | 'work-order.work-finished@1'
  | 'work-order.replanned@1'
  | 'work-order.cancelled@1';

type StepOf = { step: WorkOrderStep; at: string; note?: string; plannedStart?: string | null };

/** Each step event as the workflow's step, with the instant and note it carries. */
const steps: { [K in StepEvent]: (data: KnownEvent<K>['data']) => StepOf } = {
  'work-order.accepted@1': (d) => ({ step: 'accepted', at: d.acceptedAt }),
  'work-order.declined@1': (d) => ({ step: 'declined', at: d.declinedAt, note: `declined: ${d.reason}` }),
  'work-order.travel-started@1': (d) => ({ step: 'travel-started', at: d.startedAt }),
  'work-order.work-started@1': (d) => ({ step: 'work-started', at: d.startedAt }),
  'work-order.work-finished@1': (d) => ({ step: 'work-finished', at: d.finishedAt }),
  'work-order.replanned@1': (d) => ({
    step: 'replanned',
    at: d.replannedAt,
    plannedStart: d.plannedStart ?? null,
    note: `re-planned (${d.reason}) from ${d.fromEngineerId ?? 'nobody'} to ${d.engineerId ?? 'nobody'}`,
  }),
  'work-order.cancelled@1': (d) => ({ step: 'cancelled', at: d.cancelledAt, note: `work order cancelled: ${d.reason}` }),
};

export type DispatchFactEvent = 'work-order.assigned@1' | 'work-order.arrived@1' | 'work-order.completed@1' | 'work-order.route-chosen@1' | StepEvent;

export function createDispatchFactHandlers(platform: Platform, models: IntakeModels): Record<DispatchFactEvent, EventHandler> {
  const signal = (requestId: string, send: (handle: WorkflowHandle) => Promise<void>) => signalRequest(platform, requestId, send, 'work-order');

  const stepHandler = <K extends StepEvent>(key: K): EventHandler =>
    async ({ event }: ConsumedEvent) => {
      const { data } = event as KnownEvent<K>;
      const { step, at, note, plannedStart } = steps[key](data);
      const { workOrderId, requestId, engineerId } = data as { workOrderId: string; requestId: string; engineerId: string | null };
      await signal(requestId, (h) =>
        h.signal(workOrderStepSignal, { eventId: event.id, at, workOrderId, engineerId, step, ...(note ? { note } : {}), ...(plannedStart !== undefined ? { plannedStart } : {}) }),
      );
    };
  const stepHandlers = Object.fromEntries((Object.keys(steps) as StepEvent[]).map((key) => [key, stepHandler(key)])) as Record<StepEvent, EventHandler>;

  return {
    ...stepHandlers,
    'work-order.route-chosen@1': async ({ event }: ConsumedEvent) => {
      const { data } = event as KnownEvent<'work-order.route-chosen@1'>;
      await signal(data.requestId, (h) => h.signal(routeChosenSignal, { eventId: event.id, at: data.chosenAt, workOrderId: data.workOrderId, route: data.route, by: data.by }));
    },
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
