import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KpiFigure, KpiReport } from './api/insight';
import { latestPoint, pointOf, TREND_FIGURES, trendFigures } from './figures';

const figure = (id: string, value: number | null, more: Partial<KpiFigure> = {}): KpiFigure => ({ id, label: id, unit: 'percent', better: 'higher', value, caseCount: 0, ...more });
const report = (kpis: KpiFigure[]): KpiReport => ({ from: '', to: '', now: '', generation: 1, groupBy: null, filters: {}, groups: [{ key: 'all', caseCount: 0, kpis }], installedBase: {} });

describe('the trend charts\' figures', () => {
  it('takes each month\'s figures, keeping a month that could not be read as no data', () => {
    const figures = trendFigures([
      report([figure('first-time-fix', 50, { numerator: 1, denominator: 2, caseCount: 2 }), figure('cost-per-case', 123_456, { unit: 'cents' }), figure('mttr-hours', 1.5, { unit: 'hours', caseCount: 2 })]),
      null,
      report([figure('first-time-fix', null, { numerator: 0, denominator: 0 })]),
    ]);
    const byId = Object.fromEntries(figures.map((f) => [f.id, f]));
    expect(figures.map((f) => f.id)).toEqual(TREND_FIGURES.map((f) => f.id));
    expect(byId['first-time-fix']!.series[0]!.points).toEqual([{ value: 0.5, numerator: 1, denominator: 2 }, { value: null }, { value: null, numerator: 0, denominator: 0 }]);
    expect(byId['cost-per-case']!.series[0]!.points[0]).toEqual({ value: 1234.56 });
    expect(byId['mttr-hours']!.series[0]!.points[0]).toEqual({ value: 1.5, count: 2 });
    expect(latestPoint(byId['first-time-fix']!.series[0]!)).toEqual({ index: 0, point: { value: 0.5, numerator: 1, denominator: 2 } });
  });

  it('gives the complaint rate a series per tier any month measured, in tier order, after the whole', () => {
    const tiers = (keys: [string, number][]) => figure('complaint-rate', 10, { numerator: 1, denominator: 10, breakdown: keys.map(([key, value]) => ({ key, value, numerator: 1, denominator: 100 / value, caseCount: 1 })) });
    const figures = trendFigures([report([tiers([['P3', 50], ['P1', 25]])]), report([tiers([['P1', 10]])])]);
    const complaints = figures.find((f) => f.id === 'complaint-rate')!;
    expect(complaints.series.map((s) => s.key)).toEqual(['all', 'P1', 'P3']);
    expect(complaints.series[1]!.points.map((p) => p.value)).toEqual([0.25, 0.1]);
    // P3 measured nothing in the second month: no data rather than 0 %.
    expect(complaints.series[2]!.points[1]!.value).toBeNull();
  });

  it('turns any percent into a share within 0..1 and keeps its counts', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.nat(500), (a, b) => {
        const [numerator, denominator] = [Math.min(a, b), Math.max(a, b)];
        const value = denominator === 0 ? null : (100 * numerator) / denominator;
        const point = pointOf('rate', { value, numerator, denominator, caseCount: denominator });
        expect([point.numerator, point.denominator]).toEqual([numerator, denominator]);
        if (value === null) expect(point.value).toBeNull();
        else expect(point.value! * denominator).toBeCloseTo(numerator, 9);
      }),
    );
  });
});
