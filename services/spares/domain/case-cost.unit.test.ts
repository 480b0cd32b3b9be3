import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failureCategories } from '@aftersales/contracts';
import { allocateCaseCost, allocationEntries, type AllocationEntry, type CaseLine, type ClosedCase, type CostRules } from './cost-allocation';
import { analysisAdjustments, baseLineId, classificationOf, closedCaseFrom, decisionAdjustments, decisionInForce, type CaseFacts, type FailureDecisionFact } from './case-cost';

const decided = (category: FailureDecisionFact['category'], decidedBy = 'eng-1', decidedAt = '2026-05-04T09:00:00.000Z'): FailureDecisionFact => ({ category, decidedBy, decidedAt });

const facts: CaseFacts = {
  requestId: 'SR-1',
  customerId: 'CUST-1',
  closedAt: '2026-05-04T10:00:00.000Z',
  entitlementSource: 'warranty',
  salesCentreId: 'SC',
  factoryId: 'F',
  failureDecision: decided('quality-failure'),
  effortMinutes: 90,
  trips: 1,
  parts: [{ partNumber: 'P-LENS-B', quantity: 1, unitCostCents: 21_000, consumable: false }],
  labourRateCentsPerHour: 9_000,
  travelCentsPerTrip: 12_000,
};

describe('a closed case as cost allocation input', () => {
  it('classifies by the decided category, never by words; a case nobody decided is a quality failure under cover', () => {
    expect(classificationOf(decided('quality-failure'))).toEqual({ qualityFailure: true, category: 'quality-failure' });
    expect(classificationOf(decided('wear'))).toEqual({ qualityFailure: false, category: 'wear' });
    expect(classificationOf(decided('misuse'))).toEqual({ qualityFailure: false, misuse: true, category: 'misuse' });
    expect(classificationOf(decided('no-fault-found'))).toEqual({ qualityFailure: false, category: 'no-fault-found' });
    expect(classificationOf(decided('other'))).toEqual({ qualityFailure: false, category: 'other' });
    expect(classificationOf(null)).toEqual({ qualityFailure: true, category: 'undecided' });
    const undecided = allocateCaseCost(closedCaseFrom({ ...facts, failureDecision: null }));
    expect(undecided.lines[0]!.shares[0]!.reason).toBe('quality failure covered by the warranty (no failure decision recorded)');
  });
  it('charges a quality failure to the factory whatever the finding says (no sign of misuse; porous weld seam)', () => {
    // CaseFacts carries no text at all: the words are evidence in the report, the decision is the switch.
    expect(allocateCaseCost(closedCaseFrom({ ...facts, failureDecision: decided('quality-failure') })).totals.factory).toBe(46_500);
  });
  it('takes quality\u2019s latest review over the engineer\u2019s decision', () => {
    const engineer = decided('misuse');
    expect(decisionInForce(engineer, [])).toEqual(engineer);
    expect(decisionInForce(null, [])).toBeNull();
    const reviews = [
      { ...decided('wear', 'qe-1', '2026-05-05T00:00:00.000Z'), revision: 2 },
      { ...decided('quality-failure', 'qe-2', '2026-05-06T00:00:00.000Z'), revision: 1 },
    ];
    expect(decisionInForce(engineer, reviews)).toEqual(decided('wear', 'qe-1', '2026-05-05T00:00:00.000Z'));
  });
  it('charges in-warranty misuse to whoever the cost rules name; out of warranty the customer pays', () => {
    const misuse = { ...facts, failureDecision: decided('misuse') };
    expect(allocateCaseCost(closedCaseFrom(misuse)).totals.customer).toBe(46_500);
    const goodwill: CostRules = { misuseInWarrantyPayer: 'sales-centre' };
    const byRule = allocateCaseCost(closedCaseFrom(misuse), undefined, goodwill);
    expect(byRule.totals['sales-centre']).toBe(46_500);
    expect(byRule.lines[0]!.shares[0]!.reason).toBe('misuse in warranty: sales centre goodwill by the cost rules');
    expect(allocateCaseCost(closedCaseFrom({ ...misuse, entitlementSource: 'none' }), undefined, goodwill).totals.customer).toBe(46_500);
  });
  it('charges an in-warranty quality failure to the factory, every line', () => {
    const allocation = allocateCaseCost(closedCaseFrom(facts));
    expect(allocation.totals).toEqual({ factory: 21_000 + 13_500 + 12_000, 'sales-centre': 0, customer: 0 });
  });
  it('charges a case without entitlement to the customer', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, entitlementSource: 'none' }));
    expect(allocation.totals).toEqual({ factory: 0, 'sales-centre': 0, customer: 46_500 });
  });
  it('follows the cover intake froze: a parts-only warranty leaves labour and travel to the customer', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, cover: { covers: { parts: true, labour: false, travel: false }, warrantyEnd: '2027-01-01T00:00:00.000Z' } }));
    expect(allocation.totals).toEqual({ factory: 21_000, 'sales-centre': 0, customer: 13_500 + 12_000 });
  });
  it('applies a contract’s exclusions by part number and by category', () => {
    const cover = { covers: { parts: true, labour: true, travel: true }, exclusions: { partNumbers: [], categories: ['optics-wear'] }, warrantyEnd: null };
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, entitlementSource: 'contract', cover, parts: [{ ...facts.parts[0]!, category: 'optics-wear' }] }));
    expect(allocation.lines[0]!.shares).toMatchObject([{ costCentre: 'customer', amountCents: 21_000, reason: 'category optics-wear excluded by the contract' }]);
    expect(allocation.totals.factory).toBe(13_500 + 12_000);
  });
  it('stays covered to the close when the warranty ends while the case is open', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, cover: { covers: { parts: true, labour: true, travel: true }, warrantyEnd: '2026-05-01T00:00:00.000Z' } }));
    expect(allocation.totals.factory).toBe(46_500);
  });
  it('gives goodwill on the part of a paid case whose warranty lapsed shortly before (50 % within 30 days)', () => {
    const lapsed = { covers: { parts: false, labour: false, travel: false }, warrantyEnd: '2026-04-24T10:00:00.000Z' };
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, entitlementSource: 'none', cover: lapsed }));
    expect(allocation.lines[0]!.shares.map((s) => [s.costCentre, s.amountCents])).toEqual([['factory', 10_500], ['customer', 10_500]]);
    expect(allocation.totals.customer).toBe(10_500 + 13_500 + 12_000);
  });
  it('charges in-warranty wear to the sales centre', () => {
    const allocation = allocateCaseCost(closedCaseFrom({ ...facts, failureDecision: decided('wear') }));
    expect(allocation.totals['sales-centre']).toBe(46_500);
  });
});

