/**
 * The request's SLA engine, pure: clocks per policy and tier, re-targeting, pauses, what is due
 * at an instant and when to wake next. No Temporal: the engine does no I/O and reads no time.
 *
 * Every expectation is worked out by hand in the comments, never with the library under test.
 * Instants are written in Asia/Shanghai local time (UTC+8, no DST). The business calendar is the
 * shipped one: Monday-Friday 08:30-12:00 and 13:00-17:30 (8 working hours a day), no holiday
 * between 2026-11-30 and 2026-12-31. Monday 2026-11-30 08:30 Shanghai is 2026-11-30T00:30:00Z.
 *
 * Standard policy (warranty-standard): warning at 75 % of the target, provisional tier P3.
 *   P1: first response 1 h, on site 12 h (4 h in a provincial capital), resolution 24 h
 *   P2: first response 2 h, on site 18 h (8 h in a provincial capital), resolution 40 h
 *   P3: first response 4 h, on site by the end of the next business day (NBD), resolution 72 h
 *   P4: first response 8 h, on site 40 h, resolution 120 h
 * Escalation ladders, minutes of wall time after the breach:
 *   P1 notify 0, reassign 30, tell-customer 60, raise-tier 120
 *   P2 notify 0, reassign 60, tell-customer 120, raise-tier 240
 *   P3 notify 0, reassign 240, tell-customer 480, raise-tier 1440
 *   P4 notify 0, reassign 480, tell-customer 1440 (no raise-tier)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ClockTransitionError,
  alwaysOpenCalendar,
  businessHoursCalendar,
  clockNames,
  clockView,
  defaultPolicies,
  pauseClock,
  priorityTiers,
  resumeClock,
  type ClockName,
  type PriorityTier,
  type ResponseMode,
  type SlaClock,
  type SlaPolicy,
} from '@aftersales/sla';
import {
  dueActions,
  isClockOpen,
  nextWakeUp,
  pauseAll,
  pauseOne,
  restoreWaived,
  resumeAll,
  resumeOne,
  setTier,
  startSla,
  stopAll,
  stopOne,
  views,
  waiveOne,
  type ClockMarks,
  type SlaAction,
  type SlaState,
  type SlaTerms,
} from './sla-engine';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const standard = defaultPolicies['warranty-standard']!;
const premium = defaultPolicies['contract-premium']!;

/** A Shanghai local time ('2026-11-30T08:30') as an instant. */
const sh = (local: string): Date => new Date(`${local}+08:00`);
/** The same, as the ISO string the engine stores. */
const iso = (local: string): string => sh(local).toISOString();
/** A UTC instant ('2026-11-30T00:30'). */
const utc = (text: string): Date => new Date(`${text}Z`);

const MONDAY_0830 = sh('2026-11-30T08:30');

function terms(over: Partial<SlaTerms> = {}): SlaTerms {
  return { policy: standard, calendar: businessHoursCalendar, responseMode: 'on-site', locationClass: null, ...over };
}

const noMarks: ClockMarks = { warnedAt: null, breachedAt: null, escalationsDone: 0 };

function clockOf(sla: SlaState, name: ClockName): SlaClock {
  const clock = sla.clocks.find((c) => c.name === name);
  if (!clock) throw new Error(`no ${name} clock`);
  return clock;
}

const viewOf = (sla: SlaState, name: ClockName, at: Date) => clockView(clockOf(sla, name), at);
const targets = (sla: SlaState) => Object.fromEntries(sla.clocks.map((c) => [c.name, c.targetMs]));

/** An action as a short line, so a whole timeline reads as one expectation. */
function line(a: SlaAction): string {
  return a.kind === 'escalation' ? `${a.clock} #${a.step} ${a.action} (${a.tier})` : `${a.kind} ${a.clock}`;
}

/** Calls dueActions at `at` and returns the new state and the actions as lines. */
function due(sla: SlaState, at: Date): { sla: SlaState; lines: string[] } {
  const r = dueActions(sla, at);
  return { sla: r.sla, lines: r.actions.map(line) };
}

/**
 * What a workflow does: wake at nextWakeUp, apply dueActions there, repeat until `until`.
 * Returns each wake-up instant (ISO) with the actions it produced.
 */
function drive(sla: SlaState, from: Date, until: Date): { sla: SlaState; log: [string, string[]][] } {
  let state = sla;
  let now = from;
  const log: [string, string[]][] = [];
  for (let i = 0; i < 200; i++) {
    const wake = nextWakeUp(state, now);
    if (wake === null || wake.getTime() > until.getTime()) return { sla: state, log };
    const r = dueActions(state, wake);
    state = r.sla;
    now = wake;
    log.push([wake.toISOString(), r.actions.map(line)]);
  }
  throw new Error('drive did not settle');
}

describe('startSla', () => {
  it('runs first response, on site (NBD) and resolution under the provisional tier on the business calendar', () => {
    const sla = startSla(terms(), MONDAY_0830);
    expect(sla.tier).toBe('P3');
    expect(sla.tierProvisional).toBe(true);
    expect(sla.terms).toEqual(terms());
    // NBD from Monday 08:30: the next business day is Tuesday, which ends 17:30; business time
    // Monday 08:30 -> Tuesday 17:30 is 8 h + 8 h = 16 h.
    const started = (name: ClockName, targetMs: number): SlaClock => ({
      name,
      targetMs,
      warnAtRatio: 0.75,
      calendar: businessHoursCalendar,
      startedAt: '2026-11-30T00:30:00.000Z',
      pauses: [],
      stoppedAt: null,
    });
    expect(sla.clocks).toEqual([started('first-response', 4 * HOUR), started('on-site', 16 * HOUR), started('resolution', 72 * HOUR)]);
    expect(sla.marks).toEqual({ 'first-response': noMarks, 'on-site': noMarks, resolution: noMarks });
  });

  it('takes the tier, the location class and the provisional flag it is given', () => {
    const capital = startSla(terms({ locationClass: 'provincial-capital' }), MONDAY_0830, 'P1', false);
    expect(capital.tier).toBe('P1');
    expect(capital.tierProvisional).toBe(false);
    expect(targets(capital)).toEqual({ 'first-response': 1 * HOUR, 'on-site': 4 * HOUR, resolution: 24 * HOUR });
    // No class, or one the policy does not name: the tier's default on-site target.
    expect(targets(startSla(terms(), MONDAY_0830, 'P1'))['on-site']).toBe(12 * HOUR);
    expect(targets(startSla(terms({ locationClass: 'county' }), MONDAY_0830, 'P2'))['on-site']).toBe(18 * HOUR);
    expect(targets(startSla(terms(), MONDAY_0830, 'P4'))).toEqual({ 'first-response': 8 * HOUR, 'on-site': 40 * HOUR, resolution: 120 * HOUR });
    // A tier given without the flag is still provisional (the default).
    expect(startSla(terms(), MONDAY_0830, 'P2').tierProvisional).toBe(true);
  });

  it('uses the policy it is given', () => {
    const sla = startSla(terms({ policy: premium, locationClass: 'provincial-capital' }), MONDAY_0830, 'P2', false);
    expect(targets(sla)).toEqual({ 'first-response': 1 * HOUR, 'on-site': 6 * HOUR, resolution: 36 * HOUR });
  });

  it('runs no on-site clock for a remote-only entitlement', () => {
    const sla = startSla(terms({ responseMode: 'remote' }), MONDAY_0830, 'P1');
    expect(sla.clocks.map((c) => c.name)).toEqual(['first-response', 'resolution']);
    expect(Object.keys(sla.marks)).toEqual(['first-response', 'resolution']);
    expect(isClockOpen(sla, 'on-site')).toBe(false);
    expect(isClockOpen(sla, 'resolution')).toBe(true);
  });

  it('gives an NBD entitlement the next-business-day on-site target whatever the tier says', () => {
    // P1 would be 12 h; NBD from Monday 08:30 is the 16 h up to Tuesday 17:30.
    expect(targets(startSla(terms({ responseMode: 'nbd' }), MONDAY_0830, 'P1'))['on-site']).toBe(16 * HOUR);
    // From Monday 17:00: 0.5 h on Monday and all of Tuesday (8 h) = 8.5 h.
    expect(targets(startSla(terms(), sh('2026-11-30T17:00')))['on-site']).toBe(8.5 * HOUR);
    // From Friday 2026-12-04 10:00: 2 h + 4.5 h on Friday, the weekend is closed, Monday 8 h = 14.5 h.
    expect(targets(startSla(terms(), sh('2026-12-04T10:00')))['on-site']).toBe(14.5 * HOUR);
  });

  it('counts NBD on 24x7 up to the end of the next local day', () => {
    // Monday 08:30 Shanghai: the next day starts Tuesday 00:00 and ends Wednesday 00:00, 15.5 h + 24 h away.
    const sla = startSla(terms({ calendar: alwaysOpenCalendar }), MONDAY_0830);
    expect(targets(sla)).toEqual({ 'first-response': 4 * HOUR, 'on-site': 39.5 * HOUR, resolution: 72 * HOUR });
  });
});

