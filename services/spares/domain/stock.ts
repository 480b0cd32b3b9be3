/**
 * Stock as numbered units: a location that received N units of a part holds units 1..N. A
 * reservation or a write-off claims single unit numbers (one claim document per unit, keyed by
 * part, location and number), so two claims on the same unit cannot both be stored. Pure helpers
 * for that scheme; the store does the inserts.
 */

export const locationKinds = ['van', 'regional', 'central'] as const;
export type LocationKind = (typeof locationKinds)[number];

export interface StockLocation {
  id: string;
  kind: LocationKind;
  /** The engineer whose van this is (kind 'van' only). */
  engineerId?: string | null;
}

/**
 * Where to reserve from, nearest first: the assigned engineer's own van, then regional
 * warehouses, then the central warehouse. Other engineers' vans are never raided. Ties keep id order.
 */
export function reservationOrder(locations: readonly StockLocation[], engineerId: string | null): StockLocation[] {
  const rank = (l: StockLocation) => (l.kind === 'van' ? 0 : l.kind === 'regional' ? 1 : 2);
  return locations
    .filter((l) => l.kind !== 'van' || (engineerId !== null && l.engineerId === engineerId))
    .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id));
}

/** The claim document key of one unit: the only thing that makes a unit un-claimable twice. */
export function claimKey(partNumber: string, locationId: string, unitNo: number): string {
  return `${partNumber}|${locationId}|${unitNo}`;
}

/** Unit numbers 1..received not yet claimed, lowest first. */
export function freeUnitNumbers(received: number, claimed: Iterable<number>): number[] {
  const taken = new Set(claimed);
  const free: number[] = [];
  for (let n = 1; n <= received; n++) if (!taken.has(n)) free.push(n);
  return free;
}

export interface StockLevel {
  partNumber: string;
  locationId: string;
  /** Units physically there: received minus consumed. */
  onHand: number;
  reserved: number;
  /** onHand minus reserved; never negative, since every reserved or consumed unit is a distinct claimed number. */
  available: number;
  inTransit: number;
}

export function stockLevel(partNumber: string, locationId: string, received: number, claims: { reserved: number; consumed: number }, inTransit = 0): StockLevel {
  const onHand = received - claims.consumed;
  return { partNumber, locationId, onHand, reserved: claims.reserved, available: onHand - claims.reserved, inTransit };
}

export interface PlannedClaim {
  partNumber: string;
  locationId: string;
  quantity: number;
}

/** Groups claimed units into reservation lines, one per part and location, in claim order. */
export function linesFromClaims(claims: readonly { partNumber: string; locationId: string }[]): PlannedClaim[] {
  const lines: PlannedClaim[] = [];
  for (const c of claims) {
    const line = lines.find((l) => l.partNumber === c.partNumber && l.locationId === c.locationId);
    if (line) line.quantity += 1;
    else lines.push({ partNumber: c.partNumber, locationId: c.locationId, quantity: 1 });
  }
  return lines;
}
