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

/** A claim key's stock card (`part|location`) and unit number: the inverse of claimKey. */
export function unitOfClaim(claimId: string): { card: string; unitNo: number } {
  const cut = claimId.lastIndexOf('|');
  return { card: claimId.slice(0, cut), unitNo: Number(claimId.slice(cut + 1)) };
}

/** Unit numbers from..received (from 1 unless a stock card says lower ones are gone) not yet claimed, lowest first. */
export function freeUnitNumbers(received: number, claimed: Iterable<number>, from = 1): number[] {
  const taken = new Set(claimed);
  const free: number[] = [];
  for (let n = Math.max(1, from); n <= received; n++) if (!taken.has(n)) free.push(n);
  return free;
}

/**
 * The order to try free units in: from the `offset`-th free number on, then the lower ones.
 * Contenders that start at different low numbers collide less than all starting at the lowest,
 * while units stay taken near the bottom, where a stock card's hint can pass consumed ones.
 */
export function probeOrder(free: readonly number[], offset: number): number[] {
  const k = free.length ? ((Math.floor(offset) % free.length) + free.length) % free.length : 0;
  return [...free.slice(k), ...free.slice(0, k)];
}

/** The stock card of a part at a location: `part|location`. */
export function cardKey(partNumber: string, locationId: string): string {
  return `${partNumber}|${locationId}`;
}

export interface CountedReceipt {
  id: string;
  quantity: number;
}

/**
 * A stock card's receipts with more counted: each receipt id once, whatever is counted again (a
 * retried write, a repair by the sweep), so `received` is the sum of distinct receipts.
 */
export function countReceipts(counted: readonly CountedReceipt[], more: readonly CountedReceipt[]): { receipts: CountedReceipt[]; received: number; added: number } {
  const receipts = [...counted];
  const ids = new Set(counted.map((r) => r.id));
  let added = 0;
  for (const r of more) {
    if (ids.has(r.id)) continue;
    ids.add(r.id);
    receipts.push({ id: r.id, quantity: r.quantity });
    added++;
  }
  return { receipts, received: receipts.reduce((sum, r) => sum + r.quantity, 0), added };
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

export type UnitState = 'reserved' | 'consumed' | 'shipped';

/**
 * A copy kept in memory is used while younger than `maxAgeMs`: stock and locations a reservation
 * reads are monotonic or rarely changed, and a reservation refused on a copy reads them again.
 */
export function isFresh(readAt: number, now: number, maxAgeMs: number): boolean {
  return now - readAt < maxAgeMs && now >= readAt;
}

/**
 * What this process last learnt of a unit: it holds it (its claim won and not yet given back) or
 * has its insert out, it gave it back (likely free), or it found it taken (a race lost).
 */
export interface UnitHint {
  state: 'held' | 'given-back' | 'taken';
  at: number;
}

/**
 * The next unit to try, chosen afresh before each insert from what this process knows at that
 * moment (`hints`, which the caller marks `held` before the insert goes out, so contenders of one
 * process never chase the same unit together), among the free units this attempt has not tried
 * yet. In order: a unit this process gave back (most recently first: the likeliest still free),
 * then one it knows nothing of (from the `offset`-th such, as `probeOrder`, so contenders start
 * apart near the lowest numbers), then one it lost a race for (longest ago first, the likeliest
 * given back since), and last one it holds or has in flight itself (held by another reservation of
 * this process, or given back through another process meanwhile). Only an order: every free unit
 * is still returned once before `undefined`, and its claim's unique key still decides who gets it.
 */
export function nextUnit(free: readonly number[], tried: ReadonlySet<number>, hints: ReadonlyMap<number, UnitHint>, offset: number): number | undefined {
  const rank = { 'given-back': 0, taken: 2, held: 3 } as const;
  let best: { n: number; tier: number; key: number } | undefined;
  const unknown: number[] = [];
  for (const n of free) {
    if (tried.has(n)) continue;
    const hint = hints.get(n);
    if (!hint) {
      unknown.push(n);
      continue;
    }
    const tier = rank[hint.state];
    // Given back: latest first; taken or held: earliest first.
    const key = hint.state === 'given-back' ? -hint.at : hint.at;
    if (!best || tier < best.tier || (tier === best.tier && key < best.key)) best = { n, tier, key };
  }
  if (best?.tier === 0) return best.n;
  if (unknown.length) return probeOrder(unknown, offset)[0];
  return best?.n;
}
