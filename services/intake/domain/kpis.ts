/**
 * What the business measures of its service requests (DOMAIN.md, "What the business measures"),
 * computed from intake's records: pure, so each figure is checked by hand in tests. Parts cost
 * per cost centre lives in spares, engineer utilisation in dispatch; both own that data.
 */
import type { PriorityTier } from '@aftersales/sla';

export interface RequestFacts {
  id: string;
  serialNumber: string;
  raisedAt: Date;
  registeredAt: Date;
  status: string;
  tier: PriorityTier | null;
  screening: { outcome: 'valid' | 'invalid'; at: Date } | null;
  firstResponseAt: Date | null;
  dispatchedAt: Date | null;
  solvedAt: Date | null;
  acceptedAt: Date | null;
  firstTimeFix: boolean | null;
  /** Rejections and reopenings of the request. */
  reopened: number;
  clocks: { name: string; status: string; stoppedAt: Date | null }[];
  surveyScore: number | null;
  /** Set on a complaint: the request it is about. */
  complaintOf: string | null;
}

export interface Summary {
  count: number;
  meanMinutes: number | null;
  medianMinutes: number | null;
}

export interface Rate {
  numerator: number;
  denominator: number;
  /** null when there is nothing to divide by: no data is not 0 %. */
  rate: number | null;
}

export interface KpiReport {
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

export interface KpiOptions {
  /** A new request on the same machine within this many days of closure counts as a repeat failure. */
  repeatWindowDays: number;
  /** A survey score at or below this counts as low. */
  lowScore: number;
}

export const defaultKpiOptions: KpiOptions = { repeatWindowDays: 30, lowScore: 2 };

const minute = 60_000;
const day = 86_400_000;
const closedStatuses = new Set(['closed', 'followed-up']);

export function rate(numerator: number, denominator: number): Rate {
  return { numerator, denominator, rate: denominator === 0 ? null : numerator / denominator };
}

export function summarise(durationsMs: readonly number[]): Summary {
  if (durationsMs.length === 0) return { count: 0, meanMinutes: null, medianMinutes: null };
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const mean = sorted.reduce((sum, d) => sum + d, 0) / sorted.length;
  return { count: sorted.length, meanMinutes: mean / minute, medianMinutes: median / minute };
}

const isClosed = (r: RequestFacts) => closedStatuses.has(r.status);

/**
 * The KPIs of the requests raised in [from, to). `all` is every request known (repeat failures
 * and complaints look beyond the period: a closure in it may come back after it).
 */
export function computeKpis(all: readonly RequestFacts[], from: Date, to: Date, options: KpiOptions = defaultKpiOptions): KpiReport {
  const inPeriod = all.filter((r) => r.raisedAt >= from && r.raisedAt < to);
  const valid = inPeriod.filter((r) => r.screening?.outcome === 'valid');
  const closed = inPeriod.filter(isClosed);

  const responseTime = summarise(inPeriod.flatMap((r) => (r.firstResponseAt ? [r.firstResponseAt.getTime() - r.raisedAt.getTime()] : [])));
  const validToDispatch = summarise(valid.flatMap((r) => (r.dispatchedAt && r.screening ? [Math.max(0, r.dispatchedAt.getTime() - r.screening.at.getTime())] : [])));
  // A request still in screening's hands or cancelled before dispatch is not counted against dispatch.
  const dispatchable = valid.filter((r) => r.status !== 'cancelled');
  const dispatchedShare = rate(dispatchable.filter((r) => r.dispatchedAt !== null).length, dispatchable.length);

  const firstTimeFix = rate(closed.filter((r) => r.firstTimeFix === true && r.reopened === 0).length, closed.length);
  // Accepted at the first resolution: never rejected, never reopened.
  const repairSuccess = rate(closed.filter((r) => r.reopened === 0).length, closed.length);

  const bySerial = new Map<string, RequestFacts[]>();
  for (const r of all) bySerial.set(r.serialNumber, [...(bySerial.get(r.serialNumber) ?? []), r]);
  const repeated = closed.filter((r) => {
    const closedAt = (r.acceptedAt ?? r.solvedAt)?.getTime();
    if (closedAt === undefined) return false;
    return (bySerial.get(r.serialNumber) ?? []).some(
      (other) => other.id !== r.id && other.complaintOf === null && other.raisedAt.getTime() > closedAt && other.raisedAt.getTime() <= closedAt + options.repeatWindowDays * day,
    );
  });
  const repeatFailure = rate(repeated.length, closed.length);

  const meanTimeToRepair = summarise(closed.flatMap((r) => (r.solvedAt ? [r.solvedAt.getTime() - r.raisedAt.getTime()] : [])));

  const slaAttainment: Record<string, Record<string, Rate>> = {};
  for (const r of valid) {
    if (!r.tier) continue;
    for (const clock of r.clocks) {
      // Only promises that ended count: met or breached; a running clock has not decided yet.
      if (!clock.stoppedAt || (clock.status !== 'met' && clock.status !== 'breached')) continue;
      const perTier = (slaAttainment[r.tier] ??= {});
      const current = perTier[clock.name] ?? rate(0, 0);
      perTier[clock.name] = rate(current.numerator + (clock.status === 'met' ? 1 : 0), current.denominator + 1);
    }
  }

  const complaintsAbout = new Set(all.flatMap((r) => (r.complaintOf ? [r.complaintOf] : [])));
  const complaintRate: Record<string, Rate> = {};
  for (const r of closed) {
    if (!r.tier) continue;
    const current = complaintRate[r.tier] ?? rate(0, 0);
    complaintRate[r.tier] = rate(current.numerator + (complaintsAbout.has(r.id) ? 1 : 0), current.denominator + 1);
  }

  const scores = inPeriod.flatMap((r) => (r.surveyScore !== null ? [r.surveyScore] : []));
  const satisfaction = {
    answers: scores.length,
    mean: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
    lowShare: rate(scores.filter((s) => s <= options.lowScore).length, scores.length),
  };

  return {
    requests: inPeriod.length,
    valid: valid.length,
    responseTime,
    validToDispatch,
    dispatchedShare,
    firstTimeFix,
    repairSuccess,
    repeatFailure,
    meanTimeToRepair,
    slaAttainment,
    complaintRate,
    satisfaction,
  };
}
