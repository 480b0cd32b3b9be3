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

interface Rate {
  numerator: number;
  denominator: number;
  rate: number | null;
}

const percent = (r: Rate) => (r.rate === null ? 'n/a' : `${(r.rate * 100).toFixed(1)} % (${r.numerator}/${r.denominator})`);
const minutes = (m: number | null) => (m === null ? 'n/a' : m >= 120 ? `${(m / 60).toFixed(1)} h` : `${m.toFixed(0)} min`);

export interface KpiReportView {
  from: string;
  to: string;
  requests: number;
  valid: number;
  responseTime: { medianMinutes: number | null };
  validToDispatch: { medianMinutes: number | null };
  dispatchedShare: Rate;
  firstTimeFix: Rate;
  repairSuccess: Rate;
  repeatFailure: Rate;
  meanTimeToRepair: { meanMinutes: number | null };
  slaAttainment: Record<string, Record<string, Rate>>;
  satisfaction: { answers: number; mean: number | null; lowShare: Rate };
}

export function renderKpis(r: KpiReportView): string {
  const lines = [
    `Requests raised ${r.from} .. ${r.to}: ${r.requests} (${r.valid} valid)`,
    `  response time, median        ${minutes(r.responseTime.medianMinutes)}`,
    `  valid to dispatch, median    ${minutes(r.validToDispatch.medianMinutes)}`,
    `  dispatched share             ${percent(r.dispatchedShare)}`,
    `  first-time fix               ${percent(r.firstTimeFix)}`,
    `  repair success               ${percent(r.repairSuccess)}`,
    `  repeat failure               ${percent(r.repeatFailure)}`,
    `  mean time to repair          ${minutes(r.meanTimeToRepair.meanMinutes)}`,
    `  satisfaction                 ${r.satisfaction.mean === null ? 'n/a' : r.satisfaction.mean.toFixed(2)} from ${r.satisfaction.answers} answers, low ${percent(r.satisfaction.lowShare)}`,
  ];
  const tiers = Object.keys(r.slaAttainment).sort();
  if (tiers.length > 0) {
    lines.push('', table(['TIER', 'CLOCK', 'MET'], tiers.flatMap((tier) => Object.entries(r.slaAttainment[tier]!).map(([clock, rate]) => [tier, clock, percent(rate)]))));
  }
  return lines.join('\n');
}
