import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WARN_AT_RATIO,
  clockState,
  clockView,
  nextDeadline,
  pauseClock,
  resumeClock,
  retarget,
  startClock,
  stopClock,
  type SlaClock,
} from './clock';
import { ClockTransitionError, InvalidCalendarError, SlaArgumentError } from './errors';
import { HOUR, MINUTE, berlinOffice as berlin, calendar, t, weekdays } from './test-support';

const MONDAY_0900 = t('2026-01-12T09:00+01:00');

/** An 8-business-hour resolution clock started Monday 09:00: warns Monday 16:00, due Tuesday 09:00. */
function resolution(targetMs = 8 * HOUR): SlaClock {
  return startClock({ name: 'resolution', targetMs, calendar: berlin, startedAt: MONDAY_0900 });
}

const iso = (s: string) => t(s).toISOString();

describe('a running clock', () => {
  it('starts on-track with due and warning instants on the calendar', () => {
    const clock = resolution();
    expect(clock.warnAtRatio).toBe(DEFAULT_WARN_AT_RATIO);
    expect(clockView(clock, MONDAY_0900)).toEqual({
      name: 'resolution',
      targetMs: 8 * HOUR,
      warnAtRatio: 0.75,
      startedAt: MONDAY_0900.toISOString(),
      warnAt: iso('2026-01-12T16:00+01:00'),
      dueAt: iso('2026-01-13T09:00+01:00'),
      elapsedMs: 0,
      pausedMs: 0,
      remainingMs: 8 * HOUR,
      overdueMs: 0,
      status: 'on-track',
      paused: false,
      pausedSince: null,
      pauseReason: null,
      stoppedAt: null,
    });
    expect(nextDeadline(clock, MONDAY_0900)).toEqual({ kind: 'warning', at: t('2026-01-12T16:00+01:00') });
  });

  it('warns at the warning instant, breaches at the due instant, then has no deadline left', () => {
    const clock = resolution();
    expect(clockView(clock, t('2026-01-12T15:59:59.999+01:00')).status).toBe('on-track');
    expect(clockView(clock, t('2026-01-12T16:00+01:00')).status).toBe('warning');
    expect(nextDeadline(clock, t('2026-01-12T16:00+01:00'))).toEqual({ kind: 'breach', at: t('2026-01-13T09:00+01:00') });
    // Overnight the clock stands still: still warning, 30 minutes left.
    expect(clockView(clock, t('2026-01-13T03:00+01:00'))).toMatchObject({ status: 'warning', remainingMs: 30 * MINUTE });
    expect(clockView(clock, t('2026-01-13T09:00+01:00'))).toMatchObject({ status: 'breached', remainingMs: 0, overdueMs: 0 });
    expect(clockView(clock, t('2026-01-13T10:00+01:00'))).toMatchObject({ status: 'breached', overdueMs: HOUR });
    expect(nextDeadline(clock, t('2026-01-13T09:00+01:00'))).toBeNull();
  });

  it('runs on real time under 24x7', () => {
    const clock = startClock({ name: 'first-response', targetMs: HOUR, calendar: { kind: '24x7' }, startedAt: t('2026-01-17T10:00Z') });
    expect(clockView(clock, t('2026-01-17T10:00Z'))).toMatchObject({ warnAt: '2026-01-17T10:45:00.000Z', dueAt: '2026-01-17T11:00:00.000Z' });
    expect(clockView(clock, t('2026-01-17T10:50Z'))).toMatchObject({ status: 'warning', elapsedMs: 50 * MINUTE });
  });

  it('started outside working hours counts from the next working instant', () => {
    const clock = startClock({ name: 'on-site', targetMs: 4 * HOUR, calendar: berlin, startedAt: t('2026-01-17T10:00+01:00') });
    expect(clockView(clock, t('2026-01-19T08:00+01:00'))).toMatchObject({ elapsedMs: 0, dueAt: iso('2026-01-19T13:30+01:00') });
  });
});

describe('stopping', () => {
  it('before the due instant is met and freezes the view', () => {
    const stopped = stopClock(resolution(), t('2026-01-12T15:00+01:00'));
    const view = clockView(stopped, t('2026-01-20T12:00+01:00'));
    expect(view).toMatchObject({ status: 'met', elapsedMs: 5 * HOUR, remainingMs: 3 * HOUR, stoppedAt: iso('2026-01-12T15:00+01:00') });
    expect(nextDeadline(stopped, t('2026-01-12T15:00+01:00'))).toBeNull();
  });

  it('one ms before due is met; at due, or later outside working hours, is breached', () => {
    expect(clockView(stopClock(resolution(), t('2026-01-13T08:59:59.999+01:00')), MONDAY_0900).status).toBe('met');
    expect(clockView(stopClock(resolution(), t('2026-01-13T09:00+01:00')), MONDAY_0900).status).toBe('breached');
    // Due Monday 17:30; stopped that night: no more working time elapsed, but the due instant has passed.
    const clock = startClock({ name: 'resolution', targetMs: 8 * HOUR, calendar: berlin, startedAt: t('2026-01-12T08:30+01:00') });
    expect(clockView(stopClock(clock, t('2026-01-12T22:00+01:00')), MONDAY_0900)).toMatchObject({ status: 'breached', overdueMs: 0 });
  });

  it('a paused clock closes its pause', () => {
    const paused = pauseClock(resolution(), t('2026-01-12T10:00+01:00'), 'waiting-on-customer');
    const stopped = stopClock(paused, t('2026-01-12T11:00+01:00'));
    expect(stopped.pauses).toEqual([{ from: iso('2026-01-12T10:00+01:00'), to: iso('2026-01-12T11:00+01:00'), reason: 'waiting-on-customer' }]);
    expect(clockView(stopped, t('2026-01-12T11:00+01:00'))).toMatchObject({ status: 'met', elapsedMs: HOUR, pausedMs: HOUR, paused: false });
  });
});

