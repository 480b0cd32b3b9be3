import { describe, expect, it } from 'vitest';
import { closedCase, machine } from './case-fixtures';
import { dayMs, defaultKpiOptions, ms, type Period } from './kpi-support';
import { engineerUtilisation, failureRate, machineYears, resolvedPerEngineer, workingDays } from './kpis-capacity';

describe('working days', () => {
  it('counts Monday to Friday', () => {
    // November 2026 starts on a Sunday: 30 days less 5 Sundays (1, 8, 15, 22, 29) and 4 Saturdays (7, 14, 21, 28).
    expect(workingDays({ fromMs: ms('2026-11-01T00:00:00Z'), toMs: ms('2026-12-01T00:00:00Z') })).toBe(21);
    // A Saturday and a Sunday.
    expect(workingDays({ fromMs: ms('2026-11-07T00:00:00Z'), toMs: ms('2026-11-09T00:00:00Z') })).toBe(0);
  });
});

describe('engineer utilisation and productivity', () => {
  // Monday 2 to Monday 9 November: 5 working days, 5 × 480 = 2,400 minutes per engineer.
  const week: Period = { fromMs: ms('2026-11-02T00:00:00Z'), toMs: ms('2026-11-09T00:00:00Z'), nowMs: ms('2026-11-10T00:00:00Z') };
  const cases = [
    closedCase({ requestId: 'A', engineerId: 'E-1', effortMinutes: 1_500, travelMinutes: 300 }),
    closedCase({ requestId: 'B', engineerId: 'E-1', effortMinutes: 500, travelMinutes: 100 }),
    closedCase({ requestId: 'C', engineerId: 'E-2', effortMinutes: 1_000, travelMinutes: 200 }),
    closedCase({ requestId: 'LATER', engineerId: 'E-3', resolvedAt: '2026-11-09T10:00:00.000Z' }),
  ];

  it('effort and travel over a standard day times working days', () => {
    const value = engineerUtilisation(cases, week, defaultKpiOptions);
    // E-1: 1,800 + 600 = 2,400 of 2,400 = 100 %; E-2: 1,200 of 2,400 = 50 %; together 3,600 of 4,800 = 75 %.
    expect(value).toMatchObject({ value: 75, numerator: 3_600, denominator: 4_800, caseIds: ['A', 'B', 'C'] });
    expect(value.breakdown!.map((b) => [b.key, b.value])).toEqual([
      ['E-1', 100],
      ['E-2', 50],
    ]);
  });

  it('requests resolved per engineer', () => {
    // 3 requests by 2 engineers.
    const value = resolvedPerEngineer(cases, week);
    expect(value).toMatchObject({ value: 1.5, numerator: 3, denominator: 2 });
    expect(value.breakdown!.map((b) => [b.key, b.value])).toEqual([
      ['E-1', 2],
      ['E-2', 1],
    ]);
  });
});

describe('failure rate per model', () => {
  // A period of exactly one (Julian) year from 1 January 2025.
  const from = ms('2025-01-01T00:00:00Z');
  const year: Period = { fromMs: from, toMs: from + 365.25 * dayMs, nowMs: from + 400 * dayMs };
  const at = (days: number) => new Date(from + days * dayMs).toISOString();
  const machines = [
    ...['L1', 'L2', 'L3', 'L4'].map((serialNumber) => machine({ serialNumber })),
    machine({ serialNumber: 'L5', inServiceFrom: at(365.25 / 2) }),
    machine({ serialNumber: 'M1', model: 'MX-9' }),
    machine({ serialNumber: 'N1', model: null }),
  ];
  const failure = (requestId: string, failureCategory: string, model = 'LX-500') => closedCase({ requestId, model, failureCategory, registeredAt: at(100) });

  it('machine-years: a machine counts from when it entered service', () => {
    expect(machineYears(machines[0]!, year)).toBe(1);
    expect(machineYears(machines[4]!, year)).toBe(0.5);
    expect(machineYears(machine({ inServiceFrom: at(400) }), year)).toBe(0);
  });

  it('failures per 1,000 machine-years, misuse and no-fault-found left out', () => {
    const value = failureRate(
      [failure('W', 'wear'), failure('Q', 'quality-failure'), failure('MIS', 'misuse'), failure('NFF', 'no-fault-found'), failure('Z', 'wear', 'ZZ-1'), closedCase({ requestId: 'OPEN', failureCategory: null })],
      machines,
      year,
      defaultKpiOptions,
    );
    // LX-500: 2 failures over 4 + 0.5 = 4.5 machine-years → 444.4; MX-9: 0 over 1 → 0; ZZ-1 has no machines: not rated.
    // Total over rated models: 2 over 5.5 → 363.6.
    expect(value.value).toBeCloseTo(2000 / 5.5, 9);
    expect(value).toMatchObject({ numerator: 2, denominator: 5.5, caseIds: ['W', 'Q'] });
    expect(value.breakdown!.map((b) => [b.key, b.value === null ? null : Math.round(b.value * 10) / 10])).toEqual([
      ['LX-500', 444.4],
      ['MX-9', 0],
      ['ZZ-1', null],
    ]);
    expect(value.note).toBe('failures of models missing from the installed base are not rated: ZZ-1');
  });
});
