import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COST_CENTRES,
  allocateCaseCost,
  allocationEntries,
  labourCents,
  lineCostCents,
  monthlyTotals,
  monthTotals,
  requisitionOutliers,
  type CaseLine,
  type ClosedCase,
  type CostCentre,
  type EntitlementSnapshot,
  type GoodwillRule,
  type RequisitionQuantity,
} from './cost-allocation';

const allCovered = { parts: true, labour: true, travel: true };
const lines: CaseLine[] = [
  { kind: 'part', lineId: 'p1', partNumber: 'P-100', category: 'optics', quantity: 2, unitCostCents: 12_345, consumable: false },
  { kind: 'labour', lineId: 'l1', minutes: 90, rateCentsPerHour: 8_000 },
  { kind: 'travel', lineId: 't1', trips: 1, costCentsPerTrip: 5_000 },
];
const warranty = (warrantyEnd: string): EntitlementSnapshot => ({ source: 'warranty', covers: allCovered, warrantyEnd });

function closedCase(over: Partial<ClosedCase> = {}): ClosedCase {
  return {
    caseId: 'C-1',
    closedAt: '2024-03-15T10:00:00Z',
    salesCentreId: 'SC-EAST',
    factoryId: 'F-JINAN',
    customerId: 'CU-9',
    entitlement: { source: 'contract', covers: allCovered },
    classification: { qualityFailure: true },
    lines,
    ...over,
  };
}

const centres = (c: ReturnType<typeof allocateCaseCost>) => c.lines.map((l) => l.shares.map((s) => [s.costCentre, s.amountCents]));

