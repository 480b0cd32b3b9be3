/**
 * A year's public holidays and make-up working days as a small text file operations can read,
 * diff and review, one line per day or range:
 *
 *   # comments and blank lines are ignored
 *   year 2026
 *   source 国务院办公厅关于2026年部分节假日安排的通知
 *   2026-01-01..2026-01-03 closed 元旦
 *   2026-01-04 working 元旦调休
 *   2026-12-31 hours 09:00-12:00 shortened day
 *
 * `closed` is a holiday, `working` a make-up day on the hours of a normal working day (or the
 * hours given after it), `hours` a day with its own (shortened) hours. Importing a file replaces
 * that year's dated entries of a calendar and leaves the weekly template and other years alone.
 */
import { ISO_WEEKDAYS, type BusinessCalendar, type CalendarException, type WorkingInterval } from './calendar-model';

export interface HolidayYear {
  year: number;
  source: string | null;
  closed: { date: string; name: string }[];
  days: { date: string; hours: WorkingInterval[] | null; name: string }[];
}

export interface HolidayFileProblem {
  line: number;
  message: string;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const intervalPattern = /^([01]\d|2[0-3]):[0-5]\d-(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const dayMs = 86_400_000;

function parseDate(text: string): Date | null {
  const m = datePattern.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text ? d : null;
}

/** Leading `HH:MM-HH:MM` words of a line's rest, then the name. */
function hoursAndName(words: string[]): { hours: WorkingInterval[]; name: string } {
  const hours: WorkingInterval[] = [];
  while (words.length > 0 && intervalPattern.test(words[0]!)) {
    const [start, end] = words.shift()!.split('-') as [string, string];
    hours.push({ start, end });
  }
  return { hours, name: words.join(' ') };
}

/** Parses a holiday file; every problem names its line. */
export function parseHolidayFile(text: string): { year: HolidayYear | null; problems: HolidayFileProblem[] } {
  const problems: HolidayFileProblem[] = [];
  let year: number | null = null;
  let source: string | null = null;
  const closed: HolidayYear['closed'] = [];
  const days: HolidayYear['days'] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const problem = (message: string) => problems.push({ line, message });
    const words = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) return;
    const head = words.shift()!;
    if (head === 'year') {
      if (year !== null) return problem('a second year line; one file holds one year');
      year = /^\d{4}$/.test(words[0] ?? '') && words.length === 1 ? Number(words[0]) : null;
      if (year === null) problem('write the year as `year YYYY`');
      return;
    }
    if (head === 'source') {
      source = words.join(' ') || null;
      return;
    }
    const [fromText, toText = fromText] = head.split('..') as [string, string?];
    const from = parseDate(fromText);
    const to = parseDate(toText ?? fromText);
    if (!from || !to) return problem(`${head} is not a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD`);
    if (to < from) return problem(`${head} ends before it starts`);
    if (year === null) return problem('the `year YYYY` line must come before the first day');
    if (from.getUTCFullYear() !== year || to.getUTCFullYear() !== year) return problem(`${head} is outside year ${year}`);
    const kind = words.shift();
    const { hours, name } = hoursAndName(words);
    if (kind !== 'closed' && kind !== 'working' && kind !== 'hours') return problem(`after the date write closed, working or hours, not ${kind ?? 'nothing'}`);
    if (kind === 'closed' && hours.length > 0) return problem('a closed day has no hours');
    if (kind === 'hours' && hours.length === 0) return problem('give the day\'s hours as HH:MM-HH:MM');
    for (let t = from.getTime(); t <= to.getTime(); t += dayMs) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (seen.has(date)) {
        problem(`${date} is listed twice`);
        continue;
      }
      seen.add(date);
      if (kind === 'closed') closed.push({ date, name });
      else days.push({ date, hours: hours.length > 0 ? hours : null, name });
    }
  });
  if (year === null && problems.length === 0) problems.push({ line: 1, message: 'no `year YYYY` line' });
  return { year: problems.length === 0 && year !== null ? { year, source, closed, days } : null, problems };
}

/** The hours of a normal working day: the first weekday of the template that has any. */
function normalDay(calendar: BusinessCalendar): readonly WorkingInterval[] {
  return ISO_WEEKDAYS.map((d) => calendar.week[d]).find((hours) => hours.length > 0) ?? [];
}

/**
 * The calendar with one year's dated entries replaced by the file's. Closed days that fall on a
 * closed weekday are kept as holidays too: they document the notice, and count nothing.
 */
export function importHolidayYear(calendar: BusinessCalendar, file: HolidayYear): BusinessCalendar {
  const prefix = `${file.year}-`;
  const exceptions: CalendarException[] = [
    ...(calendar.exceptions ?? []).filter((e) => !e.date.startsWith(prefix)),
    ...file.days.map(({ date, hours, name }) => ({ date, hours: hours ?? [...normalDay(calendar)], ...(name ? { reason: name } : {}) })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  const holidays = [...calendar.holidays.filter((d) => !d.startsWith(prefix)), ...file.closed.map((c) => c.date)].sort();
  return { ...calendar, holidays, exceptions };
}

/** The last day whose public holidays the calendar knows: the end of the latest year it lists any for. */
export function holidaysKnownThrough(calendar: BusinessCalendar): string | null {
  const years = [...calendar.holidays, ...(calendar.exceptions ?? []).map((e) => e.date)].map((d) => Number(d.slice(0, 4)));
  return years.length === 0 ? null : `${Math.max(...years)}-12-31`;
}

export interface HolidayHorizon {
  knownThrough: string;
  neededThrough: string;
  shortByDays: number;
}

/**
 * Whether a calendar's holidays run out within `months` of `today` (a local date): past that day
 * its clocks would count public holidays as working days. Null when they are known far enough, or
 * when the calendar keeps no dated days at all (a site without public holidays).
 */
export function holidayHorizonShort(calendar: BusinessCalendar, today: string, months: number): HolidayHorizon | null {
  const knownThrough = holidaysKnownThrough(calendar);
  const start = parseDate(today);
  if (!knownThrough || !start) return null;
  const needed = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, start.getUTCDate()));
  // 31 March + 1 month is 1 May in Date arithmetic; clamp to the month's last day.
  if (needed.getUTCDate() !== start.getUTCDate()) needed.setUTCDate(0);
  const neededThrough = needed.toISOString().slice(0, 10);
  const shortByDays = Math.round((needed.getTime() - parseDate(knownThrough)!.getTime()) / dayMs);
  return shortByDays > 0 ? { knownThrough, neededThrough, shortByDays } : null;
}
