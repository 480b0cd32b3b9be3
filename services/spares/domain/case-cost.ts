import type { AllocationEntry, CaseLine, ClosedCase, EntitlementSnapshot, FailureClassification } from './cost-allocation';

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
  failureMode: string | null;
  cause: string | null;
  effortMinutes: number;
  trips: number;
  parts: readonly { partNumber: string; quantity: number; unitCostCents: number; consumable: boolean; category?: string | null }[];
  labourRateCentsPerHour: number;
  travelCentsPerTrip: number;
}

/**
 * Wear and misuse are read from the engineer's failure mode or cause; anything else that broke
 * under cover counts as a quality failure (the factory pays) until analysis says otherwise.
 */
export function classifyFailure(failureMode: string | null, cause: string | null): FailureClassification {
  const text = `${failureMode ?? ''} ${cause ?? ''}`.toLowerCase();
  if (/\bmisuse\b|\bcustomer damage\b/.test(text)) return { qualityFailure: false, misuse: true };
  if (/\bwear\b|\bworn\b/.test(text)) return { qualityFailure: false };
  return { qualityFailure: true };
}

/**
 * The entitlement as intake froze it at registration: what it covers and excludes. A case
 * registered in warranty stays covered to its close, even if the warranty ends meanwhile (as the
 * SLA and the quote did). A paid case whose warranty had lapsed shortly before is charged as out of
 * warranty since that end, so the goodwill rules apply. A case registered before intake sent the
 * cover keeps the old reading: covered in full.
 */
export function entitlementSnapshot(source: CaseFacts['entitlementSource'], closedAt: string, cover?: CaseFacts['cover']): EntitlementSnapshot {
  if (!cover) return { source, covers: { parts: true, labour: true, travel: true }, warrantyEnd: source === 'warranty' ? closedAt : null };
  const terms = {
    covers: { ...cover.covers },
    ...(cover.exclusions ? { exclusions: { partNumbers: [...cover.exclusions.partNumbers], categories: [...cover.exclusions.categories] } } : {}),
    ...(cover.coversConsumables !== undefined ? { coversConsumables: cover.coversConsumables } : {}),
  };
  if (source === 'warranty') return { source, ...terms, warrantyEnd: cover.warrantyEnd !== null && cover.warrantyEnd > closedAt ? cover.warrantyEnd : closedAt };
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
    classification: classifyFailure(facts.failureMode, facts.cause),
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
export function analysisAdjustments(entries: readonly AllocationEntry[], partNumber: string, finding: string, analysedAt: string, payers: Payers): AllocationEntry[] {
  const move = movedBy[finding];
  if (!move) return [];
  const adjusted = new Set(entries.filter((e) => e.lineId.endsWith('#analysis')).map((e) => e.lineId.slice(0, -'#analysis'.length)));
  const byLine = new Map<string, AllocationEntry[]>();
  for (const e of entries) {
    if (e.costCentre !== 'factory' || !/^part-\d+-/.test(e.lineId) || e.lineId.replace(/^part-\d+-/, '') !== partNumber || adjusted.has(e.lineId)) continue;
    byLine.set(e.lineId, [...(byLine.get(e.lineId) ?? []), e]);
  }
  return [...byLine.entries()].flatMap(([lineId, charged]) => {
    const amountCents = charged.reduce((sum, e) => sum + e.amountCents, 0);
    if (amountCents === 0) return [];
    const caseId = charged[0]!.caseId;
    const reason = `failure analysis of ${partNumber}: ${move.why}`;
    const payerId = move.costCentre === 'customer' ? payers.customerId : payers.salesCentreId;
    return [
      { caseId, lineId: `${lineId}#analysis`, closedAt: analysedAt, costCentre: 'factory' as const, payerId: payers.factoryId, amountCents: -amountCents, reason },
      { caseId, lineId: `${lineId}#analysis`, closedAt: analysedAt, costCentre: move.costCentre, payerId, amountCents, reason },
    ];
  });
}
