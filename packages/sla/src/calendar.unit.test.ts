import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  addBusinessTimeExcluding,
  businessTimeBetween,
  businessTimeBetweenExcluding,
  endOfBusinessDay,
  isWorkingInstant,
  nextBusinessDayStart,
  nextWorkingInstant,
  type ServiceCalendar,
} from './calendar';
import { InvalidCalendarError, SlaArgumentError } from './errors';
import { HOUR, MINUTE, SPLIT_DAY, berlinOffice as berlin, calendar, t, weekdays } from './test-support';

const always: ServiceCalendar = { kind: '24x7' };

describe('addBusinessTime on a split-day office calendar (Europe/Berlin)', () => {
  it.each([
    ['inside one interval', '2026-01-12T09:00+01:00', 1 * HOUR, '2026-01-12T10:00+01:00'],
    ['across the lunch break', '2026-01-12T11:00+01:00', 2 * HOUR, '2026-01-12T14:00+01:00'],
    ['exactly to the end of the day: due that evening, not next morning', '2026-01-12T16:30+01:00', 1 * HOUR, '2026-01-12T17:30+01:00'],
    ['exactly to the start of the lunch break', '2026-01-12T11:00+01:00', 1 * HOUR, '2026-01-12T12:00+01:00'],
    ['over the weekend', '2026-01-16T16:00+01:00', 4 * HOUR, '2026-01-19T11:00+01:00'],
    ['a full working week', '2026-01-12T08:30+01:00', 40 * HOUR, '2026-01-16T17:30+01:00'],
    ['one ms into the next day', '2026-01-12T08:30+01:00', 8 * HOUR + 1, '2026-01-13T08:30:00.001+01:00'],
    ['start before opening counts from 08:30', '2026-01-12T07:00+01:00', 1 * HOUR, '2026-01-12T09:30+01:00'],
    ['start in the lunch break counts from 13:00', '2026-01-12T12:30+01:00', 1 * HOUR, '2026-01-12T14:00+01:00'],
    ['start after closing counts from the next morning', '2026-01-12T18:00+01:00', 1 * HOUR, '2026-01-13T09:30+01:00'],
    ['start on Saturday counts from Monday', '2026-01-17T10:00+01:00', 1 * HOUR, '2026-01-19T09:30+01:00'],
    ['start exactly at closing', '2026-01-12T17:30+01:00', 30 * MINUTE, '2026-01-13T09:00+01:00'],
    ['over Good Friday and Easter Monday', '2026-04-02T17:00+02:00', 1 * HOUR, '2026-04-07T09:00+02:00'],
    ['start on a holiday', '2026-04-03T10:00+02:00', 2 * HOUR, '2026-04-07T10:30+02:00'],
    ['over Christmas', '2026-12-23T17:00+01:00', 1 * HOUR, '2026-12-28T09:00+01:00'],
  ])('%s', (_name, start, duration, due) => {
    expect(addBusinessTime(berlin, t(start), duration)).toEqual(t(due));
    expect(businessTimeBetween(berlin, t(start), t(due))).toBe(duration);
  });

  it('zero duration returns the start itself, even outside working hours', () => {
    expect(addBusinessTime(berlin, t('2026-01-17T10:00+01:00'), 0)).toEqual(t('2026-01-17T10:00+01:00'));
    expect(addBusinessTime(berlin, t('2026-01-12T09:00+01:00'), 0)).toEqual(t('2026-01-12T09:00+01:00'));
  });

  it('adds 500 business hours by whole intervals, quickly', () => {
    const noHolidays = calendar('Europe/Berlin', weekdays(SPLIT_DAY));
    const began = performance.now();
    // 62 working days (12 weeks + Mon, Tue) and 4 hours; the DST change on 29 March falls on a Sunday.
    expect(addBusinessTime(noHolidays, t('2026-01-05T08:30+01:00'), 500 * HOUR)).toEqual(t('2026-04-01T13:30+02:00'));
    expect(performance.now() - began).toBeLessThan(250);
  });

  it('handles three intervals a day', () => {
    const shifts = calendar('Asia/Shanghai', weekdays([{ start: '06:00', end: '08:00' }, { start: '10:00', end: '12:00' }, { start: '20:00', end: '24:00' }]));
    expect(addBusinessTime(shifts, t('2026-01-12T07:00+08:00'), 4 * HOUR)).toEqual(t('2026-01-12T21:00+08:00'));
    // Friday's 20:00-24:00 ends at Saturday midnight; Monday 06:00 comes next.
    expect(addBusinessTime(shifts, t('2026-01-16T23:00+08:00'), 2 * HOUR)).toEqual(t('2026-01-19T07:00+08:00'));
  });

  it('treats intervals that meet at midnight as continuous working time', () => {
    const nights = calendar('Europe/Berlin', weekdays([{ start: '00:00', end: '06:00' }, { start: '22:00', end: '24:00' }]));
    expect(addBusinessTime(nights, t('2026-01-12T23:00+01:00'), 2 * HOUR)).toEqual(t('2026-01-13T01:00+01:00'));
  });
});

