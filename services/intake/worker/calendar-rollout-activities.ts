import { WorkflowNotFoundError } from '@temporalio/client';
import type { Platform } from '@aftersales/platform';
import { calendarChangedSignal, type CalendarRolloutActivities } from '@aftersales/workflows';
import { fallbackCalendarId } from '../domain/sla-terms';
import type { IntakeModels, ServiceRequestDoc } from '../store/models';
import { boardEntries, readModelsOf } from '../store/read-models';

/**
 * The rollout's reads and signals. Open requests come from the SLA board's shard documents (every
 * open request, by `_id`), and each one's frozen entitlement says which calendar it runs on: a
 * handful of `_id` reads per page, no scan of the request collection.
 */
export function calendarRolloutActivitiesFor(platform: Platform, models: IntakeModels): CalendarRolloutActivities {
  const readModels = readModelsOf(models);
  const requests = models.serviceRequests.collection;
  return {
    async openRequestsOnCalendar({ calendarId, after, limit }) {
      const ids = (await boardEntries(readModels)).map((e) => e._id).filter((id) => after === null || id > after).sort();
      const page = ids.slice(0, limit);
      const docs = await Promise.all(page.map((id) => requests.findOne<Pick<ServiceRequestDoc, 'entitlement'>>({ _id: id } as never, { projection: { entitlement: 1 } })));
      const onCalendar = page.filter((_, i) => (docs[i]?.entitlement?.calendarId ?? fallbackCalendarId) === calendarId);
      return { requestIds: onCalendar, next: ids.length > limit ? page[page.length - 1]! : null };
    },
    async sendCalendarChange({ requestIds, change }) {
      const { effectiveFrom: _from, catchUpAfterMs: _wait, ...signal } = change;
      const took = await Promise.all(
        requestIds.map(async (id) => {
          try {
            await platform.temporal.workflow.getHandle(id).signal(calendarChangedSignal, signal);
            return 1;
          } catch (error) {
            // Closed since the page was read: nothing left to move.
            if (error instanceof WorkflowNotFoundError) return 0;
            throw error;
          }
        }),
      );
      return took.reduce<number>((a, b) => a + b, 0);
    },
  };
}
