/**
 * Wall-clock ↔ instant conversion for IANA time zones with nothing but `Intl.DateTimeFormat`
 * and `Date.UTC`, so it runs unchanged inside the Temporal workflow sandbox.
 *
 * A "wall" value is a local date and time encoded as if it were UTC milliseconds
 * (`Date.UTC(y, m - 1, d, hh, mm)`); it orders local times without any zone rules.
 */

export interface LocalDate {
  readonly year: number;
  readonly month: number; // 1..12
  readonly day: number; // 1..31
}

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const MINUTES_PER_DAY = 24 * 60;

/** The largest instant a Date can hold; beyond it Intl throws, so searches stop here. */
export const MAX_INSTANT_MS = 8.64e15;

/** Offsets in tzdb lie within -12h..+14h; 26h either side of a wall time brackets any transition near it. */
const BRACKET_MS = 26 * HOUR_MS;

// Building a formatter costs far more than using one; a module-level cache stays deterministic.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The local wall time of an instant, as wall milliseconds. */
export function wallAt(instantMs: number, timeZone: string): number {
  const seconds = Math.floor(instantMs / 1000) * 1000;
  const fields = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(seconds)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  // Some ICU versions print midnight as 24 even with h23.
  const hour = fields.hour === 24 ? 0 : fields.hour;
  return Date.UTC(fields.year, fields.month - 1, fields.day, hour, fields.minute, fields.second) + (instantMs - seconds);
}

/** Local time minus UTC at an instant, in ms (Berlin in summer: +7_200_000). */
export function offsetAt(instantMs: number, timeZone: string): number {
  return wallAt(instantMs, timeZone) - instantMs;
}

export function localDateAt(instantMs: number, timeZone: string): LocalDate {
  return localDateOfWall(wallAt(instantMs, timeZone));
}

export function localDateOfWall(wall: number): LocalDate {
  const d = new Date(wall);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function wallOf(date: LocalDate, minuteOfDay = 0): number {
  return Date.UTC(date.year, date.month - 1, date.day) + minuteOfDay * MINUTE_MS;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return localDateOfWall(wallOf(date) + days * DAY_MS);
}

export function isoWeekday(date: LocalDate): IsoWeekday {
  return (((new Date(wallOf(date)).getUTCDay() + 6) % 7) + 1) as IsoWeekday;
}

export function formatLocalDate(date: LocalDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** 'YYYY-MM-DD' that names a real date, or null. */
export function parseLocalDate(text: string): LocalDate | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  const roundTrip = localDateOfWall(wallOf(date));
  return roundTrip.month === date.month && roundTrip.day === date.day ? date : null;
}

/**
 * The first instant at which a wall clock in `timeZone` shows `wall` or later. This is the one
 * rule that turns a calendar boundary into an instant:
 * - an ordinary wall time maps to its only instant;
 * - a wall time repeated by a fall-back maps to its first occurrence;
 * - a wall time skipped by a spring-forward maps to the transition instant (when the clock jumps past it).
 * The map never decreases, so ordered wall intervals stay ordered and never overlap as instants.
 */
export function firstInstantAtOrAfter(wall: number, timeZone: string): number {
  const before = offsetAt(wall - BRACKET_MS, timeZone);
  const after = offsetAt(wall + BRACKET_MS, timeZone);
  const offsets = new Set([before, after]);
  for (const o of [before, after]) offsets.add(offsetAt(wall - o, timeZone));
  let earliest = Number.POSITIVE_INFINITY;
  for (const o of offsets) {
    const t = wall - o;
    if (t < earliest && offsetAt(t, timeZone) === o) earliest = t;
  }
  if (Number.isFinite(earliest)) return earliest;
  // A skipped wall time: the clock jumps over it somewhere in [wall - max offset, wall - min offset].
  let lo = wall - Math.max(before, after); // shows an earlier wall time
  let hi = wall - Math.min(before, after); // shows a later one
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallAt(mid, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi;
}

/**
 * Maps minutes of one local date (0..1440) to instants by the rule of `firstInstantAtOrAfter`.
 * Most days have one offset throughout; then the map is plain subtraction and costs two Intl calls.
 */
export function dayToInstants(date: LocalDate, timeZone: string): (minuteOfDay: number) => number {
  const dayStart = wallOf(date);
  const first = offsetAt(dayStart - BRACKET_MS, timeZone);
  const last = offsetAt(dayStart + DAY_MS + BRACKET_MS, timeZone);
  if (first === last) return (minuteOfDay) => dayStart + minuteOfDay * MINUTE_MS - first;
  return (minuteOfDay) => firstInstantAtOrAfter(dayStart + minuteOfDay * MINUTE_MS, timeZone);
}

/** The first instant of a calendar day ('YYYY-MM-DD') as people in `timeZone` live it; null for a date that does not exist. */
export function dayStartIn(date: string, timeZone: string): Date | null {
  const local = parseLocalDate(date);
  return local ? new Date(firstInstantAtOrAfter(wallOf(local), timeZone)) : null;
}

/** The first instant after a calendar day in `timeZone`: where a period whose last day is `date` ends. */
export function dayEndIn(date: string, timeZone: string): Date | null {
  const local = parseLocalDate(date);
  return local ? new Date(firstInstantAtOrAfter(wallOf(addDays(local, 1)), timeZone)) : null;
}
