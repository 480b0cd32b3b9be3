import type { KnownEvent } from '@aftersales/contracts';
import { applyOnce, type ConsumedEvent, type EventHandler, type Platform } from '@aftersales/platform';
import { boardEntryFromRegistered } from '../domain/board';
import type { Tier } from '../domain/work-order';
import { createBoard } from '../store/board';
import type { DispatchModels } from '../store/models';
import type { Planner } from '../store/planner';

export const boardConsumer = 'dispatch-service-requests';

/** Records each registered request on the board once, whatever the number of deliveries. */
export function createRegisteredHandler(platform: Platform, models: DispatchModels) {
  return async ({ event }: ConsumedEvent): Promise<void> => {
    const { data } = event as KnownEvent<'service-request.registered@1'>;
    const applied = await applyOnce(platform.mongo, boardConsumer, event.id, async () => {
      const entry = boardEntryFromRegistered(data, event.id, platform.now());
      // An insert: a second delivery of the same request leaves the first entry as it is.
      await createBoard(models).record(entry);
    });
    if (applied) platform.logger.info({ serviceRequestId: data.requestId }, 'service request on the dispatch board');
  };
}

/**
 * The request's later events, on the same topic and key as its registration (so the board entry
 * exists first): a dispatch request creates the work order, a re-assign escalation re-plans it, a
 * cancellation cancels it. Each is applied once by event id; the planner's writes are themselves
 * keyed, so a re-run after a crash before the inbox write changes nothing twice.
 */
export function createLifecycleHandlers(platform: Platform, planner: Planner): Partial<Record<'service-request.dispatch-requested@1' | 'service-request.escalated@1' | 'service-request.cancelled@1', EventHandler>> {
  return {
    'service-request.dispatch-requested@1': async ({ event }) => {
      const { data } = event as KnownEvent<'service-request.dispatch-requested@1'>;
      await applyOnce(platform.mongo, boardConsumer, event.id, async () => {
        const wo = await planner.createFromRequest(
          { requestId: data.requestId, customerId: data.customerId, serialNumber: data.serialNumber, tier: data.tier as Tier, responseMode: data.responseMode, onSiteDueAt: data.onSiteDueAt ? new Date(data.onSiteDueAt) : null },
          event.id,
        );
        platform.logger.info({ serviceRequestId: data.requestId, workOrderId: wo._id, status: wo.status, engineerId: wo.engineerId }, 'dispatch request planned');
      });
    },
    'service-request.escalated@1': async ({ event }) => {
      const { data } = event as KnownEvent<'service-request.escalated@1'>;
      if (data.action !== 'reassign') return;
      await applyOnce(platform.mongo, boardConsumer, event.id, async () => {
        const open = await planner.openWorkOrdersOf(data.requestId);
        for (const id of open) {
          const after = await planner.replan(id, 'escalation', 'escalation', event.id);
          platform.logger.info({ serviceRequestId: data.requestId, workOrderId: id, engineerId: after?.engineerId ?? null, moved: after !== null }, 'escalation re-plan');
        }
      });
    },
    'service-request.cancelled@1': async ({ event }) => {
      const { data } = event as KnownEvent<'service-request.cancelled@1'>;
      await applyOnce(platform.mongo, boardConsumer, event.id, async () => {
        const cancelled = await planner.cancelForRequest(data.requestId, data.reason, event.id);
        platform.logger.info({ serviceRequestId: data.requestId, workOrders: cancelled.map((w) => w._id) }, 'work orders cancelled with the request');
      });
    },
  };
}
