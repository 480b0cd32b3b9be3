import { insertedOnce } from '@aftersales/platform';
import type { Logger } from 'pino';
import { cardKey, type StockLevel } from '../domain/stock';
import { levelFromCard } from '../domain/unit-ranges';
import type { SparesStore } from './collections';
import { partStockChangeList, partStockChanges, type createStockCards, type PartStockDoc } from './stock-cards';

/**
 * Stock levels from the keyed documents the writes already keep, reading no claim, receipt or
 * transfer (FerretDB v1 scans any filter on those, and they grow with every unit ever received,
 * reserved, consumed or shipped; reading each unit's claim by `_id` grew with the units on the
 * shelves instead). A part's stock (`partStock` by `_id`, or the whole collection, one document per
 * part in stock, when no part is asked for) gives each location's units received, its hint (units
 * below are gone for good), the units gone above the hint (noted by the consumption or shipment
 * under the part's lock) and the units in transit to it; `held` the units the open reservations
 * hold there (open-reservations.ts). The caller reads `held` first: a consumption notes its units
 * gone on the card before its reservation leaves the list, so each unit shows held or gone. The
 * whole collection comes from `whole` (wholePartStock: this process's copy, kept up by the change list).
 */
export async function stockLevels(store: SparesStore, filter: { partNumber?: string; locationId?: string }, held: ReadonlyMap<string, readonly number[]>, whole: () => Promise<PartStockDoc[]>): Promise<StockLevel[]> {
  const parts: PartStockDoc[] = filter.partNumber ? [await store.partStock.findOne({ _id: filter.partNumber })].flatMap((p) => (p ? [p] : [])) : await whole();
  return parts
    .flatMap((p) => p.locations.filter((l) => !filter.locationId || l.locationId === filter.locationId).map((l) => ({ partNumber: p._id, ...l })))
    .sort((a, b) => a.partNumber.localeCompare(b.partNumber) || a.locationId.localeCompare(b.locationId))
    .map((e) => levelFromCard(e.partNumber, e.locationId, { received: e.received, goneBelow: e.goneBelow, goneAbove: e.goneAbove ?? [], inTransit: e.inTransit ?? 0 }, held.get(cardKey(e.partNumber, e.locationId)) ?? []));
}

/**
 * How long a copy of the whole parts' stock is kept before it is read whole again: a writer that
 * died between a part's stock and its change entry leaves a change no entry names, shown within this.
 */
export const WHOLE_PART_STOCK_MAX_AGE_MS = 60_000;

/**
 * The whole parts' stock, as this process keeps it: read whole once (the list's end read first),
 * then on each call the parts named in the change list since, by `_id` (stock-cards.ts appends an
 * entry after every write of a part's stock). So the desk's poll is four `_id` reads at once (the
 * list's next entries) plus one per part changed since, instead of every part's document (hundreds,
 * each with its locations' runs). The list grows by an entry per change and is only read by `_id`.
 */
export function wholePartStock(store: Pick<SparesStore, 'partStock' | 'partStockChanges'>, maxAgeMs = WHOLE_PART_STOCK_MAX_AGE_MS): () => Promise<PartStockDoc[]> {
  const changes = partStockChanges(store);
  let copy: { next: number; at: number; parts: Map<string, PartStockDoc> } | null = null;
  async function freshened(): Promise<PartStockDoc[]> {
    if (!copy || Date.now() - copy.at >= maxAgeMs) {
      const at = Date.now();
      const next = await changes.end(partStockChangeList);
      copy = { next, at, parts: new Map((await store.partStock.find({}).toArray()).map((p) => [p._id, p])) };
      return [...copy.parts.values()];
    }
    const kept = copy;
    const since = await changes.readFrom(partStockChangeList, kept.next);
    const changed = await Promise.all([...new Set(since.refs)].map(async (partNumber) => [partNumber, await store.partStock.findOne({ _id: partNumber })] as const));
    for (const [partNumber, part] of changed) {
      if (part) kept.parts.set(partNumber, part);
      else kept.parts.delete(partNumber);
    }
    kept.next = since.free;
    return [...kept.parts.values()];
  }
  // One call at a time: two at once could each read a part, and the older read land last.
  let last: Promise<unknown> = Promise.resolve();
  return () => {
    const run = last.then(freshened);
    last = run.catch(() => undefined);
    return run;
  };
}

/** Marks the one-time note of the units gone above each card's hint before cards kept them. */
export const goneAboveBuildId = 'stock-gone-above@1';

/**
 * Notes on each card the units gone above its hint that were consumed or shipped before cards kept
 * them, once (a marker in `sparesBuilds`): every claim not reserved, by filter, one time, at start.
 * Noting a unit twice changes nothing, so a consumption noting its own meanwhile is no race.
 * Returns the cards noted, or -1 when built already.
 */
export async function buildGoneAboveOnce(store: SparesStore, cards: Pick<ReturnType<typeof createStockCards>, 'passConsumed'>, now: () => Date, log?: Logger): Promise<number> {
  if (await store.builds.findOne({ _id: goneAboveBuildId })) return -1;
  const hints = new Map((await store.partStock.find({}).toArray()).flatMap((p) => p.locations.map((l) => [cardKey(p._id, l.locationId), l.goneBelow] as const)));
  const gone = new Map<string, { partNumber: string; locationId: string; units: number[] }>();
  for (const c of await store.claims.find({ state: { $ne: 'reserved' } }, { projection: { partNumber: 1, locationId: 1, unitNo: 1 } }).toArray()) {
    const key = cardKey(c.partNumber, c.locationId);
    if (c.unitNo < (hints.get(key) ?? 1)) continue;
    const entry = gone.get(key) ?? { partNumber: c.partNumber, locationId: c.locationId, units: [] };
    entry.units.push(c.unitNo);
    gone.set(key, entry);
  }
  for (const g of gone.values()) await cards.passConsumed(g.partNumber, g.locationId, g.units);
  await insertedOnce(store.builds.insertOne({ _id: goneAboveBuildId, builtAt: now() }));
  log?.info({ cards: gone.size }, 'units gone above the stock cards\u2019 hints noted on them, from the claims stored before');
  return gone.size;
}
