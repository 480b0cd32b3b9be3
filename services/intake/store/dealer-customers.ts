import type { mongo } from 'mongoose';
import { createJsonDocuments, insertedOnce, readEachById, shardOf, unchanged, type KeyLockDoc, type KeyLocks } from '@aftersales/platform';
import type { CustomerDoc } from './models';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

/**
 * A dealer's customers, read by `_id`: what the list endpoints (machines, contracts, service
 * requests) scope a dealer's call to. They read `customers.find({ dealerId })`, which on FerretDB v1
 * reads every customer of the installed base on every dealer call. Each dealer's customer ids lie in
 * `shards` documents `<dealer>|shard-<k>` (the customer's hash picks k), one JSON string each, so a
 * dealer's list is `shards` `_id` reads however many customers it serves (20,000 ids make 16
 * documents of about 30 KB), and a write touches one document, under its lock.
 *
 * An id in `customers` is the dealer's. An id in `pending` may or may not be: every write that gives
 * a customer a dealer or changes it (the customer's insert, a move) first marks the customer pending
 * in each dealer it concerns (the new one and the old one), then writes the customer, then settles
 * those entries against the stored customer (listed when it names the dealer, removed when not),
 * all under the customer's lock. A reader shows a pending id only when the customer, read by `_id`,
 * names the dealer, so a crash anywhere in between never shows a customer to the wrong dealer; a
 * reader settles an entry left pending longer than `staleMs` (its writer died).
 */
export interface DealerCustomersDoc {
  _id: string;
  /** JSON of the customer ids that are the dealer's. */
  customers: string;
  /** JSON of `{ [customerId]: ISO instant marked }`: ids a write in flight (or cut short) concerns. */
  pending: string;
}

interface DealerCustomers {
  customers: string[];
  pending: Record<string, string>;
}

const shards = 16;
/** Longer than any write holds a customer's lock (its lease is 15 s): a pending entry this old was left by a writer that died. */
const staleMs = 60_000;
const buildId = 'dealer-customers@1';

const keyOf = (dealerId: string, customerId: string) => `${dealerId}|${shardOf(customerId, shards)}`;
const dealerOf = (key: string) => key.slice(0, key.lastIndexOf('|'));
const present = <T>(values: readonly (T | null | undefined)[]): T[] => [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];

