/**
 * The service figures: how fast requests are answered and dispatched, whether fixes hold, whether
 * promises are kept, whether customers are content. Each function takes every case known and
 * picks its own cases by the period (repeats and complaints look beyond it).
 */
import type { CaseRecord, SlaClock } from './case-record';
import type { KpiBreakdown, KpiId, KpiValue } from './kpi-definitions';
import {
  dayMs,
  groupBy,
  hourMs,
  hoursBetween,
  inPeriod,
  isComplaint,
  isOpen,
  mean,
  median,
  ms,
  percent,
  percentile,
  share,
  shareBreakdown,
  tierOf,
  type KpiOptions,
  type Period,
} from './kpi-support';

function durationKpis(ids: [KpiId, KpiId], pairs: { c: CaseRecord; hours: number }[]): KpiValue[] {
  const hours = pairs.map((p) => p.hours);
  const caseIds = pairs.map((p) => p.c.requestId);
  return [
    { id: ids[0], value: median(hours), denominator: hours.length, caseIds },
    { id: ids[1], value: percentile(hours, 90), denominator: hours.length, caseIds },
  ];
}

export function firstResponse(cases: readonly CaseRecord[], period: Period): KpiValue[] {
  const pairs = cases.filter((c) => inPeriod(c.registeredAt, period) && c.screenedAt !== null).map((c) => ({ c, hours: hoursBetween(c.registeredAt, c.screenedAt!) }));
  return durationKpis(['first-response-median-hours', 'first-response-p90-hours'], pairs);
}

const validInPeriod = (cases: readonly CaseRecord[], period: Period) => cases.filter((c) => inPeriod(c.registeredAt, period) && c.screening === 'valid');

export function validToDispatch(cases: readonly CaseRecord[], period: Period): KpiValue[] {
  const pairs = validInPeriod(cases, period)
    .filter((c) => c.screenedAt !== null && c.firstAssignedAt !== null)
    .map((c) => ({ c, hours: hoursBetween(c.screenedAt!, c.firstAssignedAt!) }));
  return durationKpis(['valid-to-dispatch-median-hours', 'valid-to-dispatch-p90-hours'], pairs);
}

export function validDispatchedShare(cases: readonly CaseRecord[], period: Period): KpiValue {
  // A request the customer withdrew before anyone was assigned was never the dispatcher's to send.
  const dispatchable = validInPeriod(cases, period).filter((c) => c.firstAssignedAt !== null || c.cancelledAt === null);
  return share('valid-dispatched-share', dispatchable, (c) => c.firstAssignedAt !== null);
}

const closedInPeriod = (cases: readonly CaseRecord[], period: Period) => cases.filter((c) => inPeriod(c.closedAt, period));

export function firstTimeFix(cases: readonly CaseRecord[], period: Period): KpiValue {
  const closed = closedInPeriod(cases, period);
  const reported = closed.filter((c) => c.firstTimeFix !== null);
  const missing = closed.length - reported.length;
  return share('first-time-fix', reported, (c) => c.firstTimeFix === true, missing ? `${missing} closed request(s) without the engineer's first-time-fix report are not counted` : undefined);
}

/** For each closed case, whether its machine came back within the window: a later non-complaint request on the same serial. */
export function repeatedCases(cases: readonly CaseRecord[], options: KpiOptions): Set<string> {
  const bySerial = groupBy(cases, (c) => c.serialNumber);
  const windowMs = options.repeatWindowDays * dayMs;
  const repeated = new Set<string>();
  for (const c of cases) {
    if (c.closedAt === null) continue;
    const closed = ms(c.closedAt);
    const cameBack = (bySerial.get(c.serialNumber) ?? []).some((other) => {
      if (other.requestId === c.requestId || isComplaint(other)) return false;
      const registered = ms(other.registeredAt);
      return registered > closed && registered <= closed + windowMs;
    });
    if (cameBack) repeated.add(c.requestId);
  }
  return repeated;
}

function openWindowNote(closed: readonly CaseRecord[], period: Period, options: KpiOptions): string | undefined {
  const windowMs = options.repeatWindowDays * dayMs;
  const open = closed.filter((c) => ms(c.closedAt!) + windowMs > period.nowMs).length;
  return open ? `${open} close(s) are less than ${options.repeatWindowDays} days old: they may still come back` : undefined;
}

