import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clashIn, compact, FAIRNESS_WINDOW_MS, loadOf, type CalendarEntry } from './calendar';

const T0 = Date.UTC(2030, 0, 7, 1, 0);
const at = (m: number) => new Date(T0 + m * 60_000);
const entry = (bookingId: string, from: number, to: number): CalendarEntry => ({ bookingId, workOrderId: bookingId, departAt: at(from), start: at(from), end: at(to), state: 'confirmed', createdAt: at(-100) });

describe('engineer calendar', () => {
  it('a clash is found at the slot grain: 10:20 holds the slot to 10:30, back to back on the grain is free', () => {
    const cal = { entries: [entry('A', 0, 20)], pastEnds: [] };
    expect(clashIn(cal, { start: at(25), end: at(40) })?.bookingId).toBe('A');
    expect(clashIn(cal, { start: at(30), end: at(40) })).toBeNull();
    expect(clashIn(cal, { start: at(-30), end: at(0) })).toBeNull();
    expect(clashIn(cal, { start: at(25), end: at(40) }, 'A')).toBeNull();
  });

  it('of several clashing entries the earliest is named', () => {
    const cal = { entries: [entry('LATE', 60, 90), entry('EARLY', 0, 30)], pastEnds: [] };
    expect(clashIn(cal, { start: at(10), end: at(70) })?.bookingId).toBe('EARLY');
  });

  it('compaction keeps what is not over, turns what is over into end instants and forgets those past the fairness window', () => {
    const now = at(120);
    const old = T0 - FAIRNESS_WINDOW_MS - 1;
    const cal = compact({ entries: [entry('DONE', 0, 60), entry('NEXT', 150, 200)], pastEnds: [old, T0] }, now);
    expect(cal.entries.map((e) => e.bookingId)).toEqual(['NEXT']);
    expect(cal.pastEnds).toEqual([T0, at(60).getTime()]);
  });

  it('compaction keeps a job that ended inside a slot until that slot ends: its claim holds the slot that long', () => {
    const cal = { entries: [entry('ENDED', 0, 20)], pastEnds: [] };
    expect(compact(cal, at(25)).entries.map((e) => e.bookingId)).toEqual(['ENDED']);
    expect(clashIn(compact(cal, at(25)), { start: at(25), end: at(40) })?.bookingId).toBe('ENDED');
    expect(compact(cal, at(30)).entries).toEqual([]);
    expect(compact(cal, at(30)).pastEnds).toEqual([at(20).getTime()]);
  });

  it('load and fairness count the same before and after compaction (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -50_000, max: 5_000 }), fc.integer({ min: 15, max: 600 })), { maxLength: 30 }), fc.integer({ min: 0, max: 3_000 }), (spans, nowMin) => {
        const entries = spans.map(([from, length], i) => entry(`B${i}`, from, from + length));
        const now = at(nowMin);
        const since = new Date(now.getTime() - FAIRNESS_WINDOW_MS);
        const horizon = at(nowMin + 4_000);
        const before = loadOf({ entries, pastEnds: [] }, now, since, horizon);
        const after = loadOf(compact({ entries, pastEnds: [] }, now), now, since, horizon);
        expect(after).toEqual(before);
      }),
    );
  });
});
