/**
 * Recurrence detection: run on each new failure record, it decides whether the record opens an
 * 8D or attaches to the open 8D for the same problem, and says which rules fired. Pure: the same
 * record, history, cases and thresholds always give the same answer, whatever the order of the
 * history.
 */

export type Tier = 'P1' | 'P2' | 'P3' | 'P4';

export interface FailureRecord {
  id: string;
  model: string;
  productLine: string;
  /** Higher is newer. Optional when a lineage map is given instead. */
  modelGeneration?: number;
  partNumber: string | null;
  /** A failure-mode code, e.g. "FM-BURR". */
  failureMode: string;
  cause: string;
  fix: string;
  /** ISO-8601 timestamp. */
  occurredAt: string;
  customerId: string;
  serialNumber: string;
  tier: Tier;
  safety: boolean;
  formalReportDemanded: boolean;
  /** The 8D that took this record, if one did: a record belongs to it and counts for no other. */
  eightDId?: string | null;
}

/** What the rules read of an earlier record: its problem, model, time and the 8D that took it. */
export type HistoryRecord = Pick<FailureRecord, 'id' | 'model' | 'productLine' | 'failureMode' | 'occurredAt' | 'modelGeneration' | 'eightDId'>;

/** Model → generation (higher is newer); takes precedence over the records' modelGeneration. */
export type ModelLineage = Readonly<Record<string, number>>;

export interface ProblemKey {
  productLine: string;
  failureMode: string;
  model?: string;
}

export interface EightDCase {
  id: string;
  status: 'open' | 'closed';
  problem: ProblemKey;
  /** Models in the case's scope (besides problem.model). */
  models: string[];
  /** ISO-8601; null while open. */
  closedAt: string | null;
}

export interface RecurrenceThresholds {
  /** Same failure mode on the same model this many times (the new record included)… */
  sameModelCount: number;
  /** …within a window of this many days. */
  sameModelWindowDays: number;
  /** Whether the same failure mode on a newer model after an 8D closed it on an older one fires. */
  newerModelAfterClosure: boolean;
  /** Tiers that count as severe and open an 8D at once. */
  severeTiers: Tier[];
  /** Whether a safety flag alone counts as severe. */
  safetyIsSevere: boolean;
  /** Whether a customer demanding a formal report opens an 8D. */
  formalReportOpens: boolean;
}

/** Thresholds as data: a default plus overrides per product line. */
export interface RecurrenceThresholdTable {
  default: RecurrenceThresholds;
  byProductLine?: Readonly<Record<string, Partial<RecurrenceThresholds>>>;
}

export const defaultRecurrenceThresholds: RecurrenceThresholdTable = {
  default: {
    sameModelCount: 3,
    sameModelWindowDays: 90,
    newerModelAfterClosure: true,
    severeTiers: ['P1'],
    safetyIsSevere: true,
    formalReportOpens: true,
  },
  byProductLine: {},
};

export type RecurrenceRule = 'same-model-repeat' | 'newer-model-after-closure' | 'severe' | 'formal-report-demanded';

/** The order rules are listed in on a hit. */
export const recurrenceRules: readonly RecurrenceRule[] = ['same-model-repeat', 'newer-model-after-closure', 'severe', 'formal-report-demanded'];

export type RecurrenceDecision = { kind: 'open-8d' } | { kind: 'attach-to'; eightDId: string };

export interface RecurrenceHit {
  /** Every rule that fired for this problem, in `recurrenceRules` order. */
  rules: RecurrenceRule[];
  /** The records that made the rules fire (the new one included), by occurredAt then id. */
  recordIds: string[];
  problem: Required<ProblemKey>;
  /**
   * Closed 8Ds this recurrence follows, sorted by id: those on older models (cross-model rule) and
   * those that covered this very problem before it came back.
   */
  linkedEightDIds: string[];
  decision: RecurrenceDecision;
}

export interface RecurrenceInput {
  record: FailureRecord;
  /** Earlier records; the same product line is enough, others are ignored. */
  history: readonly HistoryRecord[];
  eightDs: readonly EightDCase[];
  thresholds?: RecurrenceThresholdTable;
  lineage?: ModelLineage;
}

