import type { CalendarVersion } from '../service-request/sla-engine';

/** A calendar version on its way to the requests whose clocks run on it. */
export interface CalendarRolloutInput extends CalendarVersion {
  reason: string;
  changedBy: string;
  /** From when the version counts; the rollout waits for it. */
  effectiveFrom: string;
  /** How long to wait before the catch-up pass (default a minute). */
  catchUpAfterMs?: number;
}

/**
 * Activity types of the calendarRollout workflow. Implementations live in
 * services/intake/worker/calendar-rollout-activities.ts, beside the records they read.
 */
export interface CalendarRolloutActivities {
  /**
   * One page of the requests with an open clock: of the next `limit` after `after` (in id order),
   * those on the calendar, and where the next page starts (null after the last).
   */
  openRequestsOnCalendar(input: { calendarId: string; after: string | null; limit: number }): Promise<{ requestIds: string[]; next: string | null }>;
  /** Signals each request the new version; requests closed meanwhile are skipped. Returns how many took the signal. */
  sendCalendarChange(input: { requestIds: string[]; change: CalendarRolloutInput }): Promise<number>;
}
