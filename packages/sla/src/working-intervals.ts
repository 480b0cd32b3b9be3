import { type CompiledBusinessCalendar } from './calendar-model';
import { NoWorkingTimeError, SlaArgumentError } from './errors';
import {
  HOUR_MS,
  MAX_INSTANT_MS,
  addDays,
  dayToInstants,
  formatLocalDate,
  isoWeekday,
  localDateAt,
  wallOf,
  type LocalDate,
} from './local-time';

/** [start, end) in epoch ms. */
export type Span = readonly [number, number];

/** No zone is ahead of UTC by more than this; a wall time's instant is at least wall - 14h. */
const MAX_POSITIVE_OFFSET_MS = 14 * HOUR_MS;

/** Minute ranges of a local date: its dated exception if it has one, else its weekday's ([] when closed). */
function wallIntervalsOf(calendar: CompiledBusinessCalendar, date: LocalDate): ReadonlyArray<readonly [number, number]> {
  return calendar.days.get(formatLocalDate(date)) ?? calendar.week[isoWeekday(date)] ?? [];
}

/** A local date's working time as instants; intervals a DST gap swallows whole are dropped. */
export function dayWorkingSpans(calendar: CompiledBusinessCalendar, date: LocalDate): Span[] {
  const walls = wallIntervalsOf(calendar, date);
  if (walls.length === 0) return [];
  const toInstant = dayToInstants(date, calendar.timeZone);
  const spans: Span[] = [];
  for (const [a, b] of walls) {
    const start = toInstant(a);
    const end = toInstant(b);
    if (end > start) spans.push([start, end]);
  }
  return spans;
}

/**
 * The local dates from the one containing `fromMs` on, each with its working spans. Throws once
 * more consecutive dates than holidays and weekends could explain have had no working time, so a
 * search for working time can never loop forever.
 */
export function* workingDays(calendar: CompiledBusinessCalendar, fromMs: number): Generator<{ date: LocalDate; spans: Span[] }> {
  // A valid week works on some weekday; only closed dated days (and, rarely, a DST gap swallowing a whole interval) can close it.
  const emptyDaysAllowed = 7 * (calendar.closedDays + 4);
  let date = localDateAt(fromMs, calendar.timeZone);
  let emptyDays = 0;
  for (;;) {
    if (wallOf(date) - MAX_POSITIVE_OFFSET_MS > MAX_INSTANT_MS) {
      throw new SlaArgumentError('durationMs', 'the result lies beyond the range of a Date');
    }
    const spans = dayWorkingSpans(calendar, date);
    if (spans.length > 0) emptyDays = 0;
    else if (++emptyDays > emptyDaysAllowed) {
      throw new NoWorkingTimeError(
        `no working time in ${emptyDays} consecutive days from ${formatLocalDate(date)} in ${calendar.timeZone}; check the calendar's week and holidays`,
      );
    }
    yield { date, spans };
    date = addDays(date, 1);
  }
}

/**
 * Working spans that end after `fromMs` and start before `untilMs`, clipped to [fromMs, untilMs),
 * in order, one local day at a time (never minute by minute).
 */
export function* workingSpans(calendar: CompiledBusinessCalendar, fromMs: number, untilMs = Number.POSITIVE_INFINITY): Generator<Span> {
  for (const { date, spans } of workingDays(calendar, fromMs)) {
    // Nothing on this date or later can start before this (no zone is more than 14h ahead).
    if (wallOf(date) - MAX_POSITIVE_OFFSET_MS >= untilMs) return;
    for (const [start, end] of spans) {
      if (start >= untilMs) return;
      if (end <= fromMs) continue;
      yield [Math.max(start, fromMs), Math.min(end, untilMs)];
    }
  }
}
