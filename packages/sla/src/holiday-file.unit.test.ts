import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addBusinessTime } from './calendar';
import { validateCalendar, type BusinessCalendar } from './calendar-model';
import { businessHoursCalendar } from './default-policies';
import { holidayHorizonShort, holidaysKnownThrough, importHolidayYear, parseHolidayFile, type HolidayYear } from './holiday-file';
import { HOUR, t } from './test-support';

const cnDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'holidays', 'cn');
const cnYear = (year: number): HolidayYear => {
  const { year: parsed, problems } = parseHolidayFile(fs.readFileSync(path.join(cnDir, `${year}.txt`), 'utf8'));
  expect(problems).toEqual([]);
  return parsed!;
};
const template: BusinessCalendar = { ...businessHoursCalendar, holidays: [], exceptions: [] };

describe('holiday files', () => {
  it('reads closed runs, make-up days and shortened days, each day once', () => {
    const { year, problems } = parseHolidayFile(['# a comment', 'year 2030', 'source notice', '', '2030-02-02..2030-02-04 closed Spring Festival # trailing', '2030-02-09 working make-up', '2030-12-31 hours 09:00-12:00 short day'].join('\n'));
    expect(problems).toEqual([]);
    expect(year).toEqual({
      year: 2030,
      source: 'notice',
      closed: ['2030-02-02', '2030-02-03', '2030-02-04'].map((date) => ({ date, name: 'Spring Festival' })),
      days: [
        { date: '2030-02-09', hours: null, name: 'make-up' },
        { date: '2030-12-31', hours: [{ start: '09:00', end: '12:00' }], name: 'short day' },
      ],
    });
  });

  it('names the line of every problem', () => {
    const { year, problems } = parseHolidayFile(['year 2030', '2030-02-30 closed x', '2031-01-01 closed y', '2030-03-01 open z', '2030-03-02..2030-03-01 closed w', '2030-04-01 closed a', '2030-04-01 working b', '2030-05-01 hours x'].join('\n'));
    expect(year).toBeNull();
    expect(problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 7, 8]);
    expect(problems[1]!.message).toContain('outside year 2030');
    expect(parseHolidayFile('2030-01-01 closed x').problems[0]!.message).toContain('year YYYY');
  });

  it('every shipped Chinese year parses, and 2026 is the default calendar exactly', () => {
    const years = fs.readdirSync(cnDir).map((f) => Number(f.slice(0, 4))).sort();
    expect(years[0]).toBe(2004);
    for (const y of years) expect(cnYear(y).closed.length).toBeGreaterThan(0);
    const imported = importHolidayYear(template, cnYear(2026));
    expect(validateCalendar(imported)).toEqual([]);
    expect(imported.holidays).toEqual([...businessHoursCalendar.holidays].sort());
    expect(imported.exceptions!.map((e) => [e.date, e.hours])).toEqual(businessHoursCalendar.exceptions!.map((e) => [e.date, e.hours]));
  });

  it('an import replaces only its own year, and a make-up Sunday then counts', () => {
    const with2026 = importHolidayYear(template, cnYear(2026));
    const both = importHolidayYear(importHolidayYear(with2026, cnYear(2025)), cnYear(2026));
    expect(both.holidays.filter((d) => d.startsWith('2026'))).toEqual(with2026.holidays);
    expect(both.holidays.some((d) => d.startsWith('2025'))).toBe(true);
    // Sunday 2026-09-20 is a make-up day: two hours from Saturday 10:00 end on it
    expect(addBusinessTime(both, t('2026-09-19T10:00+08:00'), 2 * HOUR)).toEqual(t('2026-09-20T10:30+08:00'));
    // National Day runs Thursday 1 to Wednesday 7 October: an hour from Wednesday 30 September 17:00 ends on the 8th
    expect(addBusinessTime(both, t('2026-09-30T17:00+08:00'), HOUR)).toEqual(t('2026-10-08T09:00+08:00'));
  });

  it('knows how far the holidays reach and warns before the cliff', () => {
    const calendar = importHolidayYear(template, cnYear(2026));
    expect(holidaysKnownThrough(calendar)).toBe('2026-12-31');
    expect(holidaysKnownThrough(template)).toBeNull();
    expect(holidayHorizonShort(calendar, '2026-09-30', 3)).toBeNull();
    expect(holidayHorizonShort(calendar, '2026-10-01', 3)).toEqual({ knownThrough: '2026-12-31', neededThrough: '2027-01-01', shortByDays: 1 });
    expect(holidayHorizonShort(calendar, '2026-11-30', 3)).toEqual({ knownThrough: '2026-12-31', neededThrough: '2027-02-28', shortByDays: 59 });
    expect(holidayHorizonShort(template, '2026-12-01', 3)).toBeNull();
  });
});