describe('pauses', () => {
  it('never tick, and push due and warning by the working time they covered', () => {
    const paused = pauseClock(resolution(), t('2026-01-12T10:00+01:00'), 'waiting-on-customer');
    expect(clockView(paused, t('2026-01-12T11:00+01:00'))).toMatchObject({
      elapsedMs: HOUR,
      pausedMs: HOUR,
      paused: true,
      pausedSince: iso('2026-01-12T10:00+01:00'),
      pauseReason: 'waiting-on-customer',
      status: 'on-track',
      // Projected as if resumed now.
      dueAt: iso('2026-01-13T10:00+01:00'),
    });
    expect(clockView(paused, t('2026-01-13T17:00+01:00')).elapsedMs).toBe(HOUR);
    expect(nextDeadline(paused, t('2026-01-12T11:00+01:00'))).toBeNull();

    const resumed = resumeClock(paused, t('2026-01-12T14:00+01:00'));
    // Paused 10:00-12:00 and 13:00-14:00: 3h of working time, so warning and due move 3h on.
    expect(clockView(resumed, t('2026-01-12T15:00+01:00'))).toMatchObject({
      elapsedMs: 2 * HOUR,
      pausedMs: 3 * HOUR,
      paused: false,
      warnAt: iso('2026-01-13T10:00+01:00'),
      dueAt: iso('2026-01-13T12:00+01:00'),
    });
    expect(nextDeadline(resumed, t('2026-01-12T15:00+01:00'))).toEqual({ kind: 'warning', at: t('2026-01-13T10:00+01:00') });
  });

  it('starting and ending outside working hours count only the working time between', () => {
    let clock = resolution();
    clock = pauseClock(clock, t('2026-01-16T18:00+01:00'), 'waiting-on-customer');
    clock = resumeClock(clock, t('2026-01-19T09:00+01:00'));
    expect(clockView(clock, t('2026-01-19T09:00+01:00')).pausedMs).toBe(30 * MINUTE);
  });

  it('starting on a holiday count only the working time after it', () => {
    let clock = startClock({ name: 'on-site', targetMs: 4 * HOUR, calendar: berlin, startedAt: t('2026-04-02T16:00+02:00') });
    expect(clockView(clock, t('2026-04-02T16:00+02:00')).dueAt).toBe(iso('2026-04-07T11:00+02:00'));
    clock = pauseClock(clock, t('2026-04-03T10:00+02:00'), 'waiting-on-customer');
    clock = resumeClock(clock, t('2026-04-07T09:00+02:00'));
    expect(clockView(clock, t('2026-04-07T09:00+02:00'))).toMatchObject({ pausedMs: 30 * MINUTE, dueAt: iso('2026-04-07T11:30+02:00') });
  });

  it('after the breach do not move the due instant', () => {
    let clock = pauseClock(resolution(), t('2026-01-13T10:00+01:00'), 'waiting-on-customer');
    clock = resumeClock(clock, t('2026-01-13T11:00+01:00'));
    expect(clockView(clock, t('2026-01-13T12:00+01:00'))).toMatchObject({
      status: 'breached',
      dueAt: iso('2026-01-13T09:00+01:00'),
      elapsedMs: 10 * HOUR,
      pausedMs: HOUR,
      overdueMs: 2 * HOUR,
    });
  });
});