describe('businessTimeBetween', () => {
  it('is 0 when to <= from, over a weekend, or on a holiday', () => {
    expect(businessTimeBetween(berlin, t('2026-01-12T10:00+01:00'), t('2026-01-12T09:00+01:00'))).toBe(0);
    expect(businessTimeBetween(berlin, t('2026-01-12T10:00+01:00'), t('2026-01-12T10:00+01:00'))).toBe(0);
    expect(businessTimeBetween(berlin, t('2026-01-16T17:30+01:00'), t('2026-01-19T08:30+01:00'))).toBe(0);
    expect(businessTimeBetween(berlin, t('2026-05-01T00:00+02:00'), t('2026-05-02T00:00+02:00'))).toBe(0);
  });

  it('counts only working intervals', () => {
    expect(businessTimeBetween(berlin, t('2026-01-12T00:00+01:00'), t('2026-01-19T00:00+01:00'))).toBe(40 * HOUR);
    expect(businessTimeBetween(berlin, t('2026-01-12T11:30+01:00'), t('2026-01-12T13:30+01:00'))).toBe(1 * HOUR);
    // Easter week: Friday and Monday are holidays.
    expect(businessTimeBetween(berlin, t('2026-03-30T00:00+02:00'), t('2026-04-11T00:00+02:00'))).toBe(64 * HOUR);
  });
});

describe('24x7', () => {
  it('counts real time', () => {
    expect(addBusinessTime(always, t('2026-01-17T10:00Z'), 5 * HOUR)).toEqual(t('2026-01-17T15:00Z'));
    expect(businessTimeBetween(always, t('2026-03-28T00:00Z'), t('2026-03-30T00:00Z'))).toBe(48 * HOUR);
    expect(isWorkingInstant(always, t('2026-12-25T03:00Z'))).toBe(true);
  });

  it('starts the next business day at the next local midnight', () => {
    expect(nextBusinessDayStart(always, t('2026-01-16T20:00Z'))).toEqual(t('2026-01-17T00:00Z'));
    const shanghai: ServiceCalendar = { kind: '24x7', timeZone: 'Asia/Shanghai' };
    expect(nextBusinessDayStart(shanghai, t('2026-01-16T20:00Z'))).toEqual(t('2026-01-18T00:00+08:00'));
    expect(endOfBusinessDay(shanghai, t('2026-01-16T10:00+08:00'))).toEqual(t('2026-01-17T00:00+08:00'));
  });
});

describe('working instants', () => {
  it.each([
    ['2026-01-12T08:30+01:00', true, '2026-01-12T08:30+01:00'],
    ['2026-01-12T12:00+01:00', false, '2026-01-12T13:00+01:00'],
    ['2026-01-12T17:29:59.999+01:00', true, '2026-01-12T17:29:59.999+01:00'],
    ['2026-01-17T10:00+01:00', false, '2026-01-19T08:30+01:00'],
    ['2026-04-03T10:00+02:00', false, '2026-04-07T08:30+02:00'],
  ])('%s working=%s, next working instant %s', (instant, working, next) => {
    expect(isWorkingInstant(berlin, t(instant))).toBe(working);
    expect(nextWorkingInstant(berlin, t(instant))).toEqual(t(next));
  });
});

