import { describe, expect, it } from 'vitest';
import { type CompiledBusinessCalendar } from './calendar-model';
import { NoWorkingTimeError } from './errors';
import { workingSpans } from './working-intervals';

describe('workingSpans', () => {
  it('throws instead of looping forever when a calendar has no working time', () => {
    // Validation keeps such calendars out of the public API; this is the loop's own guard.
    const closed: CompiledBusinessCalendar = { timeZone: 'Europe/Berlin', week: [[], [], [], [], [], [], [], []], days: new Map(), closedDays: 0 };
    const spans = workingSpans(closed, Date.parse('2026-01-12T00:00Z'));
    expect(() => spans.next()).toThrow(NoWorkingTimeError);
  });

  it('stops at `until` even across closed days', () => {
    const closed: CompiledBusinessCalendar = { timeZone: 'UTC', week: [[], [], [], [], [], [], [], []], days: new Map(), closedDays: 0 };
    expect([...workingSpans(closed, Date.parse('2026-01-12T00:00Z'), Date.parse('2026-01-20T00:00Z'))]).toEqual([]);
  });
});