describe('analysisAdjustments', () => {
  const payers = { factoryId: 'F', salesCentreId: 'SC', customerId: 'CUST-1' };
  const entry = (lineId: string, costCentre: 'factory' | 'sales-centre' | 'customer', amountCents: number) => ({ caseId: 'SR-1', lineId, closedAt: '2026-11-30T10:00:00.000Z', costCentre, payerId: costCentre === 'factory' ? 'F' : 'SC', amountCents, reason: 'quality failure covered by the warranty' });
  const charged = [entry('part-1-P-LENS-B', 'factory', 21_000), entry('part-2-P-NOZZLE-15', 'factory', 1_200), entry('labour', 'factory', 9_000)];

  it('moves the analysed part from the factory to the sales centre for wear, booked on the analysis date', () => {
    expect(analysisAdjustments(charged, 'P-LENS-B', 'wear', '2026-12-10T08:00:00.000Z', payers)).toEqual([
      { caseId: 'SR-1', lineId: 'part-1-P-LENS-B#analysis', kind: 'part', closedAt: '2026-12-10T08:00:00.000Z', costCentre: 'factory', payerId: 'F', amountCents: -21_000, reason: 'failure analysis of P-LENS-B: wear, not a quality failure' },
      { caseId: 'SR-1', lineId: 'part-1-P-LENS-B#analysis', kind: 'part', closedAt: '2026-12-10T08:00:00.000Z', costCentre: 'sales-centre', payerId: 'SC', amountCents: 21_000, reason: 'failure analysis of P-LENS-B: wear, not a quality failure' },
    ]);
  });

  it('charges the customer for misuse; labour and other parts stay where they were', () => {
    const moved = analysisAdjustments(charged, 'P-NOZZLE-15', 'misuse', '2026-12-10T08:00:00.000Z', payers);
    expect(moved.map((e) => [e.lineId, e.costCentre, e.payerId, e.amountCents])).toEqual([
      ['part-2-P-NOZZLE-15#analysis', 'factory', 'F', -1_200],
      ['part-2-P-NOZZLE-15#analysis', 'customer', 'CUST-1', 1_200],
    ]);
  });

  it('changes nothing for findings that confirm a quality failure, for a part the factory did not pay, or twice', () => {
    for (const finding of ['supplier-defect', 'manufacturing', 'design', 'no-fault-found']) expect(analysisAdjustments(charged, 'P-LENS-B', finding, '2026-12-10T08:00:00.000Z', payers)).toEqual([]);
    expect(analysisAdjustments([entry('part-1-P-LENS-B', 'sales-centre', 21_000)], 'P-LENS-B', 'misuse', '2026-12-10T08:00:00.000Z', payers)).toEqual([]);
    const once = analysisAdjustments(charged, 'P-LENS-B', 'wear', '2026-12-10T08:00:00.000Z', payers);
    expect(analysisAdjustments([...charged, ...once], 'P-LENS-B', 'wear', '2026-12-11T08:00:00.000Z', payers)).toEqual([]);
  });

  it('keeps every case total: a move, never a new cost', () => {
    const moved = analysisAdjustments(charged, 'P-LENS-B', 'misuse', '2026-12-10T08:00:00.000Z', payers);
    expect(moved.reduce((sum, e) => sum + e.amountCents, 0)).toBe(0);
  });
});

