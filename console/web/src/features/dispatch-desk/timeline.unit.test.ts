import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hourTicks, layoutDays, localDays, offDuty, scheduleBlocks, type TimelineBlock } from './timeline';

const H = 3_600_000;
const day = (start: number) => ({ start, end: start + 24 * H });

describe('blocks laid out per day', () => {
  it('places a block by its offset and length in percent of the day', () => {
    const d = day(0);
    const [placed] = layoutDays([d], [{ start: 6 * H, end: 12 * H, kind: 'work', ref: 'WO-1' }]);
    expect(placed).toEqual([{ start: 6 * H, end: 12 * H, kind: 'work', ref: 'WO-1', leftPct: 25, widthPct: 25, continuesBefore: false, continuesAfter: false }]);
  });

  it('cuts a block that crosses midnight into one piece per day, each marked as going on', () => {
    const days = [day(0), day(24 * H)];
    const [first, second] = layoutDays(days, [{ start: 18 * H, end: 30 * H, kind: 'absence', ref: 'ill' }]);
    expect(first).toMatchObject([{ leftPct: 75, widthPct: 25, continuesBefore: false, continuesAfter: true }]);
    expect(second).toMatchObject([{ leftPct: 0, widthPct: 25, continuesBefore: true, continuesAfter: false }]);
  });

  it('leaves out empty blocks and blocks outside the days', () => {
    expect(layoutDays([day(0)], [{ start: 5 * H, end: 5 * H, kind: 'work', ref: 'x' }, { start: 30 * H, end: 31 * H, kind: 'work', ref: 'y' }])).toEqual([[]]);
  });

  it('orders a day by start, time off beneath what lies on it', () => {
    const [placed] = layoutDays([day(0)], [
      { start: 9 * H, end: 10 * H, kind: 'work', ref: 'b' },
      { start: 8 * H, end: 9 * H, kind: 'travel', ref: 'b' },
      { start: 8 * H, end: 9 * H, kind: 'off', ref: '' },
    ]);
    expect(placed!.map((b) => b.kind)).toEqual(['off', 'travel', 'work']);
  });

  const arbitraryBlock = fc
    .tuple(fc.integer({ min: -48 * H, max: 120 * H }), fc.integer({ min: 0, max: 72 * H }), fc.constantFrom<TimelineBlock['kind']>('travel', 'work', 'absence', 'off'))
    .map(([start, length, kind]) => ({ start, end: start + length, kind, ref: 'r' }));
  const arbitraryDays = fc.array(fc.integer({ min: 23, max: 25 }), { minLength: 1, maxLength: 7 }).map((hours) => {
    let start = 0;
    return hours.map((h) => {
      const d = { start, end: start + h * H };
      start = d.end;
      return d;
    });
  });

  it('stays inside its day and keeps every minute of the block that lies in the days shown', () => {
    fc.assert(
      fc.property(arbitraryDays, fc.array(arbitraryBlock, { maxLength: 8 }), (days, raw) => {
        // Each block named by its index, to add up its pieces across the days.
        const blocks = raw.map((b, index) => ({ ...b, ref: String(index) }));
        const laid = layoutDays(days, blocks);
        for (const placed of laid) {
          for (const b of placed) {
            expect(b.leftPct).toBeGreaterThanOrEqual(0);
            expect(b.widthPct).toBeGreaterThan(0);
            expect(b.leftPct + b.widthPct).toBeLessThanOrEqual(100 + 1e-9);
          }
        }
        const first = days[0]!.start;
        const last = days[days.length - 1]!.end;
        blocks.forEach((block, index) => {
          const shownMs = laid.reduce((sum, placed, i) => sum + placed.filter((b) => b.ref === String(index)).reduce((s, b) => s + (b.widthPct / 100) * (days[i]!.end - days[i]!.start), 0), 0);
          expect(shownMs).toBeCloseTo(Math.max(0, Math.min(block.end, last) - Math.max(block.start, first)), 0);
        });
      }),
    );
  });
});

