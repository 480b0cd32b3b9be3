import { useCallback, useEffect, useState } from 'react';
import { apiCall, useResource } from '../../../lib/api';
import type { Month } from '../months';

/** Intake's GET /v1/kpis answer (services/intake/domain/kpis.ts, KpiReport). */
export interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}
export interface Summary {
  count: number;
  meanMinutes: number | null;
  medianMinutes: number | null;
}
export interface KpiReport {
  from: string;
  to: string;
  requests: number;
  valid: number;
  responseTime: Summary;
  validToDispatch: Summary;
  dispatchedShare: Rate;
  firstTimeFix: Rate;
  repairSuccess: Rate;
  repeatFailure: Rate;
  meanTimeToRepair: Summary;
  slaAttainment: Record<string, Record<string, Rate>>;
  complaintRate: Record<string, Rate>;
  satisfaction: { answers: number; mean: number | null; lowShare: Rate };
}

/** Spares' GET /v1/cost-allocation entries: who pays for each line of a closed case. */
export interface AllocationEntry {
  caseId: string;
  lineId: string;
  closedAt: string;
  costCentre: string;
  payerId: string | null;
  amountCents: number;
  reason: string;
}

export interface MonthlyKpis {
  /** One report per month, null where that month's read failed. */
  reports: (KpiReport | null)[];
  /** The first refusal or failure met, shown to the user. */
  problem: { status: number; message: string } | null;
  loading: boolean;
  reload: () => void;
}

/** One GET /v1/kpis per month (each month is its own period), all at once. */
export function useMonthlyKpis(months: readonly Month[]): MonthlyKpis {
  const [state, setState] = useState<Omit<MonthlyKpis, 'reload'>>({ reports: months.map(() => null), problem: null, loading: true });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const key = months.map((m) => m.key).join(',');
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    void Promise.all(
      months.map((m) =>
        apiCall<KpiReport>('intake', `/v1/kpis?${new URLSearchParams({ from: m.from, to: m.to })}`).catch((error: unknown) => ({
          status: 0,
          body: { error: { code: 'network', message: String(error) } } as KpiReport & { error: { code: string; message: string } },
        })),
      ),
    ).then((answers) => {
      if (!live) return;
      const failed = answers.find((a) => a.status !== 200);
      setState({
        reports: answers.map((a) => (a.status === 200 ? a.body : null)),
        problem: failed ? { status: failed.status, message: failed.body.error?.message ?? '' } : null,
        loading: false,
      });
    });
    return () => {
      live = false;
    };
    // Read again when asked or when the months change: their keys say everything about them.
  }, [key, tick]);
  return { ...state, reload };
}

/** Cost allocation entries of cases closed in [from, to). */
export function useCostAllocation(from: string, to: string) {
  return useResource<{ entries: AllocationEntry[] }>('spares', `/v1/cost-allocation?${new URLSearchParams({ from, to })}`);
}

export interface StuckRequest {
  id: string;
  customerId: string;
  serialNumber: string;
  status: string;
  tier: string | null;
  owner: string | null;
  clock: { name: string; status: string; dueAt: string; paused: boolean };
  lastEscalation: { clock: string; action: string; step: number; at: string } | null;
}

/** Open requests whose deciding clock has breached: the escalations still waiting on someone. */
export function useStuckEscalations() {
  return useResource<{ items: StuckRequest[] }>('intake', '/v1/sla-board?status=breached&limit=100');
}
