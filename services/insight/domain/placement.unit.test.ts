import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { closedCase, openCase } from './case-fixtures';
import { countMachine, machinesOf, machinesPerModel, type InstalledBase } from './machines';
import { compactRow, monthsBetween, placesOf, shardCount, shardKey, shardKeys } from './placement';
import { buildReport, casesBehind, exportLines, filterCases } from './report';

describe('placesOf', () => {
  it('puts a case in each month of its reported instants, and in the open set until it closes', () => {
    const c = closedCase({ registeredAt: '2026-10-30T08:00:00.000Z', resolvedAt: '2026-11-01T09:00:00.000Z', closedAt: '2026-11-02T08:00:00.000Z', survey: { score: 5, at: '2026-12-01T00:00:00.000Z' } });
    expect(placesOf(c)).toEqual(['month:2026-10', 'month:2026-11', 'month:2026-12']);
    expect(placesOf(openCase({ registeredAt: '2026-11-02T08:00:00.000Z' }))).toEqual(['month:2026-11', 'open']);
    expect(placesOf({ ...closedCase(), awaitingRegistration: true })).toEqual([]);
    expect(placesOf(openCase({ registeredAt: '2026-11-02T08:00:00.000Z', screening: 'invalid' }))).toEqual(['month:2026-11']);
  });

  it('keeps the fold\'s bookkeeping out of the compact row', () => {
    const row = compactRow({ ...closedCase(), facts: [{ id: 'e', type: 't', at: 'x', by: null, changes: true }], stamps: {}, quotes: [], awaitingRegistration: false });
    expect(row).toEqual(closedCase());
  });
});

describe('monthsBetween', () => {
  it('lists every month from the first to the last, across a year end', () => {
    expect(monthsBetween('2026-11-15T00:00:00Z', '2027-02-01T00:00:00Z')).toEqual(['month:2026-11', 'month:2026-12', 'month:2027-01', 'month:2027-02']);
    expect(monthsBetween('2026-11-15T00:00:00Z', '2026-11-20T00:00:00Z')).toEqual(['month:2026-11']);
  });
});

describe('shards', () => {
  it('puts every request in exactly one of the place\'s shards', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), (id) => {
      expect(shardKeys('open')).toContain(shardKey('open', id));
    }));
    expect(shardKeys('month:2026-11')).toHaveLength(shardCount);
  });
});

describe('installed base', () => {
  it('counts machines per model and day, and gives one machine back per count', () => {
    let base: InstalledBase = { models: {} };
    for (const [serial, model, at] of [['A', 'M1', '2025-01-01T10:00:00Z'], ['B', 'M1', '2025-01-01T12:00:00Z'], ['C', 'M2', '2025-06-01T00:00:00Z']] as const) {
      base = countMachine(base, { serialNumber: serial, customerId: 'C', model, productLine: 'L', inServiceFrom: at });
    }
    expect(machinesPerModel(base)).toEqual({ M1: 2, M2: 1 });
    expect(machinesOf(base).map((m) => [m.model, m.inServiceFrom])).toEqual([['M1', '2025-01-01T00:00:00.000Z'], ['M1', '2025-01-01T00:00:00.000Z'], ['M2', '2025-06-01T00:00:00.000Z']]);
  });
});

describe('report', () => {
  const period = { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z', now: '2026-12-04T00:00:00.000Z' };
  const cases = [closedCase({ requestId: 'SR-1', tier: 'P1', firstTimeFix: true }), closedCase({ requestId: 'SR-2', tier: 'P2', firstTimeFix: false }), closedCase({ requestId: 'SR-3', tier: 'P2', firstTimeFix: true })];

  it('filters by a dimension\'s value and groups by another, each group with every figure', () => {
    expect(filterCases(cases, { tier: 'P2' }).map((c) => c.requestId)).toEqual(['SR-2', 'SR-3']);
    const groups = buildReport(cases, [], { ...period, groupBy: 'tier', filters: {} });
    expect(groups.map((g) => [g.key, g.caseCount])).toEqual([['P1', 1], ['P2', 2]]);
    const ftf = groups[1]!.kpis.find((k) => k.id === 'first-time-fix')!;
    expect([ftf.value, ftf.numerator, ftf.denominator]).toEqual([50, 1, 2]);
    expect(casesBehind(cases, ftf, null)!.map((c) => c.requestId).sort()).toEqual(['SR-2', 'SR-3']);
  });

  it('lays every figure out as one export line per group and figure', () => {
    const groups = buildReport(cases, [], { ...period, groupBy: null, filters: {} });
    const lines = exportLines(groups, period.from, period.to);
    const ftf = lines.find((l) => l.kpi === 'first-time-fix' && l.slice === '')!;
    expect(ftf).toMatchObject({ group: 'all', label: 'First-time fix', unit: 'percent', numerator: 2, denominator: 3, cases: 3 });
    expect(ftf.value).toBeCloseTo(200 / 3, 6);
  });
});
