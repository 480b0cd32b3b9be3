/**
 * The dashboard's figures month by month, from intake's KPI reports and spares' cost allocation:
 * pure, so what each chart shows is checked by hand in tests. A month without data keeps null.
 */
import type { AllocationEntry, KpiReport, Rate, Summary } from './api/kpis';
import { monthOf, type Month } from './months';

export type FigureId =
  | 'requests'
  | 'slaAttainment'
  | 'firstTimeFix'
  | 'repairSuccess'
  | 'repeatFailure'
  | 'meanTimeToRepair'
  | 'responseTime'
  | 'validToDispatch'
  | 'dispatchedShare'
  | 'complaintRate'
  | 'satisfaction'
  | 'partsCost';

/** rate: a share 0..1; hours and minutes: means; score: survey mean 1..5; money: major units. */
export type Unit = 'rate' | 'hours' | 'minutes' | 'count' | 'score' | 'money';

export interface FigurePoint {
  value: number | null;
  /** For a rate: how many of how many. */
  numerator?: number;
  denominator?: number;
  /** For a mean: how many it was taken over. */
  count?: number;
}

export interface FigureSeries {
  /** 'all', a tier (P1..P4), 'requests'/'valid' or a cost centre. */
  key: string;
  points: FigurePoint[];
}

export interface Figure {
  id: FigureId;
  unit: Unit;
  kind: 'line' | 'bar';
  /** The scale's natural top: 1 for a rate, 5 for a score. */
  ceiling?: number;
  series: FigureSeries[];
}

export const COST_CENTRES = ['factory', 'sales-centre', 'customer'] as const;
const tierOrder = ['P1', 'P2', 'P3', 'P4'];

/** Several rates as one: met promises of all clocks over all ended promises. */
export function combineRates(rates: readonly Rate[]): Rate {
  const numerator = rates.reduce((sum, r) => sum + r.numerator, 0);
  const denominator = rates.reduce((sum, r) => sum + r.denominator, 0);
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}

const ratePoint = (r: Rate | undefined): FigurePoint => (r ? { value: r.rate, numerator: r.numerator, denominator: r.denominator } : { value: null });
const meanPoint = (s: Summary | undefined, perMinute: number): FigurePoint => (s ? { value: s.meanMinutes === null ? null : s.meanMinutes / perMinute, count: s.count } : { value: null });

function tiersIn(records: readonly (Record<string, unknown> | undefined)[]): string[] {
  const seen = new Set(records.flatMap((r) => (r ? Object.keys(r) : [])));
  return [...seen].sort((a, b) => (tierOrder.indexOf(a) + 1 || 99) - (tierOrder.indexOf(b) + 1 || 99) || a.localeCompare(b));
}

/** A figure with one series per tier that any month measured. */
function perTier(reports: readonly (KpiReport | null)[], pick: (r: KpiReport) => Record<string, Rate>): FigureSeries[] {
  const tiers = tiersIn(reports.map((r) => (r ? pick(r) : undefined)));
  // A month that was read but measured nothing for a tier: no data, not 0 %.
  return tiers.map((tier) => ({ key: tier, points: reports.map((r) => (r ? ratePoint(pick(r)[tier] ?? { numerator: 0, denominator: 0, rate: null }) : { value: null })) }));
}

const one = (points: FigurePoint[]): FigureSeries[] => [{ key: 'all', points }];

/** Intake's figures, each as a series over the months (`reports` aligned with the months). */
export function kpiFigures(reports: readonly (KpiReport | null)[]): Figure[] {
  const rateOf = (pick: (r: KpiReport) => Rate) => one(reports.map((r) => ratePoint(r ? pick(r) : undefined)));
  return [
    {
      id: 'requests',
      unit: 'count',
      kind: 'bar',
      series: [
        { key: 'requests', points: reports.map((r) => ({ value: r ? r.requests : null })) },
        { key: 'valid', points: reports.map((r) => ({ value: r ? r.valid : null })) },
      ],
    },
    { id: 'slaAttainment', unit: 'rate', kind: 'line', ceiling: 1, series: perTier(reports, (r) => Object.fromEntries(Object.entries(r.slaAttainment).map(([tier, clocks]) => [tier, combineRates(Object.values(clocks))]))) },
    { id: 'firstTimeFix', unit: 'rate', kind: 'line', ceiling: 1, series: rateOf((r) => r.firstTimeFix) },
    { id: 'repairSuccess', unit: 'rate', kind: 'line', ceiling: 1, series: rateOf((r) => r.repairSuccess) },
    { id: 'repeatFailure', unit: 'rate', kind: 'line', ceiling: 1, series: rateOf((r) => r.repeatFailure) },
    { id: 'meanTimeToRepair', unit: 'hours', kind: 'line', series: one(reports.map((r) => meanPoint(r?.meanTimeToRepair, 60))) },
    { id: 'responseTime', unit: 'minutes', kind: 'line', series: one(reports.map((r) => meanPoint(r?.responseTime, 1))) },
    { id: 'validToDispatch', unit: 'hours', kind: 'line', series: one(reports.map((r) => meanPoint(r?.validToDispatch, 60))) },
    { id: 'dispatchedShare', unit: 'rate', kind: 'line', ceiling: 1, series: rateOf((r) => r.dispatchedShare) },
    { id: 'complaintRate', unit: 'rate', kind: 'line', ceiling: 1, series: perTier(reports, (r) => r.complaintRate) },
    { id: 'satisfaction', unit: 'score', kind: 'line', ceiling: 5, series: one(reports.map((r) => (r ? { value: r.satisfaction.mean, count: r.satisfaction.answers } : { value: null }))) },
  ];
}

/**
 * Parts cost per cost centre per month (UTC, as spares groups its totals). Spares' entries do not
 * carry the line's kind; its part lines are the ones named `part-…` (adjustments add `#…`).
 */
export function partsCostFigure(months: readonly Month[], entries: readonly AllocationEntry[] | null): Figure {
  const index = new Map(months.map((m, i) => [m.key, i]));
  const cents = COST_CENTRES.map(() => months.map(() => 0));
  const lines = COST_CENTRES.map(() => months.map(() => 0));
  for (const e of entries ?? []) {
    const month = index.get(monthOf(e.closedAt));
    const centre = COST_CENTRES.indexOf(e.costCentre as (typeof COST_CENTRES)[number]);
    if (month === undefined || centre < 0 || !e.lineId.startsWith('part-')) continue;
    cents[centre]![month]! += e.amountCents;
    lines[centre]![month]! += 1;
  }
  return {
    id: 'partsCost',
    unit: 'money',
    kind: 'bar',
    // Every closed case is allocated, so a month without part lines cost nothing: 0, not unknown.
    series: COST_CENTRES.map((centre, c) => ({ key: centre, points: months.map((_, m) => (entries ? { value: cents[c]![m]! / 100, count: lines[c]![m]! } : { value: null })) })),
  };
}

/** The latest month that has a value, for the text beside a chart. */
export function latestPoint(series: FigureSeries): { index: number; point: FigurePoint } | null {
  for (let i = series.points.length - 1; i >= 0; i -= 1) if (series.points[i]!.value !== null) return { index: i, point: series.points[i]! };
  return null;
}
