import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureCategories } from '@aftersales/contracts';
import { allocationInForce, inCover, kindOfLine, sameAllocation } from './case-cost-revision';
import { analysisAdjustments, classificationOf, closedCaseFrom, decisionAdjustments, type CaseFacts } from './case-cost';
import { allocateCaseCost, allocationEntries } from './cost-allocation';

const closedAt = '2026-05-04T10:00:00.000Z';
const facts: CaseFacts = {
  requestId: 'SR-1',
  customerId: 'CUST-1',
  closedAt,
  entitlementSource: 'warranty',
  cover: { covers: { parts: true, labour: true, travel: true }, exclusions: { partNumbers: ['P-EXCL'], categories: [] }, coversConsumables: false, warrantyEnd: '2027-01-01T00:00:00.000Z' },
  salesCentreId: 'SC',
  factoryId: 'F',
  failureDecision: { category: 'quality-failure', decidedBy: 'eng-1', decidedAt: closedAt },
  effortMinutes: 90,
  trips: 1,
  parts: [
    { partNumber: 'P-LENS-B', quantity: 1, unitCostCents: 21_000, consumable: false },
    { partNumber: 'P-NOZZLE', quantity: 2, unitCostCents: 600, consumable: true },
    { partNumber: 'P-EXCL', quantity: 1, unitCostCents: 900, consumable: false },
  ],
  labourRateCentsPerHour: 9_000,
  travelCentsPerTrip: 12_000,
};
const payers = { factoryId: 'F', salesCentreId: 'SC', customerId: 'CUST-1' };

describe('the allocation in force', () => {
  const closed = closedCaseFrom(facts);
  const charged = allocationEntries(allocateCaseCost(closed));

  it('is one row per line and payer with its kind, whether the cover paid for it, and why', () => {
    expect(allocationInForce(charged, closed)).toEqual([
      { lineId: 'part-1-P-LENS-B', kind: 'part', costCentre: 'factory', amountCents: 21_000, inWarranty: true, reason: 'quality failure covered by the warranty' },
      { lineId: 'part-2-P-NOZZLE', kind: 'part', costCentre: 'customer', amountCents: 1_200, inWarranty: false, reason: 'consumable P-NOZZLE not covered' },
      { lineId: 'part-3-P-EXCL', kind: 'part', costCentre: 'customer', amountCents: 900, inWarranty: false, reason: 'part P-EXCL excluded by the warranty' },
      { lineId: 'labour', kind: 'labour', costCentre: 'factory', amountCents: 13_500, inWarranty: true, reason: 'quality failure covered by the warranty' },
      { lineId: 'travel', kind: 'travel', costCentre: 'factory', amountCents: 12_000, inWarranty: true, reason: 'quality failure covered by the warranty' },
    ]);
  });

  it('after failure analysis finds wear, the part is the sales centre\u2019s with the analysis as reason, the factory\u2019s row gone', () => {
    const moved = analysisAdjustments(charged, 'P-LENS-B', 'wear', '2026-05-10T00:00:00.000Z', payers);
    const lens = allocationInForce([...charged, ...moved], closed).filter((l) => l.lineId === 'part-1-P-LENS-B');
    expect(lens).toEqual([{ lineId: 'part-1-P-LENS-B', kind: 'part', costCentre: 'sales-centre', amountCents: 21_000, inWarranty: true, reason: 'failure analysis of P-LENS-B: wear, not a quality failure' }]);
  });

  it('reads the kind of entries stored before they carried it from the line id', () => {
    const legacy = charged.map(({ kind: _kind, ...e }) => e);
    expect(allocationInForce(legacy, closed).map((l) => l.kind)).toEqual(['part', 'part', 'part', 'labour', 'travel']);
    expect(['part-1-P-A#review-1', 'labour#analysis', 'travel'].map(kindOfLine)).toEqual(['part', 'labour', 'travel']);
  });

  it('shows a line that costs nothing at zero rather than dropping it', () => {
    const free = closedCaseFrom({ ...facts, parts: [], labourRateCentsPerHour: 0, trips: 0 });
    expect(allocationInForce(allocationEntries(allocateCaseCost(free)), free)).toEqual([{ lineId: 'labour', kind: 'labour', costCentre: 'factory', amountCents: 0, inWarranty: true, reason: 'quality failure covered by the warranty' }]);
  });

  it('is out of cover once the warranty ended before the close, or with no entitlement', () => {
    const lapsed = closedCaseFrom({ ...facts, entitlementSource: 'none', cover: { ...facts.cover!, warrantyEnd: '2026-05-01T00:00:00.000Z' } });
    expect(inCover(lapsed, 'labour', 'labour')).toBe(false);
    expect(inCover(closedCaseFrom({ ...facts, cover: undefined, entitlementSource: 'none' }), 'labour', 'labour')).toBe(false);
    expect(inCover(closed, 'labour', 'labour')).toBe(true);
  });

  it('names a recomputation that changes nothing the same allocation, whatever the order', () => {
    const lines = allocationInForce(charged, closed);
    expect(sameAllocation({ currency: 'EUR', lines }, { currency: 'EUR', lines: [...lines].reverse() })).toBe(true);
    expect(sameAllocation({ currency: 'EUR', lines }, { currency: 'CNY', lines })).toBe(false);
    expect(sameAllocation({ currency: 'EUR', lines }, { currency: 'EUR', lines: lines.slice(1) })).toBe(false);
  });

  it('after any reviews, says exactly what the latest decision charges, every amount non-negative and the case\u2019s cost whole', () => {
    const category = fc.constantFrom(...failureCategories);
    fc.assert(
      fc.property(fc.array(category, { minLength: 1, maxLength: 4 }), fc.boolean(), (decisions, inWarranty) => {
        const base = closedCaseFrom({ ...facts, entitlementSource: inWarranty ? 'warranty' : 'none' });
        const ledger = allocationEntries(allocateCaseCost(base));
        let target = allocateCaseCost(base);
        for (const [n, next] of decisions.entries()) {
          target = allocateCaseCost({ ...base, classification: classificationOf({ category: next, decidedBy: 'qe', decidedAt: closedAt }) });
          ledger.push(...decisionAdjustments(ledger, target, '2026-05-10T00:00:00.000Z', `review-${n + 1}`, 'review'));
        }
        const inForce = allocationInForce(ledger, base);
        expect(inForce.every((l) => l.amountCents >= 0)).toBe(true);
        expect(inForce.reduce((sum, l) => sum + l.amountCents, 0)).toBe(target.totalCents);
        const expected = target.lines.flatMap((l) => l.shares.filter((s) => s.amountCents !== 0).map((s) => `${l.lineId}|${l.kind}|${s.costCentre}|${s.amountCents}`)).sort();
        expect(inForce.filter((l) => l.amountCents !== 0).map((l) => `${l.lineId}|${l.kind}|${l.costCentre}|${l.amountCents}`).sort()).toEqual(expected);
      }),
    );
  });
});
