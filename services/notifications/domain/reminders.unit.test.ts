import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteReminderAt } from './reminders';

const day = 86_400_000;

describe('when a quote is chased', () => {
  it('a day before it lapses; halfway for a short one; at once for one already lapsed', () => {
    const issued = new Date('2026-03-02T08:00:00Z');
    expect(quoteReminderAt(issued, new Date('2026-03-16T08:00:00Z')).toISOString()).toBe('2026-03-15T08:00:00.000Z');
    expect(quoteReminderAt(issued, new Date('2026-03-03T08:00:00Z')).toISOString()).toBe('2026-03-02T20:00:00.000Z');
    expect(quoteReminderAt(issued, new Date('2026-03-01T08:00:00Z'))).toEqual(issued);
  });

  it('always between issue and lapse, and at least half the time or a full day left', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 60 * day }), (t, span) => {
        const at = quoteReminderAt(new Date(t), new Date(t + span)).getTime();
        expect(at).toBeGreaterThanOrEqual(t);
        expect(at).toBeLessThan(t + span);
        expect(t + span - at).toBeGreaterThanOrEqual(Math.min(day, Math.ceil(span / 2)));
      }),
    );
  });
});
