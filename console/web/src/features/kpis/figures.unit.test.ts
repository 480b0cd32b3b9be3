import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AllocationEntry, KpiReport, Rate } from './api/kpis';
import { COST_CENTRES, combineRates, kpiFigures, latestPoint, partsCostFigure } from './figures';
import { recentMonths } from './months';

const rate = (numerator: number, denominator: number): Rate => ({ numerator, denominator, rate: denominator ? numerator / denominator : null });
const summary = (meanMinutes: number | null, count: number) => ({ count, meanMinutes, medianMinutes: meanMinutes });

function report(overrides: Partial<KpiReport> = {}): KpiReport {
  return {
    from: '', to: '', requests: 0, valid: 0, responseTime: summary(null, 0), validToDispatch: summary(null, 0), dispatchedShare: rate(0, 0), firstTimeFix: rate(0, 0),
    repairSuccess: rate(0, 0), repeatFailure: rate(0, 0), meanTimeToRepair: summary(null, 0), slaAttainment: {}, complaintRate: {}, satisfaction: { answers: 0, mean: null, lowShare: rate(0, 0) },
    ...overrides,
  };
}

describe('the dashboard\'s figures', () => {
  it('takes each month\'s figures, keeping a month that could not be read as no data', () => {
    const figures = kpiFigures([
      report({ requests: 4, valid: 3, firstTimeFix: rate(3, 4), meanTimeToRepair: summary(90, 2), satisfaction: { answers: 2, mean: 4.5, lowShare: rate(0, 2) } }),
      null,
      report({ requests: 1 }),
    ]);
    const byId = Object.fromEntries(figures.map((f) => [f.id, f]));
    expect(byId.requests!.series.map((s) => s.points.map((p) => p.value))).toEqual([[4, null, 1], [3, null, 0]]);
    expect(byId.firstTimeFix!.series[0]!.points).toEqual([{ value: 0.75, numerator: 3, denominator: 4 }, { value: null }, { value: null, numerator: 0, denominator: 0 }]);
    expect(byId.meanTimeToRepair!.series[0]!.points[0]).toEqual({ value: 1.5, count: 2 });
    expect(byId.satisfaction!.series[0]!.points[0]).toEqual({ value: 4.5, count: 2 });
    expect(latestPoint(byId.firstTimeFix!.series[0]!)).toEqual({ index: 0, point: { value: 0.75, numerator: 3, denominator: 4 } });
  });

  it('gives SLA attainment one series per tier, all of a tier\'s clocks together, in tier order', () => {
    const figures = kpiFigures([
      report({ slaAttainment: { P3: { resolution: rate(1, 1) }, P1: { 'first-response': rate(1, 2), resolution: rate(0, 1) } } }),
      report({ slaAttainment: { P1: { resolution: rate(2, 2) } } }),
    ]);
    const sla = figures.find((f) => f.id === 'slaAttainment')!;
    expect(sla.series.map((s) => s.key)).toEqual(['P1', 'P3']);
    expect(sla.series[0]!.points.map((p) => [p.numerator, p.denominator])).toEqual([[1, 3], [2, 2]]);
    // P3 measured nothing in the second month: no data rather than 0 %.
    expect(sla.series[1]!.points[1]!.value).toBeNull();
  });

  it('combines rates as sums of numerators and denominators, within 0..1', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(50), fc.nat(50)).map(([a, b]) => rate(Math.min(a, b), Math.max(a, b)))), (rates) => {
        const all = combineRates(rates);
        expect(all.numerator).toBe(rates.reduce((s, r) => s + r.numerator, 0));
        expect(all.denominator).toBe(rates.reduce((s, r) => s + r.denominator, 0));
        if (all.denominator === 0) {
          expect(all.rate).toBeNull();
        } else {
          expect(all.rate!).toBeGreaterThanOrEqual(0);
          expect(all.rate!).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('sums the part lines per cost centre and month, leaving out labour, travel and other months', () => {
    const months = recentMonths(Date.parse('2026-03-10T00:00:00Z'), 2);
    const entry = (lineId: string, closedAt: string, costCentre: string, amountCents: number): AllocationEntry => ({ caseId: 'SR-1', lineId, closedAt, costCentre, payerId: null, amountCents, reason: '' });
    const figure = partsCostFigure(months, [
      entry('part-1-P-LENS-B', '2026-02-03T10:00:00.000Z', 'factory', 21_000),
      entry('part-1-P-LENS-B#analysis', '2026-03-01T00:00:00.000Z', 'factory', -21_000),
      entry('part-1-P-LENS-B#analysis', '2026-03-01T00:00:00.000Z', 'customer', 21_000),
      entry('labour', '2026-02-03T10:00:00.000Z', 'factory', 9_000),
      entry('part-2-P-NOZZLE-15', '2026-01-31T23:59:59.000Z', 'customer', 1_200),
    ]);
    expect(figure.series.map((s) => [s.key, s.points.map((p) => p.value)])).toEqual([['factory', [210, -210]], ['sales-centre', [0, 0]], ['customer', [0, 210]]]);
    expect(partsCostFigure(months, null).series[0]!.points[0]!.value).toBeNull();
  });

  it('loses no cent of a part line closed within the months', () => {
    const months = recentMonths(Date.parse('2026-06-15T00:00:00Z'), 6);
    const from = Date.parse(months[0]!.from);
    const to = Date.parse(months.at(-1)!.to);
    const line = fc.record({
      at: fc.integer({ min: from - 40 * 86_400_000, max: to + 40 * 86_400_000 }),
      centre: fc.constantFrom(...COST_CENTRES),
      cents: fc.integer({ min: -100_000, max: 100_000 }),
      part: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        const entries = lines.map((l, i) => ({ caseId: `SR-${i}`, lineId: l.part ? `part-${i}-P` : 'labour', closedAt: new Date(l.at).toISOString(), costCentre: l.centre, payerId: null, amountCents: l.cents, reason: '' }));
        const figure = partsCostFigure(months, entries);
        const shown = figure.series.reduce((sum, s) => sum + s.points.reduce((t, p) => t + Math.round(p.value! * 100), 0), 0);
        expect(shown).toBe(lines.filter((l) => l.part && l.at >= from && l.at < to).reduce((sum, l) => sum + l.cents, 0));
      }),
    );
  });
});