describe('allocateCaseCost: worked examples', () => {
  it('charges a contract-covered quality failure to the factory', () => {
    const a = allocateCaseCost(closedCase());
    expect(centres(a)).toEqual([[['factory', 24_690]], [['factory', 12_000]], [['factory', 5_000]]]);
    expect(a.totals).toEqual({ factory: 41_690, 'sales-centre': 0, customer: 0 });
    expect(a.totalCents).toBe(41_690);
    expect(a.lines[0]!.shares[0]).toMatchObject({ payerId: 'F-JINAN', reason: 'quality failure covered by the contract' });
  });

  it('charges in-warranty work that is not a quality failure to the sales centre', () => {
    const a = allocateCaseCost(closedCase({ entitlement: warranty('2024-12-31T23:59:59Z'), classification: { qualityFailure: false } }));
    expect(a.totals).toEqual({ factory: 0, 'sales-centre': 41_690, customer: 0 });
    expect(a.lines[1]!.shares[0]).toMatchObject({ payerId: 'SC-EAST', reason: 'covered by the warranty, not a quality failure' });
  });

  it('counts the warranty end instant itself as out of warranty (the first instant no longer covered), the millisecond before as in', () => {
    expect(allocateCaseCost(closedCase({ entitlement: warranty('2024-03-15T10:00:00.001Z') })).totals.factory).toBe(41_690);
    // At the end instant: out of warranty by 0 days, so the nearest goodwill rule shares it, no longer the warranty.
    const atEnd = allocateCaseCost(closedCase({ entitlement: warranty('2024-03-15T10:00:00Z') }));
    expect(atEnd.totals.factory).toBeLessThan(41_690);
    expect(atEnd.lines[0]!.shares[0]!.reason).toMatch(/^goodwill .* 0 days after/);
  });

  it('charges out-of-warranty and unentitled work to the customer', () => {
    const late = allocateCaseCost(closedCase({ entitlement: warranty('2023-06-30T00:00:00Z') }));
    expect(late.totals).toEqual({ factory: 0, 'sales-centre': 0, customer: 41_690 });
    expect(late.lines[0]!.shares[0]!.reason).toBe('out of warranty (ended 2023-06-30T00:00:00.000Z)');
    const none = allocateCaseCost(closedCase({ entitlement: { source: 'none', covers: allCovered } }));
    expect(none.totals.customer).toBe(41_690);
    expect(none.lines[2]!.shares[0]).toMatchObject({ payerId: 'CU-9', reason: 'no contract or warranty' });
  });

  it('charges misuse to the customer even under a contract', () => {
    const a = allocateCaseCost(closedCase({ classification: { qualityFailure: false, misuse: true } }));
    expect(a.totals.customer).toBe(41_690);
    expect(a.lines[0]!.shares[0]!.reason).toBe('misuse is not covered');
  });

  it('splits a contract exclusion per line: the excluded part to the customer, the rest to the factory', () => {
    const byPart = allocateCaseCost(closedCase({ entitlement: { source: 'contract', covers: allCovered, exclusions: { partNumbers: ['P-100'] } } }));
    expect(centres(byPart)).toEqual([[['customer', 24_690]], [['factory', 12_000]], [['factory', 5_000]]]);
    expect(byPart.lines[0]!.shares[0]!.reason).toBe('part P-100 excluded by the contract');
    const byCategory = allocateCaseCost(closedCase({ entitlement: { source: 'contract', covers: allCovered, exclusions: { categories: ['optics'] } } }));
    expect(byCategory.lines[0]!.shares[0]!.reason).toBe('category optics excluded by the contract');
  });

  it('charges what the contract does not cover (travel here) to the customer', () => {
    const a = allocateCaseCost(closedCase({ entitlement: { source: 'contract', covers: { parts: true, labour: true, travel: false } } }));
    expect(centres(a)).toEqual([[['factory', 24_690]], [['factory', 12_000]], [['customer', 5_000]]]);
    expect(a.lines[2]!.shares[0]!.reason).toBe('travel not covered by the contract');
  });

  it('charges a consumable to the customer and the covered repair to the factory, unless consumables are covered', () => {
    const filter: CaseLine = { kind: 'part', lineId: 'p2', partNumber: 'FLT-7', quantity: 3, unitCostCents: 999, consumable: true };
    const a = allocateCaseCost(closedCase({ lines: [...lines, filter] }));
    expect(a.totals).toEqual({ factory: 41_690, 'sales-centre': 0, customer: 2_997 });
    expect(a.lines[3]!.shares[0]!.reason).toBe('consumable FLT-7 not covered');
    const covered = allocateCaseCost(closedCase({ lines: [...lines, filter], entitlement: { source: 'contract', covers: allCovered, coversConsumables: true } }));
    expect(covered.totals.factory).toBe(44_687);
  });

  describe('goodwill split after warranty end', () => {
    const odd: CaseLine[] = [{ kind: 'part', lineId: 'p1', partNumber: 'P-7', quantity: 3, unitCostCents: 3_333, consumable: false }, ...lines.slice(1)];
    const after = (closedAt: string, over: Partial<ClosedCase> = {}) => allocateCaseCost(closedCase({ closedAt, lines: odd, entitlement: warranty('2024-03-01T00:00:00Z'), ...over }));

    it('within 30 days the factory pays half the parts, rounded half up, and the customer the exact remainder', () => {
      const a = after('2024-03-15T00:00:00Z');
      expect(centres(a)).toEqual([[['factory', 5_000], ['customer', 4_999]], [['customer', 12_000]], [['customer', 5_000]]]);
      expect(a.lines[0]!.shares[0]!.reason).toBe('goodwill goodwill-30d: 50% 14 days after warranty end');
      expect(a.totals.factory + a.totals.customer).toBe(a.totalCents);
    });

    it('within 90 days a quarter; later none; never for wear or misuse', () => {
      expect(centres(after('2024-04-20T00:00:00Z'))[0]).toEqual([['factory', 2_500], ['customer', 7_499]]);
      expect(centres(after('2024-06-20T00:00:00Z'))[0]).toEqual([['customer', 9_999]]);
      expect(centres(after('2024-03-15T00:00:00Z', { classification: { qualityFailure: false } }))[0]).toEqual([['customer', 9_999]]);
      expect(centres(after('2024-03-15T00:00:00Z', { classification: { qualityFailure: true, misuse: true } }))[0]).toEqual([['customer', 9_999]]);
    });

    it('takes its rules as data', () => {
      const table: GoodwillRule[] = [{ id: 'sc-labour', withinDaysAfterWarrantyEnd: 60, kinds: ['labour'], payer: 'sales-centre', shareBasisPoints: 3_333, qualityFailureOnly: false }];
      const a = allocateCaseCost(closedCase({ closedAt: '2024-03-15T00:00:00Z', lines: odd, entitlement: warranty('2024-03-01T00:00:00Z') }), table);
      expect(centres(a)).toEqual([[['customer', 9_999]], [['sales-centre', 4_000], ['customer', 8_000]], [['customer', 5_000]]]);
      expect(a.lines[1]!.shares[0]!.payerId).toBe('SC-EAST');
    });
  });

  it('rounds labour to the cent once per line, half up, from whole minutes', () => {
    expect(lineCostCents({ kind: 'labour', lineId: 'l', minutes: 20, rateCentsPerHour: 7_500 })).toBe(2_500);
    // 11 minutes at 100.50/h is 18.425: 18.43, where hours as a binary fraction gave 18.42.
    expect(lineCostCents({ kind: 'labour', lineId: 'l', minutes: 11, rateCentsPerHour: 10_050 })).toBe(1_843);
    expect(Math.round((11 / 60) * 10_050)).toBe(1_842);
  });

  it('labour is the exact minutes x rate / 60 rounded half up, for any minutes and rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000_000 }), (minutes, rate) => {
        const cents = BigInt(labourCents(minutes, rate));
        // cents - 1/2 <= minutes x rate / 60 < cents + 1/2, in integers (times 120).
        const twice = 2n * BigInt(minutes) * BigInt(rate);
        expect(120n * cents - 60n <= twice && twice < 120n * cents + 60n).toBe(true);
      }),
    );
  });

  it('names the field of bad input', () => {
    const neg: CaseLine = { kind: 'part', lineId: 'x', partNumber: 'P', quantity: -1, unitCostCents: 1, consumable: false };
    expect(() => allocateCaseCost(closedCase({ lines: [neg] }))).toThrow(/^lines\[0\]\.quantity: must be a non-negative integer$/);
    expect(() => allocateCaseCost(closedCase({ lines: [lines[0]!, lines[0]!] }))).toThrow(/lines\[1\]\.lineId: duplicate/);
    expect(() => allocateCaseCost(closedCase({ closedAt: 'yesterday' }))).toThrow(/^closedAt:/);
    expect(() => allocateCaseCost(closedCase({ entitlement: { source: 'warranty', covers: allCovered } }))).toThrow(/entitlement\.warrantyEnd/);
    expect(() => allocateCaseCost(closedCase({ lines: [{ kind: 'travel', lineId: 't', trips: 1, costCentsPerTrip: 12.5 }] }))).toThrow(/costCentsPerTrip/);
  });
});

