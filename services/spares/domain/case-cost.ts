import type { FailureCategory } from '@aftersales/contracts';
import type { AllocationEntry, CaseAllocation, CaseLine, ClosedCase, CostCentre, CostRules, EntitlementSnapshot, FailureClassification, LineKind } from './cost-allocation';

/**
 * Turns what spares knows of a closed case (its entitlement frozen at registration, the work
 * order's report and the parts consumed) into the input of allocateCaseCost.
 */
export interface CaseFacts {
  requestId: string;
  customerId: string;
  closedAt: string;
  entitlementSource: 'contract' | 'warranty' | 'none';
  /** The cover as intake froze it; absent for cases registered before intake sent it. */
  cover?: { covers: { parts: boolean; labour: boolean; travel: boolean }; exclusions?: { partNumbers: readonly string[]; categories: readonly string[] }; coversConsumables?: boolean; warrantyEnd: string | null };
  salesCentreId: string;
  factoryId: string;
  /** The failure decision in force (see decisionInForce); null when none was ever recorded. */
  failureDecision: FailureDecisionFact | null;
  effortMinutes: number;
  trips: number;
  parts: readonly { partNumber: string; quantity: number; unitCostCents: number; consumable: boolean; category?: string | null }[];
  labourRateCentsPerHour: number;
  travelCentsPerTrip: number;
}

/** A decision on why the machine failed: the category, who decided and when (ISO instant). */
export interface FailureDecisionFact {
  category: FailureCategory;
  decidedBy: string;
  decidedAt: string;
}

/** A review of the decision by quality's failure analysis; revisions count 1, 2, 3 per case. */
export interface FailureReviewFact extends FailureDecisionFact {
  revision: number;
}

/**
 * The decision that charges the case: quality's latest review (highest revision) when there is
 * one, else the engineer's decision at the report, else none.
 */
export function decisionInForce(engineer: FailureDecisionFact | null | undefined, reviews: readonly FailureReviewFact[]): FailureDecisionFact | null {
  const latest = [...reviews].sort((a, b) => b.revision - a.revision)[0];
  if (latest) return { category: latest.category, decidedBy: latest.decidedBy, decidedAt: latest.decidedAt };
  return engineer ?? null;
}

/**
 * Who pays follows the decided category, never the words of the finding. A case nobody decided
 * (reports made before the decision was asked) is charged as a quality failure under cover, the
 * rule for anything that broke under cover, until quality's analysis decides.
 */
export function classificationOf(decision: FailureDecisionFact | null): FailureClassification {
  if (!decision) return { qualityFailure: true, category: 'undecided' };
  switch (decision.category) {
    case 'quality-failure':
      return { qualityFailure: true, category: decision.category };
    case 'misuse':
      return { qualityFailure: false, misuse: true, category: decision.category };
    case 'wear':
    case 'no-fault-found':
    case 'other':
      return { qualityFailure: false, category: decision.category };
  }
}

/**
 * The entitlement as intake froze it at registration: what it covers and excludes. A case
 * registered in warranty stays covered to its close, even if the warranty ends meanwhile (as the
 * SLA and the quote did). A paid case whose warranty had lapsed shortly before is charged as out of
 * warranty since that end, so the goodwill rules apply. A case registered before intake sent the
 * cover keeps the old reading: covered in full.
 */
export function entitlementSnapshot(source: CaseFacts['entitlementSource'], closedAt: string, cover?: CaseFacts['cover']): EntitlementSnapshot {
  // An end is the first instant no longer covered (as intake resolves it): covered to the close
  // means an end just after it.
  const coveredToClose = new Date(new Date(closedAt).getTime() + 1).toISOString();
  if (!cover) return { source, covers: { parts: true, labour: true, travel: true }, warrantyEnd: source === 'warranty' ? coveredToClose : null };
  const terms = {
    covers: { ...cover.covers },
    ...(cover.exclusions ? { exclusions: { partNumbers: [...cover.exclusions.partNumbers], categories: [...cover.exclusions.categories] } } : {}),
    ...(cover.coversConsumables !== undefined ? { coversConsumables: cover.coversConsumables } : {}),
  };
  if (source === 'warranty') return { source, ...terms, warrantyEnd: cover.warrantyEnd !== null && cover.warrantyEnd > coveredToClose ? cover.warrantyEnd : coveredToClose };
  if (source === 'none' && cover.warrantyEnd !== null) return { source: 'warranty', ...terms, warrantyEnd: cover.warrantyEnd };
  return { source, ...terms, warrantyEnd: null };
}

export function closedCaseFrom(facts: CaseFacts): ClosedCase {
  const lines: CaseLine[] = facts.parts.map((p, i) => ({ kind: 'part', lineId: `part-${i + 1}-${p.partNumber}`, partNumber: p.partNumber, ...(p.category ? { category: p.category } : {}), quantity: p.quantity, unitCostCents: p.unitCostCents, consumable: p.consumable }));
  if (facts.effortMinutes > 0) lines.push({ kind: 'labour', lineId: 'labour', minutes: facts.effortMinutes, rateCentsPerHour: facts.labourRateCentsPerHour });
  if (facts.trips > 0) lines.push({ kind: 'travel', lineId: 'travel', trips: facts.trips, costCentsPerTrip: facts.travelCentsPerTrip });
  return {
    caseId: facts.requestId,
    closedAt: facts.closedAt,
    salesCentreId: facts.salesCentreId,
    factoryId: facts.factoryId,
    customerId: facts.customerId,
    entitlement: entitlementSnapshot(facts.entitlementSource, facts.closedAt, facts.cover),
    classification: classificationOf(facts.failureDecision),
    lines,
  };
}

