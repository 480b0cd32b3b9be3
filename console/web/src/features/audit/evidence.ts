/**
 * The auditor's evidence, pure: red flags in one list by the case they name, a sampled case's
 * lifecycle summed up (proved, in progress, or its gaps), and the window asked of insight.
 */

export type RedFlagRule =
  | 'parts-above-peers' | 'parts-above-own-history' | 'defective-part-not-returned' | 'changed-after-close'
  | 'requester-approved-own-parts' | 'effort-longer-than-visit' | 'non-positive-visit-span' | 'more-than-a-day-in-a-day';

export interface RedFlag {
  rule: RedFlagRule | string;
  subject: string;
  caseIds: string[];
  detail: string;
}

export type StepStatus = 'done' | 'missing' | 'not-yet-due' | 'not-applicable';

export interface AuditedCase {
  requestId: string;
  stratum: { tier: string; channel: string };
  steps: { step: string; at: string | null; status: StepStatus }[];
  gaps: { code: string; detail: string }[];
  proved: boolean;
  inProgress: boolean;
  missingAtRegistration: string[];
}

/** A window of whole UTC days, `to` included. */
export interface Window {
  from: string;
  to: string;
}

const dayMs = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The last `days` days up to and including today (UTC). */
export function recentWindow(nowMs: number, days: number): Window {
  return { from: dayOf(nowMs - (days - 1) * dayMs), to: dayOf(nowMs) };
}

/** The query insight takes: [first day, the day after the last), plus the sample's size and seed. */
export function windowParams(window: Window, extra: Record<string, string | number> = {}): URLSearchParams | null {
  const from = Date.parse(`${window.from}T00:00:00Z`);
  const to = Date.parse(`${window.to}T00:00:00Z`);
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) return null;
  const params = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to + dayMs).toISOString() });
  for (const [k, v] of Object.entries(extra)) params.set(k, String(v));
  return params;
}

/** One line per flagged case: a flag naming several cases (a day of one engineer) is listed under each. */
export function flagsByCase(flags: readonly RedFlag[]): { caseId: string; rule: string; subject: string; detail: string; others: string[] }[] {
  return flags.flatMap((f) => f.caseIds.map((caseId) => ({ caseId, rule: f.rule, subject: f.subject, detail: f.detail, others: f.caseIds.filter((id) => id !== caseId) })));
}

export type Verdict = 'proved' | 'in-progress' | 'gaps';

/** What the sample says of a case: its gaps first, then whether it is still running or proved. */
export function verdictOf(c: Pick<AuditedCase, 'gaps' | 'proved' | 'inProgress'>): Verdict {
  if (c.gaps.length > 0) return 'gaps';
  return c.inProgress ? 'in-progress' : 'proved';
}

/** The sample counted by verdict, for its heading. */
export function sampleTally(cases: readonly AuditedCase[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { proved: 0, 'in-progress': 0, gaps: 0 };
  for (const c of cases) counts[verdictOf(c)] += 1;
  return counts;
}

/** Whether a size and seed are what insight accepts (1–500; 0 to 2^31−1), naming the one that is not. */
export function sampleInputProblem(size: string, seed: string): 'size' | 'seed' | null {
  const whole = (s: string, min: number, max: number) => /^\d+$/.test(s.trim()) && Number(s) >= min && Number(s) <= max;
  if (!whole(size, 1, 500)) return 'size';
  if (!whole(seed, 0, 2 ** 31 - 1)) return 'seed';
  return null;
}
