import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAssignable, isOpen, isReplannable, minutesShown, neededSkill, scoreSegments } from './work-orders';

describe('a work order on the desk', () => {
  it('is open until completed or cancelled', () => {
    expect(['proposed', 'assigned', 'working', 'work-finished'].every(isOpen)).toBe(true);
    expect(isOpen('completed')).toBe(false);
    expect(isOpen('cancelled')).toBe(false);
  });

  it('needs repair of its product line at the tier minimum', () => {
    expect(neededSkill('fiber-laser-cutting', 'P1')).toEqual({ productLine: 'fiber-laser-cutting', skill: 'repair', minimumLevel: 3 });
    expect(neededSkill('press-brake', 'P2')?.minimumLevel).toBe(2);
    expect(neededSkill('press-brake', 'P4')?.minimumLevel).toBe(1);
    expect(neededSkill(null, 'P1')).toBeNull();
  });

  it('is assigned only while a proposed field visit, and re-planned only until someone travels', () => {
    expect(isAssignable({ status: 'proposed', route: 'field-visit' })).toBe(true);
    expect(isAssignable({ status: 'assigned', route: 'field-visit' })).toBe(false);
    expect(isAssignable({ status: 'proposed', route: 'remote' })).toBe(false);
    expect(isReplannable({ status: 'accepted', route: 'field-visit' })).toBe(true);
    expect(isReplannable({ status: 'travelling', route: 'field-visit' })).toBe(false);
    expect(isReplannable({ status: 'assigned', route: 'depot' })).toBe(false);
  });
});

describe("a candidate's score as a bar", () => {
  it('gives each part its share of the best possible score', () => {
    const segments = scoreSegments([
      { key: 'skill', value: 1, weight: 3, points: 3, explanation: '' },
      { key: 'travel', value: 0.5, weight: 2, points: 1, explanation: '' },
    ]);
    expect(segments.map((s) => s.widthPct)).toEqual([60, 20]);
    expect(scoreSegments([])).toEqual([]);
  });

  it('never runs past the full bar, and its length is the score over the best score', () => {
    const part = fc.record({ key: fc.string(), value: fc.double({ min: 0, max: 1, noNaN: true }), weight: fc.double({ min: 0, max: 5, noNaN: true }) }).map((p) => ({ ...p, points: p.value * p.weight, explanation: '' }));
    fc.assert(
      fc.property(fc.array(part, { maxLength: 8 }), (parts) => {
        const segments = scoreSegments(parts);
        const total = segments.reduce((sum, s) => sum + s.widthPct, 0);
        expect(total).toBeLessThanOrEqual(100 + 1e-9);
        const best = parts.reduce((sum, p) => sum + p.weight, 0);
        if (best > 0) expect(total).toBeCloseTo((parts.reduce((sum, p) => sum + p.points, 0) / best) * 100, 6);
        for (const s of segments) expect(s.widthPct).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('minutes shown', () => {
  it('reads as minutes, then hours and minutes', () => {
    const units = { hour: 'h', minute: 'min' };
    expect(minutesShown(33, units)).toBe('33 min');
    expect(minutesShown(125, units)).toBe('2 h 05 min');
    expect(minutesShown(125, { hour: '小时', minute: '分钟' })).toBe('2 小时 05 分钟');
    expect(minutesShown(null, units)).toBe('—');
  });
});