export interface Payers {
  factoryId: string;
  salesCentreId: string;
  customerId: string;
}

/** Where failure analysis moves a part the factory was charged for; other findings confirm the factory. */
const movedBy: Partial<Record<string, { costCentre: 'sales-centre' | 'customer'; why: string }>> = {
  wear: { costCentre: 'sales-centre', why: 'wear, not a quality failure' },
  misuse: { costCentre: 'customer', why: 'misuse, not covered' },
};

/**
 * After failure analysis of a returned part: what the factory was charged for that part moves to
 * whoever the finding makes pay. Booked as new entries on the analysis date (a reversal for the
 * factory and a charge for the payer), never as edits of the closed case's entries, so each
 * month's totals stay as reported and the correction shows where it happened. Applied once per line.
 */
export function analysisAdjustments(entries: readonly AllocationEntry[], partNumber: string, finding: string, analysedAt: string, payers: Payers, misuseInWarrantyPayer: CostRules['misuseInWarrantyPayer'] = 'customer'): AllocationEntry[] {
  const move = finding === 'misuse' && misuseInWarrantyPayer === 'sales-centre' ? { costCentre: 'sales-centre' as const, why: 'misuse, sales centre goodwill by the cost rules' } : movedBy[finding];
  if (!move) return [];
  const adjusted = new Set(entries.filter((e) => e.lineId.endsWith('#analysis')).map((e) => e.lineId.slice(0, -'#analysis'.length)));
  // What the factory pays for the line now: its first charge and any later correction (a review).
  const byLine = new Map<string, AllocationEntry[]>();
  for (const e of entries) {
    const lineId = baseLineId(e.lineId);
    if (e.costCentre !== 'factory' || !/^part-\d+-/.test(lineId) || lineId.replace(/^part-\d+-/, '') !== partNumber || adjusted.has(lineId)) continue;
    byLine.set(lineId, [...(byLine.get(lineId) ?? []), e]);
  }
  return [...byLine.entries()].flatMap(([lineId, charged]) => {
    const amountCents = charged.reduce((sum, e) => sum + e.amountCents, 0);
    if (amountCents <= 0) return [];
    const caseId = charged[0]!.caseId;
    const reason = `failure analysis of ${partNumber}: ${move.why}`;
    const payerId = move.costCentre === 'customer' ? payers.customerId : payers.salesCentreId;
    return [
      { caseId, lineId: `${lineId}#analysis`, kind: 'part' as const, closedAt: analysedAt, costCentre: 'factory' as const, payerId: payers.factoryId, amountCents: -amountCents, reason },
      { caseId, lineId: `${lineId}#analysis`, kind: 'part' as const, closedAt: analysedAt, costCentre: move.costCentre, payerId, amountCents, reason },
    ];
  });
}

/** A line's own id, without the '#...' of the corrections booked against it. */
export const baseLineId = (lineId: string) => lineId.split('#')[0]!;

/**
 * A decision changed after the case was charged: what each cost centre pays for each line moves
 * to what the new allocation says, as new entries on the decision's date (never edits), tagged
 * `line#tag` so each review books once. Every correction booked before counts, so a line's net
 * per cost centre afterwards is exactly the target's, and the entries of one line add up to zero.
 */
export function decisionAdjustments(entries: readonly AllocationEntry[], target: CaseAllocation, decidedAt: string, tag: string, reason: string): AllocationEntry[] {
  const key = (lineId: string, centre: CostCentre) => `${lineId}|${centre}`;
  const net = new Map<string, { lineId: string; kind: LineKind | undefined; costCentre: CostCentre; payerId: string | null; amountCents: number }>();
  const add = (lineId: string, kind: LineKind | undefined, costCentre: CostCentre, payerId: string | null, amountCents: number) => {
    const k = key(lineId, costCentre);
    const row = net.get(k) ?? { lineId, kind, costCentre, payerId, amountCents: 0 };
    row.kind ??= kind;
    row.amountCents += amountCents;
    if (payerId !== null) row.payerId = payerId;
    net.set(k, row);
  };
  for (const e of entries) add(baseLineId(e.lineId), e.kind, e.costCentre, e.payerId, -e.amountCents);
  for (const line of target.lines) for (const s of line.shares) add(line.lineId, line.kind, s.costCentre, s.payerId, s.amountCents);
  return [...net.values()]
    .filter((r) => r.amountCents !== 0)
    .map((r) => ({ caseId: target.caseId, lineId: `${r.lineId}#${tag}`, ...(r.kind ? { kind: r.kind } : {}), closedAt: decidedAt, costCentre: r.costCentre, payerId: r.payerId, amountCents: r.amountCents, reason }));
}
