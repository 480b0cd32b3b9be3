/**
 * Daylight-saving changes. Working intervals are local wall-clock times, so an interval that
 * spans the spring-forward gap is an hour shorter in real time and one that spans the fall-back
 * overlap an hour longer. Boundaries map to the first instant the local clock shows them.
 *
 * 2026: Europe/Berlin springs forward 29 March 02:00 → 03:00 and falls back 25 October 03:00 → 02:00;
 * America/New_York on 8 March and 1 November (02:00); America/Santiago at local midnight.
 */
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  businessTimeBetween,
  businessTimeBetweenExcluding,
  endOfBusinessDay,
  nextBusinessDayStart,
  nextWorkingInstant,
  type ServiceCalendar,
} from './calendar';
import { HOUR, MINUTE, berlinOffice, calendar, everyDay, t, weekdays } from './test-support';

const berlinNights = calendar('Europe/Berlin', everyDay([{ start: '01:00', end: '04:00' }]));
const newYorkNights = calendar('America/New_York', everyDay([{ start: '00:30', end: '03:30' }]));

describe('an interval spanning the change', () => {
  it.each([
    ['Berlin, the day before spring-forward: 3h', berlinNights, '2026-03-28T00:00+01:00', '2026-03-29T00:00+01:00', 3 * HOUR],
    ['Berlin, spring-forward: 01:00-04:00 is 2h', berlinNights, '2026-03-29T00:00+01:00', '2026-03-30T00:00+02:00', 2 * HOUR],
    ['Berlin, fall-back: 01:00-04:00 is 4h', berlinNights, '2026-10-25T00:00+02:00', '2026-10-26T00:00+01:00', 4 * HOUR],
    ['New York, spring-forward: 00:30-03:30 is 2h', newYorkNights, '2026-03-08T00:00-05:00', '2026-03-09T00:00-04:00', 2 * HOUR],
    ['New York, fall-back: 00:30-03:30 is 4h', newYorkNights, '2026-11-01T00:00-04:00', '2026-11-02T00:00-05:00', 4 * HOUR],
  ])('%s', (_name, cal, from, to, expected) => {
    expect(businessTimeBetween(cal, t(from), t(to))).toBe(expected);
  });

  it('adds across the Berlin gap in real time', () => {
    // 01:30 CET + 1h of work: the wall clock skips 02:00-03:00, so it is 03:30 CEST.
    expect(addBusinessTime(berlinNights, t('2026-03-29T01:30+01:00'), 1 * HOUR)).toEqual(t('2026-03-29T03:30+02:00'));
    expect(addBusinessTime(berlinNights, t('2026-03-29T01:00+01:00'), 2 * HOUR)).toEqual(t('2026-03-29T04:00+02:00'));
    expect(addBusinessTime(berlinNights, t('2026-03-29T01:00+01:00'), 2 * HOUR + 1)).toEqual(t('2026-03-30T01:00:00.001+02:00'));
  });

  it('adds across the Berlin overlap in real time', () => {
    // The first 02:30 (CEST) + 2h is 03:30 CET: the hour 02:00-03:00 is lived twice.
    expect(addBusinessTime(berlinNights, t('2026-10-25T02:30+02:00'), 2 * HOUR)).toEqual(t('2026-10-25T03:30+01:00'));
    expect(addBusinessTime(berlinNights, t('2026-10-25T01:00+02:00'), 4 * HOUR)).toEqual(t('2026-10-25T04:00+01:00'));
    // Starting in the repeated hour's second pass counts what is left of the interval.
    expect(businessTimeBetween(berlinNights, t('2026-10-25T02:30+01:00'), t('2026-10-26T00:00+01:00'))).toBe(1.5 * HOUR);
  });

  it('adds across the New York changes in real time', () => {
    expect(addBusinessTime(newYorkNights, t('2026-03-08T01:00-05:00'), 1.5 * HOUR)).toEqual(t('2026-03-08T03:30-04:00'));
    expect(addBusinessTime(newYorkNights, t('2026-11-01T01:30-04:00'), 2 * HOUR)).toEqual(t('2026-11-01T02:30-05:00'));
  });
});

describe('a boundary inside the gap or the overlap', () => {
  const lateStart = calendar('Europe/Berlin', everyDay([{ start: '02:30', end: '05:00' }]));

  it('a start skipped by spring-forward begins when the clock jumps past it', () => {
    expect(nextWorkingInstant(lateStart, t('2026-03-29T01:00+01:00'))).toEqual(t('2026-03-29T03:00+02:00'));
    expect(businessTimeBetween(lateStart, t('2026-03-29T00:00+01:00'), t('2026-03-30T00:00+02:00'))).toBe(2 * HOUR);
  });

  it('a repeated start begins at its first occurrence', () => {
    expect(nextWorkingInstant(lateStart, t('2026-10-25T01:00+02:00'))).toEqual(t('2026-10-25T02:30+02:00'));
    expect(businessTimeBetween(lateStart, t('2026-10-25T00:00+02:00'), t('2026-10-26T00:00+01:00'))).toBe(3.5 * HOUR);
  });

  it('an interval wholly inside the gap has no working time that day; NBD skips it', () => {
    const gapOnly = calendar('Europe/Berlin', { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [{ start: '02:15', end: '02:45' }] });
    expect(businessTimeBetween(gapOnly, t('2026-03-29T00:00+01:00'), t('2026-03-30T00:00+02:00'))).toBe(0);
    expect(nextBusinessDayStart(gapOnly, t('2026-03-27T12:00+01:00'))).toEqual(t('2026-04-05T02:15+02:00'));
    // On fall-back the interval is taken once, at its first occurrence.
    expect(businessTimeBetween(gapOnly, t('2026-10-25T00:00+02:00'), t('2026-10-26T00:00+01:00'))).toBe(30 * MINUTE);
  });

  it('an interval ending in the repeated hour ends at the first occurrence', () => {
    const nyEarly = calendar('America/New_York', everyDay([{ start: '00:00', end: '01:30' }]));
    expect(businessTimeBetween(nyEarly, t('2026-11-01T00:00-04:00'), t('2026-11-02T00:00-05:00'))).toBe(1.5 * HOUR);
  });
});

