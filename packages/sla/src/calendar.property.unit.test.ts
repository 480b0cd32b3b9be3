/** Properties of the business-time arithmetic over random calendars (see test-arbitraries.ts). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBusinessTime,
  addBusinessTimeExcluding,
  businessTimeBetween,
  businessTimeBetweenExcluding,
  isWorkingInstant,
  nextBusinessDayStart,
  nextWorkingInstant,
  type BusinessCalendar,
} from './calendar';
import { DAY_MS, HOUR_MS } from './local-time';
import { NUM_RUNS, ZONES, calendarArb, durationFor, instantArb } from './test-arbitraries';
import { calendar, everyDay } from './test-support';

const scenario = calendarArb.chain((c) =>
  fc.record({ c: fc.constant(c), s: instantArb, a: durationFor(c), b: durationFor(c) }),
);

const add = (c: BusinessCalendar, s: number, d: number) => addBusinessTime(c, new Date(s), d).getTime();
const between = (c: BusinessCalendar, a: number, b: number) => businessTimeBetween(c, new Date(a), new Date(b));

describe('business-time properties', () => {
  it('measuring what was added returns the duration', () => {
    fc.assert(
      fc.property(scenario, ({ c, s, a }) => {
        const due = add(c, s, a);
        expect(due).toBeGreaterThanOrEqual(s);
        expect(between(c, s, due)).toBe(a);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('is the earliest such instant: one ms earlier has less working time', () => {
    fc.assert(
      fc.property(scenario, ({ c, s, a }) => {
        fc.pre(a > 0);
        expect(between(c, s, add(c, s, a) - 1)).toBe(a - 1);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('adding is monotone in the duration', () => {
    fc.assert(
      fc.property(scenario, ({ c, s, a, b }) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(add(c, s, lo)).toBeLessThanOrEqual(add(c, s, hi));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('adding is additive: add(add(s, a), b) = add(s, a + b)', () => {
    fc.assert(
      fc.property(scenario, ({ c, s, a, b }) => {
        expect(add(c, add(c, s, a), b)).toBe(add(c, s, a + b));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('measuring is additive over a split point and never exceeds real time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 20 * DAY_MS }), fc.integer({ min: 0, max: 20 * DAY_MS }), (c, x, p, q) => {
        const y = x + p;
        const z = y + q;
        expect(between(c, x, z)).toBe(between(c, x, y) + between(c, y, z));
        expect(between(c, x, y)).toBeLessThanOrEqual(p);
        expect(between(c, y, x)).toBe(0);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('working instants and the next working instant agree with measuring', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, (c, s) => {
        const next = nextWorkingInstant(c, new Date(s)).getTime();
        expect(isWorkingInstant(c, new Date(s))).toBe(next === s);
        expect(between(c, s, next)).toBe(0);
        expect(isWorkingInstant(c, new Date(next))).toBe(true);
        expect(nextBusinessDayStart(c, new Date(s)).getTime()).toBeGreaterThan(s);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('an all-day, every-day calendar is real time in every zone', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), instantArb, fc.integer({ min: 0, max: 30 * DAY_MS }), (zone, s, d) => {
        const allDay = calendar(zone, everyDay([{ start: '00:00', end: '24:00' }]));
        expect(add(allDay, s, d)).toBe(s + d);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('pause properties', () => {
  const pausesArb = (from: number) =>
    fc.array(
      fc
        .tuple(fc.integer({ min: -2 * DAY_MS, max: 30 * DAY_MS }), fc.integer({ min: 0, max: 5 * DAY_MS }), fc.boolean())
        .map(([offset, length, open]) => ({ from: new Date(from + offset), to: open ? null : new Date(from + offset + length) })),
      { maxLength: 5 },
    );

  const pauseScenario = scenario.chain((sc) => fc.record({ sc: fc.constant(sc), pauses: pausesArb(sc.s), span: fc.integer({ min: 0, max: 25 * DAY_MS }) }));

  it('excluding pauses never adds time, and with no pauses changes nothing', () => {
    fc.assert(
      fc.property(pauseScenario, ({ sc: { c, s }, pauses, span }) => {
        const from = new Date(s);
        const to = new Date(s + span);
        const all = businessTimeBetween(c, from, to);
        const unpaused = businessTimeBetweenExcluding(c, from, to, pauses);
        expect(unpaused).toBeGreaterThanOrEqual(0);
        expect(unpaused).toBeLessThanOrEqual(all);
        expect(businessTimeBetweenExcluding(c, from, to, [])).toBe(all);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('adding around closed pauses and measuring around them returns the duration', () => {
    fc.assert(
      fc.property(pauseScenario, ({ sc: { c, s, a }, pauses }) => {
        const closed = pauses.map((p) => ({ from: p.from, to: p.to ?? new Date(p.from.getTime() + HOUR_MS) }));
        const due = addBusinessTimeExcluding(c, new Date(s), a, closed);
        expect(businessTimeBetweenExcluding(c, new Date(s), due, closed)).toBe(a);
        expect(due.getTime()).toBeGreaterThanOrEqual(add(c, s, a));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
