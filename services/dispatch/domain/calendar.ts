/**
 * An engineer's calendar as one document: the bookings not yet over (and those that ended within
 * the fairness window, kept as their end instants only). Ranking reads it instead of the bookings,
 * so the cost of a candidate does not grow with the bookings stored over the years. Pure helpers;
 * the store writes the document under the engineer's lock (store/calendars.ts).
 */
import type { Interval } from './assignment';
import { ceilToSlot, floorToSlot } from './schedule';

export const FAIRNESS_WINDOW_MS = 30 * 86_400_000;

export interface CalendarEntry {
  bookingId: string;
  workOrderId: string;
  departAt: Date;
  start: Date;
  end: Date;
  state: 'pending' | 'confirmed';
  createdAt: Date;
}

export interface EngineerCalendar {
  /** Bookings whose end lies after the last write (the ranking still drops those over by now). */
  entries: CalendarEntry[];
  /** End instants (ms) of bookings that ended within the fairness window before the last write. */
  pastEnds: number[];
}

export const emptyCalendar = (): EngineerCalendar => ({ entries: [], pastEnds: [] });

/**
 * Moves entries whose held slots are over by `now` into pastEnds and forgets ends older than the
 * fairness window. An entry stays until its last slot ends, not its own end: the claim of a job's
 * last, partly used slot lives that long, and a calendar that dropped the entry earlier would offer
 * a slot its claims refuse.
 */
export function compact(calendar: EngineerCalendar, now: Date): EngineerCalendar {
  const t = now.getTime();
  const over = calendar.entries.filter((e) => ceilToSlot(e.end.getTime()) <= t);
  return {
    entries: calendar.entries.filter((e) => ceilToSlot(e.end.getTime()) > t),
    pastEnds: [...calendar.pastEnds, ...over.map((e) => e.end.getTime())].filter((end) => end > t - FAIRNESS_WINDOW_MS).sort((a, b) => a - b),
  };
}

/** The time an entry holds, at the slot claims' 15-minute grain (travel included). */
export function heldInterval(e: Pick<CalendarEntry, 'departAt' | 'end'>): Interval {
  return { start: new Date(floorToSlot(e.departAt.getTime())), end: new Date(ceilToSlot(e.end.getTime())) };
}

/** The first entry (earliest) whose held slots meet the interval's slots, or null. */
export function clashIn(calendar: EngineerCalendar, interval: Interval, exceptBookingId: string | null = null): CalendarEntry | null {
  const wanted = heldInterval({ departAt: interval.start, end: interval.end });
  const hits = calendar.entries
    .filter((e) => e.bookingId !== exceptBookingId)
    .filter((e) => {
      const held = heldInterval(e);
      return held.start < wanted.end && wanted.start < held.end;
    })
    .sort((a, b) => a.departAt.getTime() - b.departAt.getTime());
  return hits[0] ?? null;
}

/** Load and fairness as the ranking counts them: open jobs (not over by now), jobs ending from `since` on. */
export function loadOf(calendar: EngineerCalendar, now: Date, since: Date, horizonEnd: Date): { openJobs: number; jobsLast30Days: number } {
  const live = calendar.entries.filter((e) => e.departAt < horizonEnd);
  return {
    openJobs: live.filter((e) => e.end > now).length,
    jobsLast30Days: live.filter((e) => e.end > since).length + calendar.pastEnds.filter((end) => end > since.getTime()).length,
  };
}
