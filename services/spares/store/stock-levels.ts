import { claimKey, levelFromWindow, windowUnits, type StockLevel, type UnitState } from '../domain/stock';
import type { SparesStore } from './collections';
import type { PartStockDoc } from './stock-cards';

/** Claims read at once while counting a level (each by `_id`). */
const readsInFlight = 32;
/**
 * Above this many units to read by `_id`, the claims asked about are read in one pass by filter
 * instead (what the whole catalogue asks: one `_id` read per unit on a shelf would cost more than
 * one scan of the claims).
 */
export const keyedReadLimit = 1000;

/**
 * Stock levels from the keyed documents a reservation already keeps, never from a filter on
 * receipts, claims or transfers (FerretDB v1 scans those whole, and they grow with every unit ever
 * received, consumed or shipped): a part's stock (`partStock`, by `_id`, or the whole collection,
 * one document per part in stock, when no part is asked for) gives each location's received
 * units, the hint below which its units are gone for good and the units in transit to it; the
 * claims from the hint up are read by `_id`. What is read grows with the units still on a shelf or
 * reserved (and any older unit still held), not with the history below them; past `keyedReadLimit`
 * units the claims are read by filter in one pass (the old way, less the receipts and transfers).
 */
export async function stockLevels(store: SparesStore, filter: { partNumber?: string; locationId?: string }): Promise<StockLevel[]> {
  const parts: PartStockDoc[] = filter.partNumber ? [await store.partStock.findOne({ _id: filter.partNumber })].flatMap((p) => (p ? [p] : [])) : await store.partStock.find({}).toArray();
  const entries = parts
    .flatMap((p) => p.locations.filter((l) => !filter.locationId || l.locationId === filter.locationId).map((l) => ({ partNumber: p._id, ...l })))
    .sort((a, b) => a.partNumber.localeCompare(b.partNumber) || a.locationId.localeCompare(b.locationId));
  const reads = entries.flatMap((e) => windowUnits(e.received, e.goneBelow).map((unitNo) => claimKey(e.partNumber, e.locationId, unitNo)));
  const states = new Map<string, UnitState>();
  if (reads.length > keyedReadLimit) {
    const q = { ...(filter.partNumber ? { partNumber: filter.partNumber } : {}), ...(filter.locationId ? { locationId: filter.locationId } : {}) };
    for (const claim of await store.claims.find(q, { projection: { state: 1 } }).toArray()) states.set(claim._id, claim.state);
  } else {
    for (let from = 0; from < reads.length; from += readsInFlight) {
      const found = await Promise.all(reads.slice(from, from + readsInFlight).map((_id) => store.claims.findOne({ _id }, { projection: { state: 1 } })));
      for (const claim of found) if (claim) states.set(claim._id, claim.state);
    }
  }
  return entries.map((e) =>
    levelFromWindow(e.partNumber, e.locationId, { received: e.received, goneBelow: e.goneBelow, inTransit: e.inTransit ?? 0 }, windowUnits(e.received, e.goneBelow).map((unitNo) => states.get(claimKey(e.partNumber, e.locationId, unitNo)) ?? null)),
  );
}
