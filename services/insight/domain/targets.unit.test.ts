import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KpiValue } from './kpi-definitions';
import { defaultTargets, improvedTarget, monthlyScorecard, type KpiTarget } from './targets';

const value = (id: KpiValue['id'], v: number | null, extra: Partial<KpiValue> = {}): KpiValue => ({ id, value: v, caseIds: [], ...extra });

describe('improvedTarget', () => {
  it('a lower-is-better figure falls by the rate', () => {
    // 400 failures per 1,000 machine-years improved 25 %: 300.
    expect(improvedTarget('failure-rate', 400, 0.25)).toBe(300);
  });

  it('a share where higher is better closes its shortfall to 100 % by the rate', () => {
    // First-time fix 80 %: shortfall 20 points, 20 % of it closed: 84 %.
    expect(improvedTarget('first-time-fix', 80, 0.2)).toBeCloseTo(84, 9);
  });

  it('another higher-is-better figure grows by the rate', () => {
    expect(improvedTarget('resolved-per-engineer', 20, 0.1)).toBeCloseTo(22, 9);
  });

  it('always asks for better than last year, and a share never past 100 %', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0.01, max: 0.5, noNaN: true }), (last, rate) => {
        expect(improvedTarget('repeat-failure-rate', last, rate)).toBeLessThanOrEqual(last);
        const ftf = improvedTarget('first-time-fix', last, rate);
        expect(ftf).toBeGreaterThanOrEqual(last);
        expect(ftf).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('monthlyScorecard', () => {
  const targets: KpiTarget[] = [
    { kpiId: 'first-time-fix', owner: 'service', value: 85, why: '' },
    { kpiId: 'complaint-rate', owner: 'customer-care', breakdownKey: 'P1', value: 2, why: '' },
    { kpiId: 'failure-rate', owner: 'quality', improvementPerYear: 0.25, why: '' },
    { kpiId: 'repeat-failure-rate', owner: 'quality', value: 5, improvementPerYear: 0.2, why: '' },
    { kpiId: 'parts-turnover', owner: 'spares', value: 4, why: '' },
    { kpiId: 'engineer-utilisation', owner: 'service', value: 70, why: '' },
  ];

  it('met, missed and not measured, per department', () => {
    const month = [
      value('first-time-fix', 86),
      value('complaint-rate', 1, { breakdown: [{ key: 'P1', value: 3, caseIds: [] }] }),
      value('failure-rate', 310),
      value('repeat-failure-rate', 3.5),
      value('parts-turnover', null, { note: 'stock levels missing' }),
    ];
    const lastYear = [value('failure-rate', 400), value('repeat-failure-rate', 4)];
    expect(monthlyScorecard(month, targets, lastYear)).toEqual([
      {
        owner: 'service',
        lines: [
          { kpiId: 'first-time-fix', target: 85, actual: 86, status: 'met', note: 'fixed target' },
          // Not in the month's values at all.
          { kpiId: 'engineer-utilisation', target: 70, actual: null, status: 'not-measured', note: 'no value this month' },
        ],
      },
      // P1's slice is 3 %, over its 2 % line (the whole figure, 1 %, is not what the target is about).
      { owner: 'customer-care', lines: [{ kpiId: 'complaint-rate', breakdownKey: 'P1', target: 2, actual: 3, status: 'missed', note: 'fixed target' }] },
      {
        owner: 'quality',
        lines: [
          // 400 improved 25 % = 300; 310 misses it.
          { kpiId: 'failure-rate', target: 300, actual: 310, status: 'missed', note: "last year's 400 improved by 25 %" },
          // 4 improved 20 % = 3.2 is stricter than the fixed 5; 3.5 misses it.
          { kpiId: 'repeat-failure-rate', target: 4 * 0.8, actual: 3.5, status: 'missed', note: "last year's 4 improved by 20 %" },
        ],
      },
      { owner: 'spares', lines: [{ kpiId: 'parts-turnover', target: 4, actual: null, status: 'not-measured', note: 'stock levels missing' }] },
    ]);
  });

  it('an improvement target without last year\'s value is not measured, even with this month\'s', () => {
    const [quality] = monthlyScorecard([value('failure-rate', 310)], [targets[2]!], []);
    expect(quality!.lines[0]).toMatchObject({ target: null, actual: 310, status: 'not-measured', note: 'no baseline from last year to improve on' });
  });

  it('the seed targets cover what the owners steer by, each with an owner', () => {
    const ids = new Set(defaultTargets.map((t) => t.kpiId));
    for (const id of ['complaint-rate', 'first-time-fix', 'failure-rate', 'repeat-failure-rate', 'cost-per-case', 'engineer-utilisation', 'resolved-per-engineer', 'parts-turnover'] as const) expect(ids.has(id), id).toBe(true);
    expect(defaultTargets.filter((t) => t.kpiId === 'complaint-rate').map((t) => t.breakdownKey)).toEqual(['P1', 'P2', 'P3', 'P4']);
  });
});
