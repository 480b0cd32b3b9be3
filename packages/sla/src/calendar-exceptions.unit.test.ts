/** Dated exceptions: holidays, make-up working days (调休) and shortened days winning over the week. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, nextBusinessDayStart, type BusinessCalendar, type CalendarException } from './calendar';
import { validateCalendar } from './calendar-model';
import { NUM_RUNS, calendarArb, dayArb, durationFor, holidayArb, instantArb } from './test-arbitraries';
import { HOUR, SPLIT_DAY, calendar, t, weekdays } from './test-support';

const shanghai = (exceptions: CalendarException[], holidays: string[] = []): BusinessCalendar => ({ ...calendar('Asia/Shanghai', weekdays(SPLIT_DAY), holidays), exceptions });
const add = (c: BusinessCalendar, s: number, d: number) => addBusinessTime(c, new Date(s), d).getTime();

describe('dated exceptions on a Shanghai office calendar', () => {
  it('a make-up Sunday is a working day: two hours from Saturday 10:00 end Sunday 10:30, not Monday', () => {
    const plain = shanghai([]);
    const madeUp = shanghai([{ date: '2026-09-27', hours: SPLIT_DAY, reason: '调休 for the National Day week' }]);
    expect(addBusinessTime(plain, t('2026-09-26T10:00+08:00'), 2 * HOUR)).toEqual(t('2026-09-28T10:30+08:00'));
    expect(addBusinessTime(madeUp, t('2026-09-26T10:00+08:00'), 2 * HOUR)).toEqual(t('2026-09-27T10:30+08:00'));
    expect(nextBusinessDayStart(madeUp, t('2026-09-26T10:00+08:00'))).toEqual(t('2026-09-27T08:30+08:00'));
  });

  it('a shortened day counts only its own hours: New Year\u2019s Eve until noon, then the holiday and the weekend', () => {
    const c = shanghai([{ date: '2026-12-31', hours: [{ start: '08:30', end: '12:00' }] }], ['2027-01-01']);
    // Thursday 11:00: one hour to noon, nothing that afternoon, Friday closed, the second hour Monday 08:30-09:30.
    expect(addBusinessTime(c, t('2026-12-31T11:00+08:00'), 2 * HOUR)).toEqual(t('2027-01-04T09:30+08:00'));
    expect(businessTimeBetween(c, t('2026-12-31T08:00+08:00'), t('2026-12-31T18:00+08:00'))).toBe(3.5 * HOUR);
  });

  it('a closed exception is a holiday, an emergency closure among them', () => {
    const closure = shanghai([{ date: '2026-12-09', hours: [], reason: 'typhoon warning' }]);
    expect(addBusinessTime(closure, t('2026-12-08T17:00+08:00'), HOUR)).toEqual(t('2026-12-10T09:00+08:00'));
  });
});

describe('dated exceptions, properties over random calendars and zones', () => {
  const withException = (c: BusinessCalendar, e: CalendarException): BusinessCalendar => ({
    ...c,
    holidays: c.holidays.filter((h) => h !== e.date),
    exceptions: [...(c.exceptions ?? []), e],
  });
  const scenario = calendarArb.chain((c) => fc.record({ c: fc.constant(c), s: instantArb, d: durationFor(c), date: holidayArb, hours: dayArb }));

  it('listing holidays as closed exceptions changes nothing', () => {
    fc.assert(
      fc.property(scenario, ({ c, s, d }) => {
        const moved: BusinessCalendar = { ...c, holidays: [], exceptions: c.holidays.map((date) => ({ date, hours: [] })) };
        expect(add(moved, s, d)).toBe(add(c, s, d));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('closing a day never brings a due instant forward; opening a closed day never pushes it back', () => {
    fc.assert(
      fc.property(scenario, ({ c, s, d, date, hours }) => {
        const due = add(c, s, d);
        expect(add(withException(c, { date, hours: [] }), s, d)).toBeGreaterThanOrEqual(due);
        const weekday = new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
        const closedBefore = c.holidays.includes(date) || c.week[weekday as 1]!.length === 0;
        if (closedBefore) expect(add(withException(c, { date, hours }), s, d)).toBeLessThanOrEqual(due);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('measuring what was added still returns the duration with an exception in play', () => {
    fc.assert(
      fc.property(scenario, ({ c, s, d, date, hours }) => {
        const e = withException(c, { date, hours });
        const due = add(e, s, d);
        expect(businessTimeBetween(e, new Date(s), new Date(due))).toBe(d);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('dated exceptions across DST', () => {
  const night = [{ start: '00:00', end: '06:00' }];
  const berlin = (exceptions: CalendarException[], holidays: string[] = []): BusinessCalendar => ({ ...calendar('Europe/Berlin', weekdays([{ start: '09:00', end: '17:00' }]), holidays), exceptions });

  it('a make-up Sunday on the spring-forward night has five real hours, on the fall-back night seven', () => {
    const spring = berlin([{ date: '2026-03-29', hours: night }]);
    expect(businessTimeBetween(spring, t('2026-03-28T12:00+01:00'), t('2026-03-29T12:00+02:00'))).toBe(5 * HOUR);
    expect(addBusinessTime(spring, t('2026-03-29T00:00+01:00'), 5 * HOUR)).toEqual(t('2026-03-29T06:00+02:00'));
    const autumn = berlin([{ date: '2026-10-25', hours: night }]);
    expect(businessTimeBetween(autumn, t('2026-10-24T12:00+02:00'), t('2026-10-25T12:00+01:00'))).toBe(7 * HOUR);
  });

  it('a weekday holiday right after the clocks change is skipped whole', () => {
    const newYork = { ...calendar('America/New_York', weekdays([{ start: '09:00', end: '17:00' }]), ['2026-03-09']), exceptions: [] };
    // Friday 16:00 EST plus two hours: Monday 9 March (EDT since Sunday) is closed, so Tuesday 10:00 EDT.
    expect(addBusinessTime(newYork, t('2026-03-06T16:00-05:00'), 2 * HOUR)).toEqual(t('2026-03-10T10:00-04:00'));
  });
});

describe('validating exceptions', () => {
  const fields = (c: unknown) => validateCalendar(c).map((p) => p.field);
  it('names a bad date, bad hours and a date listed twice', () => {
    const base = shanghai([], ['2026-10-01']);
    expect(validateCalendar({ ...base, exceptions: [{ date: '2026-09-27', hours: SPLIT_DAY }] })).toEqual([]);
    expect(fields({ ...base, exceptions: [{ date: '2026-9-27', hours: [] }] })).toEqual(['exceptions[0].date']);
    expect(fields({ ...base, exceptions: [{ date: '2026-09-27', hours: [{ start: '13:00', end: '12:00' }] }] })).toEqual(['exceptions[0].hours[0].end']);
    expect(fields({ ...base, exceptions: [{ date: '2026-09-27' }] })).toEqual(['exceptions[0].hours']);
    const twice = validateCalendar({ ...base, exceptions: [{ date: '2026-10-01', hours: SPLIT_DAY }] });
    expect(twice).toEqual([{ field: 'exceptions[0].date', message: '2026-10-01 is already listed as holidays[0]; a date may be listed once' }]);
    expect(fields({ ...base, exceptions: 'none' })).toEqual(['exceptions']);
  });
});
