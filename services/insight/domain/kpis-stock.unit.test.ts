import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ms, type Period } from './kpi-support';
import { partsTurnover } from './kpis-stock';
import type { StockValuation } from './stock-valuations';

const november: Period = { fromMs: ms('2026-11-01T00:00:00Z'), toMs: ms('2026-12-01T00:00:00Z'), nowMs: ms('2026-12-04T00:00:00Z') };
const valuation = (locationId: string, valuedAt: string, previousValuedAt: string | null, valueCents: number, consumedCostCents: number, caseIds: string[] = [], currency = 'CNY'): StockValuation => ({
  valuationId: `SV-${valuedAt.slice(0, 10)}-${locationId}`, locationId, valuedAt, previousValuedAt, currency, valueCents, consumedCostCents, caseIds,
});

// VAN-1 valued 1 and 11 November (the one before on 31 October); CENTRAL first valued 1 November, again 11 November.
// Outside the period: VAN-1 on 31 October and on 1 December (the period's end is exclusive).
const valuations = [
  valuation('VAN-1', '2026-10-31T00:00:00.000Z', '2026-10-30T00:00:00.000Z', 1, 999, ['SR-OCT']),
  valuation('VAN-1', '2026-11-01T00:00:00.000Z', '2026-10-31T00:00:00.000Z', 10_000, 2_000, ['SR-1']),
  valuation('CENTRAL', '2026-11-01T00:00:00.000Z', null, 50_000, 0),
  valuation('VAN-1', '2026-11-11T00:00:00.000Z', '2026-11-01T00:00:00.000Z', 30_000, 4_000, ['SR-2']),
  valuation('CENTRAL', '2026-11-11T00:00:00.000Z', '2026-11-01T00:00:00.000Z', 70_000, 6_000, ['SR-2', 'SR-3']),
  valuation('VAN-1', '2026-12-01T00:00:00.000Z', '2026-11-11T00:00:00.000Z', 30_000, 99_999, ['SR-DEC']),
];

describe('parts turnover', () => {
  it('is the consumed cost over the average stock held, annualised over the days the consumption covers (checked by hand)', () => {
    // C = 2,000 + 0 + 4,000 + 6,000 = 12,000.
    // A: 1 Nov 10,000 + 50,000 = 60,000; 11 Nov 30,000 + 70,000 = 100,000; mean 80,000.
    // D: from 31 Oct (VAN-1's valuation before the period) to 11 Nov = 11 days.
    // 12,000 / 80,000 x 365.25 / 11 = 0.15 x 33.2045... = 4.98068...
    const value = partsTurnover({ valuations }, november);
    expect(value).toMatchObject({ id: 'parts-turnover', numerator: 12_000, denominator: 80_000, caseIds: ['SR-1', 'SR-2', 'SR-3'] });
    expect(value.value).toBeCloseTo((0.15 * 365.25) / 11, 10);
    expect(value.note).toBeUndefined();
    // Per location: VAN-1 6,000 / mean(10,000, 30,000) = 0.3 over 11 days = 9.9613...;
    // CENTRAL (first valued on the period's start) 6,000 / mean(50,000, 70,000) = 0.1 over 10 days = 3.6525.
    expect(value.breakdown!.map((b) => [b.key, b.numerator, b.denominator, b.caseIds])).toEqual([
      ['CENTRAL', 6_000, 60_000, ['SR-2', 'SR-3']],
      ['VAN-1', 6_000, 20_000, ['SR-1', 'SR-2']],
    ]);
    expect(value.breakdown![0]!.value).toBeCloseTo(3.6525, 10);
    expect(value.breakdown![1]!.value).toBeCloseTo((0.3 * 365.25) / 11, 10);
  });

  it('is null with a note when no valuation falls in the period, or stock was not read', () => {
    const december: Period = { fromMs: ms('2026-12-02T00:00:00Z'), toMs: ms('2027-01-01T00:00:00Z'), nowMs: ms('2026-12-04T00:00:00Z') };
    expect(partsTurnover({ valuations }, december)).toEqual({ id: 'parts-turnover', value: null, caseIds: [], note: expect.stringMatching(/no stock valuation in the period/) });
    expect(partsTurnover(undefined, november)).toMatchObject({ value: null, note: expect.stringMatching(/not read/) });
  });

  it('is null with a note when split by a case dimension, when currencies differ, or when no stock was held', () => {
    expect(partsTurnover({ valuations, slicedBy: 'tier' }, november)).toMatchObject({ value: null, note: expect.stringMatching(/not per tier/) });
    const mixed = partsTurnover({ valuations: [...valuations, valuation('REG-1', '2026-11-05T00:00:00.000Z', null, 100, 10, [], 'EUR')] }, november);
    expect(mixed).toMatchObject({ value: null, note: 'stock valued in different currencies (CNY, EUR): no total is given' });
    const empty = partsTurnover({ valuations: [valuation('VAN-1', '2026-11-02T00:00:00.000Z', '2026-11-01T00:00:00.000Z', 0, 500, ['SR-9'])] }, november);
    expect(empty).toMatchObject({ value: null, numerator: 500, denominator: 0, caseIds: ['SR-9'], note: 'no stock held at the valuations in the period' });
  });

  it('does not change when every amount is scaled, and the locations\u2019 consumption adds up to the total (property)', () => {
    const arb = fc.array(
      fc.record({
        location: fc.constantFrom('VAN-1', 'VAN-2', 'CENTRAL'),
        day: fc.integer({ min: 1, max: 28 }),
        valueCents: fc.integer({ min: 1, max: 10_000_000 }),
        consumedCostCents: fc.nat({ max: 10_000_000 }),
      }),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 2, max: 1000 }), (rows, k) => {
        // One valuation per location and day, each after the location's previous one (31 October before the first).
        const unique = [...new Map(rows.map((r) => [`${r.location}|${r.day}`, r])).values()].sort((a, b) => a.day - b.day);
        const last = new Map<string, string>();
        const vs = unique.map((r) => {
          const at = `2026-11-${String(r.day).padStart(2, '0')}T06:00:00.000Z`;
          const v = valuation(r.location, at, last.get(r.location) ?? '2026-10-31T06:00:00.000Z', r.valueCents, r.consumedCostCents);
          last.set(r.location, at);
          return v;
        });
        const base = partsTurnover({ valuations: vs }, november);
        const scaled = partsTurnover({ valuations: vs.map((v) => ({ ...v, valueCents: v.valueCents * k, consumedCostCents: v.consumedCostCents * k })) }, november);
        expect(base.value).not.toBeNull();
        expect(base.value!).toBeGreaterThanOrEqual(0);
        expect(scaled.value!).toBeCloseTo(base.value!, 6);
        expect(base.breakdown!.reduce((sum, b) => sum + b.numerator!, 0)).toBe(base.numerator);
      }),
    );
  });
});