describe('monthlyTotals', () => {
  const entries = [
    ...allocationEntries(allocateCaseCost(closedCase({ caseId: 'A', closedAt: '2024-01-10T08:00:00Z' }))),
    // 23:30 at UTC-2 on 31 January is 1 February in UTC.
    ...allocationEntries(allocateCaseCost(closedCase({ caseId: 'B', closedAt: '2024-01-31T23:30:00-02:00', classification: { qualityFailure: false } }))),
    ...allocationEntries(allocateCaseCost(closedCase({ caseId: 'C', closedAt: '2024-02-20T08:00:00Z', entitlement: { source: 'none', covers: allCovered } }))),
  ];

  it('groups by UTC month and cost centre', () => {
    expect(monthlyTotals(entries)).toEqual([
      { month: '2024-01', costCentre: 'factory', amountCents: 41_690, entries: 3, cases: 1 },
      { month: '2024-02', costCentre: 'sales-centre', amountCents: 41_690, entries: 3, cases: 1 },
      { month: '2024-02', costCentre: 'customer', amountCents: 41_690, entries: 3, cases: 1 },
    ]);
  });

  it('totals each month over every cost centre, a case counted once however many pay', () => {
    const split = allocationEntries(allocateCaseCost(closedCase({ caseId: 'D', closedAt: '2024-02-21T08:00:00Z' }))).map((e, i) => ({ ...e, costCentre: i % 2 ? ('customer' as const) : ('factory' as const) }));
    expect(monthTotals([...entries, ...split])).toEqual([
      { month: '2024-01', amountCents: 41_690, entries: 3, cases: 1 },
      { month: '2024-02', amountCents: 3 * 41_690, entries: 9, cases: 3 },
    ]);
    expect(monthlyTotals(split).map((t) => t.cases)).toEqual([1, 1]);
  });

  it('takes instants as stored (Dates) as it takes ISO strings', () => {
    const stored = entries.map((e) => ({ ...e, closedAt: new Date(e.closedAt) }));
    expect(monthlyTotals(stored)).toEqual(monthlyTotals(entries));
    expect(monthTotals(stored)).toEqual(monthTotals(entries));
    expect(() => monthlyTotals([{ ...stored[0]!, closedAt: new Date(Number.NaN) }])).toThrow(/entries\[0\]\.closedAt/);
  });

  it('filters by cost centre and a [from, to) range', () => {
    expect(monthlyTotals(entries, { costCentre: 'customer' })).toEqual([{ month: '2024-02', costCentre: 'customer', amountCents: 41_690, entries: 3, cases: 1 }]);
    expect(monthlyTotals(entries, { from: '2024-02-01T00:00:00Z', to: '2024-02-20T08:00:00Z' }).map((t) => t.costCentre)).toEqual(['sales-centre']);
  });
});