describe('decisionAdjustments: a review after the case was charged', () => {
  const category = fc.constantFrom(...failureCategories);
  const line = fc.oneof(
    fc.record({ kind: fc.constant('part' as const), partNumber: fc.constantFrom('P-A', 'P-B'), quantity: fc.integer({ min: 1, max: 5 }), unitCostCents: fc.integer({ min: 0, max: 100_000 }), consumable: fc.boolean() }),
    fc.record({ kind: fc.constant('labour' as const), minutes: fc.integer({ min: 0, max: 600 }), rateCentsPerHour: fc.integer({ min: 0, max: 30_000 }) }),
    fc.record({ kind: fc.constant('travel' as const), trips: fc.integer({ min: 0, max: 3 }), costCentsPerTrip: fc.integer({ min: 0, max: 50_000 }) }),
  );
  const closedCase = fc.record({
    lines: fc.array(line, { maxLength: 6 }),
    source: fc.constantFrom('warranty' as const, 'contract' as const, 'none' as const),
    closedDaysAfterEnd: fc.integer({ min: -30, max: 120 }),
    covers: fc.record({ parts: fc.boolean(), labour: fc.boolean(), travel: fc.boolean() }),
  });
  const build = (c: { lines: Array<Record<string, unknown>>; source: 'warranty' | 'contract' | 'none'; closedDaysAfterEnd: number; covers: { parts: boolean; labour: boolean; travel: boolean } }, decision: FailureDecisionFact | null): ClosedCase => ({
    caseId: 'SR-P',
    closedAt: '2026-06-01T00:00:00.000Z',
    salesCentreId: 'SC',
    factoryId: 'F',
    customerId: 'C',
    entitlement: { source: c.source, covers: c.covers, warrantyEnd: new Date(Date.parse('2026-06-01T00:00:00.000Z') - c.closedDaysAfterEnd * 86_400_000).toISOString() },
    classification: classificationOf(decision),
    lines: c.lines.map((l, i) => ({ ...l, lineId: l.kind === 'part' ? `part-${i + 1}-${String(l.partNumber)}` : `${String(l.kind)}-${i + 1}` }) as CaseLine),
  });
  const netOf = (entries: readonly AllocationEntry[]) => {
    const m = new Map<string, number>();
    for (const e of entries) m.set(`${baseLineId(e.lineId)}|${e.costCentre}`, (m.get(`${baseLineId(e.lineId)}|${e.costCentre}`) ?? 0) + e.amountCents);
    return new Map([...m].filter(([, v]) => v !== 0));
  };

  it('leaves each line and cost centre paying exactly what the latest decision says, moving money and never making it', () => {
    fc.assert(
      fc.property(closedCase, fc.option(category, { nil: null }), category, category, fc.constantFrom('customer' as const, 'sales-centre' as const), (c, first, second, third, misusePayer) => {
        const rules: CostRules = { misuseInWarrantyPayer: misusePayer };
        const charged = allocationEntries(allocateCaseCost(build(c, first ? decided(first) : null), undefined, rules));
        const ledger = [...charged];
        for (const [n, next] of [second, third].entries()) {
          const target = allocateCaseCost(build(c, decided(next, 'qe-1')), undefined, rules);
          const moves = decisionAdjustments(ledger, target, '2026-06-10T00:00:00.000Z', `review-${n + 1}`, 'review');
          expect(moves.reduce((sum, e) => sum + e.amountCents, 0)).toBe(0);
          ledger.push(...moves);
          expect(netOf(ledger)).toEqual(netOf(allocationEntries(target)));
          expect(decisionAdjustments(ledger, target, '2026-06-11T00:00:00.000Z', 'again', 'review')).toEqual([]);
        }
      }),
    );
  });

  it('moves a factory-paid case to the customer when quality finds misuse, on the review date', () => {
    const c = { lines: [{ kind: 'part', partNumber: 'P-A', quantity: 1, unitCostCents: 10_000, consumable: false }], source: 'warranty' as const, closedDaysAfterEnd: -10, covers: { parts: true, labour: true, travel: true } };
    const charged = allocationEntries(allocateCaseCost(build(c, decided('quality-failure'))));
    const moves = decisionAdjustments(charged, allocateCaseCost(build(c, decided('misuse', 'qe-1'))), '2026-06-10T00:00:00.000Z', 'review-1', 'failure decision reviewed by qe-1: misuse');
    expect(moves.map((e) => [e.lineId, e.costCentre, e.payerId, e.amountCents, e.closedAt])).toEqual([
      ['part-1-P-A#review-1', 'factory', 'F', -10_000, '2026-06-10T00:00:00.000Z'],
      ['part-1-P-A#review-1', 'customer', 'C', 10_000, '2026-06-10T00:00:00.000Z'],
    ]);
    // A part analysis after the review finds nothing left on the factory to move.
    expect(analysisAdjustments([...charged, ...moves], 'P-A', 'wear', '2026-06-12T00:00:00.000Z', { factoryId: 'F', salesCentreId: 'SC', customerId: 'C' })).toEqual([]);
  });
});