describe('setTier', () => {
  it('re-targets from the original start, keeping the pauses and the elapsed time; a shorter target breaches as of the past due instant', () => {
    // P3 from Monday 08:30, paused 09:00-10:00, screened P1 at 10:45.
    let sla = startSla(terms(), MONDAY_0830);
    sla = pauseAll(sla, sh('2026-11-30T09:00'), 'waiting-on-customer');
    sla = resumeAll(sla, sh('2026-11-30T10:00'));
    const before = sla;
    sla = setTier(sla, 'P1', sh('2026-11-30T10:45'));

    expect(sla.tier).toBe('P1');
    expect(sla.tierProvisional).toBe(false);
    expect(before.tier).toBe('P3'); // the input is not mutated
    expect(targets(sla)).toEqual({ 'first-response': 1 * HOUR, 'on-site': 12 * HOUR, resolution: 24 * HOUR });
    for (const clock of sla.clocks) {
      expect(clock.startedAt).toBe(iso('2026-11-30T08:30'));
      expect(clock.pauses).toEqual([{ from: iso('2026-11-30T09:00'), to: iso('2026-11-30T10:00'), reason: 'waiting-on-customer' }]);
      expect(clock.stoppedAt).toBeNull();
    }
    // First response, 1 h: 08:30-09:00 (0.5 h) and 10:00-10:30 (0.5 h): due 10:30, warning at
    // 45 min: 10:15. At 10:45: 30 + 45 = 75 min counted, 60 min paused, 15 min over.
    expect(viewOf(sla, 'first-response', sh('2026-11-30T10:45'))).toMatchObject({
      status: 'breached',
      warnAt: iso('2026-11-30T10:15'),
      dueAt: iso('2026-11-30T10:30'),
      elapsedMs: 75 * MINUTE,
      pausedMs: 60 * MINUTE,
      overdueMs: 15 * MINUTE,
    });
    // On site, 12 h: Monday gives 8 h - 1 h paused = 7 h, so warning (9 h) Tuesday 08:30 + 2 h =
    // 10:30 and due (12 h) Tuesday 3.5 h in the morning + 1.5 h from 13:00 = 14:30.
    expect(viewOf(sla, 'on-site', sh('2026-11-30T10:45'))).toMatchObject({ status: 'on-track', warnAt: iso('2026-12-01T10:30'), dueAt: iso('2026-12-01T14:30') });
    // Resolution, 24 h: 7 h Monday + 8 h Tuesday; warning (18 h) Wednesday 11:30, due (24 h) Thursday 09:30.
    expect(viewOf(sla, 'resolution', sh('2026-11-30T10:45'))).toMatchObject({ warnAt: iso('2026-12-02T11:30'), dueAt: iso('2026-12-03T09:30') });
    // setTier itself fires nothing.
    expect(sla.marks).toEqual(before.marks);

    // What is due at 10:45: the warning, then the breach dated at the past due instant, and
    // the first P1 step at breach + 0. The second (reassign, + 30 min) is due at 11:00.
    const at1045 = dueActions(sla, sh('2026-11-30T10:45'));
    expect(at1045.actions.map(line)).toEqual(['warning first-response', 'breach first-response', 'first-response #1 notify-supervisor (P1)']);
    expect(at1045.actions[2]).toMatchObject({ kind: 'escalation', breachedAt: iso('2026-11-30T10:30') });
    expect(at1045.sla.marks['first-response']).toEqual({ warnedAt: iso('2026-11-30T10:15'), breachedAt: iso('2026-11-30T10:30'), escalationsDone: 1 });
    expect(nextWakeUp(at1045.sla, sh('2026-11-30T10:45'))).toEqual(sh('2026-11-30T11:00'));
    expect(due(at1045.sla, sh('2026-11-30T11:00')).lines).toEqual(['first-response #2 reassign (P1)']);
  });

  it('computes a next-business-day target from the request start, not from the re-triage', () => {
    // Started P1 (on site 12 h) Monday 08:30, re-triaged to P3 on Tuesday 15:00: NBD counts from
    // Monday, so 16 h (to Tuesday 17:30), not 2.5 h + 8 h = 10.5 h from Tuesday 15:00.
    const sla = setTier(startSla(terms(), MONDAY_0830, 'P1', false), 'P3', sh('2026-12-01T15:00'));
    expect(targets(sla)['on-site']).toBe(16 * HOUR);
    expect(clockOf(sla, 'on-site').startedAt).toBe(iso('2026-11-30T08:30'));
  });

  it('leaves stopped clocks alone', () => {
    let sla = startSla(terms(), MONDAY_0830);
    sla = stopOne(sla, 'first-response', sh('2026-11-30T09:00'));
    sla = setTier(sla, 'P1', sh('2026-11-30T09:30'));
    expect(targets(sla)).toEqual({ 'first-response': 4 * HOUR, 'on-site': 12 * HOUR, resolution: 24 * HOUR });
    expect(viewOf(sla, 'first-response', sh('2026-11-30T09:30')).status).toBe('met');
  });

  it('re-targets a paused clock too', () => {
    let sla = startSla(terms(), MONDAY_0830);
    sla = pauseOne(sla, 'resolution', sh('2026-11-30T09:00'), 'awaiting-acceptance');
    sla = setTier(sla, 'P2', sh('2026-11-30T10:00'));
    expect(targets(sla).resolution).toBe(40 * HOUR);
    expect(clockOf(sla, 'resolution').pauses).toEqual([{ from: iso('2026-11-30T09:00'), to: null, reason: 'awaiting-acceptance' }]);
  });

  it('re-arms a warning when the new warning instant lies in the future', () => {
    // P3 first response, 4 h: warning at 3 h = Monday 11:30.
    let sla = startSla(terms(), MONDAY_0830);
    ({ sla } = dueActions(sla, sh('2026-11-30T11:30')));
    expect(sla.marks['first-response']!.warnedAt).toBe(iso('2026-11-30T11:30'));
    // P4 first response, 8 h: warning at 6 h = 3.5 h in the morning + 2.5 h from 13:00 = 15:30, due 17:30.
    sla = setTier(sla, 'P4', sh('2026-11-30T11:45'));
    expect(sla.marks['first-response']).toEqual(noMarks);
    expect(nextWakeUp(sla, sh('2026-11-30T11:45'))).toEqual(sh('2026-11-30T15:30'));
    expect(due(sla, sh('2026-11-30T15:29:59.999')).lines).toEqual([]);
    const at1530 = dueActions(sla, sh('2026-11-30T15:30'));
    expect(at1530.actions.map(line)).toEqual(['warning first-response']);
    expect(at1530.actions[0]).toMatchObject({ view: { warnAt: iso('2026-11-30T15:30'), dueAt: iso('2026-11-30T17:30') } });
  });

  it('keeps a warning mark whose new warning instant is already past, so the warning does not fire twice', () => {
    let sla = startSla(terms(), MONDAY_0830);
    ({ sla } = dueActions(sla, sh('2026-11-30T11:30')));
    // P2 first response, 2 h: warning 10:00 and due 10:30, both past at 11:45.
    sla = setTier(sla, 'P2', sh('2026-11-30T11:45'));
    expect(sla.marks['first-response']).toEqual({ warnedAt: iso('2026-11-30T11:30'), breachedAt: null, escalationsDone: 0 });
    // Breached as of 10:30; the P2 ladder counts from there: notify (+0) and reassign (+60 min = 11:30) are both due.
    const r = dueActions(sla, sh('2026-11-30T11:45'));
    expect(r.actions.map(line)).toEqual(['breach first-response', 'first-response #1 notify-supervisor (P2)', 'first-response #2 reassign (P2)']);
    expect(r.sla.marks['first-response']).toEqual({ warnedAt: iso('2026-11-30T11:30'), breachedAt: iso('2026-11-30T10:30'), escalationsDone: 2 });
    // tell-customer at 10:30 + 120 min = 12:30.
    expect(nextWakeUp(r.sla, sh('2026-11-30T11:45'))).toEqual(sh('2026-11-30T12:30'));
  });

  it('clears the marks of a clock a longer target un-breaches, so its ladder ends and it can breach again', () => {
    // P1 first response, 1 h: warning 09:15, due 09:30; reassign at 09:30 + 30 min = 10:00.
    let sla = startSla(terms(), MONDAY_0830, 'P1', false);
    const log: string[][] = [];
    for (const at of ['09:15', '09:30', '10:00']) {
      const r = due(sla, sh(`2026-11-30T${at}`));
      sla = r.sla;
      log.push(r.lines);
    }
    expect(log).toEqual([['warning first-response'], ['breach first-response', 'first-response #1 notify-supervisor (P1)'], ['first-response #2 reassign (P1)']]);
    expect(sla.marks['first-response']).toEqual({ warnedAt: iso('2026-11-30T09:15'), breachedAt: iso('2026-11-30T09:30'), escalationsDone: 2 });

    // Re-triaged to P3 at 10:15: first response 4 h, warning 11:30, due 13:30; 1.75 h counted.
    sla = setTier(sla, 'P3', sh('2026-11-30T10:15'));
    expect(sla.marks['first-response']).toEqual(noMarks);
    expect(viewOf(sla, 'first-response', sh('2026-11-30T10:15'))).toMatchObject({ status: 'on-track', elapsedMs: 105 * MINUTE });
    // No more P1 steps (tell-customer would have been 10:30): the next thing is the new warning.
    expect(nextWakeUp(sla, sh('2026-11-30T10:15'))).toEqual(sh('2026-11-30T11:30'));
    expect(due(sla, sh('2026-11-30T10:30')).lines).toEqual([]);
    ({ sla } = dueActions(sla, sh('2026-11-30T11:30')));
    const r = dueActions(sla, sh('2026-11-30T13:30'));
    expect(r.actions.map(line)).toEqual(['breach first-response', 'first-response #1 notify-supervisor (P3)']);
    expect(r.actions[1]).toMatchObject({ breachedAt: iso('2026-11-30T13:30'), tier: 'P3' });
  });
});