describe('requisitionOutliers', () => {
  const history: RequisitionQuantity[] = [
    ...[1, 2, 1, 2, 1].map((quantity) => ({ engineerId: 'E1', partNumber: 'P', model: 'M1', quantity })),
    ...[1, 1, 2, 1, 2, 1].map((quantity, i) => ({ engineerId: `E${2 + (i % 3)}`, partNumber: 'P', model: 'M1', quantity })),
    ...[20, 20, 20, 20, 20].map((quantity) => ({ engineerId: 'E9', partNumber: 'P', model: 'M2', quantity })),
  ];

  it('flags a quantity far above own history and peers, with the numbers behind it', () => {
    const flags = requisitionOutliers([{ requisitionId: 'R1', engineerId: 'E1', partNumber: 'P', model: 'M1', quantity: 10 }], history);
    expect(flags).toEqual([
      expect.objectContaining({ requisitionId: 'R1', basis: 'own-history', samples: 5, median: 1, mad: 0, k: 3, threshold: 4, quantity: 10 }),
      expect.objectContaining({ requisitionId: 'R1', basis: 'peers', samples: 6, median: 1, mad: 0, threshold: 4 }),
    ]);
    expect(flags[0]!.reason).toBe('quantity 10 above own-history threshold 4 (median 1 + 3 x max(MAD 0, 1), 5 samples)');
  });

  it('does not flag at the threshold, with too little history, or against another model', () => {
    expect(requisitionOutliers([{ engineerId: 'E1', partNumber: 'P', model: 'M1', quantity: 4 }], history)).toEqual([]);
    expect(requisitionOutliers([{ engineerId: 'E1', partNumber: 'Q', quantity: 50 }], history)).toEqual([]);
    expect(requisitionOutliers([{ engineerId: 'E1', partNumber: 'P', model: 'M1', quantity: 10 }], history, { k: 3, madFloor: 1, minSamples: 6 }).map((f) => f.basis)).toEqual(['peers']);
  });

  it('uses the MAD when the history varies and takes k as data', () => {
    const spread = [2, 4, 6, 8, 10].map((quantity) => ({ engineerId: 'E5', partNumber: 'P', quantity }));
    // median 6, deviations [4,2,0,2,4] -> MAD 2; k 2 -> threshold 10
    expect(requisitionOutliers([{ engineerId: 'E5', partNumber: 'P', quantity: 11 }], spread, { k: 2, madFloor: 1, minSamples: 5 })).toEqual([
      expect.objectContaining({ basis: 'own-history', median: 6, mad: 2, threshold: 10 }),
    ]);
    expect(requisitionOutliers([{ engineerId: 'E5', partNumber: 'P', quantity: 11 }], spread)).toEqual([]);
  });
});

