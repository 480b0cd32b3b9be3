import { useEffect, useState } from 'react';
import { apiCall, bearerToken, useResource, type ApiError } from '../../../lib/api';
import type { Month } from '../months';
import type { CaseSummary, DepartmentScorecard, KpiUnit } from '../report';

/** Insight's answers (services/insight/api/responses.ts): the figures, what they mean, their cases, the scorecard. */
export interface FigureValue {
  value: number | null;
  numerator?: number;
  denominator?: number;
  caseCount: number;
}
export interface KpiFigure extends FigureValue {
  id: string;
  label: string;
  unit: KpiUnit;
  better: 'higher' | 'lower';
  note?: string;
  breakdown?: (FigureValue & { key: string })[];
}
export interface KpiReport {
  from: string;
  to: string;
  now: string;
  generation: number;
  groupBy: string | null;
  filters: Record<string, string>;
  groups: { key: string; caseCount: number; kpis: KpiFigure[] }[];
  installedBase: Record<string, number>;
}
export interface KpiDefinition {
  id: string;
  label: string;
  unit: KpiUnit;
  definition: string;
  better: 'higher' | 'lower';
}
export interface DrillDown {
  kpiId: string;
  from: string;
  to: string;
  group: string;
  slice: string | null;
  value: number | null;
  cases: CaseSummary[];
}

/** The figures over a period for the filtered cases, per group (`params` from reportParams). */
export function useKpiReport(params: URLSearchParams | null) {
  return useResource<KpiReport>('insight', params ? `/v1/kpis?${params}` : null);
}

/** What each figure means, in report order. */
export function useKpiDefinitions() {
  return useResource<{ items: KpiDefinition[] }>('insight', '/v1/kpis/definitions');
}

/** The cases behind one figure (or one slice of it) of one group. */
export function useDrillDown(kpiId: string | null, params: URLSearchParams | null) {
  return useResource<DrillDown>('insight', kpiId && params ? `/v1/kpis/${encodeURIComponent(kpiId)}/cases?${params}` : null);
}

/** A month's figures against their targets, per department. */
export function useScorecard(month: string | null) {
  return useResource<{ month: string; departments: DepartmentScorecard[] }>('insight', month ? `/v1/scorecard?${new URLSearchParams({ month })}` : null);
}

/** An export as a file: a plain link would go without the bearer token, so it is fetched with it. */
export async function fetchExport(ext: 'csv' | 'xlsx', params: URLSearchParams): Promise<Blob> {
  const token = bearerToken();
  const response = await fetch(`/api/insight/v1/kpis/export.${ext}?${params}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as ApiError | null;
    throw new Error(body?.error ? `${response.status} ${body.error.message}` : `HTTP ${response.status}`);
  }
  return response.blob();
}

export interface MonthlyReports {
  /** One report per month, null where that month's read failed. */
  reports: (KpiReport | null)[];
  /** The first refusal met, shown to the user. */
  problem: { status: number; message: string } | null;
  loading: boolean;
}

/** One GET /v1/kpis per month (each month its own period), all at once, read again on `tick`. */
export function useMonthlyReports(months: readonly Month[], tick: number): MonthlyReports {
  const [state, setState] = useState<MonthlyReports>({ reports: months.map(() => null), problem: null, loading: true });
  const key = months.map((m) => m.key).join(',');
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    void Promise.all(
      months.map((m) =>
        apiCall<KpiReport>('insight', `/v1/kpis?${new URLSearchParams({ from: m.from, to: m.to })}`).catch((error: unknown) => ({
          status: 0,
          body: { error: { code: 'network', message: String(error) } } as KpiReport & ApiError,
        })),
      ),
    ).then((answers) => {
      if (!live) return;
      const failed = answers.find((a) => a.status !== 200);
      setState({ reports: answers.map((a) => (a.status === 200 ? a.body : null)), problem: failed ? { status: failed.status, message: failed.body.error?.message ?? '' } : null, loading: false });
    });
    return () => {
      live = false;
    };
    // Read again when asked or when the months change: their keys say everything about them.
  }, [key, tick]);
  return state;
}
