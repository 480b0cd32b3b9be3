import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chartGeometry, niceStep, type ChartBox } from './chart-scale';

const box: ChartBox = { width: 320, height: 160, left: 40, right: 10, top: 10, bottom: 30 };
const inside = (x: number, y: number) => x >= box.left && x <= box.width - box.right && y >= box.top && y <= box.height - box.bottom;

describe('a chart\'s scale', () => {
  it('draws a rate against 0–100 % and leaves a gap where a month has no data', () => {
    const g = chartGeometry(4, [{ key: 'ftf', values: [0.5, null, 1, 0] }], box, { ceiling: 1 });
    expect(g.yMin).toBe(0);
    expect(g.yMax).toBe(1);
    expect(g.ticks.map((t) => t.value)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(g.xs).toEqual([73.75, 141.25, 208.75, 276.25]);
    // 270 px across, 4 slots of 67.5; 120 px of plot: 50 % is 60 px above the bottom (130).
    expect(g.lines[0]!.d).toBe('M73.75 70 M208.75 10 L276.25 130');
    expect(g.lines[0]!.points.map((p) => p.index)).toEqual([0, 2, 3]);
  });

  it('rounds the top of an open scale up to a round step', () => {
    const g = chartGeometry(2, [{ key: 'mttr', values: [3.2, 17] }], box);
    expect(g.yMax).toBe(20);
    expect(g.ticks.map((t) => t.value)).toEqual([0, 5, 10, 15, 20]);
    // A month of a few seconds' repair is not drawn as if it were the whole scale.
    expect(chartGeometry(2, [{ key: 'mttr', values: [0.001, null] }], box, { floorTop: 4 }).ticks.map((t) => t.value)).toEqual([0, 1, 2, 3, 4]);
    expect(niceStep(0.3)).toBe(0.5);
    expect(niceStep(7)).toBe(10);
    expect(niceStep(0)).toBe(1);
  });

  it('sets bars of one month side by side from the zero line, below it for a negative value', () => {
    const g = chartGeometry(1, [{ key: 'factory', values: [-50] }, { key: 'customer', values: [100] }], box);
    const [factory, customer] = g.bars;
    expect(factory!.x + factory!.width).toBeCloseTo(customer!.x, 1);
    expect(factory!.y).toBe(g.baseline);
    expect(customer!.y + customer!.height).toBeCloseTo(g.baseline, 1);
    expect(customer!.height).toBeCloseTo(factory!.height * 2, 0);
  });

  it('keeps every point and bar inside the plot, higher values higher, nulls undrawn', () => {
    const value = fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { nil: null });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(fc.array(value, { maxLength: 12 }), { minLength: 1, maxLength: 4 }), fc.option(fc.constantFrom(1, 5, 100), { nil: undefined }), fc.constantFrom(0, 1, 4, 10), (slots, valueLists, ceiling, floorTop) => {
        const series = valueLists.map((values, i) => ({ key: `s${i}`, values }));
        const g = chartGeometry(slots, series, box, { ceiling, floorTop });
        expect(g.yMax).toBeGreaterThanOrEqual(floorTop);
        const drawn = series.flatMap((s) => s.values.slice(0, slots).filter((v) => v !== null));
        expect(g.lines.flatMap((l) => l.points)).toHaveLength(drawn.length);
        expect(g.bars).toHaveLength(drawn.length);
        for (const v of drawn) {
          expect(v!).toBeLessThanOrEqual(g.yMax);
          expect(v!).toBeGreaterThanOrEqual(g.yMin);
        }
        const points = g.lines.flatMap((l) => l.points);
        for (const p of points) expect(inside(p.x, p.y)).toBe(true);
        for (const a of points) for (const b of points) if (a.value > b.value) expect(a.y).toBeLessThanOrEqual(b.y);
        for (const b of g.bars) {
          expect(b.height).toBeGreaterThanOrEqual(0);
          expect(inside(b.x, b.y) && inside(b.x + b.width, b.y + b.height)).toBe(true);
        }
        expect(g.ticks.length).toBeGreaterThanOrEqual(2);
        expect(g.ticks[0]!.value).toBeCloseTo(g.yMin, 6);
        expect(g.ticks.at(-1)!.value / g.yMax).toBeCloseTo(1, 6);
        g.ticks.forEach((t, i) => i > 0 && expect(t.y).toBeLessThan(g.ticks[i - 1]!.y));
      }),
    );
  });
});