/** The lists of the customers in `customers`; `customerLocks` are the locks the customer record changes under, `builds` the read models' build markers. */
export function createDealerCustomers(db: mongo.Db, customers: Collection<CustomerDoc>, customerLocks: KeyLocks, builds: Collection<{ _id: string; builtAt: Date }>) {
  const lists = createJsonDocuments(db.collection<DealerCustomersDoc>('dealerCustomers'), db.collection<KeyLockDoc>('dealerCustomerLocks'), {
    what: 'dealer customers',
    now: () => new Date(),
    empty: (): DealerCustomers => ({ customers: [], pending: {} }),
  });

  const ownerOf = (customerId: string) => customers.findOne({ _id: customerId }, { projection: { dealerId: 1 } });
  const dealerIdOf = async (customerId: string) => (await ownerOf(customerId))?.dealerId ?? null;
  /** Those of `customerIds` stored naming the dealer, in their order: `_id` reads, 100 at a time. */
  const storedWith = async (dealerId: string, customerIds: readonly string[]) =>
    (await readEachById(customerIds, ownerOf, { batch: 100, keep: (c) => c.dealerId === dealerId })).map((c) => c._id);

  const mark = (dealerId: string, customerId: string) =>
    lists.change(keyOf(dealerId, customerId), ({ customers: listed, pending }) => ({
      customers: listed.filter((id) => id !== customerId),
      pending: { ...pending, [customerId]: new Date().toISOString() },
    }));

  /** Lists the customer in the dealer's entry when the stored customer names the dealer, removes it when not. */
  const settle = (dealerId: string, customerId: string, belongs: boolean) =>
    lists.change(keyOf(dealerId, customerId), ({ customers: listed, pending }) => {
      const isPending = customerId in pending;
      const isListed = listed.includes(customerId);
      if (belongs ? isListed && !isPending : !isListed && !isPending) return unchanged;
      const { [customerId]: _, ...rest } = pending;
      return { customers: belongs && !isListed ? [...listed, customerId] : belongs ? listed : listed.filter((id) => id !== customerId), pending: rest };
    });

  /** `write` between marking and settling the customer's entries in these dealers; the caller holds the customer's lock. */
  async function writingHeld<T>(customerId: string, dealerIds: readonly string[], write: () => Promise<T>): Promise<T> {
    for (const dealerId of dealerIds) await mark(dealerId, customerId);
    try {
      return await write();
    } finally {
      // However the write ended (stored, refused as a duplicate, failed): the stored customer decides.
      const stored = dealerIds.length > 0 ? await dealerIdOf(customerId) : null;
      for (const dealerId of dealerIds) await settle(dealerId, customerId, stored === dealerId);
    }
  }

  /**
   * Runs a write that stores a customer with a dealer (its insert, an upsert of seed data), with the
   * dealer's list kept: `dealerIds` are the dealers the write may give the customer.
   */
  async function writing<T>(customerId: string, dealerIds: readonly (string | null | undefined)[], write: () => Promise<T>): Promise<T> {
    const concerned = present(dealerIds);
    if (concerned.length === 0) return write();
    return customerLocks.holding(customerId, () => writingHeld(customerId, concerned, write));
  }

  /** Moves a customer to another dealer (or to none): the old dealer stops listing it, the new one lists it. False when there is no such customer. */
  async function move(customerId: string, dealerId: string | null): Promise<boolean> {
    return customerLocks.holding(customerId, async () => {
      const current = await customers.findOne({ _id: customerId }, { projection: { dealerId: 1 } });
      if (!current) return false;
      const from = current.dealerId ?? null;
      if (from === dealerId) return true;
      await writingHeld(customerId, present([from, dealerId]), () => customers.updateOne({ _id: customerId }, { $set: { dealerId } }));
      return true;
    });
  }

  /**
   * The dealer's customer ids, sorted: its `shards` documents by `_id`, and for each id still
   * pending its customer by `_id` (none unless a write is in flight or was cut short).
   */
  async function idsOf(dealerId: string): Promise<string[]> {
    const read = await Promise.all(Array.from({ length: shards }, (_, k) => lists.read(`${dealerId}|shard-${k}`)));
    const ids = new Set(read.flatMap((r) => r.customers));
    const pending = read.flatMap((r) => Object.entries(r.pending));
    // The stored customer decides each pending id (they are distinct: a customer lies in one shard).
    const theirs = await storedWith(dealerId, pending.map(([customerId]) => customerId));
    for (const [customerId] of pending) ids.delete(customerId);
    for (const customerId of theirs) ids.add(customerId);
    const stale = pending.filter(([, at]) => Date.now() - new Date(at).getTime() > staleMs).map(([customerId]) => customerId);
    // Left by a writer that died: settled under the customer's lock. The answer above is already right, so a failure here only leaves it for the next read.
    for (const customerId of stale) await customerLocks.holding(customerId, async () => settle(dealerId, customerId, (await dealerIdOf(customerId)) === dealerId)).catch(() => undefined);
    return [...ids].sort();
  }

  /**
   * Lists the customers stored before the lists existed, once (the marker last, so a pass cut
   * short runs again whole). Each shard's customers are read again by `_id` under the shard's lock
   * and only those still naming the dealer and not yet in the list are added, so a move running
   * meanwhile in another process is never undone.
   */
  async function buildOnce(now: Date): Promise<boolean> {
    if (await builds.findOne({ _id: buildId })) return false;
    const grouped = new Map<string, string[]>();
    for await (const customer of customers.find({}, { projection: { _id: 1, dealerId: 1 } })) {
      if (!customer.dealerId) continue;
      const key = keyOf(customer.dealerId, customer._id);
      grouped.set(key, [...(grouped.get(key) ?? []), customer._id]);
    }
    for (const [key, ids] of grouped) {
      const dealerId = dealerOf(key);
      await lists.holding(key, async () => {
        const still = await storedWith(dealerId, ids);
        await lists.changeHeld(key, ({ customers: listed, pending }) => {
          const known = new Set([...listed, ...Object.keys(pending)]);
          const fresh = still.filter((id) => !known.has(id));
          return fresh.length > 0 ? { customers: [...listed, ...fresh], pending } : unchanged;
        });
      });
    }
    await insertedOnce(builds.insertOne({ _id: buildId, builtAt: now }));
    return true;
  }

  return { writing, move, idsOf, buildOnce };
}

export type DealerCustomerLists = ReturnType<typeof createDealerCustomers>;
