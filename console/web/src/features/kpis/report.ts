/**
 * The business head's report over insight, pure: the period picked on screen as the query insight
 * reads, a figure's value as text in its unit, the scorecard's target and verdict beside each
 * figure, and a drill-down as CSV lines. Insight's shapes: services/insight/api/responses.ts.
 */

/** The dimensions insight groups and filters by (services/insight/domain/report.ts). */
export const DIMENSIONS = ['tier', 'productLine', 'model', 'region', 'customerClass', 'engineer', 'costCentre', 'channel'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export type KpiUnit = 'percent' | 'hours' | 'count' | 'cents' | 'score' | 'ratio' | 'per-1000-machine-years';
export type ScoreStatus = 'met' | 'missed' | 'not-measured';

/** A period as picked: whole UTC days, `to` the last day included. */
export interface Period {
  from: string;
  to: string;
}

const dayMs = 86_400_000;
const isDay = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`));

/** The calendar month `YYYY-MM` as a period, first to last day. */
export function monthPeriod(month: string): Period {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0));
  return { from: `${month}-01`, to: last.toISOString().slice(0, 10) };
}

/** The month a period covers exactly, else null: targets are set per calendar month. */
export function wholeMonthOf(period: Period): string | null {
  const month = period.from.slice(0, 7);
  const whole = monthPeriod(month);
  return whole.from === period.from && whole.to === period.to ? month : null;
}

/** Whether the days read as a period that runs forwards (the service refuses the rest, naming the field). */
export function periodProblem(period: Period): 'from' | 'to' | null {
  if (!isDay(period.from)) return 'from';
  if (!isDay(period.to) || period.to < period.from) return 'to';
  return null;
}

export interface ReportQuery {
  period: Period;
  groupBy: Dimension | null;
  filters: Partial<Record<Dimension, string>>;
}

/** The query string insight's /v1/kpis (and its drill-down and exports) take: [from, day after to). */
export function reportParams(query: ReportQuery, extra: Record<string, string | null | undefined> = {}): URLSearchParams {
  const params = new URLSearchParams({
    from: `${query.period.from}T00:00:00.000Z`,
    to: new Date(Date.parse(`${query.period.to}T00:00:00Z`) + dayMs).toISOString(),
  });
  if (query.groupBy) params.set('groupBy', query.groupBy);
  for (const d of DIMENSIONS) {
    const value = query.filters[d]?.trim();
    if (value) params.set(d, value);
  }
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
  return params;
}

/** A figure's value in its unit; money is in minor units (cents, fen) and shown in major units. */
export function formatKpiValue(unit: KpiUnit, value: number, locale: string): string {
  const number = (n: number, max: number, min = 0) => n.toLocaleString(locale, { minimumFractionDigits: min, maximumFractionDigits: max });
  switch (unit) {
    case 'percent':
      return `${number(value, 1)} %`;
    case 'hours':
      return `${number(value, 1)} h`;
    case 'count':
      return number(value, 1);
    case 'cents':
      return number(value / 100, 2, 2);
    case 'score':
      return number(value, 1, 1);
    case 'ratio':
      return number(value, 2, 2);
    case 'per-1000-machine-years':
      return number(value, 1);
  }
}

/** "50 % (1/2)", "1.5 h"; null when there is nothing to count (no data, never 0). */
export function formatFigure(unit: KpiUnit, figure: { value: number | null; numerator?: number | undefined; denominator?: number | undefined }, locale: string): string | null {
  if (figure.value === null) return null;
  const value = formatKpiValue(unit, figure.value, locale);
  return figure.numerator !== undefined && figure.denominator !== undefined ? `${value} (${figure.numerator}/${figure.denominator})` : value;
}

export interface ScorecardLine {
  kpiId: string;
  breakdownKey?: string;
  target: number | null;
  actual: number | null;
  status: ScoreStatus;
  note: string;
}

export interface DepartmentScorecard {
  owner: string;
  lines: ScorecardLine[];
}

export interface TargetBeside extends ScorecardLine {
  owner: string;
}

/** Each scorecard line by its figure and slice ("" for the figure as a whole). */
export function targetsByFigure(departments: readonly DepartmentScorecard[]): Map<string, TargetBeside> {
  const index = new Map<string, TargetBeside>();
  for (const d of departments) for (const line of d.lines) index.set(targetKey(line.kpiId, line.breakdownKey ?? null), { ...line, owner: d.owner });
  return index;
}
export const targetKey = (kpiId: string, slice: string | null) => `${kpiId}|${slice ?? ''}`;

/** The target as a reader says it: "≥ 85 %" when higher is better, "≤ 2 %" when lower is. */
export function formatTarget(unit: KpiUnit, better: 'higher' | 'lower', target: number | null, locale: string): string | null {
  return target === null ? null : `${better === 'higher' ? '≥' : '≤'} ${formatKpiValue(unit, target, locale)}`;
}

/** How a verdict looks: a class for its colour and a sign, so it never rests on colour alone. */
export function statusLook(status: ScoreStatus): { className: string; sign: string } {
  switch (status) {
    case 'met':
      return { className: 'kpis-met', sign: '✓' };
    case 'missed':
      return { className: 'kpis-missed', sign: '✗' };
    case 'not-measured':
      return { className: 'kpis-unmeasured-status', sign: '–' };
  }
}

/** A department's lines counted by verdict, for its heading. */
export function tally(lines: readonly { status: ScoreStatus }[]): Record<ScoreStatus, number> {
  const counts: Record<ScoreStatus, number> = { met: 0, missed: 0, 'not-measured': 0 };
  for (const l of lines) counts[l.status] += 1;
  return counts;
}

export interface CaseSummary {
  requestId: string;
  customerId: string;
  customerClass: string | null;
  channel: string;
  serialNumber: string;
  model: string | null;
  productLine: string | null;
  region: string | null;
  tier: string | null;
  engineerId: string | null;
  registeredAt: string;
  firstAssignedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  firstTimeFix: boolean | null;
  slaMet: boolean | null;
}

/** The columns of a drill-down's CSV: every field of the case summary, the request's id first. */
export const CASE_COLUMNS = ['requestId', 'customerId', 'customerClass', 'channel', 'serialNumber', 'model', 'productLine', 'region', 'tier', 'engineerId', 'registeredAt', 'firstAssignedAt', 'resolvedAt', 'closedAt', 'firstTimeFix', 'slaMet'] as const satisfies readonly (keyof CaseSummary)[];

/** A drill-down's cases as CSV rows: empty for unknown, booleans as yes/no. */
export function caseRows(cases: readonly CaseSummary[]): string[][] {
  return cases.map((c) => CASE_COLUMNS.map((k) => {
    const v = c[k];
    return v === null ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : v;
  }));
}

/** The name a download is saved under, before its extension: what, and the period's days. */
export function fileStem(what: string, period: Period): string {
  return `${what}_${period.from}_${period.to}`;
}
