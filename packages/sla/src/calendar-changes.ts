/**
 * A clock whose calendar changed while it ran: next year's holidays published, an emergency
 * closure, a make-up working day. Working time before the change counts on the calendar in force
 * then, working time after it on the new one, so the elapsed time a clock had at the change never
 * moves and only what is left is measured anew.
 */
import type { ServiceCalendar } from './calendar-model';
import { timelineOf, type Timeline } from './calendar';

/** The calendar in force from `at` on (until the next change). */
export interface CalendarChange {
  readonly at: string;
  readonly calendar: ServiceCalendar;
  /** What changed, for people reading the clock, e.g. 'business-hours version 3'. */
  readonly label?: string;
}

interface Segment {
  readonly fromMs: number;
  readonly toMs: number;
  readonly timeline: Timeline;
}

/**
 * One timeline from consecutive calendars: `first` until the first change, each change's calendar
 * from its instant to the next. Changes must be in order of `at` (clocks only append them).
 */
export function piecewiseTimeline(first: ServiceCalendar, changes: readonly CalendarChange[]): Timeline {
  if (changes.length === 0) return timelineOf(first);
  const bounds = changes.map((c) => Date.parse(c.at));
  const calendars = [first, ...changes.map((c) => c.calendar)];
  const segments: Segment[] = calendars.map((calendar, i) => ({
    fromMs: i === 0 ? Number.NEGATIVE_INFINITY : bounds[i - 1]!,
    toMs: i < bounds.length ? bounds[i]! : Number.POSITIVE_INFINITY,
    timeline: timelineOf(calendar),
  }));
  return {
    between(fromMs, toMs) {
      let total = 0;
      for (const s of segments) {
        const a = Math.max(fromMs, s.fromMs);
        const b = Math.min(toMs, s.toMs);
        if (b > a) total += s.timeline.between(a, b);
      }
      return total;
    },
    add(fromMs, durationMs) {
      if (durationMs === 0) return fromMs;
      let remaining = durationMs;
      for (const s of segments) {
        if (s.toMs <= fromMs) continue;
        const cursor = Math.max(fromMs, s.fromMs);
        if (s.toMs === Number.POSITIVE_INFINITY) return s.timeline.add(cursor, remaining);
        const available = s.timeline.between(cursor, s.toMs);
        if (remaining <= available) return s.timeline.add(cursor, remaining);
        remaining -= available;
      }
      throw new Error('unreachable: the last segment is endless');
    },
  };
}