describe('allocateCaseCost: properties', () => {
  const day = 86_400_000;
  const base = Date.parse('2024-01-01T00:00:00Z');
  const lineArb = fc.oneof(
    fc.record({
      kind: fc.constant('part' as const),
      partNumber: fc.constantFrom('P-1', 'P-2', 'P-3'),
      category: fc.option(fc.constantFrom('optics', 'motion'), { nil: undefined }),
      quantity: fc.integer({ min: 0, max: 1_000 }),
      unitCostCents: fc.integer({ min: 0, max: 10_000_000 }),
      consumable: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('labour' as const), minutes: fc.integer({ min: 0, max: 6_000 }), rateCentsPerHour: fc.integer({ min: 0, max: 50_000 }) }),
    fc.record({ kind: fc.constant('travel' as const), trips: fc.integer({ min: 0, max: 20 }), costCentsPerTrip: fc.integer({ min: 0, max: 100_000 }) }),
  );
  const caseArb = fc.record({
    lines: fc.array(lineArb, { maxLength: 12 }).map((ls) => ls.map((l, i): CaseLine => ({ ...l, lineId: `L${i}` }))),
    source: fc.constantFrom('contract' as const, 'warranty' as const, 'none' as const),
    covers: fc.record({ parts: fc.boolean(), labour: fc.boolean(), travel: fc.boolean() }),
    excluded: fc.subarray(['P-1', 'P-2', 'P-3']),
    categories: fc.subarray(['optics', 'motion']),
    coversConsumables: fc.boolean(),
    closedDay: fc.integer({ min: 0, max: 400 }),
    endDay: fc.integer({ min: 0, max: 400 }),
    classification: fc.record({ qualityFailure: fc.boolean(), misuse: fc.boolean() }),
  });
  const rulesArb = fc.array(
    fc.record({
      id: fc.constantFrom('a', 'b', 'c'),
      withinDaysAfterWarrantyEnd: fc.integer({ min: 0, max: 200 }),
      kinds: fc.subarray(['part', 'labour', 'travel'] as const),
      payer: fc.constantFrom('factory' as const, 'sales-centre' as const),
      shareBasisPoints: fc.integer({ min: 0, max: 10_000 }),
      qualityFailureOnly: fc.boolean(),
    }),
    { maxLength: 3 },
  );
  type CaseInput = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;
  const build = (c: CaseInput): ClosedCase =>
    closedCase({
      lines: c.lines,
      closedAt: new Date(base + c.closedDay * day).toISOString(),
      classification: c.classification,
      entitlement: {
        source: c.source,
        covers: c.covers,
        exclusions: { partNumbers: c.excluded, categories: c.categories },
        coversConsumables: c.coversConsumables,
        warrantyEnd: new Date(base + c.endDay * day).toISOString(),
      },
    });

  it('allocates every line exactly once, with shares summing exactly to the case cost and totals to their lines', () => {
    fc.assert(
      fc.property(caseArb, fc.option(rulesArb, { nil: undefined }), (c, rules) => {
        const closed = build(c);
        const a = allocateCaseCost(closed, rules);
        expect(a.lines.map((l) => l.lineId)).toEqual(closed.lines.map((l) => l.lineId));
        const expectedTotal = closed.lines.reduce((sum, l) => sum + lineCostCents(l), 0);
        expect(a.totalCents).toBe(expectedTotal);
        for (const l of a.lines) {
          expect(l.shares.length).toBeGreaterThan(0);
          expect(l.shares.reduce((s, x) => s + x.amountCents, 0)).toBe(l.amountCents);
          for (const s of l.shares) expect(Number.isSafeInteger(s.amountCents) && s.amountCents >= 0).toBe(true);
        }
        const entries = allocationEntries(a);
        for (const centre of COST_CENTRES) {
          const ofCentre = entries.filter((e) => e.costCentre === centre).reduce((s, e) => s + e.amountCents, 0);
          expect(a.totals[centre]).toBe(ofCentre);
          const monthly = monthlyTotals(entries, { costCentre: centre }).reduce((s, t) => s + t.amountCents, 0);
          expect(monthly).toBe(ofCentre);
        }
        expect(COST_CENTRES.reduce((s, centre: CostCentre) => s + a.totals[centre], 0)).toBe(expectedTotal);
        expect(monthTotals(entries).reduce((s, t) => s + t.amountCents, 0)).toBe(expectedTotal);
      }),
      { numRuns: 300 },
    );
  });
});