describe('time off duty', () => {
  it('is the day outside the working windows', () => {
    expect(offDuty({ start: 0, end: 24 * H }, [{ start: 13 * H, end: 18 * H }, { start: 9 * H, end: 12 * H }])).toEqual([
      { start: 0, end: 9 * H },
      { start: 12 * H, end: 13 * H },
      { start: 18 * H, end: 24 * H },
    ]);
    expect(offDuty({ start: 0, end: 24 * H }, [{ start: -H, end: 25 * H }])).toEqual([]);
    expect(offDuty({ start: 0, end: 24 * H }, [])).toEqual([{ start: 0, end: 24 * H }]);
  });

  it('and the working windows together cover the span exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -10, max: 110 }), fc.integer({ min: 0, max: 40 })), { maxLength: 6 }), (raw) => {
        const span = { start: 0, end: 100 };
        const working = raw.map(([s, l]) => ({ start: s, end: s + l }));
        const off = offDuty(span, working);
        for (let t = 0; t < 100; t++) {
          const isOff = off.some((o) => o.start <= t && t < o.end);
          const isWorking = working.some((w) => w.start <= t && t < w.end);
          expect(isOff).toBe(!isWorking);
        }
      }),
    );
  });
});

describe("an engineer's schedule as blocks", () => {
  it('splits a booking into travel and work and shades the time off duty', () => {
    const iso = (h: number) => new Date(h * H).toISOString();
    const blocks = scheduleBlocks({
      from: iso(0),
      to: iso(24),
      bookings: [{ workOrderId: 'WO-1', departAt: iso(9), start: iso(9.5), end: iso(11.5) }],
      absences: [{ start: iso(14), end: iso(16), reason: 'training' }],
      working: [{ start: iso(8), end: iso(17) }],
    });
    expect(blocks).toEqual([
      { start: 0, end: 8 * H, kind: 'off', ref: '' },
      { start: 17 * H, end: 24 * H, kind: 'off', ref: '' },
      { start: 14 * H, end: 16 * H, kind: 'absence', ref: 'training' },
      { start: 9 * H, end: 9.5 * H, kind: 'travel', ref: 'WO-1' },
      { start: 9.5 * H, end: 11.5 * H, kind: 'work', ref: 'WO-1' },
    ]);
  });
});

describe('local days', () => {
  const saved = process.env.TZ;
  beforeAll(() => {
    process.env.TZ = 'Europe/Berlin';
  });
  afterAll(() => {
    process.env.TZ = saved;
  });

  it('start at local midnight, follow each other, and a clock change day is 23 or 25 hours long', () => {
    const days = localDays(new Date('2026-03-28T15:00:00+01:00'), 3);
    expect(days.map((d) => new Date(d.start).getHours())).toEqual([0, 0, 0]);
    expect(days[1]!.start).toBe(days[0]!.end);
    expect(days.map((d) => (d.end - d.start) / H)).toEqual([24, 23, 24]);
    expect(localDays(new Date('2026-10-25T01:00:00+02:00'), 1).map((d) => (d.end - d.start) / H)).toEqual([25]);
  });

  it('put the hour lines at the local hours, on a clock change day too', () => {
    const [plain] = localDays(new Date('2026-03-27T15:00:00+01:00'), 1);
    expect(hourTicks(plain!, [6, 12, 18])).toEqual([{ hour: 6, leftPct: 25 }, { hour: 12, leftPct: 50 }, { hour: 18, leftPct: 75 }]);
    // 29 March: 02:00 does not happen, so 12:00 comes 11 hours after midnight, of 23.
    const [short] = localDays(new Date('2026-03-29T15:00:00+02:00'), 1);
    expect(hourTicks(short!, [12]).map((t) => t.leftPct)).toEqual([(11 / 23) * 100]);
    expect(hourTicks(short!, [0, 24])).toEqual([]);
  });
});
