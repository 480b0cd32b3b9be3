import { InvalidCalendarError, type CalendarProblem } from './errors';
import { isKnownTimeZone, parseLocalDate, type IsoWeekday } from './local-time';

/** One working interval of a day, local wall-clock times 'HH:MM'; `end` may be '24:00' (midnight at the end of the day). */
export interface WorkingInterval {
  readonly start: string;
  readonly end: string;
}

/** Working intervals for each ISO weekday (Monday = 1 … Sunday = 7); `[]` is a closed day. */
export type WorkingWeek = Readonly<Record<IsoWeekday, readonly WorkingInterval[]>>;

/** Clocks run all the time. `timeZone` (default 'UTC') only says where days begin, for next-business-day targets. */
export interface AlwaysOpenCalendar {
  readonly kind: '24x7';
  readonly timeZone?: string;
}

/**
 * A dated day that wins over the weekly template: `hours: []` closes it (a holiday, an emergency
 * closure), hours on a closed weekday open it (a make-up working day, China's 调休), fewer hours
 * shorten it (New Year's Eve until noon).
 */
export interface CalendarException {
  /** Local date 'YYYY-MM-DD'. */
  readonly date: string;
  readonly hours: readonly WorkingInterval[];
  readonly reason?: string;
}

export interface BusinessCalendar {
  readonly kind: 'business';
  /** IANA zone the working hours and holidays are local to, e.g. 'Europe/Berlin'. */
  readonly timeZone: string;
  readonly week: WorkingWeek;
  /** Local dates 'YYYY-MM-DD' with no working time. */
  readonly holidays: readonly string[];
  /** Dated exceptions; a date may be listed once, here or in `holidays`. */
  readonly exceptions?: readonly CalendarException[];
}

export type ServiceCalendar = AlwaysOpenCalendar | BusinessCalendar;

export const ISO_WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

/** Minutes since local midnight as [start, end) pairs per ISO weekday (index 0 unused). */
export interface CompiledBusinessCalendar {
  readonly timeZone: string;
  readonly week: ReadonlyArray<ReadonlyArray<readonly [number, number]>>;
  /** Dated days, holidays included (as []): local date -> minute ranges, winning over `week`. */
  readonly days: ReadonlyMap<string, ReadonlyArray<readonly [number, number]>>;
  /** How many dated days are closed: bounds the search for working time. */
  readonly closedDays: number;
}

const START_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
const END_PATTERN = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

