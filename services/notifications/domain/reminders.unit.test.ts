import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { disciplinesBefore, dueSoonAt } from './reminders';

const day = 86_400_000;

describe('when a quote or a discipline is chased', () => {
  it('a discipline opening makes the reminders of those before it moot', () => {
    expect(disciplinesBefore('D3')).toEqual(['D0', 'D1', 'D2']);
    expect(disciplinesBefore('D0')).toEqual([]);
  });

  it('a day before it lapses; halfway for a short one; at once for one already lapsed', () => {
    const issued = new Date('2026-03-02T08:00:00Z');
    expect(dueSoonAt(issued, new Date('2026-03-16T08:00:00Z')).toISOString()).toBe('2026-03-15T08:00:00.000Z');
    expect(dueSoonAt(issued, new Date('2026-03-03T08:00:00Z')).toISOString()).toBe('2026-03-02T20:00:00.000Z');
    expect(dueSoonAt(issued, new Date('2026-03-01T08:00:00Z'))).toEqual(issued);
  });

  it('always between issue and lapse, and at least half the time or a full day left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 60 * day }), (t, span) => {
        const at = dueSoonAt(new Date(t), new Date(t + span)).getTime();
        expect(at).toBeGreaterThanOrEqual(t);
        expect(at).toBeLessThan(t + span);
        expect(t + span - at).toBeGreaterThanOrEqual(Math.min(day, Math.ceil(span / 2)));
      }),
    );
  });
});
