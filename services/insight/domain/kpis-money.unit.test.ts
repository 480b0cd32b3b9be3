import { describe, expect, it } from 'vitest';
import type { CaseRecord } from './case-record';
import { closedCase } from './case-fixtures';
import { ms, type Period } from './kpi-support';
import { costPerCase, costToServe, inWarrantyPartsCost, revenueToCost } from './kpis-money';

const november: Period = { fromMs: ms('2026-11-01T00:00:00Z'), toMs: ms('2026-12-01T00:00:00Z'), nowMs: ms('2026-12-04T00:00:00Z') };
type Line = CaseRecord['costLines'][number];
const line = (costCentre: Line['costCentre'], kind: string, amountCents: number, inWarranty: boolean, currency = 'CNY'): Line => ({ costCentre, kind, amountCents, inWarranty, currency });

// A: parts 100.00 in warranty (factory), parts 50.00 out of warranty (customer), labour 30.00 (factory): cost 180.00, revenue 300.00.
// B: parts 20.00 (sales centre) and 5.00 (factory) in warranty: cost 25.00, no revenue.
// C: no cost lines. DEC: closed after the period.
const cases = [
  closedCase({ requestId: 'A', customerId: 'C-1', costLines: [line('factory', 'part', 10_000, true), line('customer', 'part', 5_000, false), line('factory', 'labour', 3_000, true)], revenueCents: 30_000, revenueCurrency: 'CNY' }),
  closedCase({ requestId: 'B', customerId: 'C-2', costLines: [line('sales-centre', 'part', 2_000, true), line('factory', 'part', 500, true)] }),
  closedCase({ requestId: 'C', customerId: 'C-1' }),
  closedCase({ requestId: 'DEC', closedAt: '2026-12-02T00:00:00.000Z', costLines: [line('factory', 'part', 99_999, true)] }),
];

describe('in-warranty parts cost', () => {
  it('sums in-warranty part lines of requests closed in the period, per cost centre', () => {
    // 10,000 + 2,000 + 500 = 12,500; factory 10,000 + 500 = 10,500 (A, B); sales centre 2,000 (B).
    expect(inWarrantyPartsCost(cases, november)).toEqual({
      id: 'in-warranty-parts-cost',
      value: 12_500,
      caseIds: ['A', 'B'],
      breakdown: [
        { key: 'factory', value: 10_500, caseIds: ['A', 'B'] },
        { key: 'sales-centre', value: 2_000, caseIds: ['B'] },
      ],
    });
  });

  it('never adds two currencies: no total, slices per cost centre and currency', () => {
    const value = inWarrantyPartsCost([...cases, closedCase({ requestId: 'E', costLines: [line('factory', 'part', 700, true, 'USD')] })], november);
    expect(value.value).toBeNull();
    expect(value.note).toBe('mixed currencies (CNY, USD): no total is given');
    expect(value.breakdown!.map((b) => [b.key, b.value])).toEqual([
      ['factory CNY', 10_500],
      ['factory USD', 700],
      ['sales-centre CNY', 2_000],
    ]);
  });
});

describe('cost per case, revenue against cost, cost to serve', () => {
  it('cost per case divides every cost line by the closes', () => {
    // (18,000 + 2,500 + 0) / 3.
    expect(costPerCase(cases, november)).toEqual({ id: 'cost-per-case', value: 20_500 / 3, numerator: 20_500, denominator: 3, caseIds: ['A', 'B', 'C'] });
  });

  it('revenue over cost', () => {
    // 30,000 / 20,500 ≈ 1.46: the service pays for itself.
    expect(revenueToCost(cases, november)).toEqual({ id: 'revenue-to-cost', value: 30_000 / 20_500, numerator: 30_000, denominator: 20_500, caseIds: ['A', 'B', 'C'] });
  });

  it('revenue over cost is null when nothing cost anything, or currencies differ', () => {
    expect(revenueToCost([closedCase()], november)).toMatchObject({ value: null, note: 'no service cost recorded' });
    const usd = closedCase({ requestId: 'U', revenueCents: 100, revenueCurrency: 'USD' });
    expect(revenueToCost([...cases, usd], november)).toMatchObject({ value: null, note: 'revenue and cost in different currencies (CNY, USD)' });
  });

  it('margin per customer, worst first: an account can cost more than it buys', () => {
    // C-1: 30,000 − 18,000 = 12,000 (A, C); C-2: −2,500 (B); together 9,500.
    expect(costToServe(cases, november)).toEqual({
      id: 'cost-to-serve-margin',
      value: 9_500,
      caseIds: ['A', 'B', 'C'],
      breakdown: [
        { key: 'C-2', value: -2_500, caseIds: ['B'] },
        { key: 'C-1', value: 12_000, caseIds: ['A', 'C'] },
      ],
    });
  });
});
