/**
 * The figures the business steers by (DOMAIN.md, "What the business measures"), computed from
 * insight's case records: pure functions, each checked by hand in tests. `computeKpis` takes every
 * case known, not only the period's: each formula picks its own cases (registered, closed,
 * resolved or surveyed in [from, to)), and repeats and complaints look beyond the period.
 */
import type { CaseRecord, CostCentre, MachineRecord } from './case-record';
import type { KpiValue } from './kpi-definitions';
import { defaultKpiOptions, ms, type KpiOptions, type Period } from './kpi-support';
import { costPerCase, costToServe, inWarrantyPartsCost, revenueToCost } from './kpis-money';
import { partsTurnover, type StockContext } from './kpis-stock';
import { engineerUtilisation, failureRate, resolvedPerEngineer } from './kpis-capacity';
import {
  complaintRate,
  firstResponse,
  firstTimeFix,
  meanTimeToRepair,
  repairOutcome,
  satisfaction,
  slaAttainment,
  slaClockAttainment,
  stuckEscalations,
  validDispatchedShare,
  validToDispatch,
} from './kpis-service';

export { kpiDefinitions, kpiDefinition, type KpiId, type KpiDefinition, type KpiUnit, type KpiValue, type KpiBreakdown } from './kpi-definitions';
export { defaultKpiOptions, type KpiOptions } from './kpi-support';

export interface KpiContext {
  /** The period, half-open [from, to), ISO instants. */
  from: string;
  to: string;
  /** The injected clock: stuck escalations and open repeat windows are judged against it. */
  now: string;
  /** The installed base, for failure rates per model. */
  machines: readonly MachineRecord[];
  /** Spares' stock valuations, for parts turnover (not a case figure); absent: not read. */
  stock?: StockContext;
  /** Thresholds; the defaults are the ones the definitions state. */
  options?: Partial<KpiOptions>;
}

/** Every KPI over the cases, in the order of `kpiDefinitions`. */
export function computeKpis(cases: readonly CaseRecord[], ctx: KpiContext): KpiValue[] {
  const period: Period = { fromMs: ms(ctx.from), toMs: ms(ctx.to), nowMs: ms(ctx.now) };
  if ([period.fromMs, period.toMs, period.nowMs].some(Number.isNaN)) throw new RangeError('from, to and now must be ISO instants');
  if (period.toMs <= period.fromMs) throw new RangeError('to must be after from');
  const options: KpiOptions = { ...defaultKpiOptions, ...ctx.options };
  return [
    ...firstResponse(cases, period),
    ...validToDispatch(cases, period),
    validDispatchedShare(cases, period),
    firstTimeFix(cases, period),
    ...repairOutcome(cases, period, options),
    slaAttainment(cases, period),
    ...slaClockAttainment(cases, period),
    meanTimeToRepair(cases, period),
    complaintRate(cases, period),
    ...satisfaction(cases, period, options),
    inWarrantyPartsCost(cases, period),
    costPerCase(cases, period),
    revenueToCost(cases, period),
    costToServe(cases, period),
    partsTurnover(ctx.stock, period),
    engineerUtilisation(cases, period, options),
    resolvedPerEngineer(cases, period),
    failureRate(cases, ctx.machines, period, options),
    stuckEscalations(cases, period, options),
  ];
}

export type Dimension = 'tier' | 'productLine' | 'model' | 'region' | 'customerClass' | 'engineer' | 'costCentre' | 'channel';

const costCentreOrder: CostCentre[] = ['factory', 'sales-centre', 'customer'];

/**
 * The cost centre that bears most of a case's cost (ties: factory, then sales centre), so that
 * grouping by cost centre still puts each case in exactly one group. "none" without cost lines.
 */
export function mainCostCentre(c: CaseRecord): string {
  if (c.costLines.length === 0) return 'none';
  const totals = costCentreOrder.map((centre) => ({ centre, cents: c.costLines.filter((l) => l.costCentre === centre).reduce((s, l) => s + l.amountCents, 0) }));
  return totals.reduce((best, t) => (t.cents > best.cents ? t : best)).centre;
}

const dimensionKey: Record<Dimension, (c: CaseRecord) => string> = {
  tier: (c) => c.tier ?? 'none',
  productLine: (c) => c.productLine ?? 'unknown',
  model: (c) => c.model ?? 'unknown',
  region: (c) => c.region ?? 'unknown',
  customerClass: (c) => c.customerClass ?? 'unknown',
  engineer: (c) => c.engineerId ?? 'unassigned',
  costCentre: mainCostCentre,
  channel: (c) => c.channel,
};

/** Splits the cases by a dimension: every case lands in exactly one group (missing values get their own key). */
export function groupCases(cases: readonly CaseRecord[], dimension: Dimension): Map<string, CaseRecord[]> {
  const groups = new Map<string, CaseRecord[]>();
  const key = dimensionKey[dimension];
  for (const c of cases) {
    const k = key(c);
    const list = groups.get(k);
    if (list) list.push(c);
    else groups.set(k, [c]);
  }
  return groups;
}