describe('retarget (tier change)', () => {
  it('up: recomputes from the original start and keeps elapsed time', () => {
    const p1 = resolution(4 * HOUR); // warns Monday 12:00, due Monday 14:00
    const at = t('2026-01-12T12:30+01:00');
    expect(clockView(p1, at)).toMatchObject({ status: 'warning', elapsedMs: 3 * HOUR, dueAt: iso('2026-01-12T14:00+01:00') });
    const p3 = retarget(p1, 16 * HOUR);
    expect(p3.startedAt).toBe(p1.startedAt);
    expect(clockView(p3, at)).toMatchObject({
      status: 'on-track',
      elapsedMs: 3 * HOUR,
      warnAt: iso('2026-01-13T14:00+01:00'),
      dueAt: iso('2026-01-14T09:00+01:00'),
    });
    expect(nextDeadline(p3, at)).toEqual({ kind: 'warning', at: t('2026-01-13T14:00+01:00') });
  });

  it('down: an on-track clock can be breached as of the original start', () => {
    const p3 = resolution(16 * HOUR);
    const at = t('2026-01-12T16:00+01:00');
    expect(clockView(p3, at).status).toBe('on-track');
    const p1 = retarget(p3, 4 * HOUR);
    expect(clockView(p1, at)).toMatchObject({ status: 'breached', elapsedMs: 6 * HOUR, overdueMs: 2 * HOUR, dueAt: iso('2026-01-12T14:00+01:00') });
    expect(nextDeadline(p1, at)).toBeNull();
  });

  it('while paused keeps the pause and does not tick', () => {
    let clock = pauseClock(resolution(), t('2026-01-12T10:00+01:00'), 'waiting-on-customer');
    clock = retarget(clock, 4 * HOUR, 0.5);
    expect(clockState(clock)).toBe('paused');
    expect(clockView(clock, t('2026-01-12T16:00+01:00'))).toMatchObject({ elapsedMs: HOUR, status: 'on-track', warnAtRatio: 0.5 });
    clock = resumeClock(clock, t('2026-01-12T14:00+01:00'));
    // 4h of counting plus the 3h the pause covered: Monday 09:00 + 7h = 17:00.
    expect(clockView(clock, t('2026-01-12T15:00+01:00'))).toMatchObject({ dueAt: iso('2026-01-12T17:00+01:00'), warnAt: iso('2026-01-12T15:00+01:00'), status: 'warning' });
  });
});

describe('invalid transitions and inputs', () => {
  const at = t('2026-01-12T10:00+01:00');

  it('pausing a paused clock, resuming a running one and acting on a stopped one are typed errors', () => {
    const paused = pauseClock(resolution(), at, 'waiting-on-customer');
    expect(() => pauseClock(paused, at, 'again')).toThrow(expect.objectContaining({ name: 'ClockTransitionError', transition: 'pause', state: 'paused' }));
    expect(() => resumeClock(resolution(), at)).toThrow(expect.objectContaining({ transition: 'resume', state: 'running' }));
    const stopped = stopClock(resolution(), at);
    for (const act of [() => pauseClock(stopped, at, 'x'), () => resumeClock(stopped, at), () => stopClock(stopped, at), () => retarget(stopped, HOUR)]) {
      expect(act).toThrow(ClockTransitionError);
      expect(act).toThrow(/stopped at 2026-01-12T09:00:00.000Z/);
    }
  });

  it('a transition before the last event is rejected, naming `at`', () => {
    const paused = pauseClock(resolution(), at, 'waiting-on-customer');
    expect(() => resumeClock(paused, t('2026-01-12T09:30+01:00'))).toThrow(expect.objectContaining({ field: 'at', retriable: false }));
    expect(() => pauseClock(resolution(), t('2026-01-12T08:00+01:00'), 'x')).toThrow(ClockTransitionError);
  });

  it('rejects bad targets, ratios, names and calendars', () => {
    const base = { name: 'x', targetMs: HOUR, calendar: berlin, startedAt: MONDAY_0900 };
    expect(() => startClock({ ...base, targetMs: 0 })).toThrow(expect.objectContaining({ field: 'targetMs' }));
    expect(() => startClock({ ...base, targetMs: -HOUR })).toThrow(SlaArgumentError);
    expect(() => startClock({ ...base, warnAtRatio: 1 })).toThrow(expect.objectContaining({ field: 'warnAtRatio' }));
    expect(() => startClock({ ...base, warnAtRatio: 0 })).toThrow(SlaArgumentError);
    expect(() => startClock({ ...base, name: ' ' })).toThrow(expect.objectContaining({ field: 'name' }));
    expect(() => startClock({ ...base, calendar: calendar('Europe/Berlin', weekdays([])) })).toThrow(InvalidCalendarError);
    expect(() => retarget(resolution(), 1.5)).toThrow(expect.objectContaining({ field: 'newTargetMs' }));
  });
});

describe('as data', () => {
  it('survives a JSON round trip (workflow state, continue-as-new, queries)', () => {
    let clock = pauseClock(resolution(), t('2026-01-12T10:00+01:00'), 'waiting-on-customer');
    clock = resumeClock(clock, t('2026-01-12T14:00+01:00'));
    const copy = JSON.parse(JSON.stringify(clock)) as SlaClock;
    const now = t('2026-01-13T10:00+01:00');
    expect(clockView(copy, now)).toEqual(clockView(clock, now));
  });

  it('transitions return new clocks and leave the old ones unchanged', () => {
    const clock = resolution();
    const frozen = JSON.stringify(clock);
    pauseClock(clock, t('2026-01-12T10:00+01:00'), 'waiting-on-customer');
    retarget(clock, HOUR);
    expect(JSON.stringify(clock)).toBe(frozen);
  });

  it('reads a `now` before the last event as that event', () => {
    const paused = pauseClock(resolution(), t('2026-01-12T10:00+01:00'), 'waiting-on-customer');
    expect(clockView(paused, MONDAY_0900)).toEqual(clockView(paused, t('2026-01-12T10:00+01:00')));
  });
});
