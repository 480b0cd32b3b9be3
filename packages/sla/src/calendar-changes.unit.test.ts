/** A running clock's calendar replaced: elapsed time kept, what is left measured on the new calendar. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, type BusinessCalendar } from './calendar';
import { calendarInForce, changeCalendar, clockView, pauseClock, resumeClock, startClock, stopClock } from './clock';
import { DAY_MS } from './local-time';
import { NUM_RUNS, calendarArb, durationFor, holidayArb, instantArb } from './test-arbitraries';
import { HOUR, SPLIT_DAY, calendar, t, weekdays } from './test-support';

const shanghai = (holidays: string[] = [], exceptions: BusinessCalendar['exceptions'] = []): BusinessCalendar => ({ ...calendar('Asia/Shanghai', weekdays(SPLIT_DAY), holidays), exceptions });

describe('a calendar change on a running clock', () => {
  // A P3-like resolution clock: 24 working hours from Monday 2026-11-30 09:00 (+08:00), 8 h a day (08:30-12:00, 13:00-17:30).
  const start = t('2026-11-30T09:00+08:00');
  const clock = startClock({ name: 'resolution', targetMs: 24 * HOUR, calendar: shanghai(), startedAt: start });

  it('a holiday published ahead of the due instant moves it by that day\u2019s working hours', () => {
    const before = clockView(clock, t('2026-12-01T10:00+08:00'));
    expect(before.dueAt).toBe(t('2026-12-03T09:00+08:00').toISOString());
    const changed = changeCalendar(clock, shanghai(['2026-12-02']), t('2026-12-01T10:00+08:00'), 'closure');
    const after = clockView(changed, t('2026-12-01T10:00+08:00'));
    expect(after.elapsedMs).toBe(before.elapsedMs);
    expect(after.dueAt).toBe(t('2026-12-04T09:00+08:00').toISOString());
    expect(calendarInForce(changed).kind).toBe('business');
  });

  it('a make-up Saturday added moves the due instant earlier', () => {
    const friday = startClock({ name: 'resolution', targetMs: 16 * HOUR, calendar: shanghai(), startedAt: t('2026-12-04T08:30+08:00') });
    const at = t('2026-12-04T12:00+08:00');
    expect(clockView(friday, at).dueAt).toBe(t('2026-12-07T17:30+08:00').toISOString());
    const madeUp = changeCalendar(friday, shanghai([], [{ date: '2026-12-05', hours: SPLIT_DAY, reason: 'make-up day' }]), at);
    expect(clockView(madeUp, at).dueAt).toBe(t('2026-12-05T17:30+08:00').toISOString());
  });

  it('a holiday already past at the change does not give back time counted on it', () => {
    const at = t('2026-12-01T10:00+08:00');
    const closedYesterday = changeCalendar(clock, shanghai(['2026-11-30']), at);
    expect(clockView(closedYesterday, at).elapsedMs).toBe(clockView(clock, at).elapsedMs);
  });

  it('pauses keep counting against neither calendar, and a stopped clock refuses the change', () => {
    const paused = pauseClock(clock, t('2026-11-30T10:00+08:00'), 'waiting-on-customer');
    const changed = changeCalendar(paused, shanghai(['2026-12-01']), t('2026-11-30T11:00+08:00'));
    const resumed = resumeClock(changed, t('2026-11-30T12:00+08:00'));
    // 1 h before the pause; resumed at noon (lunch), counts again from 13:00; Dec 1 closed now.
    expect(clockView(resumed, t('2026-12-02T08:30+08:00')).elapsedMs).toBe(HOUR + 4.5 * HOUR);
    expect(() => changeCalendar(stopClock(clock, t('2026-11-30T10:00+08:00')), shanghai(), t('2026-11-30T11:00+08:00'))).toThrow(/stopped/);
    expect(() => changeCalendar(clock, shanghai(), t('2026-11-29T11:00+08:00'))).toThrow(/before its last event/);
  });
});

describe('calendar changes, properties over random calendars and zones', () => {
  const scenario = calendarArb.chain((c) =>
    fc.record({
      c: fc.constant(c),
      next: calendarArb.map((n) => ({ ...n, timeZone: c.timeZone })),
      start: instantArb,
      target: durationFor(c).map((d) => Math.max(1, d)),
      changeAfter: fc.integer({ min: 0, max: 6 * DAY_MS }),
      later: fc.integer({ min: 0, max: 20 * DAY_MS }),
      holiday: holidayArb,
    }),
  );

  it('elapsed time at the change never moves; afterwards the new calendar counts', () => {
    fc.assert(
      fc.property(scenario, ({ c, next, start, target, changeAfter, later }) => {
        const clock = startClock({ name: 'resolution', targetMs: target, calendar: c, startedAt: new Date(start) });
        const at = new Date(start + changeAfter);
        const changed = changeCalendar(clock, next, at);
        const before = clockView(clock, at);
        const after = clockView(changed, at);
        expect(after.elapsedMs).toBe(before.elapsedMs);
        const now = new Date(at.getTime() + later);
        expect(clockView(changed, now).elapsedMs).toBe(before.elapsedMs + businessTimeBetween(next, at, now));
        // Not yet due at the change: due is the rest of the target on the new calendar from the change.
        if (before.elapsedMs < target) expect(after.dueAt).toBe(addBusinessTime(next, at, target - before.elapsedMs).toISOString());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a change to the same calendar moves nothing, and one more holiday never brings a due instant forward', () => {
    fc.assert(
      fc.property(scenario, ({ c, start, target, changeAfter, holiday }) => {
        const clock = startClock({ name: 'resolution', targetMs: target, calendar: c, startedAt: new Date(start) });
        const at = new Date(start + changeAfter);
        const same = clockView(changeCalendar(clock, c, at), at);
        expect(same.dueAt).toBe(clockView(clock, at).dueAt);
        const withHoliday = { ...c, holidays: [...new Set([...c.holidays, holiday])] };
        const moved = clockView(changeCalendar(clock, withHoliday, at), at);
        expect(Date.parse(moved.dueAt)).toBeGreaterThanOrEqual(Date.parse(same.dueAt));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
