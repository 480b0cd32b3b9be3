import { createKeyLocks, insertedOnce, isDuplicateKeyError, numberedEntries, type NumberedEntryDoc } from '@aftersales/platform';
import { cardKey, claimKey, countReceipts, type CountedReceipt } from '../domain/stock';
import { givenBack, passRuns, withUnits, type UnitRanges } from '../domain/unit-ranges';
import type { SparesStore } from './collections';

/**
 * What one location received of one part, read by `_id` on every reservation instead of its
 * receipts (FerretDB v1 scans any other filter, so reading receipts by part and location cost more
 * with every unit ever received). Unit numbers 1..received exist there.
 */
export interface StockCardDoc {
  _id: string; // part|location
  partNumber: string;
  locationId: string;
  received: number;
  /** Every receipt counted, by receipt id: a receipt counted again (a retry, the sweep) counts once. */
  receipts: CountedReceipt[];
  /** Units numbered below this are consumed for good: a reservation starts looking here. */
  goneBelow: number;
  /** Units from the hint up gone for good (consumed or shipped) while a lower one was not, as runs (absent on cards written before). */
  goneAbove?: UnitRanges;
  /** Transfers shipped here and not yet arrived (absent on cards written before). */
  inTransit?: { transferId: string; quantity: number }[];
  updatedAt: Date;
}

/**
 * What a reservation reads of a part, in one `_id` read whatever the number of locations in reach:
 * each location's card in short (no receipts), written with the card under the part's lock.
 */
export interface PartStockDoc {
  _id: string; // part number
  locations: PartStockEntry[];
  updatedAt: Date;
}

export interface PartStockEntry {
  locationId: string;
  received: number;
  goneBelow: number;
  /** The card's `goneAbove` (absent on entries written before). */
  goneAbove?: UnitRanges;
  /** Units shipped here and not yet arrived (absent on entries written before). */
  inTransit?: number;
}

/**
 * The parts whose stock changed, in the order written: the platform's numbered entries
 * `parts#<n>` in `partStockChanges`, each naming a part, appended after every write of a part's
 * stock. A process keeps a copy of the whole collection (the spares desk's table, polled every 15 s
 * by each user) and reads again only the parts named since (stock-levels.ts `wholePartStock`).
 */
export type PartStockChangeDoc = NumberedEntryDoc<'partNumber'>;
export const partStockChangeList = 'parts';
/** The list of changed parts as one process appends to and reads it (its bound of the list's end kept). */
export const partStockChanges = (store: Pick<SparesStore, 'partStockChanges'>) => numberedEntries(store.partStockChanges, 'partNumber', { batch: 4 });

/**
 * A receipt or transfer not yet counted (noted) on its card: inserted before the receipt or
 * transfer is stored, deleted after its card and the part's stock were written. The sweep reads
 * these (a small collection) instead of every receipt, card and transfer: on FerretDB v1 a filter,
 * even `{}`, reads the whole collection, and receipts and transfers grow with every delivery.
 */
export interface UncountedStockDoc {
  _id: string; // receipt|<receipt id> or transfer|<transfer id>
  kind: 'receipt' | 'transfer';
  ref: string;
  at: Date;
}

/** Locks in use (stock cards while they change, work orders while they are consumed): small by construction. */
export interface SparesLockDoc {
  _id: string;
  owner: string;
  until: Date;
}

/**
 * Stock cards change under their part's lock: FerretDB v1 does not serialise concurrent updates of
 * one document, and a receipt lost from a card would hide units from every reservation. A receipt
 * is stored first, counted on its card second and on the part's stock third; a crash between
 * leaves the later ones behind, which the next change of that card or the sweep repairs (neither is
 * ever ahead of the receipts, so a late one only refuses units, never oversells). The sweep finds
 * them from the uncounted entries (`reconcileUncounted`): a receipt's or transfer's entry is
 * inserted before it is stored and deleted after its card and the part's stock were written, so a
 * crash between leaves the entry. The full `reconcile` runs once per database (`reconcileOnce`),
 * for what was stored before the entries.
 */
const isGone = (state: string | undefined) => state === 'consumed' || state === 'shipped';

/** Marks the one full reconcile of a database's stock cards (stock stored before the uncounted entries). */
export const stockCardsReconciledId = 'stock-cards-reconciled@1';

