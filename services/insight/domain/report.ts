/**
 * A report: the KPIs over a period, for the cases matching the filters, per group of a dimension.
 * Pure: the formulas are H2's (kpis.ts); this only picks the cases, splits them and lays the
 * figures out for the API and the exports.
 */
import type { CaseRecord, MachineRecord } from './case-record';
import { computeKpis, groupCases, kpiDefinition, type Dimension, type KpiId, type KpiValue } from './kpis';
import type { StockValuation } from './stock-valuations';

export const dimensions: readonly Dimension[] = ['tier', 'productLine', 'model', 'region', 'customerClass', 'engineer', 'costCentre', 'channel'];

export type Filters = Partial<Record<Dimension, string>>;

export interface ReportRequest {
  from: string;
  to: string;
  now: string;
  groupBy: Dimension | null;
  filters: Filters;
  /** Spares' stock valuations read for the period (parts turnover). */
  stock?: readonly StockValuation[];
}

export interface ReportGroup {
  /** The dimension's value ("all" without a groupBy). */
  key: string;
  caseCount: number;
  kpis: KpiValue[];
}

/** The cases whose value of every filtered dimension is the one asked (the same keys groupCases gives). */
export function filterCases(cases: readonly CaseRecord[], filters: Filters): CaseRecord[] {
  let kept: CaseRecord[] = [...cases];
  for (const dimension of dimensions) {
    const wanted = filters[dimension];
    if (wanted !== undefined) kept = groupCases(kept, dimension).get(wanted) ?? [];
  }
  return kept;
}

export function buildReport(cases: readonly CaseRecord[], machines: readonly MachineRecord[], request: ReportRequest): ReportGroup[] {
  const kept = filterCases(cases, request.filters);
  // Stock is held per location, not per case: split or filtered by a case dimension, turnover says so.
  const slicedBy = request.groupBy ?? dimensions.find((d) => request.filters[d] !== undefined);
  const stock = request.stock ? { valuations: request.stock, ...(slicedBy ? { slicedBy } : {}) } : undefined;
  const ctx = { from: request.from, to: request.to, now: request.now, machines, ...(stock ? { stock } : {}) };
  if (request.groupBy === null) return [{ key: 'all', caseCount: kept.length, kpis: computeKpis(kept, ctx) }];
  const groups = [...groupCases(kept, request.groupBy)].sort(([a], [b]) => a.localeCompare(b));
  return groups.map(([key, group]) => ({ key, caseCount: group.length, kpis: computeKpis(group, ctx) }));
}

/** The cases behind one figure (or one slice of its breakdown), in the order of the figure's ids. */
export function casesBehind(cases: readonly CaseRecord[], value: KpiValue, breakdownKey: string | null): CaseRecord[] | null {
  const ids = breakdownKey === null ? value.caseIds : value.breakdown?.find((b) => b.key === breakdownKey)?.caseIds;
  if (!ids) return null;
  const byId = new Map(cases.map((c) => [c.requestId, c]));
  return ids.map((id) => byId.get(id)).filter((c): c is CaseRecord => c !== undefined);
}

/** One line per group and figure (and one per slice of a breakdown), for CSV and XLSX. */
export interface ExportLine {
  from: string;
  to: string;
  group: string;
  kpi: KpiId;
  label: string;
  unit: string;
  slice: string;
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  cases: number;
  note: string;
}

export const exportColumns: readonly (keyof ExportLine)[] = ['from', 'to', 'group', 'kpi', 'label', 'unit', 'slice', 'value', 'numerator', 'denominator', 'cases', 'note'];

export function exportLines(groups: readonly ReportGroup[], from: string, to: string): ExportLine[] {
  const lines: ExportLine[] = [];
  for (const group of groups) {
    for (const v of group.kpis) {
      const def = kpiDefinition(v.id);
      const line = (slice: string, value: number | null, numerator: number | undefined, denominator: number | undefined, cases: number, note = ''): ExportLine => ({
        from, to, group: group.key, kpi: v.id, label: def.label, unit: def.unit, slice, value, numerator: numerator ?? null, denominator: denominator ?? null, cases, note,
      });
      lines.push(line('', v.value, v.numerator, v.denominator, v.caseIds.length, v.note ?? ''));
      for (const b of v.breakdown ?? []) lines.push(line(b.key, b.value, b.numerator, b.denominator, b.caseIds.length));
    }
  }
  return lines;
}
