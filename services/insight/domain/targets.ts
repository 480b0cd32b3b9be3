/**
 * What the owners steer by (DOMAIN.md, "What the owners steer by"): each KPI has an owning
 * department and a target, either a fixed line or last year's value improved by a yearly rate
 * (quality baselines improve 20–30 % a year). The monthly scorecard says, per department and KPI,
 * whether the month met its target, missed it, or could not be measured.
 */
import { kpiDefinition, type KpiId, type KpiValue } from './kpi-definitions';

export type Department = 'service' | 'customer-care' | 'quality' | 'spares' | 'finance';

export interface KpiTarget {
  kpiId: KpiId;
  owner: Department;
  /** A slice of the figure (a tier, a model...); absent: the figure as a whole. */
  breakdownKey?: string;
  /** A fixed line: at least this when higher is better, at most this when lower is better. */
  value?: number;
  /** Improve on last year's value by this fraction a year (0.2 = 20 %). */
  improvementPerYear?: number;
  why: string;
}

/**
 * The seed's examples. The fixed lines are where a business starts before it has a baseline; the
 * yearly improvements take over once last year was measured.
 */
export const defaultTargets: readonly KpiTarget[] = [
  { kpiId: 'complaint-rate', owner: 'customer-care', breakdownKey: 'P1', value: 2, why: 'the most urgent requests are where a complaint costs most' },
  { kpiId: 'complaint-rate', owner: 'customer-care', breakdownKey: 'P2', value: 3, why: 'complaint rate per tier' },
  { kpiId: 'complaint-rate', owner: 'customer-care', breakdownKey: 'P3', value: 4, why: 'complaint rate per tier' },
  { kpiId: 'complaint-rate', owner: 'customer-care', breakdownKey: 'P4', value: 5, why: 'complaint rate per tier' },
  { kpiId: 'first-time-fix', owner: 'service', value: 85, why: 'a second visit doubles the cost and the customer\'s wait' },
  { kpiId: 'failure-rate', owner: 'quality', improvementPerYear: 0.25, why: 'quality baseline: failures per machine-year fall 20–30 % a year' },
  { kpiId: 'repeat-failure-rate', owner: 'quality', value: 5, improvementPerYear: 0.2, why: 'a fix that does not hold is a quality baseline too' },
  { kpiId: 'cost-per-case', owner: 'finance', value: 150_000, why: 'cost attainment: the budgeted cost of a case (1,500.00)' },
  { kpiId: 'engineer-utilisation', owner: 'service', value: 70, why: 'productivity per person: 70 % of the standard day on cases leaves room for training and admin' },
  { kpiId: 'resolved-per-engineer', owner: 'service', value: 20, why: 'productivity per person: requests resolved a month' },
  { kpiId: 'parts-turnover', owner: 'spares', value: 4, why: 'stock turned four times a year: parts are not left on shelves' },
  { kpiId: 'sla-attainment', owner: 'service', value: 95, why: 'the promise the contracts make' },
  { kpiId: 'valid-dispatched-share', owner: 'service', value: 100, why: 'every valid request should get an engineer' },
];

/**
 * Last year's value improved by the rate. Lower-is-better: a rate off the value. Higher-is-better
 * shares: the shortfall to 100 % shrinks by the rate (90 % → 92 % at 20 %), since a share cannot
 * pass 100 %. Other higher-is-better figures: the value grows by the rate.
 */
export function improvedTarget(kpiId: KpiId, lastYear: number, rate: number): number {
  const { better, unit } = kpiDefinition(kpiId);
  if (better === 'lower') return lastYear * (1 - rate);
  if (unit === 'percent') return 100 - (100 - lastYear) * (1 - rate);
  return lastYear * (1 + rate);
}

export type ScoreStatus = 'met' | 'missed' | 'not-measured';

export interface ScorecardLine {
  kpiId: KpiId;
  breakdownKey?: string;
  target: number | null;
  actual: number | null;
  status: ScoreStatus;
  /** Why not measured, or where the target came from. */
  note: string;
}

export interface DepartmentScorecard {
  owner: Department;
  lines: ScorecardLine[];
}

function valueOf(values: readonly KpiValue[], kpiId: KpiId, breakdownKey?: string): number | null {
  const kpi = values.find((v) => v.id === kpiId);
  if (!kpi) return null;
  if (breakdownKey === undefined) return kpi.value;
  return kpi.breakdown?.find((b) => b.key === breakdownKey)?.value ?? null;
}

/** The target in force: the stricter of the fixed line and last year's improvement, whichever are known. */
function targetInForce(t: KpiTarget, lastYear: number | null): { target: number | null; source: string } {
  const improved = t.improvementPerYear !== undefined && lastYear !== null ? improvedTarget(t.kpiId, lastYear, t.improvementPerYear) : null;
  const candidates = [t.value, improved].filter((v): v is number => v !== undefined && v !== null);
  if (candidates.length === 0) return { target: null, source: 'no baseline from last year to improve on' };
  const better = kpiDefinition(t.kpiId).better;
  const target = better === 'lower' ? Math.min(...candidates) : Math.max(...candidates);
  const source = target === improved ? `last year's ${lastYear} improved by ${Math.round(t.improvementPerYear! * 100)} %` : 'fixed target';
  return { target, source };
}

/**
 * The month's values against the targets, per owning department (in the targets' order). Not
 * measured: the month has no value (no data, or a figure that cannot be computed yet), or there is
 * no target because last year was not measured either.
 */
export function monthlyScorecard(values: readonly KpiValue[], targets: readonly KpiTarget[], lastYear: readonly KpiValue[]): DepartmentScorecard[] {
  const byOwner = new Map<Department, ScorecardLine[]>();
  for (const t of targets) {
    const actual = valueOf(values, t.kpiId, t.breakdownKey);
    const { target, source } = targetInForce(t, valueOf(lastYear, t.kpiId, t.breakdownKey));
    const better = kpiDefinition(t.kpiId).better;
    let status: ScoreStatus = 'not-measured';
    let note = source;
    if (actual === null) note = values.find((v) => v.id === t.kpiId)?.note ?? 'no value this month';
    else if (target !== null) status = (better === 'lower' ? actual <= target : actual >= target) ? 'met' : 'missed';
    const line: ScorecardLine = { kpiId: t.kpiId, ...(t.breakdownKey ? { breakdownKey: t.breakdownKey } : {}), target, actual, status, note };
    byOwner.set(t.owner, [...(byOwner.get(t.owner) ?? []), line]);
  }
  return [...byOwner].map(([owner, lines]) => ({ owner, lines }));
}
