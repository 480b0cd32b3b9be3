/**
 * Instants for tests against a server's clock. A test that registers at a literal date passes
 * only until that date goes by; these derive a start from the clock under test instead, so
 * hand-worked expectations stay exact on any day.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** 'YYYY-MM-DD' of an instant in UTC. */
const utcDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * 00:00 UTC of the first Monday at least `leadMs` after `nowMs` whose `spanDays` days hold none
 * of `holidays`. Asia/Shanghai is UTC+8 all year, so that Monday's 08:30 local is 00:30Z on the
 * same date and offsets from this instant read as local business hours.
 */
export function quietMondayAhead(
  nowMs: number,
  options: { holidays?: readonly string[]; leadMs?: number; spanDays?: number } = {},
): number {
  const { holidays = [], leadMs = DAY, spanDays = 14 } = options;
  const closed = new Set(holidays);
  let day = Math.floor((nowMs + leadMs) / DAY) * DAY + DAY;
  // 1970-01-01 was a Thursday: Monday is the day whose (days since epoch + 3) % 7 is 0.
  while ((day / DAY + 3) % 7 !== 0) day += DAY;
  for (;;) {
    const span = Array.from({ length: spanDays }, (_, i) => utcDate(day + i * DAY));
    if (!span.some((d) => closed.has(d))) return day;
    day += 7 * DAY;
  }
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * An instant in a test week as it reads in a hand-worked comment: `weekInstant(monday, 'Tue 05:30')`
 * is that week's Tuesday 05:30 UTC; 'Mon2'...'Sun2' are the week after. ISO with milliseconds,
 * as `Date.toISOString` and the services write it.
 */
export function weekInstant(mondayMs: number, spec: string): string {
  const match = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(2?) ([01]\d|2[0-3]):([0-5]\d)$/.exec(spec);
  if (!match) throw new Error(`weekInstant: '${spec}' is not 'Ddd[2] HH:MM'`);
  const dayIndex = WEEKDAYS.indexOf(match[1]!) + (match[2] ? 7 : 0);
  return new Date(mondayMs + dayIndex * DAY + Number(match[3]) * HOUR + Number(match[4]) * MINUTE).toISOString();
}

/** The local date 'YYYY-MM-DD' of a week day, for holidays placed relative to the test week. */
export function weekDate(mondayMs: number, weekday: string): string {
  return weekInstant(mondayMs, `${weekday} 00:00`).slice(0, 10);
}

/**
 * `hh:mm` UTC on the day `offsetDays` from today: an anchor for tests that inject their own clock,
 * so their instants move with the calendar instead of passing one day.
 */
export function utcDayAt(offsetDays: number, time: string, nowMs = Date.now()): Date {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return new Date(Math.floor(nowMs / 86_400_000) * 86_400_000 + offsetDays * 86_400_000 + (hours * 60 + minutes) * 60_000);
}
