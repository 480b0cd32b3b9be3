/** Properties of SLA clocks over random calendars, targets and pause/resume histories. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessTimeExcluding, businessTimeBetween, type BusinessCalendar } from './calendar';
import { clockState, clockView, nextDeadline, pauseClock, resumeClock, retarget, startClock, type SlaClock } from './clock';
import { DAY_MS } from './local-time';
import { NUM_RUNS, calendarArb, durationFor, instantArb } from './test-arbitraries';

interface Scenario {
  c: BusinessCalendar;
  clock: SlaClock;
  now: number;
  otherTarget: number;
}

/** A clock started at a random instant, then paused and resumed alternately after random gaps; `now` after the last step. */
const scenarioArb: fc.Arbitrary<Scenario> = calendarArb.chain((c) =>
  fc
    .record({
      start: instantArb,
      target: durationFor(c).map((d) => Math.max(1, d)),
      otherTarget: durationFor(c).map((d) => Math.max(1, d)),
      ratio: fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      gaps: fc.array(fc.integer({ min: 0, max: 4 * DAY_MS }), { maxLength: 6 }),
      tail: fc.integer({ min: 0, max: 10 * DAY_MS }),
    })
    .map(({ start, target, otherTarget, ratio, gaps, tail }) => {
      let clock = startClock({ name: 'resolution', targetMs: target, warnAtRatio: ratio, calendar: c, startedAt: new Date(start) });
      let at = start;
      gaps.forEach((gap, i) => {
        at += gap;
        clock = i % 2 === 0 ? pauseClock(clock, new Date(at), 'waiting-on-customer') : resumeClock(clock, new Date(at));
      });
      return { c, clock, now: at + tail, otherTarget };
    }),
);

const view = (clock: SlaClock, ms: number) => clockView(clock, new Date(ms));

describe('clock properties', () => {
  it('elapsed plus paused is the working time since the start; remaining and overdue balance the target', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, clock, now }) => {
        const v = view(clock, now);
        expect(v.elapsedMs + v.pausedMs).toBe(businessTimeBetween(c, new Date(clock.startedAt), new Date(now)));
        expect(v.remainingMs - v.overdueMs).toBe(clock.targetMs - v.elapsedMs);
        expect(Date.parse(v.warnAt)).toBeLessThan(Date.parse(v.dueAt));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('status follows the instants: breached from dueAt, warning from warnAt', () => {
    fc.assert(
      fc.property(scenarioArb, ({ clock, now }) => {
        const v = view(clock, now);
        const expected = now >= Date.parse(v.dueAt) ? 'breached' : now >= Date.parse(v.warnAt) ? 'warning' : 'on-track';
        expect(v.status).toBe(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a paused clock does not tick', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer({ min: 0, max: 20 * DAY_MS }), ({ clock, now }, later) => {
        fc.pre(clockState(clock) === 'paused');
        expect(view(clock, now + later).elapsedMs).toBe(view(clock, now).elapsedMs);
        expect(nextDeadline(clock, new Date(now))).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the next deadline is exactly where the status changes', () => {
    fc.assert(
      fc.property(scenarioArb, ({ clock, now }) => {
        const deadline = nextDeadline(clock, new Date(now));
        if (!deadline) {
          expect(clockState(clock) !== 'running' || view(clock, now).status === 'breached').toBe(true);
          return;
        }
        const at = deadline.at.getTime();
        expect(at).toBeGreaterThan(now);
        const [before, after] = deadline.kind === 'warning' ? ['on-track', 'warning'] : ['warning', 'breached'];
        expect(view(clock, at - 1).status).toBe(before);
        expect(view(clock, at).status).toBe(after);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('retarget keeps elapsed and paused time and recomputes due from the original start', () => {
    fc.assert(
      fc.property(scenarioArb, ({ c, clock, now, otherTarget }) => {
        fc.pre(clockState(clock) === 'running');
        const before = view(clock, now);
        const after = view(retarget(clock, otherTarget), now);
        expect(after.elapsedMs).toBe(before.elapsedMs);
        expect(after.pausedMs).toBe(before.pausedMs);
        const pauses = clock.pauses.map((p) => ({ from: new Date(p.from), to: new Date(p.to ?? now) }));
        expect(after.dueAt).toBe(addBusinessTimeExcluding(c, new Date(clock.startedAt), otherTarget, pauses).toISOString());
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
