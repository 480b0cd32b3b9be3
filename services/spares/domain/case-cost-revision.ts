import { baseLineId } from './case-cost';
import type { AllocationEntry, ClosedCase, CostCentre, LineKind } from './cost-allocation';

/**
 * The allocation of a case as reporting reads it (case-cost.allocated): what each cost centre pays
 * for each line now, netted over the first charge and every correction booked since (reviews,
 * failure analyses). The ledger keeps the entries; this is their sum, published as a revision.
 */
export interface CaseCostLine {
  lineId: string;
  kind: LineKind;
  costCentre: CostCentre;
  amountCents: number;
  inWarranty: boolean;
  reason: string;
}

export interface CaseCostState {
  currency: string;
  lines: CaseCostLine[];
}

/** The kind of a line by its id, for entries booked before entries carried their kind. */
export function kindOfLine(lineId: string): LineKind {
  const base = baseLineId(lineId);
  if (base === 'labour') return 'labour';
  if (base === 'travel') return 'travel';
  return 'part';
}

/**
 * Whether the case's cover paid for this kind of line when it closed (warranty or contract; a part
 * the contract excludes, or a consumable it does not cover, is not). Misuse does not change it:
 * a misused machine in warranty is still in warranty, it is the payer that changes.
 */
export function inCover(closed: ClosedCase, lineId: string, kind: LineKind): boolean {
  const ent = closed.entitlement;
  if (ent.source === 'none') return false;
  if (ent.source === 'warranty' && (!ent.warrantyEnd || Date.parse(closed.closedAt) >= Date.parse(ent.warrantyEnd))) return false;
  if (!ent.covers[kind === 'part' ? 'parts' : kind]) return false;
  const line = closed.lines.find((l) => l.lineId === lineId);
  if (line?.kind !== 'part') return true;
  if (ent.exclusions?.partNumbers?.includes(line.partNumber)) return false;
  if (line.category !== undefined && ent.exclusions?.categories?.includes(line.category)) return false;
  return !line.consumable || ent.coversConsumables === true;
}

/**
 * Nets the ledger per line and cost centre. A cost centre whose share a correction moved away
 * (net zero) is left out, unless the whole line costs nothing (it still shows, at zero); the reason
 * is that of the latest entry that moved money to the cost centre. Lines in the order first booked.
 */
export function allocationInForce(entries: readonly (AllocationEntry & { kind?: LineKind })[], closed: ClosedCase): CaseCostLine[] {
  const rows = new Map<string, { lineId: string; kind: LineKind; costCentre: CostCentre; amountCents: number; reason: string; at: number }>();
  for (const e of entries) {
    const lineId = baseLineId(e.lineId);
    const key = `${lineId}|${e.costCentre}`;
    const at = Date.parse(e.closedAt);
    const row = rows.get(key) ?? { lineId, kind: e.kind ?? kindOfLine(lineId), costCentre: e.costCentre, amountCents: 0, reason: e.reason, at: -Infinity };
    row.amountCents += e.amountCents;
    if (e.amountCents >= 0 && at >= row.at) Object.assign(row, { reason: e.reason, at });
    rows.set(key, row);
  }
  const byLine = new Map<string, typeof rows extends Map<string, infer R> ? R[] : never>();
  for (const row of rows.values()) byLine.set(row.lineId, [...(byLine.get(row.lineId) ?? []), row]);
  return [...byLine.values()].flatMap((lineRows) => {
    const paying = lineRows.filter((r) => r.amountCents !== 0);
    return (paying.length > 0 ? paying : lineRows).map((r) => ({ lineId: r.lineId, kind: r.kind, costCentre: r.costCentre, amountCents: r.amountCents, inWarranty: inCover(closed, r.lineId, r.kind), reason: r.reason }));
  });
}

/** Whether two allocations say the same: a recomputation that changes nothing is no new revision. */
export function sameAllocation(a: CaseCostState, b: CaseCostState): boolean {
  const canonical = (s: CaseCostState) => JSON.stringify([s.currency, [...s.lines].map((l) => [l.lineId, l.costCentre, l.kind, l.amountCents, l.inWarranty, l.reason]).sort()]);
  return canonical(a) === canonical(b);
}