export function repairOutcome(cases: readonly CaseRecord[], period: Period, options: KpiOptions): KpiValue[] {
  const closed = closedInPeriod(cases, period).filter((c) => !isComplaint(c));
  const repeated = repeatedCases(cases, options);
  const note = openWindowNote(closed, period, options);
  return [
    share('repair-success', closed, (c) => c.acceptedAt !== null && !repeated.has(c.requestId), note),
    share('repeat-failure-rate', closed, (c) => repeated.has(c.requestId), note),
  ];
}

export function slaAttainment(cases: readonly CaseRecord[], period: Period): KpiValue {
  const decided = closedInPeriod(cases, period).filter((c) => c.slaMet !== null);
  const value = share('sla-attainment', decided, (c) => c.slaMet === true);
  return { ...value, breakdown: [...groupBy(decided, tierOf)].map(([tier, group]) => shareBreakdown(tier, group, (c) => c.slaMet === true)) };
}

/** When a clock has decided without a breach: its stopping event happened. */
const clockStopped: Record<SlaClock, (c: CaseRecord) => boolean> = {
  'first-response': (c) => c.screenedAt !== null,
  'on-site': (c) => c.arrivedAt !== null,
  resolution: (c) => c.resolvedAt !== null,
};

const clockKpi: Record<SlaClock, KpiId> = {
  'first-response': 'sla-first-response-attainment',
  'on-site': 'sla-on-site-attainment',
  resolution: 'sla-resolution-attainment',
};

export function slaClockAttainment(cases: readonly CaseRecord[], period: Period): KpiValue[] {
  return (Object.keys(clockKpi) as SlaClock[]).map((clock) => {
    const breached = (c: CaseRecord) => c.breaches.some((b) => b.clock === clock);
    const decided = cases.filter((c) => inPeriod(c.registeredAt, period) && (breached(c) || clockStopped[clock](c)));
    const kept = (c: CaseRecord) => !breached(c);
    const breakdown: KpiBreakdown[] = [...groupBy(decided, tierOf)].map(([tier, group]) => shareBreakdown(tier, group, kept));
    return { ...share(clockKpi[clock], decided, kept), breakdown };
  });
}

export function meanTimeToRepair(cases: readonly CaseRecord[], period: Period): KpiValue {
  const resolved = cases.filter((c) => inPeriod(c.resolvedAt, period));
  const hours = resolved.map((c) => hoursBetween(c.registeredAt, c.resolvedAt!));
  return { id: 'mttr-hours', value: mean(hours), denominator: hours.length, caseIds: resolved.map((c) => c.requestId) };
}

export function complaintRate(cases: readonly CaseRecord[], period: Period): KpiValue {
  const complainedAbout = new Set(cases.flatMap((c) => (c.complaintOf ? [c.complaintOf] : [])));
  const complained = (c: CaseRecord) => c.complaintRaised || complainedAbout.has(c.requestId);
  const closed = closedInPeriod(cases, period).filter((c) => !isComplaint(c));
  return { ...share('complaint-rate', closed, complained), breakdown: [...groupBy(closed, tierOf)].map(([tier, group]) => shareBreakdown(tier, group, complained)) };
}

export function satisfaction(cases: readonly CaseRecord[], period: Period, options: KpiOptions): KpiValue[] {
  const answered = cases.filter((c) => inPeriod(c.survey?.at, period));
  const scores = answered.map((c) => c.survey!.score);
  const caseIds = answered.map((c) => c.requestId);
  const satisfied = scores.filter((s) => s >= options.satisfiedScore).length;
  return [
    { id: 'satisfaction-mean', value: mean(scores), denominator: scores.length, caseIds },
    { id: 'satisfaction-share-4-plus', value: percent(satisfied, scores.length), numerator: satisfied, denominator: scores.length, caseIds },
  ];
}

export function stuckEscalations(cases: readonly CaseRecord[], period: Period, options: KpiOptions): KpiValue {
  const limit = period.nowMs - options.stuckEscalationHours * hourMs;
  const stuck = cases.filter((c) => {
    if (!isOpen(c) || c.escalations.length === 0) return false;
    const last = Math.max(...c.escalations.map((e) => ms(e.at)));
    return last < limit;
  });
  return { id: 'stuck-escalations', value: stuck.length, caseIds: stuck.map((c) => c.requestId) };
}
