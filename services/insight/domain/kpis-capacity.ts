/**
 * Capacity and quality of the installed base: engineers' utilisation and productivity, and failure
 * rates per model over the machine-years in service.
 */
import type { CaseRecord, MachineRecord } from './case-record';
import type { KpiBreakdown, KpiValue } from './kpi-definitions';
import { dayMs, groupBy, inPeriod, ms, percent, yearMs, type KpiOptions, type Period } from './kpi-support';

/** Monday-to-Friday days (UTC) that overlap [from, to); no holiday calendar is applied. */
export function workingDays(period: Pick<Period, 'fromMs' | 'toMs'>): number {
  let count = 0;
  for (let day = Math.floor(period.fromMs / dayMs) * dayMs; day < period.toMs; day += dayMs) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) count += 1;
  }
  return count;
}

const resolvedByEngineer = (cases: readonly CaseRecord[], period: Period) =>
  groupBy(
    cases.filter((c) => inPeriod(c.resolvedAt, period) && c.engineerId !== null),
    (c) => c.engineerId!,
  );

export function engineerUtilisation(cases: readonly CaseRecord[], period: Period, options: KpiOptions): KpiValue {
  const byEngineer = resolvedByEngineer(cases, period);
  const available = options.standardDayMinutes * workingDays(period);
  const worked = (group: readonly CaseRecord[]) => group.reduce((sum, c) => sum + c.effortMinutes + c.travelMinutes, 0);
  const breakdown: KpiBreakdown[] = [...byEngineer].map(([engineerId, group]) => ({
    key: engineerId,
    value: percent(worked(group), available),
    numerator: worked(group),
    denominator: available,
    caseIds: group.map((c) => c.requestId),
  }));
  const all = [...byEngineer.values()].flat();
  const denominator = available * byEngineer.size;
  return { id: 'engineer-utilisation', value: percent(worked(all), denominator), numerator: worked(all), denominator, caseIds: all.map((c) => c.requestId), breakdown };
}

export function resolvedPerEngineer(cases: readonly CaseRecord[], period: Period): KpiValue {
  const byEngineer = resolvedByEngineer(cases, period);
  const all = [...byEngineer.values()].flat();
  return {
    id: 'resolved-per-engineer',
    value: byEngineer.size === 0 ? null : all.length / byEngineer.size,
    numerator: all.length,
    denominator: byEngineer.size,
    caseIds: all.map((c) => c.requestId),
    breakdown: [...byEngineer].map(([engineerId, group]) => ({ key: engineerId, value: group.length, caseIds: group.map((c) => c.requestId) })),
  };
}

/** Years a machine was in service within [from, to). */
export function machineYears(machine: MachineRecord, period: Pick<Period, 'fromMs' | 'toMs'>): number {
  const start = Math.max(ms(machine.inServiceFrom), period.fromMs);
  return Math.max(0, period.toMs - start) / yearMs;
}

export function failureRate(cases: readonly CaseRecord[], machines: readonly MachineRecord[], period: Period, options: KpiOptions): KpiValue {
  const counted = new Set(options.failureCategories);
  const failures = cases.filter((c) => inPeriod(c.registeredAt, period) && c.failureCategory !== null && counted.has(c.failureCategory) && c.model !== null);
  const failuresByModel = groupBy(failures, (c) => c.model!);
  const yearsByModel = new Map<string, number>();
  for (const m of machines) if (m.model !== null) yearsByModel.set(m.model, (yearsByModel.get(m.model) ?? 0) + machineYears(m, period));

  const models = [...new Set([...yearsByModel.keys(), ...failuresByModel.keys()])].sort();
  const breakdown: KpiBreakdown[] = models.map((model) => {
    const group = failuresByModel.get(model) ?? [];
    const years = yearsByModel.get(model) ?? 0;
    return { key: model, value: years > 0 ? (1000 * group.length) / years : null, numerator: group.length, denominator: years, caseIds: group.map((c) => c.requestId) };
  });
  // The total counts only models with machine-years: a failure of a model missing from the installed base cannot be rated.
  const rated = breakdown.filter((b) => (b.denominator ?? 0) > 0);
  const numerator = rated.reduce((s, b) => s + (b.numerator ?? 0), 0);
  const years = rated.reduce((s, b) => s + (b.denominator ?? 0), 0);
  const unrated = breakdown.filter((b) => (b.denominator ?? 0) === 0 && b.caseIds.length > 0).map((b) => b.key);
  return {
    id: 'failure-rate',
    value: years > 0 ? (1000 * numerator) / years : null,
    numerator,
    denominator: years,
    caseIds: rated.flatMap((b) => b.caseIds),
    breakdown,
    ...(unrated.length ? { note: `failures of models missing from the installed base are not rated: ${unrated.join(', ')}` } : {}),
  };
}
