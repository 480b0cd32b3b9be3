import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CaseRecord, CostCentre, Tier } from './case-record';
import { closedCase, machine, november } from './case-fixtures';
import { computeKpis, groupCases, kpiDefinitions, mainCostCentre, type Dimension } from './kpis';

const hour = 3_600_000;
const base = Date.parse('2026-10-20T00:00:00Z');
const iso = (t: number) => new Date(t).toISOString();

/** A case anywhere from late October to mid December, at any stage of its life. */
const arbitraryCase: fc.Arbitrary<CaseRecord> = fc
  .record({
    n: fc.nat(),
    serial: fc.constantFrom('SN-1', 'SN-2', 'SN-3'),
    customerId: fc.constantFrom('C-1', 'C-2', 'C-3'),
    tier: fc.constantFrom<Tier | null>('P1', 'P2', 'P3', 'P4', null),
    model: fc.constantFrom('LX-500', 'MX-9', null),
    engineerId: fc.constantFrom('E-1', 'E-2', null),
    registeredHour: fc.integer({ min: 0, max: 55 * 24 }),
    // Each later step, when it happened, some hours after the one before.
    steps: fc.array(fc.option(fc.integer({ min: 0, max: 200 }), { nil: null }), { minLength: 5, maxLength: 5 }),
    valid: fc.boolean(),
    cancelled: fc.boolean(),
    firstTimeFix: fc.constantFrom(true, false, null),
    slaMet: fc.constantFrom(true, false, null),
    failureCategory: fc.constantFrom('wear', 'misuse', 'quality-failure', null),
    breaches: fc.subarray(['first-response', 'on-site', 'resolution'] as const),
    effort: fc.nat({ max: 600 }),
    travel: fc.nat({ max: 300 }),
    costs: fc.array(fc.record({ costCentre: fc.constantFrom<CostCentre>('factory', 'sales-centre', 'customer'), kind: fc.constantFrom('part', 'labour'), amountCents: fc.nat({ max: 100_000 }), inWarranty: fc.boolean() }), { maxLength: 3 }),
    revenue: fc.nat({ max: 100_000 }),
    score: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
    complaint: fc.boolean(),
  })
  .map((a) => {
    let t = base + a.registeredHour * hour;
    const registeredAt = iso(t);
    // screened, assigned, arrived, resolved, closed: a step missing ends the life there.
    const at: (string | null)[] = [];
    let alive = true;
    for (const step of a.steps) {
      if (!alive || step === null) {
        alive = false;
        at.push(null);
      } else {
        t += step * hour;
        at.push(iso(t));
      }
    }
    const [screenedAt, assigned, arrivedAt, resolvedAt, closedAt] = at;
    const valid = screenedAt !== null && a.valid;
    return closedCase({
      requestId: `SR-${a.n}`,
      serialNumber: a.serial,
      customerId: a.customerId,
      tier: screenedAt ? a.tier : null,
      model: a.model,
      engineerId: valid && assigned ? a.engineerId : null,
      registeredAt,
      raisedAt: registeredAt,
      screenedAt: screenedAt ?? null,
      screening: screenedAt ? (a.valid ? 'valid' : 'invalid') : null,
      firstAssignedAt: valid ? (assigned ?? null) : null,
      arrivedAt: valid ? (arrivedAt ?? null) : null,
      resolvedAt: valid ? (resolvedAt ?? null) : null,
      acceptedAt: valid ? (closedAt ?? null) : null,
      closedAt: valid ? (closedAt ?? null) : null,
      cancelledAt: (!valid || !closedAt) && a.cancelled ? iso(t + hour) : null,
      firstTimeFix: a.firstTimeFix,
      slaMet: a.slaMet,
      failureCategory: a.failureCategory,
      breaches: a.breaches.map((clock) => ({ clock, at: registeredAt })),
      effortMinutes: a.effort,
      travelMinutes: a.travel,
      costLines: a.costs.map((c) => ({ ...c, currency: 'CNY' })),
      revenueCents: a.revenue,
      revenueCurrency: a.revenue ? 'CNY' : null,
      survey: a.score === null || !closedAt ? null : { score: a.score, at: closedAt },
      complaintRaised: a.complaint,
    });
  });

const arbitraryCases = fc.uniqueArray(arbitraryCase, { selector: (c) => c.requestId, maxLength: 40 });
const ctx = { ...november, machines: [machine(), machine({ serialNumber: 'SN-2', model: 'MX-9' }), machine({ serialNumber: 'SN-3', inServiceFrom: '2026-11-15T00:00:00.000Z' })] };
const unitOf = new Map(kpiDefinitions.map((d) => [d.id, d.unit]));

