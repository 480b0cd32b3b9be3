/**
 * Arithmetic the KPI formulas share: the period, durations, medians and percentiles, shares, and
 * money that is never added across currencies.
 */
import type { CaseRecord } from './case-record';
import type { KpiBreakdown, KpiId, KpiValue } from './kpi-definitions';

export const hourMs = 3_600_000;
export const dayMs = 86_400_000;
/** A Julian year: machine-years are counted in it, so leap years do not shift a rate. */
export const yearMs = 365.25 * dayMs;

export interface KpiOptions {
  /** A new request on the same serial within this many days of a close is a repeat failure. */
  repeatWindowDays: number;
  /** The standard working day for utilisation (8 hours). */
  standardDayMinutes: number;
  /** An open request whose last escalation step is older than this is stuck. */
  stuckEscalationHours: number;
  /** A survey scoring at least this counts as satisfied. */
  satisfiedScore: number;
  /** Failure categories that count as a failure of the machine for the failure rate. */
  failureCategories: readonly string[];
}

export const defaultKpiOptions: KpiOptions = {
  repeatWindowDays: 30,
  standardDayMinutes: 480,
  stuckEscalationHours: 24,
  satisfiedScore: 4,
  failureCategories: ['quality-failure', 'wear', 'other'],
};

export interface Period {
  fromMs: number;
  toMs: number;
  nowMs: number;
}

export const ms = (iso: string): number => Date.parse(iso);

/** Half-open [from, to): a case on the boundary belongs to exactly one of two adjacent periods. */
export function inPeriod(iso: string | null | undefined, period: Period): boolean {
  if (!iso) return false;
  const t = ms(iso);
  return t >= period.fromMs && t < period.toMs;
}

export const isComplaint = (c: CaseRecord) => c.complaintOf !== null;
export const isOpen = (c: CaseRecord) => c.closedAt === null && c.cancelledAt === null;

export function hoursBetween(fromIso: string, toIso: string): number {
  return (ms(toIso) - ms(fromIso)) / hourMs;
}

/** Median of a list; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile: always one of the observed values, so it can be checked by hand. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** A share in percent; null when there is nothing to divide by (no data is not 0 %). */
export function percent(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : (100 * numerator) / denominator;
}

/** A share of `cases` that satisfy `counts`, with the cases behind it. */
export function share(id: KpiId, cases: readonly CaseRecord[], counts: (c: CaseRecord) => boolean, note?: string): KpiValue {
  const numerator = cases.filter(counts).length;
  return { id, value: percent(numerator, cases.length), numerator, denominator: cases.length, caseIds: cases.map((c) => c.requestId), ...(note ? { note } : {}) };
}

export function shareBreakdown(key: string, cases: readonly CaseRecord[], counts: (c: CaseRecord) => boolean): KpiBreakdown {
  const numerator = cases.filter(counts).length;
  return { key, value: percent(numerator, cases.length), numerator, denominator: cases.length, caseIds: cases.map((c) => c.requestId) };
}

/** Groups by a key, keys in sorted order so results are stable. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return new Map([...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The tier screening gave; "none" for requests never screened into a tier. */
export const tierOf = (c: CaseRecord): string => c.tier ?? 'none';

/** Amounts per currency: money in different currencies is never added together. */
export class Money {
  private readonly byCurrency = new Map<string, number>();

  add(currency: string | null, amountCents: number): this {
    if (amountCents === 0 && currency === null) return this;
    const key = currency ?? 'unknown';
    this.byCurrency.set(key, (this.byCurrency.get(key) ?? 0) + amountCents);
    return this;
  }

  get currencies(): string[] {
    return [...this.byCurrency.keys()].sort();
  }

  /** The single-currency total; null when mixed. Zero when nothing was added. */
  total(): number | null {
    if (this.byCurrency.size > 1) return null;
    return [...this.byCurrency.values()][0] ?? 0;
  }
}

