/**
 * An engineer's calendar as intervals: the working windows of the next working days (from the
 * engineer's service calendar), and the 15-minute grid bookings are claimed on.
 */
import { endOfBusinessDay, isWorkingInstant, nextBusinessDayStart, nextWorkingInstant, type ServiceCalendar } from '@aftersales/sla';
import type { Interval } from './assignment';

/** Bookings are claimed in slots of this length: one unique key per engineer per slot. */
export const SLOT_MINUTES = 15;
const SLOT_MS = SLOT_MINUTES * 60_000;

/** The end of the `days`-th working day counted from the one `from` falls in (or the next one). */
export function planningHorizonEnd(calendar: ServiceCalendar, from: Date, days = 2): Date {
  let dayStart = nextWorkingInstant(calendar, from);
  for (let i = 1; i < days; i++) dayStart = nextBusinessDayStart(calendar, dayStart);
  const end = endOfBusinessDay(calendar, dayStart);
  // A 24x7 day ends at the next midnight; never less than a full day ahead of `from`.
  return end.getTime() > from.getTime() ? end : new Date(from.getTime() + 86_400_000);
}

/**
 * Working windows between `from` and `to` on the slot grid: contiguous working slots merged. A slot
 * counts when the calendar works at its start and just before its end (so 12:00–13:00 lunch is out).
 */
export function workingWindows(calendar: ServiceCalendar, from: Date, to: Date): Interval[] {
  const windows: Interval[] = [];
  if (calendar.kind === '24x7') return to > from ? [{ start: from, end: to }] : [];
  let open: number | null = null;
  const first = ceilToSlot(from.getTime());
  for (let t = first; t < to.getTime(); t += SLOT_MS) {
    const working = isWorkingInstant(calendar, new Date(t)) && isWorkingInstant(calendar, new Date(t + SLOT_MS - 1));
    if (working && open === null) open = t;
    if (!working && open !== null) {
      windows.push({ start: new Date(open), end: new Date(t) });
      open = null;
    }
  }
  if (open !== null) windows.push({ start: new Date(open), end: new Date(Math.min(to.getTime(), floorToSlot(to.getTime()))) });
  return windows.filter((w) => w.end > w.start);
}

/**
 * `workingWindows` remembered per calendar and (first slot, end): the calendar library compiles
 * the calendar on every instant it is asked about, so a pool's windows cost tens of milliseconds
 * per call, while they change only when the slot or the horizon moves. A business calendar's
 * windows depend on `from` only through its slot (`ceilToSlot`), so the result is the same as
 * computing them afresh; a 24x7 window starts at `from` itself and is cheap, so it is not kept.
 * A new calendar version is a new object and misses; `limit` keeps the memory bounded.
 */
export function createWorkingWindowsCache(limit = 256) {
  let byCalendar = new WeakMap<ServiceCalendar, Map<string, readonly Interval[]>>();
  let size = 0;
  return function windowsOf(calendar: ServiceCalendar, from: Date, to: Date): readonly Interval[] {
    if (calendar.kind === '24x7') return workingWindows(calendar, from, to);
    const key = `${ceilToSlot(from.getTime())}|${to.getTime()}`;
    let known = byCalendar.get(calendar);
    const hit = known?.get(key);
    if (hit) return hit;
    if (size >= limit) {
      byCalendar = new WeakMap();
      size = 0;
      known = undefined;
    }
    if (!known) byCalendar.set(calendar, (known = new Map()));
    const windows = Object.freeze(workingWindows(calendar, from, to));
    known.set(key, windows);
    size++;
    return windows;
  };
}

export function floorToSlot(ms: number): number {
  return Math.floor(ms / SLOT_MS) * SLOT_MS;
}

export function ceilToSlot(ms: number): number {
  return Math.ceil(ms / SLOT_MS) * SLOT_MS;
}

/** The slot starts an interval occupies on the grid, the partly covered first and last ones included. */
export function slotStarts(interval: Interval): Date[] {
  const slots: Date[] = [];
  for (let t = floorToSlot(interval.start.getTime()); t < interval.end.getTime(); t += SLOT_MS) slots.push(new Date(t));
  return slots;
}

/**
 * The unique keys a booking claims, in time order: `engineerId|slotStart`. Every claimant inserts in
 * this order, so of two overlapping bookings the earlier shared slot decides and one of them wins.
 */
export function slotClaimKeys(engineerId: string, interval: Interval): string[] {
  return slotStarts(interval).map((s) => `${engineerId}|${s.toISOString()}`);
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The free parts of windows once busy intervals are cut out (what the schedule shows as free). */
export function subtract(windows: readonly Interval[], busy: readonly Interval[]): Interval[] {
  let free = windows.map((w) => ({ start: w.start.getTime(), end: w.end.getTime() }));
  for (const b of busy) {
    const bs = b.start.getTime();
    const be = b.end.getTime();
    free = free.flatMap((w) => {
      if (be <= w.start || bs >= w.end) return [w];
      const parts: { start: number; end: number }[] = [];
      if (bs > w.start) parts.push({ start: w.start, end: bs });
      if (be < w.end) parts.push({ start: be, end: w.end });
      return parts;
    });
  }
  return free.map((w) => ({ start: new Date(w.start), end: new Date(w.end) }));
}
