import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseRows, CASE_COLUMNS, formatFigure, formatKpiValue, formatTarget, monthPeriod, periodProblem, reportParams, statusLook, tally, targetKey, targetsByFigure, wholeMonthOf, type CaseSummary } from './report';

describe('the period the business head picks', () => {
  it('reads a month as its first to last day, and knows a whole month again', () => {
    expect(monthPeriod('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(monthPeriod('2026-12')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(wholeMonthOf({ from: '2026-12-01', to: '2026-12-31' })).toBe('2026-12');
    expect(wholeMonthOf({ from: '2026-12-01', to: '2026-12-30' })).toBeNull();
    expect(wholeMonthOf({ from: '2026-11-02', to: '2026-12-01' })).toBeNull();
  });

  it('names the day that is wrong', () => {
    expect(periodProblem({ from: '2026-12-01', to: '2026-12-01' })).toBeNull();
    expect(periodProblem({ from: '', to: '2026-12-01' })).toBe('from');
    expect(periodProblem({ from: '2026-12-02', to: '2026-12-01' })).toBe('to');
  });

  it('asks insight for [first day, the day after the last) with the group and the filters given', () => {
    const params = reportParams({ period: { from: '2026-12-01', to: '2026-12-31' }, groupBy: 'tier', filters: { region: ' EU-West ', model: '' } }, { group: 'P1', slice: null });
    expect(Object.fromEntries(params)).toEqual({ from: '2026-12-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', groupBy: 'tier', region: 'EU-West', group: 'P1' });
  });

  it('covers every day of any month exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1990, max: 2200 }), fc.integer({ min: 1, max: 12 }), (year, m) => {
        const month = `${year}-${String(m).padStart(2, '0')}`;
        const period = monthPeriod(month);
        expect(wholeMonthOf(period)).toBe(month);
        const params = reportParams({ period, groupBy: null, filters: {} });
        const days = (Date.parse(params.get('to')!) - Date.parse(params.get('from')!)) / 86_400_000;
        expect(days).toBe(new Date(Date.UTC(year, m, 0)).getUTCDate());
      }),
    );
  });
});

describe('a figure as text', () => {
  it('reads each of insight\'s units', () => {
    expect(formatFigure('percent', { value: 50, numerator: 1, denominator: 2 }, 'en-GB')).toBe('50 % (1/2)');
    expect(formatFigure('percent', { value: 200 / 3, numerator: 2, denominator: 3 }, 'en-GB')).toBe('66.7 % (2/3)');
    expect(formatFigure('percent', { value: null, numerator: 0, denominator: 0 }, 'en-GB')).toBeNull();
    expect(formatKpiValue('cents', 150_000, 'en-GB')).toBe('1,500.00');
    expect(formatKpiValue('hours', 0.04, 'en-GB')).toBe('0 h');
    expect(formatKpiValue('score', 4, 'zh-CN')).toBe('4.0');
    expect(formatKpiValue('ratio', 1.256, 'en-GB')).toBe('1.26');
    expect(formatTarget('percent', 'higher', 85, 'en-GB')).toBe('≥ 85 %');
    expect(formatTarget('percent', 'lower', 2, 'en-GB')).toBe('≤ 2 %');
    expect(formatTarget('count', 'higher', null, 'en-GB')).toBeNull();
  });
});

describe('the scorecard beside the figures', () => {
  const departments = [
    { owner: 'service', lines: [{ kpiId: 'first-time-fix', target: 85, actual: 50, status: 'missed' as const, note: '' }] },
    { owner: 'customer-care', lines: [{ kpiId: 'complaint-rate', breakdownKey: 'P1', target: 2, actual: null, status: 'not-measured' as const, note: 'no closed P1' }, { kpiId: 'complaint-rate', breakdownKey: 'P2', target: 3, actual: 0, status: 'met' as const, note: '' }] },
  ];

  it('finds each line by its figure and slice, with its department', () => {
    const index = targetsByFigure(departments);
    expect(index.get(targetKey('first-time-fix', null))).toMatchObject({ owner: 'service', target: 85, status: 'missed' });
    expect(index.get(targetKey('complaint-rate', 'P1'))).toMatchObject({ owner: 'customer-care', status: 'not-measured' });
    expect(index.get(targetKey('complaint-rate', null))).toBeUndefined();
  });

  it('counts the verdicts and never shows one by colour alone', () => {
    expect(tally(departments[1]!.lines)).toEqual({ met: 1, missed: 0, 'not-measured': 1 });
    expect(statusLook('met')).toEqual({ className: 'kpis-met', sign: '✓' });
    expect(statusLook('missed').sign).toBe('✗');
    expect(new Set((['met', 'missed', 'not-measured'] as const).map((s) => statusLook(s).className)).size).toBe(3);
  });
});

describe('a drill-down as CSV lines', () => {
  it('puts the request id first, unknowns empty and yes/no for booleans', () => {
    const c: CaseSummary = {
      requestId: 'SR-1', customerId: 'CUST-0001', customerClass: null, channel: 'phone', serialNumber: 'SN-0001', model: 'FL-3015', productLine: null, region: 'EU', tier: 'P1',
      engineerId: 'ENG-1', registeredAt: '2026-12-01T08:00:00.000Z', firstAssignedAt: null, resolvedAt: null, closedAt: null, firstTimeFix: true, slaMet: false,
    };
    const [row] = caseRows([c]);
    expect(CASE_COLUMNS[0]).toBe('requestId');
    expect(row).toHaveLength(CASE_COLUMNS.length);
    expect(row!.slice(0, 3)).toEqual(['SR-1', 'CUST-0001', '']);
    expect(row!.slice(-2)).toEqual(['yes', 'no']);
  });
});