describe('pausing, resuming and stopping', () => {
  const reason = 'waiting-on-customer';

  it('pauseAll pauses the running clocks and leaves paused and stopped ones as they are', () => {
    let sla = startSla(terms(), MONDAY_0830);
    sla = stopOne(sla, 'first-response', sh('2026-11-30T08:45'));
    sla = pauseOne(sla, 'resolution', sh('2026-11-30T08:50'), 'awaiting-acceptance');
    sla = pauseAll(sla, sh('2026-11-30T09:00'), reason);
    expect(clockOf(sla, 'first-response')).toMatchObject({ pauses: [], stoppedAt: iso('2026-11-30T08:45') });
    expect(clockOf(sla, 'on-site').pauses).toEqual([{ from: iso('2026-11-30T09:00'), to: null, reason }]);
    expect(clockOf(sla, 'resolution').pauses).toEqual([{ from: iso('2026-11-30T08:50'), to: null, reason: 'awaiting-acceptance' }]);
  });

  it('resumeAll closes every open pause and nothing else', () => {
    let sla = startSla(terms(), MONDAY_0830);
    sla = stopOne(sla, 'first-response', sh('2026-11-30T08:45'));
    sla = pauseAll(sla, sh('2026-11-30T09:00'), reason);
    sla = resumeAll(sla, sh('2026-11-30T10:00'));
    expect(clockOf(sla, 'first-response')).toMatchObject({ pauses: [], stoppedAt: iso('2026-11-30T08:45') });
    for (const name of ['on-site', 'resolution'] as const) {
      expect(clockOf(sla, name).pauses).toEqual([{ from: iso('2026-11-30T09:00'), to: iso('2026-11-30T10:00'), reason }]);
    }
    // A running clock is left alone by another resumeAll.
    expect(resumeAll(sla, sh('2026-11-30T11:00')).clocks).toEqual(sla.clocks);
  });

  it('pauseOne and resumeOne touch only the named clock, and only in the right state', () => {
    let sla = startSla(terms(), MONDAY_0830);
    sla = pauseOne(sla, 'resolution', sh('2026-11-30T09:00'), 'awaiting-acceptance');
    expect(sla.clocks.map((c) => c.pauses.length)).toEqual([0, 0, 1]);
    // Pausing it again, or resuming a running clock, changes nothing.
    expect(pauseOne(sla, 'resolution', sh('2026-11-30T09:30'), 'again').clocks).toEqual(sla.clocks);
    expect(resumeOne(sla, 'on-site', sh('2026-11-30T09:30')).clocks).toEqual(sla.clocks);
    sla = resumeOne(sla, 'resolution', sh('2026-11-30T10:00'));
    expect(clockOf(sla, 'resolution').pauses).toEqual([{ from: iso('2026-11-30T09:00'), to: iso('2026-11-30T10:00'), reason: 'awaiting-acceptance' }]);
    // A clock the request does not run is no error.
    const remote = startSla(terms({ responseMode: 'remote' }), MONDAY_0830);
    expect(pauseOne(remote, 'on-site', sh('2026-11-30T09:00'), reason).clocks).toEqual(remote.clocks);
  });

  it('stopOne and stopAll stop open clocks; stopping a paused clock closes its pause', () => {
    let sla = startSla(terms(), MONDAY_0830);
    sla = stopOne(sla, 'first-response', sh('2026-11-30T09:00'));
    expect(isClockOpen(sla, 'first-response')).toBe(false);
    // Stopping it again keeps the first stop.
    expect(stopOne(sla, 'first-response', sh('2026-11-30T09:30')).clocks).toEqual(sla.clocks);
    sla = pauseOne(sla, 'resolution', sh('2026-11-30T09:10'), 'awaiting-acceptance');
    sla = stopAll(sla, sh('2026-11-30T09:40'));
    expect(sla.clocks.map((c) => c.stoppedAt)).toEqual([iso('2026-11-30T09:00'), iso('2026-11-30T09:40'), iso('2026-11-30T09:40')]);
    expect(clockOf(sla, 'resolution').pauses).toEqual([{ from: iso('2026-11-30T09:10'), to: iso('2026-11-30T09:40'), reason: 'awaiting-acceptance' }]);
    expect(sla.clocks.map((c) => isClockOpen(sla, c.name as ClockName))).toEqual([false, false, false]);
    // Stopped clocks neither pause nor resume.
    expect(pauseAll(sla, sh('2026-11-30T10:00'), reason).clocks).toEqual(sla.clocks);
    expect(resumeAll(sla, sh('2026-11-30T10:00')).clocks).toEqual(sla.clocks);
  });

  it('records a transition dated before the clock\'s last event at that event instead of throwing', () => {
    const start = startSla(terms(), MONDAY_0830);
    // The clock module itself refuses to go back in time ...
    expect(() => pauseClock(clockOf(start, 'on-site'), sh('2026-11-30T08:00'), reason)).toThrow(ClockTransitionError);
    // ... the engine clamps: a pause at 08:00 (before the 08:30 start) is recorded at 08:30.
    let sla = pauseAll(start, sh('2026-11-30T08:00'), reason);
    expect(sla.clocks.map((c) => c.pauses)).toEqual(sla.clocks.map(() => [{ from: iso('2026-11-30T08:30'), to: null, reason }]));
    // A resume at 08:10 is recorded at the pause start, 08:30.
    sla = resumeAll(sla, sh('2026-11-30T08:10'));
    expect(clockOf(sla, 'on-site').pauses).toEqual([{ from: iso('2026-11-30T08:30'), to: iso('2026-11-30T08:30'), reason }]);
    // pauseOne / resumeOne: paused at 09:00, resumed "at 08:45" -> resumed at 09:00.
    sla = pauseOne(sla, 'on-site', sh('2026-11-30T09:00'), reason);
    expect(() => resumeClock(clockOf(sla, 'on-site'), sh('2026-11-30T08:45'))).toThrow(ClockTransitionError);
    sla = resumeOne(sla, 'on-site', sh('2026-11-30T08:45'));
    expect(clockOf(sla, 'on-site').pauses[1]).toEqual({ from: iso('2026-11-30T09:00'), to: iso('2026-11-30T09:00'), reason });
    // stopOne at 08:00: first response's last event is 08:30.
    sla = stopOne(sla, 'first-response', sh('2026-11-30T08:00'));
    expect(clockOf(sla, 'first-response').stoppedAt).toBe(iso('2026-11-30T08:30'));
    // A paused clock stopped "before" its pause: pause closed and clock stopped at the pause start, 10:00.
    sla = pauseOne(sla, 'resolution', sh('2026-11-30T10:00'), 'awaiting-acceptance');
    sla = stopAll(sla, sh('2026-11-30T09:30'));
    expect(clockOf(sla, 'resolution').pauses[1]).toEqual({ from: iso('2026-11-30T10:00'), to: iso('2026-11-30T10:00'), reason: 'awaiting-acceptance' });
    expect(clockOf(sla, 'resolution').stoppedAt).toBe(iso('2026-11-30T10:00'));
    // On site's last event (09:00) is before the 09:30 stop, so that instant stands.
    expect(clockOf(sla, 'on-site').stoppedAt).toBe(iso('2026-11-30T09:30'));
    // Stopped at its first-response start: 0 ms counted, met.
    expect(viewOf(sla, 'first-response', sh('2026-11-30T12:00'))).toMatchObject({ status: 'met', elapsedMs: 0 });
  });

  it('does not count a pause: warning and due move by the paused working time', () => {
    // First response, P3 (4 h), paused 09:00-10:00: 0.5 h + 10:00-12:00 (2 h) + 0.5 h -> warning at 3 h = 13:30;
    // due at 4 h = 14:30.
    let sla = startSla(terms(), MONDAY_0830);
    sla = pauseAll(sla, sh('2026-11-30T09:00'), reason);
    sla = resumeAll(sla, sh('2026-11-30T10:00'));
    expect(nextWakeUp(sla, sh('2026-11-30T10:00'))).toEqual(sh('2026-11-30T13:30'));
    expect(due(sla, sh('2026-11-30T11:30')).lines).toEqual([]);
    expect(due(sla, sh('2026-11-30T13:30')).lines).toEqual(['warning first-response']);
    expect(viewOf(sla, 'first-response', sh('2026-11-30T13:30')).dueAt).toBe(iso('2026-11-30T14:30'));
  });
});

