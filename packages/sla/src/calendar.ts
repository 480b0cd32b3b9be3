/**
 * Business-time arithmetic on a service calendar. Pure and deterministic: every instant comes in
 * as an argument, and only `Intl.DateTimeFormat` is used for zones, so the `serviceRequest`
 * workflow can call all of it inside its sandbox.
 *
 * Semantics shared by every function:
 * - Working time is the union of the calendar's intervals, each local wall-clock boundary mapped to
 *   the first instant the local clock shows it (see `firstInstantAtOrAfter`). On a spring-forward
 *   day an interval spanning the gap is an hour shorter in real time, on fall-back an hour longer.
 * - `addBusinessTime` answers the *earliest* instant at which the duration has elapsed: a duration
 *   that ends with an interval returns that interval's end (due 17:30 Friday, not 08:30 Monday),
 *   and a zero duration returns the start itself, even outside working hours. That makes
 *   add(add(s, a), b) = add(s, a + b) hold for every a, b >= 0.
 * - Durations are whole, non-negative milliseconds (a Date holds no finer time).
 */
import { assertValidCalendar, compileBusinessCalendar, type ServiceCalendar } from './calendar-model';
import { SlaArgumentError } from './errors';
import { addDays, firstInstantAtOrAfter, localDateAt, wallOf } from './local-time';
import { workingDays, workingSpans, type Span } from './working-intervals';

export {
  assertValidCalendar,
  validateCalendar,
  type AlwaysOpenCalendar,
  type BusinessCalendar,
  type CalendarException,
  type ServiceCalendar,
  type WorkingInterval,
  type WorkingWeek,
} from './calendar-model';
export type { IsoWeekday } from './local-time';

/** A span of time the clock does not count; `to: null` is still open. */
export interface PauseInterval {
  readonly from: Date;
  readonly to: Date | null;
}

/** Working-time arithmetic in epoch ms, for one calendar; the clock module works on this directly. */
export interface Timeline {
  /** Earliest instant at or after `fromMs` by which `durationMs` of working time has elapsed. */
  add(fromMs: number, durationMs: number): number;
  /** Working time in [fromMs, toMs); 0 when toMs <= fromMs. */
  between(fromMs: number, toMs: number): number;
}

export function timelineOf(calendar: ServiceCalendar): Timeline {
  if (calendar.kind === '24x7') {
    assertValidCalendar(calendar);
    return { add: (fromMs, d) => fromMs + d, between: (fromMs, toMs) => Math.max(0, toMs - fromMs) };
  }
  const compiled = compileBusinessCalendar(calendar);
  return {
    add(fromMs, durationMs) {
      if (durationMs === 0) return fromMs;
      let remaining = durationMs;
      for (const [start, end] of workingSpans(compiled, fromMs)) {
        if (remaining <= end - start) return start + remaining;
        remaining -= end - start;
      }
      throw new Error('unreachable: workingSpans is endless or throws');
    },
    between(fromMs, toMs) {
      if (toMs <= fromMs) return 0;
      let total = 0;
      for (const [start, end] of workingSpans(compiled, fromMs, toMs)) total += end - start;
      return total;
    },
  };
}

export function toInstantMs(field: string, value: Date): number {
  const ms = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new SlaArgumentError(field, `${field} must be a valid Date`);
  return ms;
}

export function toDurationMs(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SlaArgumentError(field, `${field} must be a whole, non-negative number of milliseconds (got ${value})`);
  }
  return value;
}

/**
 * Pause spans clipped to [lo, hi), sorted and merged, so overlapping pauses count once.
 * An open pause runs to `hi`.
 */
export function mergePauses(pauses: readonly { fromMs: number; toMs: number | null }[], lo: number, hi: number): Span[] {
  const clipped: Span[] = [];
  for (const p of pauses) {
    const from = Math.max(p.fromMs, lo);
    const to = Math.min(p.toMs ?? hi, hi);
    if (to > from) clipped.push([from, to]);
  }
  clipped.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const [from, to] of clipped) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function pauseMs(pauses: readonly PauseInterval[]): Array<{ fromMs: number; toMs: number | null }> {
  return pauses.map((p, i) => {
    const fromMs = toInstantMs(`pauses[${i}].from`, p.from);
    const toMs = p.to === null ? null : toInstantMs(`pauses[${i}].to`, p.to);
    if (toMs !== null && toMs < fromMs) throw new SlaArgumentError(`pauses[${i}].to`, 'a pause cannot end before it starts');
    return { fromMs, toMs };
  });
}

/** Working time in [from, to) minus what the (merged) pauses cover, all in ms. */
export function betweenExcludingMs(timeline: Timeline, fromMs: number, toMs: number, pauses: readonly Span[]): number {
  if (toMs <= fromMs) return 0;
  let paused = 0;
  for (const [a, b] of pauses) paused += timeline.between(Math.max(a, fromMs), Math.min(b, toMs));
  return timeline.between(fromMs, toMs) - paused;
}