describe('next business day (NBD)', () => {
  it.each([
    ['Friday evening → Monday morning', '2026-01-16T18:00+01:00', '2026-01-19T08:30+01:00'],
    ['Friday morning → Monday, NBD is the day after the local date', '2026-01-16T09:00+01:00', '2026-01-19T08:30+01:00'],
    ['Saturday → Monday', '2026-01-17T10:00+01:00', '2026-01-19T08:30+01:00'],
    ['before Good Friday and the Easter weekend → Tuesday', '2026-04-02T15:00+02:00', '2026-04-07T08:30+02:00'],
    ['on a holiday → the next working day', '2026-05-01T10:00+02:00', '2026-05-04T08:30+02:00'],
    ['00:30 local on Monday is still Monday (Sunday in UTC)', '2026-01-12T00:30+01:00', '2026-01-13T08:30+01:00'],
  ])('%s', (_name, instant, expected) => {
    expect(nextBusinessDayStart(berlin, t(instant))).toEqual(t(expected));
  });

  it('end of business day: the last interval end of that working day, or of the next one', () => {
    expect(endOfBusinessDay(berlin, t('2026-01-12T10:00+01:00'))).toEqual(t('2026-01-12T17:30+01:00'));
    expect(endOfBusinessDay(berlin, t('2026-01-12T20:00+01:00'))).toEqual(t('2026-01-12T17:30+01:00'));
    expect(endOfBusinessDay(berlin, t('2026-01-17T10:00+01:00'))).toEqual(t('2026-01-19T17:30+01:00'));
    // NBD "by end of next business day" composes from the two.
    const raised = t('2026-04-02T18:00+02:00');
    expect(endOfBusinessDay(berlin, nextBusinessDayStart(berlin, raised))).toEqual(t('2026-04-07T17:30+02:00'));
  });

  it('finds working time behind a long run of holidays', () => {
    // Works Mondays only; ten Mondays in a row are holidays.
    const mondays = Array.from({ length: 10 }, (_, i) => new Date(Date.UTC(2026, 0, 12 + 7 * i)).toISOString().slice(0, 10));
    const rare = calendar('Europe/Berlin', { 1: SPLIT_DAY, 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] }, mondays);
    expect(nextBusinessDayStart(rare, t('2026-01-10T10:00+01:00'))).toEqual(t('2026-03-23T08:30+01:00'));
    expect(addBusinessTime(rare, t('2026-01-10T10:00+01:00'), 8 * HOUR)).toEqual(t('2026-03-23T17:30+01:00'));
  });
});

