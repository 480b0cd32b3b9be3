/**
 * Stock valuation: once per location and UTC day, the units held of every part at unit cost, and
 * the units consumed since the location's previous valuation. Pure; the store reads the claims
 * and writes the valuation.
 *
 * Consumption is read from the numbered units themselves: a unit's claim that says `consumed` is
 * final, never given back or deleted. Each valuation carries a cursor per part: every unit below
 * `countedBelow` is gone and was accounted for, and `counted` lists the consumed units above it
 * already counted (a unit still held can sit below them). The next valuation reads only the claims
 * of units the part's stock card shows gone from the cursor up and not counted: what went since the
 * previous valuation. So each consumed unit is counted by exactly one valuation, and what is read
 * grows with the day's consumption, not with the units on the shelf or the history below them.
 */
import { centsHalfUp, isPlausibleCents, MoneyInputError } from './money';
import type { UnitState } from './stock';
import { hasUnit, type UnitRun } from './unit-ranges';

/** The UTC day a valuation is taken on: its period. */
export function valuationDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** One valuation per location and day: the id is its unique key (and its event's). */
export function valuationId(locationId: string, day: string): string {
  return `SV-${day}-${locationId}`;
}

/** The days before `day`, nearest first: where a location's previous valuation is looked for by `_id`. */
export function daysBefore(day: string, count: number): string[] {
  const start = Date.parse(`${day}T00:00:00.000Z`);
  return Array.from({ length: count }, (_, i) => new Date(start - (i + 1) * 86_400_000).toISOString().slice(0, 10));
}

/** The days after `from` up to and including `to`, oldest first. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00.000Z`) + 86_400_000; t <= Date.parse(`${to}T00:00:00.000Z`); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Where a part's counting at a location carries on from. */
export interface UnitCursor {
  /** Every unit numbered below this is gone (consumed or shipped) and was accounted for. */
  countedBelow: number;
  /** Consumed units at or above `countedBelow` already counted. */
  counted: number[];
}

export interface UnitClaim {
  state: UnitState;
  workOrderId: string;
}

export interface PartCount {
  /** Units physically there: received minus consumed and shipped. Reserved units are still held. */
  onHand: number;
  /** Units consumed since the cursor, with the job that consumed each. */
  consumed: { unitNo: number; workOrderId: string }[];
  cursor: UnitCursor;
}

/** What a location's stock card says is gone for good: every unit below `goneBelow`, and the runs above it. */
export interface GoneOnCard {
  goneBelow: number;
  goneAbove: readonly UnitRun[];
}

/**
 * The unit numbers whose claims a count reads: from the cursor to what was received, those the card
 * shows gone and the cursor has not counted. A unit the card does not show gone yet (a consumption
 * in flight notes its card after its claims) counts as held now and is read once its card shows it.
 */
export function unitsToRead(received: number, cursor: UnitCursor | null, card: GoneOnCard): number[] {
  const counted = new Set(cursor?.counted ?? []);
  const units: number[] = [];
  for (let n = Math.max(1, cursor?.countedBelow ?? 1); n <= received; n++) if ((n < card.goneBelow || hasUnit(card.goneAbove, n)) && !counted.has(n)) units.push(n);
  return units;
}

const isGone = (claim: UnitClaim | null | undefined) => claim?.state === 'consumed' || claim?.state === 'shipped';

/**
 * Counts a part at a location: `claimOf(n)` is the claim of unit `n` as read (null: free, or not
 * read). A unit the cursor counted as consumed is gone without a read: consumption is final. A first
 * count (no cursor) goes from unit 1, so the location's whole consumption so far is counted once.
 */
export function countPart(received: number, cursor: UnitCursor | null, claimOf: (unitNo: number) => UnitClaim | null): PartCount {
  const from = Math.max(1, cursor?.countedBelow ?? 1);
  const counted = new Set(cursor?.counted ?? []);
  let gone = Math.min(from - 1, received);
  let countedBelow = from;
  let passing = true;
  const consumed: PartCount['consumed'] = [];
  const stillCounted: number[] = [];
  for (let unitNo = from; unitNo <= received; unitNo++) {
    const claim = counted.has(unitNo) ? null : claimOf(unitNo);
    const wasConsumed = counted.has(unitNo) || claim?.state === 'consumed';
    const isGoneNow = wasConsumed || isGone(claim);
    if (isGoneNow) gone++;
    if (claim?.state === 'consumed') consumed.push({ unitNo, workOrderId: claim.workOrderId });
    // The cursor passes gone units only: a unit still held may be consumed later.
    if (passing && isGoneNow) countedBelow = unitNo + 1;
    else passing = false;
    if (!passing && wasConsumed) stillCounted.push(unitNo);
  }
  return { onHand: received - gone, consumed, cursor: { countedBelow, counted: stillCounted } };
}

export interface HeldPart {
  partNumber: string;
  onHand: number;
  inTransit: number;
  consumedUnits: number;
  unitCostCents: number;
}

export interface ValuedLine extends HeldPart {
  valueCents: number;
  consumedCostCents: number;
}

export class ValuationError extends MoneyInputError {}

/** Every part held at unit cost, in part order; units in transit count where they are going. */
export function valueParts(parts: readonly HeldPart[]): { lines: ValuedLine[]; valueCents: number; consumedCostCents: number } {
  const lines = [...parts]
    .sort((a, b) => a.partNumber.localeCompare(b.partNumber))
    .map((p) => {
      for (const field of ['onHand', 'inTransit', 'consumedUnits'] as const) {
        if (!Number.isSafeInteger(p[field]) || p[field] < 0) throw new ValuationError(`${p.partNumber}.${field}`, 'must be a whole number of units, not negative');
      }
      if (!isPlausibleCents(p.unitCostCents)) throw new ValuationError(`${p.partNumber}.unitCostCents`, 'must be whole cents within the money ceiling');
      return { ...p, valueCents: centsHalfUp(p.onHand + p.inTransit, p.unitCostCents), consumedCostCents: centsHalfUp(p.consumedUnits, p.unitCostCents) };
    });
  const valueCents = lines.reduce((sum, l) => sum + l.valueCents, 0);
  const consumedCostCents = lines.reduce((sum, l) => sum + l.consumedCostCents, 0);
  if (!Number.isSafeInteger(valueCents) || !Number.isSafeInteger(consumedCostCents)) throw new ValuationError('valueCents', 'the location\u2019s value passes what cents can hold exactly');
  return { lines, valueCents, consumedCostCents };
}

/** The consumed units per job and part, for drill-down (in job, then part order). */
export function consumedByJob(parts: readonly { partNumber: string; consumed: readonly { workOrderId: string }[] }[]): { workOrderId: string; partNumber: string; quantity: number }[] {
  const counts = new Map<string, { workOrderId: string; partNumber: string; quantity: number }>();
  for (const p of parts) {
    for (const c of p.consumed) {
      const key = `${c.workOrderId}\u0000${p.partNumber}`;
      const entry = counts.get(key) ?? { workOrderId: c.workOrderId, partNumber: p.partNumber, quantity: 0 };
      entry.quantity++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => a.workOrderId.localeCompare(b.workOrderId) || a.partNumber.localeCompare(b.partNumber));
}
