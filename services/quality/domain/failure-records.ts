/**
 * Failure records: one per service request, built from whichever facts arrive (the completed
 * work order, the closed request, the returned defective part) on top of what registration said
 * about the machine. Pure: the handlers in events/ read and write, these functions decide.
 */
import type { FailureRecord, RecurrenceHit, RecurrenceThresholds, Tier } from './recurrence';

/** What registration told us about the request's machine and customer. */
export interface RequestContext {
  requestId: string;
  customerId: string;
  serialNumber: string;
  model: string | null;
  productLine: string | null;
  registeredAt: string;
  /** The customer's words at registration; absent in contexts kept before it was. */
  symptom?: string;
  /** The customer demands a formal (8D) report on this request. */
  formalReportDemanded?: boolean;
  /** Quality's latest review of the failure decision, kept here when it came before the record. */
  failureReview?: FailureDecisionOnRecord;
}

/**
 * Why it failed, as decided (who pays follows it): by the engineer at the report, then confirmed
 * or changed by quality's failure analysis (revision 1, 2, ...). The words of cause and fix are
 * evidence only.
 */
export interface FailureDecisionOnRecord {
  category: 'quality-failure' | 'wear' | 'misuse' | 'no-fault-found' | 'other';
  decidedBy: string;
  decidedAt: string;
  by: 'engineer' | 'quality';
  /** Quality's review number; absent on the engineer's decision. */
  revision?: number;
}

/** The later of two decisions: a review beats the engineer's, a higher revision an earlier review. */
export function laterDecision(a: FailureDecisionOnRecord | null | undefined, b: FailureDecisionOnRecord | null | undefined): FailureDecisionOnRecord | null {
  if (!a || !b) return a ?? b ?? null;
  return (b.revision ?? 0) > (a.revision ?? 0) ? b : a;
}

/** One fact about a failure, from one of the three streams quality listens to. */
export type FailureFact =
  | { source: 'work-order'; requestId: string; at: string; failureMode: string | null; safety: boolean; parts: string[]; cause: string; fix: string; failureDecision?: Omit<FailureDecisionOnRecord, 'by' | 'revision'> | null }
  | { source: 'closure'; requestId: string; at: string; customerId: string; serialNumber: string; tier: Tier; cause: string; fix: string }
  | {
      source: 'defective-return';
      requestId: string;
      at: string;
      machineSerial: string;
      partNumber: string;
      lot: string | null;
      supplierId: string | null;
      failureMode: string | null;
      finding: string;
      model: string | null;
      productLine: string | null;
    };

/** A failure record as stored: the recurrence fields, where they came from, and the 8D it belongs to. */
export interface StoredFailureRecord extends Omit<FailureRecord, 'model' | 'productLine' | 'modelGeneration'> {
  requestId: string;
  model: string | null;
  productLine: string | null;
  /** How the failure-mode code was obtained: given by the engineer or analyst, or derived from the words of the cause. */
  failureModeSource: 'given' | 'derived';
  lot: string | null;
  supplierId: string | null;
  finding: string | null;
  sources: FailureFact['source'][];
  /** The failure decision in force; absent on records of reports made before it was asked. */
  failureDecision?: FailureDecisionOnRecord | null;
}

const engineerDecisionOf = (fact: FailureFact): FailureDecisionOnRecord | null => (fact.source === 'work-order' && fact.failureDecision ? { ...fact.failureDecision, by: 'engineer' } : null);

const stopWords = new Set(['a', 'an', 'the', 'of', 'on', 'in', 'at', 'to', 'and', 'or', 'by', 'for', 'with', 'after', 'from', 'due', 'was', 'is', 'are', 'be', 'not', 'no']);

/** A failure-mode code as quality writes them: upper case, words joined by dashes, "FM-" in front. */
export function normaliseFailureMode(code: string): string {
  const words = code.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return words.startsWith('FM-') ? words : `FM-${words}`;
}

/**
 * When nobody chose a code, the cause's first three significant words make one ("Worn seal
 * on the nozzle after 40 h" → FM-WORN-SEAL-NOZZLE). The same wording of a cause always gives the same code, so repeats still group; a
 * quality engineer can re-code later. A returned part without a code groups by part and finding.
 */
export function deriveFailureMode(cause: string): string {
  const words = cause
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !stopWords.has(w))
    .slice(0, 3);
  return words.length === 0 ? 'FM-UNCLASSIFIED' : normaliseFailureMode(words.join('-'));
}

function failureModeOf(fact: FailureFact): { failureMode: string; failureModeSource: 'given' | 'derived' } {
  if ((fact.source === 'work-order' || fact.source === 'defective-return') && fact.failureMode) {
    return { failureMode: normaliseFailureMode(fact.failureMode), failureModeSource: 'given' };
  }
  if (fact.source === 'defective-return') return { failureMode: normaliseFailureMode(`part-${fact.partNumber}-${fact.finding}`), failureModeSource: 'derived' };
  return { failureMode: deriveFailureMode(fact.cause), failureModeSource: 'derived' };
}

export const failureRecordId = (requestId: string) => `FR-${requestId}`;