describe('dueActions', () => {
  it('fires warning and breach at the exact instants on the business calendar, each once', () => {
    // P3 first response, 4 h from Monday 08:30: warning at 3 h = 11:30, due at 4 h: 3.5 h to
    // 12:00, the lunch hour does not count, 0.5 h from 13:00 = 13:30.
    let sla = startSla(terms(), MONDAY_0830);
    expect(due(sla, sh('2026-11-30T11:29:59.999')).lines).toEqual([]);
    let r = dueActions(sla, sh('2026-11-30T11:30'));
    expect(r.actions).toEqual([
      { kind: 'warning', clock: 'first-response', view: expect.objectContaining({ status: 'warning', warnAt: iso('2026-11-30T11:30'), dueAt: iso('2026-11-30T13:30'), elapsedMs: 3 * HOUR }) },
    ]);
    sla = r.sla;
    expect(sla.marks['first-response']).toEqual({ warnedAt: iso('2026-11-30T11:30'), breachedAt: null, escalationsDone: 0 });
    // Again at the same instant, during lunch, and a millisecond before the due instant: nothing.
    for (const at of ['11:30', '12:30', '13:29:59.999']) expect(due(sla, sh(`2026-11-30T${at}`)).lines).toEqual([]);
    r = dueActions(sla, sh('2026-11-30T13:30'));
    expect(r.actions.map(line)).toEqual(['breach first-response', 'first-response #1 notify-supervisor (P3)']);
    expect(r.actions[0]).toMatchObject({ view: { status: 'breached', dueAt: iso('2026-11-30T13:30'), overdueMs: 0 } });
    expect(r.actions[1]).toEqual({ kind: 'escalation', clock: 'first-response', action: 'notify-supervisor', step: 1, tier: 'P3', breachedAt: iso('2026-11-30T13:30') });
    sla = r.sla;
    expect(sla.marks['first-response']).toEqual({ warnedAt: iso('2026-11-30T11:30'), breachedAt: iso('2026-11-30T13:30'), escalationsDone: 1 });
    // Reassign is 240 min after the breach, 17:30: nothing before, nothing twice.
    for (const at of ['13:30', '15:00', '17:29:59.999']) expect(due(sla, sh(`2026-11-30T${at}`)).lines).toEqual([]);
    r = dueActions(sla, sh('2026-11-30T17:30'));
    expect(r.actions.map(line)).toEqual(['first-response #2 reassign (P3)']);
    expect(due(r.sla, sh('2026-11-30T17:30')).lines).toEqual([]);
  });

  it('catches up in order when called late: warning, breach and every step due, once', () => {
    // First called Monday 22:00: warning (11:30), breach (13:30), notify (13:30), reassign
    // (17:30) and tell-customer (21:30) are all due; raise-tier waits for Tuesday 13:30.
    const sla = startSla(terms(), MONDAY_0830);
    const r = dueActions(sla, sh('2026-11-30T22:00'));
    expect(r.actions.map(line)).toEqual([
      'warning first-response',
      'breach first-response',
      'first-response #1 notify-supervisor (P3)',
      'first-response #2 reassign (P3)',
      'first-response #3 tell-customer (P3)',
    ]);
    // The marks carry the instants things became due, not the instant they were noticed.
    expect(r.sla.marks['first-response']).toEqual({ warnedAt: iso('2026-11-30T11:30'), breachedAt: iso('2026-11-30T13:30'), escalationsDone: 3 });
    expect(due(r.sla, sh('2026-11-30T22:00')).lines).toEqual([]);
    expect(due(r.sla, sh('2026-12-01T08:00')).lines).toEqual([]);
    expect(nextWakeUp(r.sla, sh('2026-11-30T22:00'))).toEqual(sh('2026-12-01T13:30'));
  });

  it('runs a whole business-calendar timeline, with the P3 raise-tier re-targeting the open clocks', () => {
    // P3 from Monday 08:30:
    //   first response 4 h: warning Mon 11:30, due Mon 13:30; ladder: notify 13:30, reassign
    //     17:30, tell-customer 21:30, raise-tier Tue 13:30 (24 h of wall time).
    //   on site NBD (16 h): warning at 12 h = Tue 13:30, due Tue 17:30.
    // At Tue 13:30 first response comes first: raise-tier makes it P2, where on site is 18 h,
    // so its warning (13.5 h) moves to Tue 15:00 and does not fire at 13:30; due at 18 h = Wed 10:30.
    // Resolution P2, 40 h: warning at 30 h = Thu 15:30.
    const { sla, log } = drive(startSla(terms(), MONDAY_0830), MONDAY_0830, sh('2026-12-01T17:30'));
    expect(log).toEqual([
      [iso('2026-11-30T11:30'), ['warning first-response']],
      [iso('2026-11-30T13:30'), ['breach first-response', 'first-response #1 notify-supervisor (P3)']],
      [iso('2026-11-30T17:30'), ['first-response #2 reassign (P3)']],
      [iso('2026-11-30T21:30'), ['first-response #3 tell-customer (P3)']],
      [iso('2026-12-01T13:30'), ['first-response #4 raise-tier (P3)']],
      [iso('2026-12-01T15:00'), ['warning on-site']],
    ]);
    expect(sla.tier).toBe('P2');
    expect(targets(sla)).toEqual({ 'first-response': 2 * HOUR, 'on-site': 18 * HOUR, resolution: 40 * HOUR });
    // The P2 ladder has 4 steps and 4 are done: first response has nothing left.
    expect(nextWakeUp(sla, sh('2026-12-01T17:30'))).toEqual(sh('2026-12-02T10:30'));
    expect(viewOf(sla, 'resolution', sh('2026-12-01T17:30')).warnAt).toBe(iso('2026-12-03T15:30'));
  });

  it('runs a whole 24x7 timeline: warnings, breaches and ladders in wall time, raise-tier never above P1', () => {
    // P2 on 24x7 from 2026-11-30T00:30Z, no location class:
    //   first response 2 h: warning 02:00, due 02:30; P2 ladder 02:30, 03:30, 04:30, raise-tier 06:30.
    // From 06:30 P1: on site 12 h: warning 09:30, due 12:30, ladder 12:30, 13:00, 13:30, 14:30
    //   (raise-tier at P1 stays P1); resolution 24 h: warning 18:30, due Dec 1 00:30, ladder
    //   00:30, 01:00, 01:30, 02:30.
    const start = utc('2026-11-30T00:30');
    const { sla, log } = drive(startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2'), start, utc('2026-12-02T00:00'));
    expect(log).toEqual([
      ['2026-11-30T02:00:00.000Z', ['warning first-response']],
      ['2026-11-30T02:30:00.000Z', ['breach first-response', 'first-response #1 notify-supervisor (P2)']],
      ['2026-11-30T03:30:00.000Z', ['first-response #2 reassign (P2)']],
      ['2026-11-30T04:30:00.000Z', ['first-response #3 tell-customer (P2)']],
      ['2026-11-30T06:30:00.000Z', ['first-response #4 raise-tier (P2)']],
      ['2026-11-30T09:30:00.000Z', ['warning on-site']],
      ['2026-11-30T12:30:00.000Z', ['breach on-site', 'on-site #1 notify-supervisor (P1)']],
      ['2026-11-30T13:00:00.000Z', ['on-site #2 reassign (P1)']],
      ['2026-11-30T13:30:00.000Z', ['on-site #3 tell-customer (P1)']],
      ['2026-11-30T14:30:00.000Z', ['on-site #4 raise-tier (P1)']],
      ['2026-11-30T18:30:00.000Z', ['warning resolution']],
      ['2026-12-01T00:30:00.000Z', ['breach resolution', 'resolution #1 notify-supervisor (P1)']],
      ['2026-12-01T01:00:00.000Z', ['resolution #2 reassign (P1)']],
      ['2026-12-01T01:30:00.000Z', ['resolution #3 tell-customer (P1)']],
      ['2026-12-01T02:30:00.000Z', ['resolution #4 raise-tier (P1)']],
    ]);
    expect(sla.tier).toBe('P1');
    expect(targets(sla)).toEqual({ 'first-response': 1 * HOUR, 'on-site': 12 * HOUR, resolution: 24 * HOUR });
    // Every clock breached and every ladder done: nothing left to wake for, although the clocks still run.
    expect(nextWakeUp(sla, utc('2026-12-01T02:30'))).toBeNull();
  });

  it("'raise-tier' raises exactly one tier and re-targets only the open clocks", () => {
    // 24x7, P2: on site stopped (met) at 01:00; first response's raise-tier at 06:30 makes it P1.
    const start = utc('2026-11-30T00:30');
    let sla = stopOne(startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2'), 'on-site', utc('2026-11-30T01:00'));
    ({ sla } = drive(sla, start, utc('2026-11-30T06:29:59.999')));
    expect(sla.tier).toBe('P2');
    const r = dueActions(sla, utc('2026-11-30T06:30'));
    expect(r.actions).toEqual([
      { kind: 'escalation', clock: 'first-response', action: 'raise-tier', step: 4, tier: 'P2', breachedAt: '2026-11-30T02:30:00.000Z' },
    ]);
    expect(r.sla.tier).toBe('P1');
    expect(targets(r.sla)).toEqual({ 'first-response': 1 * HOUR, 'on-site': 18 * HOUR, resolution: 24 * HOUR });
    // Re-targeted from the original start: resolution (24 h) now warns at 18 h = 18:30.
    expect(nextWakeUp(r.sla, utc('2026-11-30T06:30'))).toEqual(utc('2026-11-30T18:30'));
  });

  it("one 'raise-tier' step is one tier, even when the raised tier's ladder is already due", () => {
    // A ladder that raises at once. P4 first response 8 h on 24x7: breached 08:30Z; one step,
    // one raise (P4 -> P3); P3's ladder also has one step, already counted as done.
    const raiseAtOnce: SlaPolicy = {
      ...standard,
      escalation: { P1: [{ action: 'raise-tier', afterBreachMs: 0 }], P2: [{ action: 'raise-tier', afterBreachMs: 0 }], P3: [{ action: 'raise-tier', afterBreachMs: 0 }], P4: [{ action: 'raise-tier', afterBreachMs: 0 }] },
    };
    const start = utc('2026-11-30T00:30');
    const sla = startSla(terms({ policy: raiseAtOnce, calendar: alwaysOpenCalendar }), start, 'P4');
    const r = dueActions(sla, utc('2026-11-30T08:30'));
    expect(r.actions.map(line)).toEqual(['warning first-response', 'breach first-response', 'first-response #1 raise-tier (P4)']);
    expect(r.sla.tier).toBe('P3');
    expect(targets(r.sla)['first-response']).toBe(4 * HOUR);
  });

  it('after a raise-tier, what the new ladder makes due for an earlier clock is taken at the same instant, once', () => {
    // 24x7, P2 from 2026-11-30T00:30Z, no location class. First response stopped (met) at 01:00.
    // On site (18 h) counted 1 h, then paused 01:30 to Dec 1 02:30: warning at 13.5 h =
    // 02:30 + 12.5 h = 15:00, due at 18 h = 19:30. Resolution (40 h, never paused): warning at
    // 30 h = Dec 1 06:30, due Dec 1 16:30.
    // Ladders (P2, minutes): resolution notify 16:30, reassign 17:30, tell-customer 18:30,
    // raise-tier 20:30; on site notify 19:30, reassign 20:30, tell-customer 21:30.
    // At 20:30 on site (first in the list) takes reassign, then resolution raises to P1, where
    // on site's tell-customer is 19:30 + 60 min = 20:30: due at that same instant. One call of
    // dueActions leaves it for the next call, which is why the workflow's fireDue repeats the
    // call until nothing is due; it must come then, once, and the next wake-up lies ahead.
    const start = utc('2026-11-30T00:30');
    let sla = startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2');
    sla = stopOne(sla, 'first-response', utc('2026-11-30T01:00'));
    sla = pauseOne(sla, 'on-site', utc('2026-11-30T01:30'), 'waiting-on-customer');
    expect(nextWakeUp(sla, utc('2026-11-30T01:30'))).toEqual(utc('2026-12-01T06:30'));
    sla = resumeOne(sla, 'on-site', utc('2026-12-01T02:30'));
    const driven = drive(sla, utc('2026-12-01T02:30'), utc('2026-12-01T20:29:59.999'));
    expect(driven.log).toEqual([
      ['2026-12-01T06:30:00.000Z', ['warning resolution']],
      ['2026-12-01T15:00:00.000Z', ['warning on-site']],
      ['2026-12-01T16:30:00.000Z', ['breach resolution', 'resolution #1 notify-supervisor (P2)']],
      ['2026-12-01T17:30:00.000Z', ['resolution #2 reassign (P2)']],
      ['2026-12-01T18:30:00.000Z', ['resolution #3 tell-customer (P2)']],
      ['2026-12-01T19:30:00.000Z', ['breach on-site', 'on-site #1 notify-supervisor (P2)']],
    ]);
    sla = driven.sla;
    const at = utc('2026-12-01T20:30');
    expect(nextWakeUp(sla, utc('2026-12-01T19:30'))).toEqual(at);
    const all: string[] = [];
    let calls = 0;
    for (;;) {
      const r = due(sla, at);
      sla = r.sla;
      if (r.lines.length === 0) break;
      all.push(...r.lines);
      calls++;
    }
    expect(all).toEqual(['on-site #2 reassign (P2)', 'resolution #4 raise-tier (P2)', 'on-site #3 tell-customer (P1)']);
    expect(calls).toBeLessThanOrEqual(2);
    expect(sla.tier).toBe('P1');
    expect(targets(sla)).toEqual({ 'first-response': 2 * HOUR, 'on-site': 12 * HOUR, resolution: 24 * HOUR });
    // On site's P1 raise-tier is 19:30 + 120 min; resolution's P1 ladder (4 steps) counts as done.
    expect(nextWakeUp(sla, at)).toEqual(utc('2026-12-01T21:30'));
  });

  it('takes no escalation step while the breached clock is paused, and catches up in order on resume', () => {
    // 24x7 P2 first response: breached 02:30Z (notify at once), reassign 03:30, tell-customer 04:30.
    const start = utc('2026-11-30T00:30');
    let sla = startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2');
    ({ sla } = dueActions(sla, utc('2026-11-30T02:30')));
    sla = pauseOne(sla, 'first-response', utc('2026-11-30T03:00'), 'waiting-on-customer');
    expect(due(sla, utc('2026-11-30T03:30')).lines).toEqual([]);
    expect(due(sla, utc('2026-11-30T05:00')).lines).toEqual([]);
    // The paused clock's next step is not a wake-up; on site's warning (13.5 h -> 14:00Z) is.
    expect(nextWakeUp(sla, utc('2026-11-30T05:00'))).toEqual(utc('2026-11-30T14:00'));
    sla = resumeOne(sla, 'first-response', utc('2026-11-30T05:00'));
    // The steps stay timed from the breach: both overdue steps run now, in ladder order.
    const r = dueActions(sla, utc('2026-11-30T05:00'));
    expect(r.actions.map(line)).toEqual(['first-response #2 reassign (P2)', 'first-response #3 tell-customer (P2)']);
    expect(nextWakeUp(r.sla, utc('2026-11-30T05:00'))).toEqual(utc('2026-11-30T06:30'));
  });

  it('takes no escalation step for a stopped clock', () => {
    const start = utc('2026-11-30T00:30');
    let sla = startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2');
    ({ sla } = dueActions(sla, utc('2026-11-30T02:30')));
    sla = stopOne(sla, 'first-response', utc('2026-11-30T03:00'));
    expect(due(sla, utc('2026-11-30T08:00')).lines).toEqual([]);
    expect(nextWakeUp(sla, utc('2026-11-30T08:00'))).toEqual(utc('2026-11-30T14:00'));
  });

  it('reports the breach of a clock stopped after its due instant, without a warning or a ladder', () => {
    // Stopped at 03:00Z, after the 02:30Z due instant, before anything was fired.
    const start = utc('2026-11-30T00:30');
    const sla = stopOne(startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2'), 'first-response', utc('2026-11-30T03:00'));
    const r = dueActions(sla, utc('2026-11-30T03:00'));
    expect(r.actions.map(line)).toEqual(['breach first-response']);
    expect(r.sla.marks['first-response']).toEqual({ warnedAt: null, breachedAt: '2026-11-30T02:30:00.000Z', escalationsDone: 0 });
    // A clock stopped between warning and due is met: nothing at all.
    const met = stopOne(startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2'), 'first-response', utc('2026-11-30T02:15'));
    expect(due(met, utc('2026-11-30T03:00')).lines).toEqual([]);
  });

  it('reports the breach of a paused clock but holds its ladder', () => {
    // Paused at 02:45Z, after the 02:30Z due instant, before anything was fired.
    const start = utc('2026-11-30T00:30');
    const sla = pauseOne(startSla(terms({ calendar: alwaysOpenCalendar }), start, 'P2'), 'first-response', utc('2026-11-30T02:45'), 'waiting-on-customer');
    const r = dueActions(sla, utc('2026-11-30T03:00'));
    expect(r.actions.map(line)).toEqual(['warning first-response', 'breach first-response']);
    expect(r.sla.marks['first-response']!.escalationsDone).toBe(0);
  });

  it('does not change its input', () => {
    const sla = startSla(terms(), MONDAY_0830);
    const copy = structuredClone(sla);
    dueActions(sla, sh('2026-11-30T22:00'));
    setTier(sla, 'P1', sh('2026-11-30T10:00'));
    pauseAll(sla, sh('2026-11-30T10:00'), 'x');
    expect(sla).toEqual(copy);
  });

  it('lists views with their marks', () => {
    const { sla } = dueActions(startSla(terms(), MONDAY_0830), sh('2026-11-30T11:30'));
    const v = views(sla, sh('2026-11-30T11:30'));
    expect(v.map((c) => [c.name, c.status, c.marks.warnedAt])).toEqual([
      ['first-response', 'warning', iso('2026-11-30T11:30')],
      ['on-site', 'on-track', null],
      ['resolution', 'on-track', null],
    ]);
  });
});

describe('nextWakeUp', () => {
  it('is the earliest warning of the running clocks at the start', () => {
    // First response warns Monday 11:30; on site Tuesday 13:30; resolution much later.
    expect(nextWakeUp(startSla(terms(), MONDAY_0830), MONDAY_0830)).toEqual(sh('2026-11-30T11:30'));
  });

  it('is the due instant of a clock already warning', () => {
    const { sla } = dueActions(startSla(terms(), MONDAY_0830), sh('2026-11-30T11:30'));
    expect(nextWakeUp(sla, sh('2026-11-30T11:30'))).toEqual(sh('2026-11-30T13:30'));
  });

  it('is the next escalation step when that comes before every deadline', () => {
    // After the 13:30 breach: reassign at 17:30 comes before on site's Tuesday 13:30 warning.
    const { sla } = dueActions(startSla(terms(), MONDAY_0830), sh('2026-11-30T13:30'));
    expect(nextWakeUp(sla, sh('2026-11-30T13:30'))).toEqual(sh('2026-11-30T17:30'));
  });

  it('is a deadline when that comes before the next escalation step', () => {
    // From 22:00 (tell-customer done) the raise-tier step (Tue 13:30) and on site's warning
    // (Tue 13:30) coincide; with first response stopped only on site's warning is left.
    let { sla } = dueActions(startSla(terms(), MONDAY_0830), sh('2026-11-30T22:00'));
    expect(nextWakeUp(sla, sh('2026-11-30T22:00'))).toEqual(sh('2026-12-01T13:30'));
    sla = stopOne(sla, 'first-response', sh('2026-11-30T22:00'));
    expect(nextWakeUp(sla, sh('2026-11-30T22:00'))).toEqual(sh('2026-12-01T13:30'));
    // Resolution (72 h) alone: 54 h is six whole days (Mon-Fri, Mon) and 6 h on Tuesday 12-08 = 15:30.
    sla = stopOne(sla, 'on-site', sh('2026-11-30T22:00'));
    expect(nextWakeUp(sla, sh('2026-11-30T22:00'))).toEqual(sh('2026-12-08T15:30'));
  });

  it('is null when every clock is paused or stopped', () => {
    const sla = startSla(terms(), MONDAY_0830);
    expect(nextWakeUp(pauseAll(sla, sh('2026-11-30T09:00'), 'waiting-on-customer'), sh('2026-11-30T09:00'))).toBeNull();
    expect(nextWakeUp(stopAll(sla, sh('2026-11-30T09:00')), sh('2026-11-30T09:00'))).toBeNull();
    const mixed = pauseOne(stopOne(stopOne(sla, 'first-response', sh('2026-11-30T09:00')), 'on-site', sh('2026-11-30T09:00')), 'resolution', sh('2026-11-30T09:00'), 'awaiting-acceptance');
    expect(nextWakeUp(mixed, sh('2026-11-30T09:00'))).toBeNull();
    // A breached, paused clock with ladder steps left is no reason to wake either.
    const { sla: breached } = dueActions(sla, sh('2026-11-30T13:30'));
    expect(nextWakeUp(pauseAll(breached, sh('2026-11-30T14:00'), 'waiting-on-customer'), sh('2026-11-30T14:00'))).toBeNull();
  });
});

/*
 * A bug: a 'raise-tier' step re-targets the clocks through setTier but keeps the old marks
 * (`state = { ...setTier(state, raised, now), marks: state.marks }`). When the raised tier gives a
 * clock a longer target, that clock is no longer breached, yet it keeps its breach mark: its
 * ladder goes on (and may raise the tier once more), and when it breaches under the new target
 * no breach is reported. setTier's own rule ("a longer target that un-breaches a clock ends its
 * ladder") is lost. It happens with the shipped policies: P2's on-site target without a location
 * class (18 h) is longer than P3's next-business-day target when the request comes in late.
 */
describe('raise-tier that un-breaches another clock', () => {
  // P3 from Monday 17:00 on the business calendar, no location class.
  //   first response 4 h: warning at 3 h = Tue 11:00, due Tue 12:00; P3 ladder: notify 12:00,
  //     reassign 16:00, tell-customer 20:00, raise-tier Wed 12:00.
  //   on site NBD: 0.5 h Monday + 8 h Tuesday = 8.5 h: warning at 6.375 h = Tue 15:22:30,
  //     due Tue 17:30; P3 ladder: notify 17:30, reassign 21:30, tell-customer Wed 01:30,
  //     raise-tier Wed 17:30.
  const start = sh('2026-11-30T17:00');
  const beforeRaise = () => drive(startSla(terms(), start), start, sh('2026-12-02T11:59:59.999'));

  it('gets there as the ladders say', () => {
    const { sla, log } = beforeRaise();
    expect(log).toEqual([
      [iso('2026-12-01T11:00'), ['warning first-response']],
      [iso('2026-12-01T12:00'), ['breach first-response', 'first-response #1 notify-supervisor (P3)']],
      [iso('2026-12-01T15:22:30'), ['warning on-site']],
      [iso('2026-12-01T16:00'), ['first-response #2 reassign (P3)']],
      [iso('2026-12-01T17:30'), ['breach on-site', 'on-site #1 notify-supervisor (P3)']],
      [iso('2026-12-01T20:00'), ['first-response #3 tell-customer (P3)']],
      [iso('2026-12-01T21:30'), ['on-site #2 reassign (P3)']],
      [iso('2026-12-02T01:30'), ['on-site #3 tell-customer (P3)']],
    ]);
    expect(sla.marks['on-site']).toEqual({ warnedAt: iso('2026-12-01T15:22:30'), breachedAt: iso('2026-12-01T17:30'), escalationsDone: 3 });
    expect(nextWakeUp(sla, sh('2026-12-02T01:30'))).toEqual(sh('2026-12-02T12:00'));
  });

  // Wed 12:00: first response's raise-tier makes it P2. On site becomes 18 h; counted so far
  // 0.5 + 8 + 3.5 = 12 h, so it is on-track again (warning at 13.5 h = Wed 14:30, due at 18 h:
  // 4.5 h Wednesday afternoon, then 1.5 h Thursday = Thu 10:00). Its marks must be cleared and
  // its ladder must stop, as setTier does for a re-triage. (An earlier engine kept the stale
  // breach, took P2's step 4 in the same call and ended the request at P1.)
  it('clears the un-breached clock\'s marks and raises the tier once', () => {
    const { sla } = beforeRaise();
    const r = dueActions(sla, sh('2026-12-02T12:00'));
    expect(r.actions.map(line)).toEqual(['first-response #4 raise-tier (P3)']);
    expect(r.sla.tier).toBe('P2');
    expect(r.sla.marks['on-site']).toEqual(noMarks);
    expect(viewOf(r.sla, 'on-site', sh('2026-12-02T12:00'))).toMatchObject({ status: 'on-track', warnAt: iso('2026-12-02T14:30'), dueAt: iso('2026-12-03T10:00') });
    expect(nextWakeUp(r.sla, sh('2026-12-02T12:00'))).toEqual(sh('2026-12-02T14:30'));
  });
});

describe('dueActions and nextWakeUp, property on 24x7', () => {
  type Op =
    | { kind: 'pauseAll' | 'resumeAll' | 'due'; gapMs: number }
    | { kind: 'pauseOne' | 'resumeOne' | 'stopOne'; clock: ClockName; gapMs: number }
    | { kind: 'setTier'; tier: PriorityTier; gapMs: number }
    | { kind: 'wake' }
    | { kind: 'justBefore' };

  // Gaps from 0 (the same instant) to two days, in minutes, with odd milliseconds now and then.
  const gapArb = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max: 48 * 60 }).map((m) => m * MINUTE),
    fc.integer({ min: 1, max: 6 * HOUR }),
  );
  const clockArb = fc.constantFrom(...clockNames);
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('pauseAll' as const, 'resumeAll' as const), gapMs: gapArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('pauseOne' as const, 'resumeOne' as const), clock: clockArb, gapMs: gapArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('stopOne' as const), clock: clockArb, gapMs: gapArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('setTier' as const), tier: fc.constantFrom(...priorityTiers), gapMs: gapArb }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('due' as const), gapMs: gapArb }) },
    { weight: 4, arbitrary: fc.constant({ kind: 'wake' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'justBefore' as const }) },
  );
  const scenarioArb = fc.record({
    policy: fc.constantFrom(standard, premium),
    responseMode: fc.constantFrom<ResponseMode>('on-site', 'nbd', 'remote'),
    locationClass: fc.constantFrom(null, 'provincial-capital'),
    tier: fc.constantFrom(...priorityTiers),
    provisional: fc.boolean(),
    ops: fc.array(opArb, { minLength: 1, maxLength: 40 }),
  });

  it('fires each action kind once per clock and breach, escalates in ladder order while running, and never wakes at or before now', () => {
    fc.assert(
      fc.property(scenarioArb, ({ policy, responseMode, locationClass, tier, provisional, ops }) => {
        const start = utc('2026-11-30T00:30');
        let sla = startSla({ policy, calendar: alwaysOpenCalendar, responseMode, locationClass }, start, tier, provisional);
        let now = start.getTime();
        // Per clock, what fired since it was last armed: 'warning', 'breach', 'escalation#<step>'.
        const fired = new Map<string, Set<string>>(sla.clocks.map((c) => [c.name, new Set<string>()]));

        /**
         * What the workflow's fireDue does at one instant: dueActions, again while the last call
         * raised the tier, because a raised tier can make more due at once for a clock that came
         * earlier in the list. After a call that raised nothing, another call at the same
         * instant must find nothing.
         */
        const fire = (at: Date) => {
          let raised = true;
          for (let round = 0; raised; round++) {
            expect(round, 'more rounds than tiers to raise').toBeLessThan(4);
            const before = sla;
            const r = dueActions(sla, at);
            for (const a of r.actions) {
              const seen = fired.get(a.clock)!;
              const key = a.kind === 'escalation' ? `escalation#${a.step}` : a.kind;
              expect(seen.has(key), `${key} of ${a.clock} fired twice`).toBe(false);
              if (a.kind === 'escalation') {
                // In ladder order: step n only after step n - 1, only after the breach, only while running.
                expect(a.step === 1 || seen.has(`escalation#${a.step - 1}`)).toBe(true);
                expect(seen.has('breach')).toBe(true);
                // Never early: the step's own time on the ladder of the tier it ran under has come.
                const step = policy.escalation[a.tier][a.step - 1]!;
                expect(step.action).toBe(a.action);
                expect(Date.parse(a.breachedAt) + step.afterBreachMs).toBeLessThanOrEqual(at.getTime());
                expect(clockOf(before, a.clock).stoppedAt).toBeNull();
                expect(clockOf(before, a.clock).pauses.every((p) => p.to !== null)).toBe(true);
              }
              if (a.kind === 'warning') expect(Date.parse(a.view.warnAt)).toBeLessThanOrEqual(at.getTime());
              if (a.kind === 'breach') expect(Date.parse(a.view.dueAt)).toBeLessThanOrEqual(at.getTime());
              seen.add(key);
            }
            sla = r.sla;
            raised = sla.tier !== before.tier;
          }
          expect(dueActions(sla, at).actions).toEqual([]);
          const wake = nextWakeUp(sla, at);
          if (wake !== null) expect(wake.getTime()).toBeGreaterThan(at.getTime());
        };

        for (const op of ops) {
          if (op.kind === 'wake' || op.kind === 'justBefore') {
            // At the next wake-up, or a millisecond before it (where nothing of it may fire yet).
            const wake = nextWakeUp(sla, new Date(now));
            const target = wake === null ? now + HOUR : wake.getTime() - (op.kind === 'justBefore' ? 1 : 0);
            now = Math.max(now, target);
            fire(new Date(now));
            continue;
          }
          now += op.gapMs;
          const at = new Date(now);
          switch (op.kind) {
            case 'due':
              fire(at);
              break;
            case 'pauseAll':
              sla = pauseAll(sla, at, 'waiting-on-customer');
              break;
            case 'resumeAll':
              sla = resumeAll(sla, at);
              break;
            case 'pauseOne':
              sla = pauseOne(sla, op.clock, at, 'awaiting-acceptance');
              break;
            case 'resumeOne':
              sla = resumeOne(sla, op.clock, at);
              break;
            case 'stopOne':
              sla = stopOne(sla, op.clock, at);
              break;
            case 'setTier': {
              sla = setTier(sla, op.tier, at);
              // A re-triage may re-arm: the warning when it moved into the future, everything
              // when the clock is no longer breached. Judged from the clock view, not the marks.
              for (const clock of sla.clocks) {
                if (clock.stoppedAt !== null) continue;
                const v = clockView(clock, at);
                const seen = fired.get(clock.name)!;
                if (seen.has('breach') && v.status !== 'breached') seen.clear();
                if (Date.parse(v.warnAt) > now) seen.delete('warning');
              }
              break;
            }
          }
        }
      }),
      { numRuns: Number(process.env.SLA_PROPERTY_RUNS ?? 300) },
    );
  });
});