function minutesOf(text: unknown, pattern: RegExp): number | null {
  if (typeof text !== 'string') return null;
  const match = pattern.exec(text);
  if (!match) return null;
  const hours = match[1] ?? match[3];
  const minutes = match[2] ?? match[4];
  return Number(hours) * 60 + Number(minutes);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every problem with a calendar (empty when it is valid). Takes `unknown` because calendars
 * arrive as configuration and JSON; each problem names the field it is about.
 */
export function validateCalendar(calendar: unknown): CalendarProblem[] {
  const problems: CalendarProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, message });
  if (!isRecord(calendar)) return [{ field: 'calendar', message: 'must be an object' }];

  // A misspelt field ('holiday', 'exception') would otherwise be dropped without a word.
  const unknownFields = (value: Record<string, unknown>, known: readonly string[], prefix: string) => {
    for (const key of Object.keys(value)) if (!known.includes(key)) problem(`${prefix}${key}`, 'unknown field');
  };
  if (calendar.kind === '24x7') {
    unknownFields(calendar, ['kind', 'timeZone'], '');
    if (calendar.timeZone !== undefined && (typeof calendar.timeZone !== 'string' || !isKnownTimeZone(calendar.timeZone))) {
      problem('timeZone', `unknown IANA time zone ${JSON.stringify(calendar.timeZone)}`);
    }
    return problems;
  }
  if (calendar.kind !== 'business') return [{ field: 'kind', message: "must be '24x7' or 'business'" }];
  unknownFields(calendar, ['kind', 'timeZone', 'week', 'holidays', 'exceptions'], '');

  if (typeof calendar.timeZone !== 'string' || !isKnownTimeZone(calendar.timeZone)) {
    problem('timeZone', `unknown IANA time zone ${JSON.stringify(calendar.timeZone)}`);
  }

  const week = calendar.week;
  let workingMinutes = 0;
  if (!isRecord(week)) {
    problem('week', 'must map ISO weekdays 1..7 (Monday = 1) to lists of intervals');
  } else {
    for (const key of Object.keys(week)) {
      if (!ISO_WEEKDAYS.some((d) => String(d) === key)) problem(`week.${key}`, 'not an ISO weekday; use 1 (Monday) .. 7 (Sunday)');
    }
    for (const day of ISO_WEEKDAYS) {
      const intervals = week[day];
      if (!Array.isArray(intervals)) {
        problem(`week.${day}`, 'missing; give a list of intervals, [] for a closed day');
        continue;
      }
      workingMinutes += checkIntervals(`week.${day}`, intervals, problem);
    }
    if (workingMinutes === 0 && !problems.some((p) => p.field.startsWith('week'))) {
      problem('week', 'no working time on any day; a calendar must have some (use 24x7 for always-open)');
    }
  }

  const dated = new Map<string, string>();
  const onceEach = (date: string, field: string) => {
    const earlier = dated.get(date);
    if (earlier) problem(field, `${date} is already listed as ${earlier}; a date may be listed once`);
    else dated.set(date, field);
  };
  if (!Array.isArray(calendar.holidays)) {
    problem('holidays', "must be a list of local dates 'YYYY-MM-DD' ([] for none)");
  } else {
    calendar.holidays.forEach((h: unknown, i) => {
      if (typeof h !== 'string' || !parseLocalDate(h)) problem(`holidays[${i}]`, `${JSON.stringify(h)} is not a date 'YYYY-MM-DD'`);
      else onceEach(h, `holidays[${i}]`);
    });
  }
  if (calendar.exceptions !== undefined) {
    if (!Array.isArray(calendar.exceptions)) {
      problem('exceptions', 'must be a list of { date, hours } ([] for none)');
    } else {
      calendar.exceptions.forEach((e: unknown, i) => {
        const field = `exceptions[${i}]`;
        if (!isRecord(e)) return problem(field, 'must be { date, hours, reason? }');
        unknownFields(e, ['date', 'hours', 'reason'], `${field}.`);
        if (typeof e.date !== 'string' || !parseLocalDate(e.date)) problem(`${field}.date`, `${JSON.stringify(e.date)} is not a date 'YYYY-MM-DD'`);
        else onceEach(e.date, `${field}.date`);
        if (!Array.isArray(e.hours)) problem(`${field}.hours`, 'must be a list of intervals, [] for a closed day');
        else checkIntervals(`${field}.hours`, e.hours, problem);
        if (e.reason !== undefined && typeof e.reason !== 'string') problem(`${field}.reason`, 'must be text');
      });
    }
  }
  return problems;
}

/** Checks one day's intervals, each problem naming `field[i]`; returns the day's working minutes. */
function checkIntervals(field: string, intervals: readonly unknown[], problem: (field: string, message: string) => void): number {
  let previousEnd = -1;
  let minutes = 0;
  intervals.forEach((interval: unknown, i) => {
    const at = `${field}[${i}]`;
    const start = minutesOf(isRecord(interval) ? interval.start : undefined, START_PATTERN);
    const end = minutesOf(isRecord(interval) ? interval.end : undefined, END_PATTERN);
    if (start === null) problem(`${at}.start`, "must be 'HH:MM' between 00:00 and 23:59");
    if (end === null) problem(`${at}.end`, "must be 'HH:MM' between 00:01 and 24:00");
    if (start === null || end === null) return;
    if (end <= start) {
      problem(`${at}.end`, 'must be after start; an interval may not cross midnight (split it at 24:00 / 00:00)');
      return;
    }
    if (start < previousEnd) problem(`${at}.start`, 'overlaps or comes before the previous interval; list intervals in order');
    previousEnd = Math.max(previousEnd, end);
    minutes += end - start;
  });
  return minutes;
}

export function assertValidCalendar(calendar: unknown): asserts calendar is ServiceCalendar {
  const problems = validateCalendar(calendar);
  if (problems.length > 0) throw new InvalidCalendarError(problems);
}

/** Validates once and turns 'HH:MM' strings into minutes, so the arithmetic never parses in a loop. */
export function compileBusinessCalendar(calendar: BusinessCalendar): CompiledBusinessCalendar {
  assertValidCalendar(calendar);
  const toMinutes = (hours: readonly WorkingInterval[]) =>
    hours.map((i) => [minutesOf(i.start, START_PATTERN) ?? 0, minutesOf(i.end, END_PATTERN) ?? 0] as const);
  const week: Array<ReadonlyArray<readonly [number, number]>> = [[]];
  for (const day of ISO_WEEKDAYS) week[day] = toMinutes(calendar.week[day]);
  const days = new Map<string, ReadonlyArray<readonly [number, number]>>(calendar.holidays.map((h) => [h, []]));
  for (const { date, hours } of calendar.exceptions ?? []) days.set(date, toMinutes(hours));
  const closedDays = [...days.values()].filter((d) => d.length === 0).length;
  return { timeZone: calendar.timeZone, week, days, closedDays };
}
