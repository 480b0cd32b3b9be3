/**
 * A problem's history (product line and failure mode) as the recurrence check reads it, bounded:
 * record entries are kept per calendar quarter of `occurredAt`, and a check reads only the quarters
 * its window can reach, plus the problem's 8Ds and, per 8D, one record of each model it took.
 * Pure: the store reads and writes these shapes, these functions decide what they hold.
 */
import type { EightDCase, HistoryRecord } from './recurrence';

/** What the rules read of an earlier record of the problem (line and mode are the history's). */
export interface ProblemHistoryRecord {
  id: string;
  model: string;
  occurredAt: string;
  eightDId: string | null;
}

/** An 8D of the problem as the rules read it, with the revision it was noted at. */
export interface ProblemHistoryCase {
  id: string;
  status: 'open' | 'closed';
  problem: { productLine: string; model: string; failureMode: string };
  closedAt: string | null;
  revision: number;
}

/** The problem's own document: small whatever its history's length. */
export interface ProblemCases {
  eightDs: ProblemHistoryCase[];
  /**
   * Per 8D, one record of each model it took: newer-model-after-closure reads the models a closed
   * 8D treated, whenever their records occurred, and one record per model says it.
   */
  takenRecords: ProblemHistoryRecord[];
  /** The quarters that hold records, so a check reads only those (and a full read finds them all). */
  quarters: string[];
  /** Records as stored before quarters (marker `problem-histories@1`): folded into quarters when touched. */
  records: ProblemHistoryRecord[];
}

/** The whole history, as the rules would read it unbounded. */
export interface ProblemHistory {
  records: ProblemHistoryRecord[];
  eightDs: ProblemHistoryCase[];
}

/** The quarter of a record whose `occurredAt` is no date: read by every check, as the rules throw on it. */
export const undatedQuarter = 'undated';

const quarterIndex = (t: number): number | null => {
  if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) return null;
  const d = new Date(t);
  return d.getUTCFullYear() * 4 + Math.floor(d.getUTCMonth() / 3);
};

const labelOf = (index: number) => `${Math.floor(index / 4)}-Q${(index % 4) + 1}`;

const indexOfLabel = (label: string): number | null => {
  const m = /^(-?\d+)-Q([1-4])$/.exec(label);
  return m ? Number(m[1]) * 4 + Number(m[2]) - 1 : null;
};

/** `2026-Q4` for an instant in October to December 2026 (UTC). */
export function quarterOf(occurredAt: string): string {
  const index = quarterIndex(Date.parse(occurredAt));
  return index === null ? undatedQuarter : labelOf(index);
}

/**
 * The listed quarters that can hold a record within `windowDays` either side of `occurredAt`:
 * same-model-repeat counts only records inside one window that holds the new record, so nothing
 * beyond a window on either side (a late record has later ones after it) changes its answer.
 */
export function quartersWithin(listed: readonly string[], occurredAt: string, windowDays: number): string[] {
  const t0 = Date.parse(occurredAt);
  const windowMs = Math.max(0, Number.isNaN(windowDays) ? 0 : windowDays) * 86_400_000;
  const lo = quarterIndex(t0 - windowMs) ?? -Infinity;
  const hi = quarterIndex(t0 + windowMs) ?? Infinity;
  return listed.filter((q) => {
    if (q === undatedQuarter) return true;
    const i = indexOfLabel(q);
    return i !== null && Number.isFinite(t0) && i >= lo && i <= hi;
  });
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Record entries with these set by id, or null when none differs. `keepNoted`: an entry already
 * held wins (a build from older data must not undo what a live note wrote since).
 */
export function withRecords(held: readonly ProblemHistoryRecord[], records: readonly ProblemHistoryRecord[], keepNoted: boolean): ProblemHistoryRecord[] | null {
  const byId = new Map(held.map((r) => [r.id, r]));
  let changed = false;
  for (const r of records) {
    const current = byId.get(r.id);
    if ((current && keepNoted) || same(current, r)) continue;
    byId.set(r.id, r);
    changed = true;
  }
  return changed ? [...byId.values()] : null;
}

/** 8D entries with these set by id, or null when none differs; an older revision noted late changes nothing. */
export function withCases(held: readonly ProblemHistoryCase[], eightDs: readonly ProblemHistoryCase[]): ProblemHistoryCase[] | null {
  const byId = new Map(held.map((c) => [c.id, c]));
  let changed = false;
  for (const c of eightDs) {
    const current = byId.get(c.id);
    if (current && (current.revision > c.revision || same(current, c))) continue;
    byId.set(c.id, c);
    changed = true;
  }
  return changed ? [...byId.values()] : null;
}

/**
 * The problem's document after noting these records, or null when nothing in it changes: their
 * quarters listed, and a record an 8D took kept when it is that 8D's first of its model. A record's
 * 8D is set once and its model and time never change, so the first kept stays true.
 */
export function withNotedRecords(cases: ProblemCases, records: readonly ProblemHistoryRecord[]): ProblemCases | null {
  const quarters = [...new Set([...cases.quarters, ...records.map((r) => quarterOf(r.occurredAt))])];
  const taken = new Map(cases.takenRecords.map((r) => [`${r.eightDId}|${r.model}`, r]));
  for (const r of records) if (r.eightDId !== null && !taken.has(`${r.eightDId}|${r.model}`)) taken.set(`${r.eightDId}|${r.model}`, r);
  if (quarters.length === cases.quarters.length && taken.size === cases.takenRecords.length) return null;
  return { ...cases, quarters, takenRecords: [...taken.values()] };
}

/** Record entries by the quarter of their `occurredAt`. */
export function byQuarter(records: readonly ProblemHistoryRecord[]): Map<string, ProblemHistoryRecord[]> {
  const groups = new Map<string, ProblemHistoryRecord[]>();
  for (const r of records) {
    const q = quarterOf(r.occurredAt);
    groups.set(q, [...(groups.get(q) ?? []), r]);
  }
  return groups;
}

/**
 * What detectRecurrence reads: the records of the quarters read (each id once, a quarter's entry
 * before a taken record's copy of it) and the records the 8Ds took, with every 8D.
 */
export function recurrenceInputOf(cases: Pick<ProblemCases, 'eightDs' | 'takenRecords'>, quarterRecords: readonly ProblemHistoryRecord[], productLine: string, failureMode: string): { history: HistoryRecord[]; eightDs: EightDCase[] } {
  const byId = new Map<string, ProblemHistoryRecord>();
  for (const r of [...quarterRecords, ...cases.takenRecords]) if (!byId.has(r.id)) byId.set(r.id, r);
  return {
    history: [...byId.values()].map((r) => ({ id: r.id, model: r.model, productLine, failureMode, occurredAt: r.occurredAt, eightDId: r.eightDId })),
    eightDs: cases.eightDs.map((c) => ({ id: c.id, status: c.status, problem: c.problem, models: [], closedAt: c.closedAt })),
  };
}
