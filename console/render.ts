/** Plain-text rendering for the operations console: pure, so layouts are tested without a terminal. */

/** Columns padded to their widest cell; a header row underlined with dashes. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A signed duration from now to an instant, as people say it: "in 2h05m", "3d04h overdue". */
export function relative(instant: string, now: Date): string {
  const ms = Date.parse(instant) - now.getTime();
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const text = days > 0 ? `${days}d${String(hours).padStart(2, '0')}h` : hours > 0 ? `${hours}h${String(mins).padStart(2, '0')}m` : `${mins}m`;
  return ms >= 0 ? `in ${text}` : `${text} overdue`;
}

export interface BoardItem {
  id: string;
  tier: string | null;
  status: string;
  owner: string | null;
  clock: { name: string; status: string; dueAt: string; paused: boolean };
  lastEscalation: { action: string; step: number } | null;
}

export function renderBoard(items: readonly BoardItem[], now: Date): string {
  if (items.length === 0) return 'No open request matches.';
  return table(
    ['REQUEST', 'TIER', 'STATUS', 'CLOCK', 'SLA', 'DUE', 'OWNER', 'LAST ESCALATION'],
    items.map((i) => [
      i.id,
      i.tier ?? '-',
      i.status,
      i.clock.name,
      i.clock.paused ? `${i.clock.status} (paused)` : i.clock.status,
      relative(i.clock.dueAt, now),
      i.owner ?? '-',
      i.lastEscalation ? `#${i.lastEscalation.step} ${i.lastEscalation.action}` : '-',
    ]),
  );
}

/** A figure of insight's `GET /v1/kpis`, as the console shows it. */
export interface KpiFigureView {
  id: string;
  label: string;
  unit: string;
  value: number | null;
  numerator?: number;
  denominator?: number;
  caseCount: number;
  note?: string;
}

/** Insight's `GET /v1/kpis` without a grouping: one group, `all`. */
export interface KpiReportView {
  groups: { key: string; caseCount: number; kpis: KpiFigureView[] }[];
}

const units: Record<string, string> = { percent: ' %', hours: ' h', cents: ' (minor units)', 'per-1000-machine-years': ' per 1,000 machine-years' };

function figureValue(f: KpiFigureView): string {
  if (f.value === null) return 'n/a';
  return `${Number.isInteger(f.value) ? f.value : f.value.toFixed(1)}${units[f.unit] ?? ''}`;
}

/** The KPIs of a period, a line each: its value, what it is a share of, and how many cases are behind it. */
export function renderKpis(r: KpiReportView, period: { from: string; to: string }): string {
  const all = r.groups[0];
  const header = `Cases in ${period.from} .. ${period.to}: ${all?.caseCount ?? 0}`;
  if (!all) return header;
  const rows = all.kpis.map((f) => [f.label, figureValue(f), f.numerator !== undefined && f.denominator !== undefined ? `${f.numerator}/${f.denominator}` : '', String(f.caseCount), f.note ?? '']);
  return [header, '', table(['KPI', 'VALUE', 'OF', 'CASES', 'NOTE'], rows)].join('\n');
}