describe('office hours around a DST weekend', () => {
  it('are unaffected when the change falls outside working hours', () => {
    expect(addBusinessTime(berlinOffice, t('2026-03-27T16:00+01:00'), 4 * HOUR)).toEqual(t('2026-03-30T11:00+02:00'));
    expect(businessTimeBetween(berlinOffice, t('2026-03-27T16:00+01:00'), t('2026-03-30T11:00+02:00'))).toBe(4 * HOUR);
    const newYork = calendar('America/New_York', weekdays([{ start: '09:00', end: '17:00' }]));
    expect(addBusinessTime(newYork, t('2026-03-06T16:00-05:00'), 2 * HOUR)).toEqual(t('2026-03-09T10:00-04:00'));
    expect(addBusinessTime(newYork, t('2026-10-30T16:00-04:00'), 2 * HOUR)).toEqual(t('2026-11-02T10:00-05:00'));
  });

  it('NBD lands on local morning across the change', () => {
    expect(nextBusinessDayStart(berlinOffice, t('2026-10-23T18:00+02:00'))).toEqual(t('2026-10-26T08:30+01:00'));
    expect(nextBusinessDayStart(berlinOffice, t('2026-03-27T18:00+01:00'))).toEqual(t('2026-03-30T08:30+02:00'));
  });

  it('pauses across the change remove the real working time they cover', () => {
    const pauses = [{ from: t('2026-03-28T12:00+01:00'), to: t('2026-03-30T00:00+02:00') }];
    const from = t('2026-03-28T00:00+01:00');
    const to = t('2026-03-31T00:00+02:00');
    expect(businessTimeBetween(berlinNights, from, to)).toBe(8 * HOUR);
    expect(businessTimeBetweenExcluding(berlinNights, from, to, pauses)).toBe(6 * HOUR);
  });
});

describe('a day that is all working time equals real time', () => {
  const allDay = calendar('Europe/Berlin', everyDay([{ start: '00:00', end: '24:00' }]));

  it('is 23h on spring-forward and 25h on fall-back', () => {
    expect(businessTimeBetween(allDay, t('2026-03-29T00:00+01:00'), t('2026-03-30T00:00+02:00'))).toBe(23 * HOUR);
    expect(businessTimeBetween(allDay, t('2026-10-25T00:00+02:00'), t('2026-10-26T00:00+01:00'))).toBe(25 * HOUR);
  });

  it('adds like 24x7 across both changes', () => {
    for (const start of ['2026-03-28T22:00Z', '2026-10-24T22:30Z']) {
      expect(addBusinessTime(allDay, t(start), 30 * HOUR).getTime()).toBe(t(start).getTime() + 30 * HOUR);
    }
  });
});

describe('midnight transitions (America/Santiago)', () => {
  const santiagoEvenings = calendar('America/Santiago', everyDay([{ start: '00:00', end: '02:00' }, { start: '22:00', end: '24:00' }]));
  const santiago24x7: ServiceCalendar = { kind: '24x7', timeZone: 'America/Santiago' };

  it('fall-back at midnight repeats 23:00-24:00: the evening interval is 3h', () => {
    // 4 April 22:00 -03 to 5 April 00:00 -04 (the clock went back from 00:00 to 23:00).
    expect(businessTimeBetween(santiagoEvenings, t('2026-04-04T12:00-03:00'), t('2026-04-05T00:00-04:00'))).toBe(3 * HOUR);
  });

  it('spring-forward skips 00:00-01:00: the next day starts at 01:00', () => {
    expect(nextBusinessDayStart(santiago24x7, t('2026-09-05T12:00-04:00'))).toEqual(t('2026-09-06T01:00-03:00'));
    expect(endOfBusinessDay(santiago24x7, t('2026-09-05T12:00-04:00'))).toEqual(t('2026-09-06T01:00-03:00'));
    // 22:00-24:00 and 00:00-02:00 meet at the jump and lose its hour: 2h + 1h.
    expect(businessTimeBetween(santiagoEvenings, t('2026-09-05T12:00-04:00'), t('2026-09-06T12:00-03:00'))).toBe(3 * HOUR);
    expect(addBusinessTime(santiagoEvenings, t('2026-09-05T22:00-04:00'), 2.5 * HOUR)).toEqual(t('2026-09-06T01:30-03:00'));
  });
});
