import { createKeyLocks, isDuplicateKeyError } from '@aftersales/platform';
import { cardKey, claimKey, countReceipts, type CountedReceipt } from '../domain/stock';
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
  updatedAt: Date;
}

/** Locks in use (stock cards while they change, work orders while they are consumed): small by construction. */
export interface SparesLockDoc {
  _id: string;
  owner: string;
  until: Date;
}

/**
 * Stock cards change under a key lock: FerretDB v1 does not serialise concurrent updates of one
 * document, and a receipt lost from a card would hide units from every reservation. A receipt is
 * stored first and counted on its card second; a crash between leaves the card behind, which the
 * next receipt at that card or the sweep's `reconcile` repairs (a card is never ahead of its
 * receipts, so a late card only refuses units, never oversells).
 */
export function createStockCards(store: SparesStore, now: () => Date) {
  const locks = createKeyLocks(store.locks, { what: 'stock card', now, leaseMs: 15_000 });

  const read = (partNumber: string, locationId: string) => store.stockCards.findOne({ _id: cardKey(partNumber, locationId) });

  /** Changes one card under its lock: `change` gets the card (or a blank one) and returns the new one, or null to leave it. */
  async function changing(partNumber: string, locationId: string, change: (card: StockCardDoc) => Promise<StockCardDoc | null>): Promise<void> {
    const key = cardKey(partNumber, locationId);
    await locks.holding(`card|${key}`, async () => {
      const card = (await store.stockCards.findOne({ _id: key })) ?? { _id: key, partNumber, locationId, received: 0, receipts: [], goneBelow: 1, updatedAt: now() };
      const next = await change(card);
      if (next) await store.stockCards.replaceOne({ _id: key }, { ...next, updatedAt: now() }, { upsert: true });
    });
  }

  const withReceipts = (card: StockCardDoc, more: CountedReceipt[]): StockCardDoc | null => {
    const counted = countReceipts(card.receipts, more);
    return counted.added ? { ...card, receipts: counted.receipts, received: counted.received } : null;
  };

  return {
    read,

    /** Counts receipts already stored on their card (a transfer's arrival, a repair); counting one twice changes nothing. */
    async count(partNumber: string, locationId: string, receipts: CountedReceipt[]): Promise<void> {
      await changing(partNumber, locationId, async (card) => withReceipts(card, receipts));
    },

    /** Stores a numbered receipt and counts it; a number already stored (concurrent receipts, or a receipt the card missed) is counted and the next one tried. */
    async receive(partNumber: string, locationId: string, quantity: number, by: string): Promise<void> {
      await changing(partNumber, locationId, async (card) => {
        let receipts = card.receipts;
        for (let seq = receipts.length + 1; ; seq++) {
          const id = `${partNumber}|${locationId}|${seq}`;
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
    },

    /**
     * Moves a card's hint past units consumed for good, reading claims by `_id` from where it
     * stands (consumed claims are never deleted, so the hint stays true).
     */
    async passConsumed(partNumber: string, locationId: string): Promise<void> {
      await changing(partNumber, locationId, async (card) => {
        let from = card.goneBelow;
        while (from <= card.received && (await store.claims.findOne({ _id: claimKey(partNumber, locationId, from) }, { projection: { state: 1 } }))?.state === 'consumed') from++;
        return from === card.goneBelow ? null : { ...card, goneBelow: from };
      });
    },

    /**
     * The sweep: counts every stored receipt its card missed (a crash between the two writes, or
     * receipts stored before cards existed). Reads all receipts and cards: a periodic scan, off the
     * reservation path.
     */
    async reconcile(): Promise<number> {
      const receipts = await store.receipts.find({}, { projection: { partNumber: 1, locationId: 1, quantity: 1 } }).toArray();
      const cards = new Map((await store.stockCards.find({}, { projection: { receipts: 1 } }).toArray()).map((c) => [c._id, new Set(c.receipts.map((r) => r.id))]));
      const missed = new Map<string, { partNumber: string; locationId: string; receipts: CountedReceipt[] }>();
      for (const r of receipts) {
        const key = cardKey(r.partNumber, r.locationId);
        if (cards.get(key)?.has(r._id)) continue;
        const entry = missed.get(key) ?? { partNumber: r.partNumber, locationId: r.locationId, receipts: [] };
        entry.receipts.push({ id: r._id, quantity: r.quantity });
        missed.set(key, entry);
      }
      for (const m of missed.values()) await changing(m.partNumber, m.locationId, async (card) => withReceipts(card, m.receipts));
      return [...missed.values()].reduce((sum, m) => sum + m.receipts.length, 0);
    },
  };
}

export type StockCards = ReturnType<typeof createStockCards>;
