import { describe, expect, it } from 'vitest';
import { assertValidCalendar, validateCalendar } from './calendar-model';
import { InvalidCalendarError } from './errors';
import { SPLIT_DAY, berlinOffice, weekdays } from './test-support';

const fields = (calendar: unknown) => validateCalendar(calendar).map((p) => p.field);

describe('validateCalendar', () => {
  it('accepts split days, 24:00 ends, touching intervals and 24x7 with or without a zone', () => {
    expect(validateCalendar(berlinOffice)).toEqual([]);
    const touching = weekdays([{ start: '00:00', end: '12:00' }, { start: '12:00', end: '24:00' }]);
    expect(validateCalendar({ ...berlinOffice, week: touching })).toEqual([]);
    expect(validateCalendar({ kind: '24x7' })).toEqual([]);
    expect(validateCalendar({ kind: '24x7', timeZone: 'Asia/Shanghai' })).toEqual([]);
  });

  it('names an unknown field instead of dropping it', () => {
    expect(fields({ ...berlinOffice, holiday: ['2026-12-24'] })).toEqual(['holiday']);
    expect(fields({ kind: '24x7', timezone: 'Asia/Shanghai' })).toEqual(['timezone']);
    expect(fields({ ...berlinOffice, exceptions: [{ date: '2026-12-28', hours: [], note: 'x' }] })).toEqual(['exceptions[0].note']);
  });

  it('names each bad HH:MM', () => {
    const week = weekdays(SPLIT_DAY);
    const bad = { ...week, 2: [{ start: '8:30', end: '12:00' }, { start: '13:00', end: '25:00' }], 3: [{ start: '24:00', end: '24:00' }] };
    expect(fields({ ...berlinOffice, week: bad })).toEqual(['week.2[0].start', 'week.2[1].end', 'week.3[0].start']);
  });

  it('rejects intervals crossing midnight, overlapping or out of order', () => {
    const week = {
      ...weekdays(SPLIT_DAY),
      1: [{ start: '22:00', end: '02:00' }],
      2: [{ start: '08:00', end: '12:00' }, { start: '11:00', end: '14:00' }],
      3: [{ start: '13:00', end: '17:00' }, { start: '08:00', end: '12:00' }],
      4: [{ start: '09:00', end: '09:00' }],
    };
    const problems = validateCalendar({ ...berlinOffice, week });
    expect(problems.map((p) => p.field)).toEqual(['week.1[0].end', 'week.2[1].start', 'week.3[1].start', 'week.4[0].end']);
    expect(problems[0]?.message).toMatch(/cross midnight/);
    expect(problems[1]?.message).toMatch(/overlaps/);
  });

  it('rejects unknown zones, bad holidays, missing or unknown weekdays and a week without working time', () => {
    expect(fields({ ...berlinOffice, timeZone: 'Europe/Atlantis' })).toEqual(['timeZone']);
    expect(fields({ kind: '24x7', timeZone: 'CEST' })).toEqual(['timeZone']);
    expect(fields({ ...berlinOffice, holidays: ['2026-02-30', '2026-5-1', 20260501] })).toEqual(['holidays[0]', 'holidays[1]', 'holidays[2]']);
    expect(fields({ ...berlinOffice, holidays: undefined })).toEqual(['holidays']);
    const { 7: _sunday, ...sixDays } = weekdays(SPLIT_DAY);
    expect(fields({ ...berlinOffice, week: { ...sixDays, 0: [] } })).toEqual(['week.0', 'week.7']);
    expect(validateCalendar({ ...berlinOffice, week: weekdays([]) })).toEqual([{ field: 'week', message: expect.stringMatching(/no working time/) }]);
    expect(fields({ kind: 'office' })).toEqual(['kind']);
    expect(fields(null)).toEqual(['calendar']);
  });

  it('assertValidCalendar throws every problem, naming the first field', () => {
    const bad = { ...berlinOffice, timeZone: 'Nowhere', holidays: ['x'] };
    try {
      assertValidCalendar(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidCalendarError);
      const e = error as InvalidCalendarError;
      expect(e).toMatchObject({ code: 'invalid_calendar', field: 'timeZone', retriable: false });
      expect(e.problems).toHaveLength(2);
      expect(e.message).toMatch(/timeZone: .*; holidays\[0\]/);
    }
  });
});
