/** Calendars and helpers shared by this package's tests (not exported from the package). */
import { type BusinessCalendar, type WorkingInterval, type WorkingWeek } from './calendar-model';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** 08:30-12:00 and 13:00-17:30: eight working hours with a lunch break. */
export const SPLIT_DAY: readonly WorkingInterval[] = [
  { start: '08:30', end: '12:00' },
  { start: '13:00', end: '17:30' },
];

export function weekdays(day: readonly WorkingInterval[], weekend: readonly WorkingInterval[] = []): WorkingWeek {
  return { 1: day, 2: day, 3: day, 4: day, 5: day, 6: weekend, 7: weekend };
}

export function everyDay(day: readonly WorkingInterval[]): WorkingWeek {
  return { 1: day, 2: day, 3: day, 4: day, 5: day, 6: day, 7: day };
}

/** Berlin office hours Monday to Friday with the 2026 Easter and May Day holidays. */
export const berlinOffice: BusinessCalendar = {
  kind: 'business',
  timeZone: 'Europe/Berlin',
  week: weekdays(SPLIT_DAY),
  holidays: ['2026-04-03', '2026-04-06', '2026-05-01', '2026-12-24', '2026-12-25', '2026-12-26'],
};

export function calendar(timeZone: string, week: WorkingWeek, holidays: string[] = []): BusinessCalendar {
  return { kind: 'business', timeZone, week, holidays };
}

/** An instant from an ISO string with an explicit offset, so expectations never depend on the code under test. */
export const t = (isoWithOffset: string): Date => new Date(isoWithOffset);