describe('businessTimeBetweenExcluding (pauses)', () => {
  const from = t('2026-01-16T16:00+01:00'); // Friday
  const to = t('2026-01-19T12:00+01:00'); // Monday: 1.5h Friday + 3.5h Monday = 5h

  it('equals businessTimeBetween without pauses', () => {
    expect(businessTimeBetweenExcluding(berlin, from, to, [])).toBe(5 * HOUR);
  });

  it.each([
    ['inside working hours', [['2026-01-19T09:00+01:00', '2026-01-19T10:00+01:00']], 4 * HOUR],
    ['starting outside hours (Saturday), ending inside', [['2026-01-17T10:00+01:00', '2026-01-19T09:30+01:00']], 4 * HOUR],
    ['starting inside, ending outside hours (Friday night)', [['2026-01-16T17:00+01:00', '2026-01-16T23:00+01:00']], 4.5 * HOUR],
    ['wholly outside working hours', [['2026-01-16T19:00+01:00', '2026-01-18T19:00+01:00']], 5 * HOUR],
    ['overlapping pauses count once', [['2026-01-19T08:30+01:00', '2026-01-19T10:00+01:00'], ['2026-01-19T09:30+01:00', '2026-01-19T10:30+01:00']], 3 * HOUR],
    ['a pause nested in another', [['2026-01-19T08:30+01:00', '2026-01-19T11:00+01:00'], ['2026-01-19T09:00+01:00', '2026-01-19T09:10+01:00']], 2.5 * HOUR],
    ['pauses outside [from, to) are clipped', [['2026-01-16T12:00+01:00', '2026-01-16T16:30+01:00'], ['2026-01-19T11:30+01:00', '2026-01-20T12:00+01:00']], 4 * HOUR],
    ['an open pause runs to `to`', [['2026-01-19T10:00+01:00', null]], 3 * HOUR],
    ['an open pause that began before `from` covers everything', [['2026-01-15T10:00+01:00', null]], 0],
  ] as const)('%s', (_name, pauses, expected) => {
    const list = pauses.map(([a, b]) => ({ from: t(a), to: b === null ? null : t(b) }));
    expect(businessTimeBetweenExcluding(berlin, from, to, list)).toBe(expected);
  });

  it('pauses on holidays remove nothing but the working time they cover', () => {
    const easter = [{ from: t('2026-04-03T10:00+02:00'), to: t('2026-04-07T09:00+02:00') }];
    const before = t('2026-04-02T17:00+02:00');
    const after = t('2026-04-07T12:00+02:00');
    expect(businessTimeBetween(berlin, before, after)).toBe(4 * HOUR);
    expect(businessTimeBetweenExcluding(berlin, before, after, easter)).toBe(3.5 * HOUR);
    const onlyHoliday = [{ from: t('2026-04-03T00:00+02:00'), to: t('2026-04-04T00:00+02:00') }];
    expect(businessTimeBetweenExcluding(berlin, before, after, onlyHoliday)).toBe(4 * HOUR);
  });

  it('addBusinessTimeExcluding is its inverse: a pause pushes the due instant by the working time it covered', () => {
    const start = t('2026-01-16T16:00+01:00');
    const pauses = [{ from: t('2026-01-16T17:00+01:00'), to: t('2026-01-19T09:00+01:00') }];
    // Friday 16:00-17:00 counts 1h; the pause covers Friday 17:00-17:30 and Monday 08:30-09:00; Monday 09:00-12:00 is the other 3h.
    const due = addBusinessTimeExcluding(berlin, start, 4 * HOUR, pauses);
    expect(due).toEqual(t('2026-01-19T12:00+01:00'));
    expect(addBusinessTime(berlin, start, 4 * HOUR)).toEqual(t('2026-01-19T11:00+01:00'));
    expect(businessTimeBetweenExcluding(berlin, start, due, pauses)).toBe(4 * HOUR);
  });

  it('rejects a pause that ends before it starts', () => {
    const bad = [{ from: t('2026-01-19T10:00+01:00'), to: t('2026-01-19T09:00+01:00') }];
    expect(() => businessTimeBetweenExcluding(berlin, from, to, bad)).toThrow(SlaArgumentError);
  });
});

describe('arguments', () => {
  it('rejects negative, fractional and unsafe durations and invalid dates, naming the field', () => {
    for (const d of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => addBusinessTime(berlin, t('2026-01-12T09:00+01:00'), d)).toThrow(
        expect.objectContaining({ name: 'SlaArgumentError', field: 'durationMs', retriable: false }),
      );
    }
    expect(() => businessTimeBetween(berlin, new Date(Number.NaN), t('2026-01-12T09:00+01:00'))).toThrow(
      expect.objectContaining({ field: 'from' }),
    );
  });

  it('rejects an invalid calendar with its problems instead of looping', () => {
    const closed = calendar('Europe/Berlin', weekdays([]));
    expect(() => addBusinessTime(closed, t('2026-01-12T09:00+01:00'), HOUR)).toThrow(InvalidCalendarError);
    expect(() => nextBusinessDayStart(closed, t('2026-01-12T09:00+01:00'))).toThrow(/no working time/);
    const badZone = { kind: '24x7', timeZone: 'Mars/Olympus' } as const;
    expect(() => addBusinessTime(badZone, t('2026-01-12T09:00+01:00'), HOUR)).toThrow(/timeZone/);
  });
});
