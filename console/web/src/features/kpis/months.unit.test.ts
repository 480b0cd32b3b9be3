import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { monthOf, recentMonths } from './months';

describe('the months a dashboard looks back over', () => {
  it('ends with the current month and crosses the year boundary', () => {
    const months = recentMonths(Date.parse('2026-02-14T09:30:00Z'), 4);
    expect(months.map((m) => m.key)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(months[0]).toEqual({ key: '2025-11', from: '2025-11-01T00:00:00.000Z', to: '2025-12-01T00:00:00.000Z' });
    expect(months.at(-1)!.to).toBe('2026-03-01T00:00:00.000Z');
  });

  it('gives contiguous months, the last holding now, each between 28 and 31 days', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01'), max: Date.parse('2100-01-01') }), fc.integer({ min: 1, max: 24 }), (now, count) => {
        const months = recentMonths(now, count);
        expect(months).toHaveLength(count);
        months.forEach((m, i) => {
          const days = (Date.parse(m.to) - Date.parse(m.from)) / 86_400_000;
          expect(days).toBeGreaterThanOrEqual(28);
          expect(days).toBeLessThanOrEqual(31);
          expect(monthOf(m.from)).toBe(m.key);
          if (i > 0) expect(m.from).toBe(months[i - 1]!.to);
        });
        const last = months.at(-1)!;
        expect(Date.parse(last.from)).toBeLessThanOrEqual(now);
        expect(Date.parse(last.to)).toBeGreaterThan(now);
      }),
    );
  });
});
