import { proxyActivities, sleep } from '@temporalio/workflow';
import type { CalendarRolloutActivities, CalendarRolloutInput } from './activities';

const activities = proxyActivities<CalendarRolloutActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const pageSize = 200;
/**
 * A request registered while the version was being stored may have started under the one before
 * (intake caches calendar heads for a few seconds): a second pass after this catches it. Requests
 * already on the version ignore the repeat, so each recomputes once.
 */
const defaultCatchUpAfterMs = 60_000;

export interface CalendarRolloutResult {
  signalled: number;
  passes: number;
}

/**
 * Brings a new calendar version to every open service request on that calendar, once its
 * effective instant has come. Durable: a crash of intake mid-way resumes at the page it was on.
 * Its id is `calendar-rollout:<calendar>@<version>`, so a version rolls out once.
 */
export async function calendarRollout(input: CalendarRolloutInput): Promise<CalendarRolloutResult> {
  const wait = Date.parse(input.effectiveFrom) - Date.now();
  if (wait > 0) await sleep(wait);
  let signalled = 0;
  for (let pass = 1; pass <= 2; pass += 1) {
    if (pass === 2) await sleep(input.catchUpAfterMs ?? defaultCatchUpAfterMs);
    let after: string | null = null;
    do {
      const page: { requestIds: string[]; next: string | null } = await activities.openRequestsOnCalendar({ calendarId: input.calendarId, after, limit: pageSize });
      if (page.requestIds.length > 0) {
        const took = await activities.sendCalendarChange({ requestIds: page.requestIds, change: input });
        if (pass === 1) signalled += took;
      }
      after = page.next;
    } while (after !== null);
  }
  return { signalled, passes: 2 };
}
