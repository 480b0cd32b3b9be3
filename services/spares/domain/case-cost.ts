import type { CaseLine, ClosedCase, EntitlementSnapshot, FailureClassification } from './cost-allocation';

/**
 * Turns what spares knows of a closed case (its entitlement frozen at registration, the work
 * order's report and the parts consumed) into the input of allocateCaseCost.
 */
export interface CaseFacts {
  requestId: string;
  customerId: string;
  closedAt: string;
  entitlementSource: 'contract' | 'warranty' | 'none';
  salesCentreId: string;
  factoryId: string;
  failureMode: string | null;
  cause: string | null;
  effortMinutes: number;
  trips: number;
  parts: readonly { partNumber: string; quantity: number; unitCostCents: number; consumable: boolean }[];
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
 * The entitlement was judged at registration, so the case stays covered to its close: the
 * warranty end is the close itself. Contract and warranty cover parts, labour and travel.
 */
export function entitlementSnapshot(source: CaseFacts['entitlementSource'], closedAt: string): EntitlementSnapshot {
  return { source, covers: { parts: true, labour: true, travel: true }, warrantyEnd: source === 'warranty' ? closedAt : null };
}

export function closedCaseFrom(facts: CaseFacts): ClosedCase {
  const lines: CaseLine[] = facts.parts.map((p, i) => ({ kind: 'part', lineId: `part-${i + 1}-${p.partNumber}`, partNumber: p.partNumber, quantity: p.quantity, unitCostCents: p.unitCostCents, consumable: p.consumable }));
  if (facts.effortMinutes > 0) lines.push({ kind: 'labour', lineId: 'labour', hours: facts.effortMinutes / 60, rateCentsPerHour: facts.labourRateCentsPerHour });
  if (facts.trips > 0) lines.push({ kind: 'travel', lineId: 'travel', trips: facts.trips, costCentsPerTrip: facts.travelCentsPerTrip });
  return {
    caseId: facts.requestId,
    closedAt: facts.closedAt,
    salesCentreId: facts.salesCentreId,
    factoryId: facts.factoryId,
    customerId: facts.customerId,
    entitlement: entitlementSnapshot(facts.entitlementSource, facts.closedAt),
    classification: classifyFailure(facts.failureMode, facts.cause),
    lines,
  };
}
