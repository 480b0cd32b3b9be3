/**
 * The trend charts' figures month by month, from one insight report per month: pure, so what each
 * chart shows is checked by hand in tests. A month that could not be read, or measured nothing,
 * keeps null: no data is not 0 %.
 */
import type { KpiFigure, KpiReport } from './api/insight';

/** rate: a share 0..1; hours: a mean or median; score: survey mean 1..5; money: major units. */
export type Unit = 'rate' | 'hours' | 'minutes' | 'count' | 'score' | 'money';

export interface FigurePoint {
  value: number | null;
  /** For a rate: how many of how many. */
  numerator?: number;
  denominator?: number;
  /** For a mean: how many cases it was taken over. */
  count?: number;
}

export interface FigureSeries {
  /** 'all' or a tier (P1..P4). */
  key: string;
  points: FigurePoint[];
}

export interface Figure {
  /** Insight's KPI id. */
  id: string;
  unit: Unit;
  kind: 'line' | 'bar';
  /** The scale's natural top: 1 for a rate, 5 for a score. */
  ceiling?: number;
  series: FigureSeries[];
}

/**
 * The business head's headline figures over time (DOMAIN.md: SLA attainment, complaint rate,
 * first-time fix, cost per case), and repair time and satisfaction beside them.
 */
export const TREND_FIGURES: readonly { id: string; unit: Unit; ceiling?: number; perTier?: boolean }[] = [
  { id: 'sla-attainment', unit: 'rate', ceiling: 1 },
  { id: 'first-time-fix', unit: 'rate', ceiling: 1 },
  { id: 'complaint-rate', unit: 'rate', ceiling: 1, perTier: true },
  { id: 'cost-per-case', unit: 'money' },
  { id: 'mttr-hours', unit: 'hours' },
  { id: 'satisfaction-mean', unit: 'score', ceiling: 5 },
];

const tierOrder = ['P1', 'P2', 'P3', 'P4'];

/** One insight value as a chart point: percent to a share, minor units to major. */
export function pointOf(unit: Unit, figure: { value: number | null; numerator?: number; denominator?: number; caseCount: number } | undefined): FigurePoint {
  if (!figure) return { value: null };
  if (unit === 'rate') return { value: figure.value === null ? null : figure.value / 100, ...(figure.denominator !== undefined ? { numerator: figure.numerator ?? 0, denominator: figure.denominator } : {}) };
  if (unit === 'money') return { value: figure.value === null ? null : figure.value / 100 };
  return { value: figure.value, count: figure.caseCount };
}

/** Each trend figure as series over the months (`reports` aligned with the months, null: not read). */
export function trendFigures(reports: readonly (KpiReport | null)[]): Figure[] {
  const figureIn = (r: KpiReport | null, id: string): KpiFigure | undefined => r?.groups.find((g) => g.key === 'all')?.kpis.find((k) => k.id === id);
  return TREND_FIGURES.map(({ id, unit, ceiling, perTier }) => {
    const all: FigureSeries = { key: 'all', points: reports.map((r) => pointOf(unit, figureIn(r, id))) };
    const tiers = perTier ? [...new Set(reports.flatMap((r) => figureIn(r, id)?.breakdown?.map((b) => b.key) ?? []))].filter((k) => tierOrder.includes(k)).sort() : [];
    const series = tiers.length ? [all, ...tiers.map((tier) => ({ key: tier, points: reports.map((r) => pointOf(unit, figureIn(r, id)?.breakdown?.find((b) => b.key === tier))) }))] : [all];
    return { id, unit, kind: 'line' as const, ...(ceiling !== undefined ? { ceiling } : {}), series };
  });
}

/** The latest month that has a value, for the text beside a chart. */
export function latestPoint(series: FigureSeries): { index: number; point: FigurePoint } | null {
  for (let i = series.points.length - 1; i >= 0; i -= 1) if (series.points[i]!.value !== null) return { index: i, point: series.points[i]! };
  return null;
}