describe('computeKpis', () => {
  it('gives one value per definition, in the definitions\' order', () => {
    expect(computeKpis([closedCase()], ctx).map((v) => v.id)).toEqual(kpiDefinitions.map((d) => d.id));
  });

  it('refuses a period that is not made of instants', () => {
    expect(() => computeKpis([], { ...ctx, from: 'last month' })).toThrow(RangeError);
    expect(() => computeKpis([], { ...ctx, from: ctx.to })).toThrow('to must be after from');
  });

  it('on no cases: no data is null, not 0 %', () => {
    const values = computeKpis([], ctx);
    for (const v of values.filter((v) => unitOf.get(v.id) === 'percent' || unitOf.get(v.id) === 'hours')) expect(v.value, v.id).toBeNull();
    expect(values.find((v) => v.id === 'stuck-escalations')!.value).toBe(0);
  });

  it('shares stay within 0–100 % with numerator ≤ denominator, and equal numerator / denominator', () => {
    fc.assert(
      fc.property(arbitraryCases, (cases) => {
        for (const v of computeKpis(cases, ctx)) {
          if (unitOf.get(v.id) !== 'percent' || v.id === 'engineer-utilisation') continue;
          for (const slice of [v, ...(v.breakdown ?? [])]) {
            expect(slice.numerator!).toBeLessThanOrEqual(slice.denominator!);
            if (slice.denominator === 0) expect(slice.value).toBeNull();
            else expect(slice.value).toBeCloseTo((100 * slice.numerator!) / slice.denominator!, 9);
          }
        }
      }),
    );
  });

  it('breakdowns add up to the whole, and every case behind a figure is one of the input\'s', () => {
    fc.assert(
      fc.property(arbitraryCases, (cases) => {
        const known = new Set(cases.map((c) => c.requestId));
        for (const v of computeKpis(cases, ctx)) {
          expect(v.caseIds.every((id) => known.has(id)), v.id).toBe(true);
          if (!v.breakdown || v.id === 'failure-rate' || v.id === 'engineer-utilisation') continue;
          const sum = (pick: (s: { numerator?: number; value: number | null }) => number | undefined) => v.breakdown!.reduce((s, b) => s + (pick(b) ?? 0), 0);
          if (v.numerator !== undefined && v.id !== 'resolved-per-engineer') expect(sum((b) => b.numerator), v.id).toBe(v.numerator);
          if (unitOf.get(v.id) === 'cents' || v.id === 'resolved-per-engineer') expect(sum((b) => b.value ?? 0), v.id).toBe(v.id === 'resolved-per-engineer' ? v.numerator : v.value);
        }
      }),
    );
  });

  it('repair success and repeat failures never overlap', () => {
    fc.assert(
      fc.property(arbitraryCases, (cases) => {
        const values = computeKpis(cases, ctx);
        const success = values.find((v) => v.id === 'repair-success')!;
        const repeat = values.find((v) => v.id === 'repeat-failure-rate')!;
        expect(success.denominator).toBe(repeat.denominator);
        expect(success.numerator! + repeat.numerator!).toBeLessThanOrEqual(success.denominator!);
      }),
    );
  });

  it('medians lie within the p90 and are never negative', () => {
    fc.assert(
      fc.property(arbitraryCases, (cases) => {
        const v = new Map(computeKpis(cases, ctx).map((k) => [k.id, k.value]));
        for (const [median, p90] of [
          ['first-response-median-hours', 'first-response-p90-hours'],
          ['valid-to-dispatch-median-hours', 'valid-to-dispatch-p90-hours'],
        ] as const) {
          if (v.get(median) === null) continue;
          expect(v.get(median)!).toBeGreaterThanOrEqual(0);
          expect(v.get(median)!).toBeLessThanOrEqual(v.get(p90)!);
        }
      }),
    );
  });
});

describe('groupCases', () => {
  const dimensions: Dimension[] = ['tier', 'productLine', 'model', 'region', 'customerClass', 'engineer', 'costCentre', 'channel'];

  it('partitions the cases: every case in exactly one group, whatever the dimension', () => {
    fc.assert(
      fc.property(arbitraryCases, fc.constantFrom(...dimensions), (cases, dimension) => {
        const groups = [...groupCases(cases, dimension).values()];
        const ids = groups.flat().map((c) => c.requestId);
        expect(ids.sort()).toEqual(cases.map((c) => c.requestId).sort());
        for (const g of groups) expect(g.length).toBeGreaterThan(0);
      }),
    );
  });

  it('names missing values rather than dropping the case', () => {
    const groups = groupCases([closedCase({ requestId: 'A' }), closedCase({ requestId: 'B', tier: null }), closedCase({ requestId: 'C', engineerId: null })], 'tier');
    expect([...groups].map(([k, g]) => [k, g.map((c) => c.requestId)])).toEqual([
      ['P2', ['A', 'C']],
      ['none', ['B']],
    ]);
    expect([...groupCases([closedCase({ engineerId: null })], 'engineer').keys()]).toEqual(['unassigned']);
  });

  it('puts a case under the cost centre that bears most of its cost', () => {
    const line = (costCentre: CostCentre, amountCents: number) => ({ costCentre, kind: 'part', amountCents, currency: 'CNY', inWarranty: true });
    expect(mainCostCentre(closedCase())).toBe('none');
    // Factory 300 + 300 = 600 beats customer 500.
    expect(mainCostCentre(closedCase({ costLines: [line('customer', 500), line('factory', 300), line('factory', 300)] }))).toBe('factory');
    // A tie goes to the factory, then the sales centre.
    expect(mainCostCentre(closedCase({ costLines: [line('customer', 500), line('sales-centre', 500)] }))).toBe('sales-centre');
  });
});