describe('waived clocks: a route without a visit sets the on-site promise aside', () => {
  // P3 from Monday 08:30: first response 4 h (warn 11:30), on site NBD (end of Tuesday).
  const waivedAtNine = () => waiveOne(startSla(terms(), MONDAY_0830), 'on-site', sh('2026-11-30T09:00'), 'route remote');

  it('takes the clock out of views, wake-ups and breaches, and keeps it whole', () => {
    const sla = waivedAtNine();
    expect(sla.clocks.map((c) => c.name)).toEqual(['first-response', 'resolution']);
    expect(sla.waived).toEqual([expect.objectContaining({ reason: 'route remote', at: iso('2026-11-30T09:00'), marks: noMarks })]);
    expect(nextWakeUp(sla, sh('2026-11-30T09:00'))).toEqual(sh('2026-11-30T11:30'));
    // Thursday: the on-site clock would long be breached; only the others report.
    const { lines } = due(stopOne(sla, 'first-response', sh('2026-11-30T09:30')), sh('2026-12-03T10:00'));
    expect(lines.some((l) => l.includes('on-site'))).toBe(false);
  });

  it('never waives a clock that already stopped: a kept or broken promise stays on record', () => {
    const stopped = stopOne(startSla(terms(), MONDAY_0830), 'on-site', sh('2026-11-30T10:00'));
    expect(waiveOne(stopped, 'on-site', sh('2026-11-30T11:00'), 'route remote')).toBe(stopped);
  });

  it('restores the clock counting from its start, without the time the customer was waited on', () => {
    // Paused 10:00-14:00 while waived: 2 h before lunch and 1 h after = 3 business hours.
    let sla = pauseAll(waivedAtNine(), sh('2026-11-30T10:00'), 'waiting-on-customer');
    sla = resumeAll(sla, sh('2026-11-30T14:00'));
    sla = restoreWaived(sla, 'on-site');
    expect(sla.waived).toEqual([]);
    // 08:30-12:00 and 13:00-15:00 are 5.5 business hours, less the 3 paused.
    expect(viewOf(sla, 'on-site', sh('2026-11-30T15:00')).elapsedMs).toBe(2.5 * HOUR);
  });

  it('restores under the tier set meanwhile', () => {
    const sla = restoreWaived(setTier(waivedAtNine(), 'P1', sh('2026-11-30T10:00')), 'on-site');
    expect(targets(sla)['on-site']).toBe(12 * HOUR);
  });

  it('restoring a clock that is not waived changes nothing', () => {
    const sla = startSla(terms(), MONDAY_0830);
    expect(restoreWaived(sla, 'on-site')).toBe(sla);
  });
});
