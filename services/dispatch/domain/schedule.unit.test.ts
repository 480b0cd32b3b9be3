import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alwaysOpenCalendar, businessHoursCalendar } from '@aftersales/sla';
import { createWorkingWindowsCache, overlaps, planningHorizonEnd, slotClaimKeys, slotStarts, subtract, workingWindows } from './schedule';

const at = (s: string) => new Date(s);

describe('working windows', () => {
  it('gives the business-hours day in Shanghai as two windows around lunch (UTC+8)', () => {
    // Tuesday 2026-11-24: 08:30–12:00 and 13:00–17:30 local = 00:30–04:00 and 05:00–09:30 UTC.
    const w = workingWindows(businessHoursCalendar, at('2026-11-24T00:00:00Z'), at('2026-11-24T12:00:00Z'));
    expect(w).toEqual([
      { start: at('2026-11-24T00:30:00Z'), end: at('2026-11-24T04:00:00Z') },
      { start: at('2026-11-24T05:00:00Z'), end: at('2026-11-24T09:30:00Z') },
    ]);
  });

  it('plans the next two working days: asked on Friday evening, up to Tuesday 17:30', () => {
    // Friday 2026-11-27 20:00 local; Saturday and Sunday are closed; Monday and Tuesday are the two days.
    expect(planningHorizonEnd(businessHoursCalendar, at('2026-11-27T12:00:00Z'))).toEqual(at('2026-12-01T09:30:00Z'));
    const w = workingWindows(businessHoursCalendar, at('2026-11-27T12:00:00Z'), at('2026-12-01T09:30:00Z'));
    expect(w).toHaveLength(4);
    expect(w[0]!.start).toEqual(at('2026-11-30T00:30:00Z'));
  });

  it('a 24x7 calendar is one window over the whole span, at least a day ahead', () => {
    const from = at('2026-11-24T03:07:00Z');
    const end = planningHorizonEnd(alwaysOpenCalendar, from);
    expect(end.getTime() - from.getTime()).toBeGreaterThanOrEqual(86_400_000);
    expect(workingWindows(alwaysOpenCalendar, from, end)).toEqual([{ start: from, end }]);
  });
});

describe('slot claims', () => {
  it('covers every 15-minute slot the interval touches, partial ones included, in time order', () => {
    const keys = slotClaimKeys('E1', { start: at('2026-06-15T08:10:00Z'), end: at('2026-06-15T08:50:00Z') });
    expect(keys).toEqual(['E1|2026-06-15T08:00:00.000Z', 'E1|2026-06-15T08:15:00.000Z', 'E1|2026-06-15T08:30:00.000Z', 'E1|2026-06-15T08:45:00.000Z']);
  });

  it('two overlapping intervals of one engineer always share a claim key, so the store can refuse the second', () => {
    const T0 = Date.parse('2026-06-15T00:00:00Z');
    const arb = fc.record({ from: fc.integer({ min: 0, max: 600 }), len: fc.integer({ min: 1, max: 240 }) }).map(({ from, len }) => ({ start: new Date(T0 + from * 60_000), end: new Date(T0 + (from + len) * 60_000) }));
    fc.assert(
      fc.property(arb, arb, (a, b) => {
        fc.pre(overlaps(a, b));
        expect(slotClaimKeys('E', a).some((k) => slotClaimKeys('E', b).includes(k))).toBe(true);
        expect(slotStarts(a)[0]!.getTime()).toBeLessThanOrEqual(a.start.getTime());
      }),
    );
  });
});

describe('subtract', () => {
  it('cuts bookings out of the working windows', () => {
    const free = subtract([{ start: at('2026-06-15T08:00:00Z'), end: at('2026-06-15T17:00:00Z') }], [{ start: at('2026-06-15T10:00:00Z'), end: at('2026-06-15T11:00:00Z') }]);
    expect(free).toEqual([
      { start: at('2026-06-15T08:00:00Z'), end: at('2026-06-15T10:00:00Z') },
      { start: at('2026-06-15T11:00:00Z'), end: at('2026-06-15T17:00:00Z') },
    ]);
  });
});

describe('remembered working windows', () => {
  const hour = 3_600_000;
  const base = at('2026-11-23T00:00:00Z').getTime(); // a Monday

  it('give what workingWindows gives, for any instant and horizon, asked in any order', () => {
    const windowsOf = createWorkingWindowsCache(8);
    fc.assert(
      // Few slots and horizons, so instants share slots and the remembered windows are reused.
      fc.property(fc.integer({ min: 0, max: 7 * 96 }), fc.integer({ min: 0, max: 900_000 }), fc.constantFrom(1, 9, 30, 52), fc.boolean(), (slot, jitter, spanHours, alwaysOpen) => {
        const calendar = alwaysOpen ? alwaysOpenCalendar : businessHoursCalendar;
        const from = new Date(base + slot * 900_000 + jitter);
        const to = new Date(base + slot * 900_000 + spanHours * hour);
        expect(windowsOf(calendar, from, to)).toEqual(workingWindows(calendar, from, to));
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  it('answer instants in one slot from what the first of them computed', () => {
    const windowsOf = createWorkingWindowsCache();
    const to = at('2026-11-25T09:30:00Z');
    const first = windowsOf(businessHoursCalendar, at('2026-11-24T01:00:01Z'), to);
    expect(windowsOf(businessHoursCalendar, at('2026-11-24T01:14:59Z'), to)).toBe(first);
    expect(windowsOf(businessHoursCalendar, at('2026-11-24T01:15:01Z'), to)).not.toBe(first);
    expect(first[0]!.start).toEqual(at('2026-11-24T01:15:00Z'));
  });
});