/** The record the first fact about a request creates. */
export function newFailureRecord(fact: FailureFact, context: RequestContext | null): StoredFailureRecord {
  const fromReturn = fact.source === 'defective-return' ? fact : null;
  return {
    id: failureRecordId(fact.requestId),
    requestId: fact.requestId,
    model: context?.model ?? fromReturn?.model ?? null,
    productLine: context?.productLine ?? fromReturn?.productLine ?? null,
    partNumber: fact.source === 'defective-return' ? fact.partNumber : fact.source === 'work-order' ? (fact.parts[0] ?? null) : null,
    ...failureModeOf(fact),
    cause: fact.source === 'defective-return' ? `defective part ${fact.partNumber}: ${fact.finding}` : fact.cause,
    fix: fact.source === 'defective-return' ? 'part replaced and returned' : fact.fix,
    occurredAt: fact.at,
    customerId: context?.customerId ?? (fact.source === 'closure' ? fact.customerId : 'unknown'),
    serialNumber: context?.serialNumber ?? (fact.source === 'closure' ? fact.serialNumber : fact.source === 'defective-return' ? fact.machineSerial : 'unknown'),
    // A work order does not say the tier; P3 is what intake assumes until screening sets one.
    tier: fact.source === 'closure' ? fact.tier : 'P3',
    safety: fact.source === 'work-order' ? fact.safety : false,
    formalReportDemanded: context?.formalReportDemanded ?? false,
    lot: fromReturn?.lot ?? null,
    supplierId: fromReturn?.supplierId ?? null,
    finding: fromReturn?.finding ?? null,
    sources: [fact.source],
    failureDecision: laterDecision(engineerDecisionOf(fact), context?.failureReview),
  };
}

/**
 * What a later fact adds to an existing record: the tier from the closure, the safety flag from
 * the work order, the part, lot and supplier from the return. The failure mode stays as first
 * recorded, since the record may already have been grouped under it.
 */
export function enrichment(existing: StoredFailureRecord, fact: FailureFact): Partial<StoredFailureRecord> {
  const change: Partial<StoredFailureRecord> = {};
  if (fact.source === 'closure') change.tier = fact.tier;
  if (fact.source === 'work-order' && fact.safety && !existing.safety) change.safety = true;
  const decision = laterDecision(existing.failureDecision, engineerDecisionOf(fact));
  if (decision && decision !== existing.failureDecision) change.failureDecision = decision;
  if (fact.source === 'defective-return') {
    change.partNumber = fact.partNumber;
    change.lot = fact.lot;
    change.supplierId = fact.supplierId;
    change.finding = fact.finding;
    if (existing.model === null && fact.model) change.model = fact.model;
    if (existing.productLine === null && fact.productLine) change.productLine = fact.productLine;
  }
  if (!existing.sources.includes(fact.source)) change.sources = [...existing.sources, fact.source];
  return change;
}

/**
 * A later fact can make a checked record severe (the closure's tier, the work order's safety
 * flag): the rules then run again for it, as a pass of its own.
 */
export function recheckReason(change: Partial<StoredFailureRecord>, severeTiers: readonly Tier[]): string | null {
  if (change.safety === true) return 'safety';
  if (change.tier !== undefined && severeTiers.includes(change.tier)) return `tier-${change.tier}`;
  return null;
}

/** A record can be checked for recurrence once its machine's model and line are known. */
export function attributable(record: StoredFailureRecord): record is StoredFailureRecord & { model: string; productLine: string } {
  return record.model !== null && record.productLine !== null;
}

export function toRecurrenceRecord(record: StoredFailureRecord & { model: string; productLine: string }, generation: number | undefined): FailureRecord {
  const { requestId: _r, failureModeSource: _s, lot: _l, supplierId: _su, finding: _f, sources: _so, failureDecision: _d, ...rest } = record;
  return { ...rest, ...(generation !== undefined ? { modelGeneration: generation } : {}) };
}

/**
 * The 8D's id: the problem plus how many 8Ds that problem had before. Two records racing to open
 * an 8D for the same problem compute the same id, and the store's unique key lets only one win.
 */
export function eightDIdFor(problem: { model: string; failureMode: string }, earlierEightDs: number): string {
  const slug = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return `8D-${slug(problem.model)}-${slug(problem.failureMode).replace(/^FM-/, '')}-${earlierEightDs + 1}`;
}

/** Why the 8D was opened, in words for the report and the event. */
export function openingReason(hit: RecurrenceHit, th: RecurrenceThresholds): string {
  const { model, failureMode } = hit.problem;
  const reasons = hit.rules.map((rule) => {
    switch (rule) {
      case 'same-model-repeat':
        return `${hit.recordIds.length} failures of ${failureMode} on ${model} within ${th.sameModelWindowDays} days (threshold ${th.sameModelCount})`;
      case 'newer-model-after-closure':
        return `${failureMode} appeared on the newer model ${model} after 8D ${hit.linkedEightDIds.join(', ')} closed it on an older one`;
      case 'severe':
        return `a severe failure (tier ${th.severeTiers.join('/')} or safety-related)`;
      case 'formal-report-demanded':
        return 'the customer demands a formal report';
      default: {
        const never: never = rule;
        return String(never);
      }
    }
  });
  return reasons.join('; ');
}