export function createStockCards(store: SparesStore, now: () => Date, onPartStock: (partNumber: string, locations: PartStockEntry[]) => void = () => {}) {
  const locks = createKeyLocks(store.locks, { what: 'stock card', now, leaseMs: 15_000 });
  // Appended after the part's stock is written, never before: a reader that reads the entry reads the part as written.
  const changes = partStockChanges(store);

  const read = (partNumber: string, locationId: string) => store.stockCards.findOne({ _id: cardKey(partNumber, locationId) });

  /** Each location's received units and hint for a part, by location id (a location without a card is absent). */
  async function stockOf(partNumber: string): Promise<Map<string, { received: number; goneBelow: number; goneAbove: UnitRanges }>> {
    const doc = await store.partStock.findOne({ _id: partNumber });
    return new Map((doc?.locations ?? []).map((l) => [l.locationId, { received: l.received, goneBelow: l.goneBelow, goneAbove: l.goneAbove ?? [] }]));
  }

  const transit = (card: StockCardDoc) => (card.inTransit ?? []).reduce((sum, t) => sum + t.quantity, 0);
  const sameRuns = (a: UnitRanges | undefined, b: UnitRanges | undefined) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  /** The part's stock entry says what the card says. */
  const inLine = (entry: PartStockEntry | undefined, card: StockCardDoc) => entry?.received === card.received && entry.goneBelow === card.goneBelow && (entry.inTransit ?? 0) === transit(card) && sameRuns(entry.goneAbove, card.goneAbove);

  /**
   * Changes one card under its part's lock: `change` gets the card (or a blank one) and returns the
   * new one, or null to leave it; the part's stock is brought in line with the card either way.
   */
  async function changing(partNumber: string, locationId: string, change: (card: StockCardDoc) => Promise<StockCardDoc | null>): Promise<void> {
    const key = cardKey(partNumber, locationId);
    await locks.holding(`part-stock|${partNumber}`, async () => {
      const stored = await store.stockCards.findOne({ _id: key });
      const card = stored ?? { _id: key, partNumber, locationId, received: 0, receipts: [], goneBelow: 1, updatedAt: now() };
      const next = await change(card);
      if (next) await store.stockCards.replaceOne({ _id: key }, { ...next, updatedAt: now() }, { upsert: true });
      const final = next ?? stored;
      if (!final) return;
      const part = await store.partStock.findOne({ _id: partNumber });
      const entry = part?.locations.find((l) => l.locationId === locationId);
      if (inLine(entry, final)) return onPartStock(partNumber, part?.locations ?? []);
      const locations = [...(part?.locations ?? []).filter((l) => l.locationId !== locationId), { locationId, received: final.received, goneBelow: final.goneBelow, goneAbove: final.goneAbove ?? [], inTransit: transit(final) }];
      await store.partStock.replaceOne({ _id: partNumber }, { locations, updatedAt: now() }, { upsert: true });
      await changes.append(partStockChangeList, partNumber);
      onPartStock(partNumber, locations);
    });
  }

  /** A transfer's units count as received once their receipt (`...|transfer:<id>`) is counted, and are no longer in transit. */
  const arrivedOn = (receipts: CountedReceipt[]) => new Set(receipts.flatMap((r) => (r.id.includes('|transfer:') ? [r.id.slice(r.id.indexOf('|transfer:') + '|transfer:'.length)] : [])));

  const withReceipts = (card: StockCardDoc, more: CountedReceipt[]): StockCardDoc | null => {
    const counted = countReceipts(card.receipts, more);
    if (!counted.added) return null;
    const arrived = arrivedOn(counted.receipts);
    return { ...card, receipts: counted.receipts, received: counted.received, ...(card.inTransit ? { inTransit: card.inTransit.filter((t) => !arrived.has(t.transferId)) } : {}) };
  };

  /** Notes a transfer on its way to a card, unless it arrived or was noted already. */
  const withTransit = (card: StockCardDoc, transferId: string, quantity: number): StockCardDoc | null =>
    arrivedOn(card.receipts).has(transferId) || card.inTransit?.some((t) => t.transferId === transferId) ? null : { ...card, inTransit: [...(card.inTransit ?? []), { transferId, quantity }] };

  /** Counts receipts already stored on their card, under the part's lock (counting one twice changes nothing); what countReceipts added. */
  async function countOn(partNumber: string, locationId: string, receipts: CountedReceipt[]): Promise<number> {
    let added = 0;
    await changing(partNumber, locationId, async (card) => {
      added = countReceipts(card.receipts, receipts).added;
      return withReceipts(card, receipts);
    });
    return added;
  }

  /** Notes a receipt or transfer as not yet counted on its card: before it is stored. */
  const note = (kind: UncountedStockDoc['kind'], ref: string) => insertedOnce(store.uncountedStock.insertOne({ _id: `${kind}|${ref}`, kind, ref, at: now() }));
  /** Its card and the part's stock were written: after that. */
  const counted = async (kind: UncountedStockDoc['kind'], refs: string[]) => {
    await Promise.all(refs.map((ref) => store.uncountedStock.deleteOne({ _id: `${kind}|${ref}` })));
  };

  /**
   * The full scan: counts every stored receipt its card missed (a crash between the two writes, or
   * receipts stored before cards existed), notes every transfer missing from its destination's card,
   * and brings a part's stock in line with a card it missed. Reads all receipts, cards, parts' stock
   * and transfers: run once per database (reconcileOnce), the sweep reads the uncounted entries.
   */
  async function reconcile(): Promise<number> {
    const receipts = await store.receipts.find({}, { projection: { partNumber: 1, locationId: 1, quantity: 1, transferId: 1 } }).toArray();
    const stored = await store.stockCards.find({}, { projection: { partNumber: 1, locationId: 1, received: 1, goneBelow: 1, goneAbove: 1, receipts: 1, inTransit: 1 } }).toArray();
    const cards = new Map(stored.map((c) => [c._id, new Set(c.receipts.map((r) => r.id))]));
    const summaries = new Map((await store.partStock.find({}).toArray()).flatMap((p) => p.locations.map((l) => [cardKey(p._id, l.locationId), l] as const)));
    for (const c of stored) {
      const entry = summaries.get(c._id);
      if (!inLine(entry, c)) await changing(c.partNumber, c.locationId, async () => null);
    }
    // Transfers shipped but missing from their destination's card (a crash after the shipment), not yet arrived.
    const arrived = new Set(receipts.flatMap((r) => (r.transferId ? [r.transferId] : [])));
    const noted = new Set(stored.flatMap((c) => (c.inTransit ?? []).map((t) => t.transferId)));
    for (const t of await store.transfers.find({}).toArray()) {
      if (!arrived.has(t._id) && !noted.has(t._id)) await changing(t.partNumber, t.toLocationId, async (card) => withTransit(card, t._id, t.quantity));
    }
    const missed = new Map<string, { partNumber: string; locationId: string; receipts: CountedReceipt[] }>();
    for (const r of receipts) {
      const key = cardKey(r.partNumber, r.locationId);
      if (cards.get(key)?.has(r._id)) continue;
      const entry = missed.get(key) ?? { partNumber: r.partNumber, locationId: r.locationId, receipts: [] };
      entry.receipts.push({ id: r._id, quantity: r.quantity });
      missed.set(key, entry);
    }
    // Counted again under the lock: a receipt being received right now is counted by its writer.
    let added = 0;
    for (const m of missed.values()) added += await countOn(m.partNumber, m.locationId, m.receipts);
    return added;
  }

  /**
   * Notes units gone for good just now (consumed, or shipped elsewhere: `units`, after their claims
   * say so) on the card, and moves its hint past the units gone, reading claims by `_id` from where
   * it stands (such claims are deleted only under the same lock, by giveBackShipped, which moves
   * the hint back: so the hint stays true). Stock levels count the units gone above the hint from
   * the card alone (stock-levels.ts).
   */
  async function passConsumed(partNumber: string, locationId: string, units: readonly number[] = []): Promise<void> {
    await changing(partNumber, locationId, async (card) => {
      let runs = withUnits(card.goneAbove ?? [], units.filter((n) => n >= card.goneBelow && n <= card.received));
      let from = card.goneBelow;
      for (;;) {
        ({ goneBelow: from, goneAbove: runs } = passRuns(from, runs));
        if (from > card.received || !isGone((await store.claims.findOne({ _id: claimKey(partNumber, locationId, from) }, { projection: { state: 1 } }))?.state)) break;
        runs = withUnits(runs, [from]);
      }
      return from === card.goneBelow && sameRuns(runs, card.goneAbove) ? null : { ...card, goneBelow: from, goneAbove: runs };
    });
  }

  /**
   * Gives back the units claimed for a transfer never stored (its writer died after claiming them),
   * found by filter (a scan on FerretDB, on this rare path alone: the transfer that would name them
   * is missing). Each card's claims go under the part's lock, and the card stops counting them gone
   * (a hint that passed them moves back down), so no note of them outlives their claims.
   */
  async function giveBackShipped(transferId: string): Promise<void> {
    const claims = await store.claims.find({ workOrderId: transferId, state: 'shipped' }, { projection: { partNumber: 1, locationId: 1, unitNo: 1 } }).toArray();
    for (const key of new Set(claims.map((c) => cardKey(c.partNumber, c.locationId)))) {
      const here = claims.filter((c) => cardKey(c.partNumber, c.locationId) === key);
      await changing(here[0]!.partNumber, here[0]!.locationId, async (card) => {
        for (const c of here) await store.claims.deleteOne({ _id: c._id });
        return { ...card, ...givenBack(card.goneBelow, card.goneAbove ?? [], here.map((c) => c.unitNo)) };
      });
    }
  }

  return {
    read,
    stockOf,
    note,
    counted,

    /** Notes a transfer shipped to a location on its card (in transit until its receipt is counted); noting it again changes nothing. */
    async expect(partNumber: string, locationId: string, transferId: string, quantity: number): Promise<void> {
      await changing(partNumber, locationId, async (card) => withTransit(card, transferId, quantity));
    },

    /** Counts receipts already stored on their card (a transfer's arrival, a repair); counting one twice changes nothing. */
    async count(partNumber: string, locationId: string, receipts: CountedReceipt[]): Promise<void> {
      await countOn(partNumber, locationId, receipts);
    },

    /** Stores a numbered receipt and counts it; a number already stored (concurrent receipts, or a receipt the card missed) is counted and the next one tried. */
    async receive(partNumber: string, locationId: string, quantity: number, by: string): Promise<void> {
      // Every number tried is noted first: one stored before (a crash) is counted here with this one.
      const tried: string[] = [];
      await changing(partNumber, locationId, async (card) => {
        let receipts = card.receipts;
        for (let seq = receipts.length + 1; ; seq++) {
          const id = `${partNumber}|${locationId}|${seq}`;
          tried.push(id);
          await note('receipt', id);
          try {
            await store.receipts.insertOne({ _id: id, partNumber, locationId, quantity, receivedAt: now(), by });
            return withReceipts({ ...card, receipts }, [{ id, quantity }]);
          } catch (error) {
            if (!isDuplicateKeyError(error)) throw error;
            const stored = await store.receipts.findOne({ _id: id }, { projection: { quantity: 1 } });
            if (stored) receipts = countReceipts(receipts, [{ id, quantity: stored.quantity }]).receipts;
          }
        }
      });
      await counted('receipt', tried);
    },

    passConsumed,

    reconcile,

    /** The full `reconcile`, once per database (a marker in `sparesBuilds`); -1 when it ran already. */
    async reconcileOnce(): Promise<number> {
      if (await store.builds.findOne({ _id: stockCardsReconciledId })) return -1;
      const added = await reconcile();
      await insertedOnce(store.builds.insertOne({ _id: stockCardsReconciledId, builtAt: now() }));
      return added;
    },

    /**
     * The sweep, at `at`: the uncounted entries whole, then each receipt or transfer by `_id`. A receipt
     * stored is counted on its card, a transfer stored and not arrived is noted in transit on its
     * destination's card and its units noted gone on the origin's (each under the part's lock, which
     * also brings the part's stock in line), and the entry is deleted. An entry naming nothing stored
     * is deleted once older than `graceMs` (its writer died before storing it; younger, it may be
     * storing it now), a transfer's units claimed for it given back. Returns the receipts counted.
     */
    async reconcileUncounted(at: Date, graceMs: number, limit = 500): Promise<number> {
      const before = at.getTime() - graceMs;
      const entries = (await store.uncountedStock.find({}).toArray()).sort((a, b) => a.at.getTime() - b.at.getTime()).slice(0, limit);
      let added = 0;
      for (const entry of entries) {
        let stored = false;
        if (entry.kind === 'receipt') {
          const receipt = await store.receipts.findOne({ _id: entry.ref });
          if (receipt) {
            stored = true;
            added += await countOn(receipt.partNumber, receipt.locationId, [{ id: receipt._id, quantity: receipt.quantity }]);
          }
        } else {
          const t = await store.transfers.findOne({ _id: entry.ref });
          if (t) {
            stored = true;
            // Arrived: its receipt (and that receipt's own entry) counts it instead.
            const arrival = await store.receipts.findOne({ _id: `${t.partNumber}|${t.toLocationId}|transfer:${t._id}` }, { projection: { _id: 1 } });
            if (!arrival) await changing(t.partNumber, t.toLocationId, async (card) => withTransit(card, t._id, t.quantity));
            if (t.unitNos) await passConsumed(t.partNumber, t.fromLocationId, t.unitNos);
          } else if (entry.at.getTime() < before) {
            await giveBackShipped(entry.ref);
          }
        }
        if (stored || entry.at.getTime() < before) await store.uncountedStock.deleteOne({ _id: entry._id });
      }
      return added;
    },
  };
}
