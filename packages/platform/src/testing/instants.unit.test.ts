import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quietMondayAhead, utcDayAt, weekDate, weekInstant } from './instants';

const DAY = 86_400_000;

describe('quietMondayAhead', () => {
  it('Wednesday 2026-12-02 17:00Z: next Monday, 2026-12-07', () => {
    expect(new Date(quietMondayAhead(Date.parse('2026-12-02T17:00:00Z'))).toISOString()).toBe('2026-12-07T00:00:00.000Z');
  });

  it('a Sunday evening is too close to the next morning: the Monday after', () => {
    expect(new Date(quietMondayAhead(Date.parse('2026-12-06T23:00:00Z'))).toISOString()).toBe('2026-12-14T00:00:00.000Z');
  });

  it('skips a fortnight that holds a holiday', () => {
    const monday = quietMondayAhead(Date.parse('2026-12-02T17:00:00Z'), { holidays: ['2026-12-18'] });
    expect(new Date(monday).toISOString()).toBe('2026-12-21T00:00:00.000Z');
  });

  it('is always a Monday, far enough ahead, with a quiet span, and the first such', () => {
    const holidays = fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { maxLength: 12 });
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2100-01-01') }), holidays, (now, offsets) => {
        const closed = offsets.map((d) => new Date(now + d * DAY).toISOString().slice(0, 10));
        const monday = quietMondayAhead(now, { holidays: closed });
        const span = Array.from({ length: 14 }, (_, i) => new Date(monday + i * DAY).toISOString().slice(0, 10));
        expect(new Date(monday).getUTCDay()).toBe(1);
        expect(monday % DAY).toBe(0);
        expect(monday).toBeGreaterThanOrEqual(now + DAY);
        expect(span.filter((d) => closed.includes(d))).toEqual([]);
        // The Monday a week earlier was either too close or not quiet.
        const earlier = monday - 7 * DAY;
        const earlierSpan = Array.from({ length: 14 }, (_, i) => new Date(earlier + i * DAY).toISOString().slice(0, 10));
        expect(earlier < now + DAY || earlierSpan.some((d) => closed.includes(d))).toBe(true);
      }),
    );
  });
});

describe('weekInstant', () => {
  const monday = Date.parse('2026-12-07T00:00:00Z');
  it('reads days and times as the comments write them', () => {
    expect(weekInstant(monday, 'Mon 00:30')).toBe('2026-12-07T00:30:00.000Z');
    expect(weekInstant(monday, 'Fri 09:30')).toBe('2026-12-11T09:30:00.000Z');
    expect(weekInstant(monday, 'Mon2 09:30')).toBe('2026-12-14T09:30:00.000Z');
    expect(weekDate(monday, 'Fri')).toBe('2026-12-11');
  });
  it('refuses what it cannot read', () => {
    expect(() => weekInstant(monday, 'Monday 08:30')).toThrow(/Ddd\[2\] HH:MM/);
    expect(() => weekInstant(monday, 'Tue 24:00')).toThrow();
  });
});

describe('utcDayAt', () => {
  it('is the given UTC time on the day so many days from now', () => {
    const now = Date.parse('2031-02-28T17:45:10Z');
    expect(utcDayAt(0, '08:00', now).toISOString()).toBe('2031-02-28T08:00:00.000Z');
    expect(utcDayAt(1, '00:30', now).toISOString()).toBe('2031-03-01T00:30:00.000Z');
  });
});