const dayMs = 86_400_000;

export function thresholdsFor(table: RecurrenceThresholdTable, productLine: string): RecurrenceThresholds {
  const override = table.byProductLine?.[productLine] ?? {};
  return { ...table.default, ...override };
}

function timeOf(record: HistoryRecord): number {
  const t = Date.parse(record.occurredAt);
  if (Number.isNaN(t)) throw new RangeError(`failure record ${record.id}: occurredAt "${record.occurredAt}" is not a date`);
  return t;
}

const byTimeThenId = (a: { t: number; id: string }, b: { t: number; id: string }) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** History of the same product line, without the new record itself, one entry per id. */
function relevantHistory(input: RecurrenceInput): HistoryRecord[] {
  const { record } = input;
  const seen = new Map<string, HistoryRecord>();
  const candidates = input.history
    .filter((r) => r.productLine === record.productLine && r.id !== record.id)
    .map((r) => ({ r, t: timeOf(r), id: r.id }))
    .sort(byTimeThenId);
  for (const { r } of candidates) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

/**
 * The largest set of matching records (same line, mode and model) that fits in one window
 * containing the new record; the earliest such window on a tie. Null when it is below the count.
 */
function sameModelRepeat(record: FailureRecord, history: HistoryRecord[], th: RecurrenceThresholds): string[] | null {
  const t0 = timeOf(record);
  const windowMs = th.sameModelWindowDays * dayMs;
  const matching = [record, ...history.filter((r) => r.model === record.model && r.failureMode === record.failureMode)]
    .map((r) => ({ id: r.id, t: timeOf(r) }))
    .sort(byTimeThenId);
  let best: { id: string; t: number }[] = [];
  for (const start of matching) {
    if (start.t > t0 || start.t < t0 - windowMs) continue;
    const inWindow = matching.filter((m) => m.t >= start.t && m.t <= start.t + windowMs);
    if (inWindow.length > best.length) best = inWindow;
  }
  return best.length >= Math.max(1, th.sameModelCount) ? best.map((m) => m.id) : null;
}

/** Generation of a model: the lineage map first, else the highest generation any record gives it. */
function generationLookup(records: HistoryRecord[], lineage: ModelLineage | undefined): (model: string) => number | undefined {
  const fromRecords = new Map<string, number>();
  for (const r of records) {
    if (r.modelGeneration === undefined) continue;
    fromRecords.set(r.model, Math.max(fromRecords.get(r.model) ?? -Infinity, r.modelGeneration));
  }
  return (model) => (lineage && Object.hasOwn(lineage, model) ? lineage[model] : fromRecords.get(model));
}

function modelsOf(c: EightDCase): string[] {
  return [...new Set([...(c.problem.model !== undefined ? [c.problem.model] : []), ...c.models])];
}

/** Closed 8Ds for the same line and mode, closed before the record. */
function closedBefore(record: FailureRecord, eightDs: readonly EightDCase[]): EightDCase[] {
  const t0 = timeOf(record);
  return eightDs
    .filter((c) => c.status === 'closed' && c.problem.productLine === record.productLine && c.problem.failureMode === record.failureMode)
    .filter((c) => c.closedAt !== null && !Number.isNaN(Date.parse(c.closedAt)) && Date.parse(c.closedAt) <= t0);
}

/**
 * Closed 8Ds that covered an older model: by their scope, or, for one scoped to the whole line,
 * by the models of the records it took.
 */
function newerModelAfterClosure(record: FailureRecord, history: HistoryRecord[], input: RecurrenceInput): string[] {
  const generationOf = generationLookup([record, ...history], input.lineage);
  const own = generationOf(record.model);
  if (own === undefined) return [];
  const modelsTreated = (c: EightDCase) => [...modelsOf(c), ...history.filter((r) => r.eightDId === c.id).map((r) => r.model)];
  return closedBefore(record, input.eightDs)
    .filter((c) => modelsTreated(c).some((m) => m !== record.model && (generationOf(m) ?? Infinity) < own))
    .map((c) => c.id)
    .sort(byId);
}

/** Does an 8D cover this problem: same line and mode, and the model (an 8D with no model in scope covers the line). */
export function covers(c: EightDCase, problem: Required<ProblemKey>): boolean {
  if (c.problem.productLine !== problem.productLine || c.problem.failureMode !== problem.failureMode) return false;
  const scope = modelsOf(c);
  return scope.length === 0 || scope.includes(problem.model);
}

/** The open 8D for a problem: one naming the model in its key first, then the lowest id. */
export function openEightDFor(eightDs: readonly EightDCase[], problem: Required<ProblemKey>): EightDCase | undefined {
  const rank = (c: EightDCase) => (c.problem.model === problem.model ? 0 : 1);
  return eightDs
    .filter((c) => c.status === 'open' && covers(c, problem))
    .sort((a, b) => rank(a) - rank(b) || byId(a.id, b.id))[0];
}

interface Firing {
  rule: RecurrenceRule;
  recordIds: string[];
  problem: Required<ProblemKey>;
  linkedEightDIds: string[];
}

const problemId = (p: Required<ProblemKey>) => JSON.stringify([p.productLine, p.failureMode, p.model]);

/**
 * Runs every rule on a new failure record and returns one hit per problem, each with all the
 * rules that fired for it and the decision: attach to the open 8D covering the problem, or open
 * a new one. Never two decisions for the same problem.
 */
export function detectRecurrence(input: RecurrenceInput): RecurrenceHit[] {
  const { record } = input;
  const th = thresholdsFor(input.thresholds ?? defaultRecurrenceThresholds, record.productLine);
  const history = relevantHistory(input);
  // Records a closed 8D took were dealt with there: they count toward no new 8D.
  const closedIds = new Set(input.eightDs.filter((c) => c.status === 'closed').map((c) => c.id));
  const unresolved = history.filter((r) => !(r.eightDId && closedIds.has(r.eightDId)));
  const problem: Required<ProblemKey> = { productLine: record.productLine, failureMode: record.failureMode, model: record.model };
  const firings: Firing[] = [];

  const repeat = sameModelRepeat(record, unresolved, th);
  if (repeat) firings.push({ rule: 'same-model-repeat', recordIds: repeat, problem, linkedEightDIds: [] });
  if (th.newerModelAfterClosure) {
    const linked = newerModelAfterClosure(record, history, input);
    if (linked.length > 0) firings.push({ rule: 'newer-model-after-closure', recordIds: [record.id], problem, linkedEightDIds: linked });
  }
  if (th.severeTiers.includes(record.tier) || (th.safetyIsSevere && record.safety)) {
    firings.push({ rule: 'severe', recordIds: [record.id], problem, linkedEightDIds: [] });
  }
  if (th.formalReportOpens && record.formalReportDemanded) {
    firings.push({ rule: 'formal-report-demanded', recordIds: [record.id], problem, linkedEightDIds: [] });
  }

  const byProblem = new Map<string, Firing[]>();
  for (const f of firings) byProblem.set(problemId(f.problem), [...(byProblem.get(problemId(f.problem)) ?? []), f]);

  const times = new Map<string, number>([[record.id, timeOf(record)], ...history.map((r) => [r.id, timeOf(r)] as [string, number])]);
  return [...byProblem.entries()]
    .sort(([a], [b]) => byId(a, b))
    .map(([, group]) => {
      const key = group[0]!.problem;
      const rules = recurrenceRules.filter((r) => group.some((f) => f.rule === r));
      const recordIds = [...new Set(group.flatMap((f) => f.recordIds))]
        .map((id) => ({ id, t: times.get(id) ?? 0 }))
        .sort(byTimeThenId)
        .map((x) => x.id);
      // A problem a closed 8D covered has come back: the new 8D follows that one.
      const returned = closedBefore(record, input.eightDs).filter((c) => covers(c, key)).map((c) => c.id);
      const linkedEightDIds = [...new Set([...group.flatMap((f) => f.linkedEightDIds), ...returned])].sort(byId);
      const open = openEightDFor(input.eightDs, key);
      const decision: RecurrenceDecision = open ? { kind: 'attach-to', eightDId: open.id } : { kind: 'open-8d' };
      return { rules, recordIds, problem: { ...key }, linkedEightDIds, decision };
    });
}