/** Earliest instant by which `durationMs` of unpaused working time has elapsed after `fromMs`; `pauses` merged and sorted. */
export function addExcludingMs(timeline: Timeline, fromMs: number, durationMs: number, pauses: readonly Span[]): number {
  if (durationMs === 0) return fromMs;
  let cursor = fromMs;
  let remaining = durationMs;
  for (const [a, b] of pauses) {
    if (b <= cursor) continue;
    if (a > cursor) {
      const available = timeline.between(cursor, a);
      if (remaining <= available) return timeline.add(cursor, remaining);
      remaining -= available;
    }
    cursor = Math.max(cursor, b);
  }
  return timeline.add(cursor, remaining);
}

/** The instant when `durationMs` of working time has elapsed after `start` (see the module note for edges). */
export function addBusinessTime(calendar: ServiceCalendar, start: Date, durationMs: number): Date {
  const from = toInstantMs('start', start);
  return new Date(timelineOf(calendar).add(from, toDurationMs('durationMs', durationMs)));
}

/** Working time in ms between two instants; 0 when `to <= from`. */
export function businessTimeBetween(calendar: ServiceCalendar, from: Date, to: Date): number {
  return timelineOf(calendar).between(toInstantMs('from', from), toInstantMs('to', to));
}

/**
 * Working time between two instants minus the working time inside the pauses. Pauses may overlap,
 * start before `from`, end after `to`, or lie outside working hours; an open pause runs to `to`.
 */
export function businessTimeBetweenExcluding(
  calendar: ServiceCalendar,
  from: Date,
  to: Date,
  pauses: readonly PauseInterval[],
): number {
  const fromMs = toInstantMs('from', from);
  const toMs = toInstantMs('to', to);
  return betweenExcludingMs(timelineOf(calendar), fromMs, toMs, mergePauses(pauseMs(pauses), fromMs, toMs));
}

/**
 * The instant when `durationMs` of working time outside the pauses has elapsed after `start`: the
 * inverse of `businessTimeBetweenExcluding`. Every pause must be closed (an open one never ends).
 */
export function addBusinessTimeExcluding(
  calendar: ServiceCalendar,
  start: Date,
  durationMs: number,
  pauses: readonly { from: Date; to: Date }[],
): Date {
  const fromMs = toInstantMs('start', start);
  const spans = mergePauses(pauseMs(pauses), fromMs, Number.POSITIVE_INFINITY);
  return new Date(addExcludingMs(timelineOf(calendar), fromMs, toDurationMs('durationMs', durationMs), spans));
}

/** Whether the clock runs at this instant. */
export function isWorkingInstant(calendar: ServiceCalendar, instant: Date): boolean {
  const ms = toInstantMs('instant', instant);
  return timelineOf(calendar).between(ms, ms + 1) === 1;
}

/** The instant itself when inside working hours, otherwise the start of the next working interval. */
export function nextWorkingInstant(calendar: ServiceCalendar, instant: Date): Date {
  const ms = toInstantMs('instant', instant);
  // The earliest instant with 1 ms of working time after it is where work (re)starts.
  return new Date(timelineOf(calendar).add(ms, 1) - 1);
}

/**
 * NBD: the first working instant of the first working day after the instant's local date.
 * On a 24x7 calendar every day is a working day starting at local midnight.
 */
export function nextBusinessDayStart(calendar: ServiceCalendar, instant: Date): Date {
  const ms = toInstantMs('instant', instant);
  if (calendar.kind === '24x7') {
    const timeZone = calendar.timeZone ?? 'UTC';
    return new Date(firstInstantAtOrAfter(wallOf(addDays(localDateAt(ms, timeZone), 1)), timeZone));
  }
  let today = true;
  for (const { spans } of workingDays(compileBusinessCalendar(calendar), ms)) {
    const first = spans[0];
    if (!today && first) return new Date(first[0]);
    today = false;
  }
  throw new Error('unreachable: workingDays is endless or throws');
}

/**
 * The end of the last working interval of the instant's local date or, when that date has no
 * working time, of the next working day. It may lie before the instant (asked at 20:00, today's
 * work ended at 17:30). NBD "by end of next business day" is
 * `endOfBusinessDay(c, nextBusinessDayStart(c, raisedAt))`.
 */
export function endOfBusinessDay(calendar: ServiceCalendar, instant: Date): Date {
  const ms = toInstantMs('instant', instant);
  if (calendar.kind === '24x7') return nextBusinessDayStart(calendar, instant);
  for (const { spans } of workingDays(compileBusinessCalendar(calendar), ms)) {
    const last = spans[spans.length - 1];
    if (last) return new Date(last[1]);
  }
  throw new Error('unreachable: workingDays is endless or throws');
}
