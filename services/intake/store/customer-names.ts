import type { mongo } from 'mongoose';
import { createJsonDocuments, insertedOnce, readEachById, unchanged, type KeyLockDoc } from '@aftersales/platform';
import type { CustomerDoc } from './models';

type Collection<T extends mongo.Document> = mongo.Collection<T>;

/**
 * Customers by the start of their names, read by `_id`: what the desk's name search
 * (`GET /v1/customers?q=`, names starting with the text, any case) reads. It filtered
 * `customers` by a regular expression, which FerretDB v1 answers by reading every customer.
 *
 * A customer is noted in the bucket of its name's first two characters, lower-cased
 * (`nameKey`): `{ [customerId]: [names] }` as one JSON string, so a search of two characters
 * or more reads one bucket, and a shorter one the buckets its keys' list names. The note goes in
 * before the customer's insert and is never taken out (names do not change), so a crash between
 * leaves an id naming no customer, and an insert refused for a taken id leaves a second name
 * beside the stored one's: the search reads each candidate by `_id` and keeps only a stored
 * customer whose name matches, so neither shows.
 */
export interface CustomerNameBucketDoc {
  _id: string;
  /** JSON of `{ [customerId]: names noted for it }`. */
  names: string;
}

export interface CustomerNameKeysDoc {
  _id: string;
  /** JSON of every bucket key ever noted. */
  keys: string;
}

export interface CustomerName {
  id: string;
  name: string;
}

const keysId = 'keys';
const buildId = 'customer-names@1';

/** The first two characters (code points) of the name, lower-cased: its bucket. */
export function nameKey(name: string): string {
  return Array.from(name.toLowerCase()).slice(0, 2).join('');
}

/** Where a customer stands A to Z: its name (any case) and id, the last of a page. */
export interface NamePlace {
  name: string;
  id: string;
}

/** A to Z by the lower-cased name, then by id. */
function byPlace(a: { sort: string; id: string }, b: { sort: string; id: string }): number {
  return a.sort < b.sort ? -1 : a.sort > b.sort ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Names starting with `prefix` in any case: what the search has always matched. */
export function namePattern(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i');
}

/** The buckets of the customers in `customers`; `builds` are the read models' build markers. */
export function createCustomerNames(db: mongo.Db, customers: Collection<CustomerDoc>, builds: Collection<{ _id: string; builtAt: Date }>) {
  const locks = db.collection<KeyLockDoc>('customerNameLocks');
  const options = { now: () => new Date() };
  const buckets = createJsonDocuments(db.collection<CustomerNameBucketDoc>('customerNames'), locks, {
    ...options,
    what: 'customer name bucket',
    empty: () => ({ names: {} as Record<string, string[]> }),
    lockKey: (key) => `bucket|${key}`,
  });
  const directory = createJsonDocuments(db.collection<CustomerNameKeysDoc>('customerNameKeys'), locks, {
    ...options,
    what: 'customer name keys',
    empty: () => ({ keys: [] as string[] }),
    lockKey: () => 'keys',
  });
  // A key once listed stays listed: what this process saw listed needs no second look.
  const listed = new Set<string>();

  async function listKeys(keys: readonly string[]): Promise<void> {
    let missing = keys.filter((k) => !listed.has(k));
    if (!missing.length) return;
    const current = await directory.read(keysId);
    for (const k of current.keys) listed.add(k);
    missing = missing.filter((k) => !listed.has(k));
    if (!missing.length) return;
    const after = await directory.change(keysId, ({ keys: stored }) => {
      const add = missing.filter((k) => !stored.includes(k));
      return add.length ? { keys: [...stored, ...add].sort() } : unchanged;
    });
    for (const k of after.keys) listed.add(k);
  }

  /** Notes customers under their names' keys: the keys' list first, then each bucket once, under its lock. */
  async function note(entries: readonly CustomerName[]): Promise<void> {
    const byKey = new Map<string, CustomerName[]>();
    for (const entry of entries) {
      const key = nameKey(entry.name);
      byKey.set(key, [...(byKey.get(key) ?? []), entry]);
    }
    await listKeys([...byKey.keys()]);
    await Promise.all(
      [...byKey].map(([key, noted]) =>
        buckets.change(key, ({ names }) => {
          let changed = false;
          const next = { ...names };
          for (const { id, name } of noted) {
            // Own keys only: an id such as `toString` names an inherited member of a plain object.
            const known = Object.hasOwn(next, id) ? next[id]! : [];
            if (known.includes(name)) continue;
            next[id] = [...known, name];
            changed = true;
          }
          return changed ? { names: next } : unchanged;
        }),
      ),
    );
  }

  /**
   * The ids of customers noted with a name starting with `prefix` in any case, by id: candidates
   * only (a reader checks each stored customer). `_id` reads of one bucket, or for a one-character
   * prefix of the keys' list and the buckets it names.
   */
  async function candidates(prefix: string): Promise<string[]> {
    const wanted = prefix.toLowerCase();
    const key = nameKey(prefix);
    const keys = Array.from(key).length >= 2 ? [key] : (await directory.read(keysId)).keys.filter((k) => k.startsWith(key));
    const read = await Promise.all(keys.map((k) => buckets.read(k)));
    const ids = new Set<string>();
    for (const { names } of read) {
      for (const [id, noted] of Object.entries(names)) if (noted.some((n) => n.toLowerCase().startsWith(wanted))) ids.add(id);
    }
    return [...ids].sort();
  }

  /**
   * Customers whose names start with `prefix` in any case (as `^prefix` with the `i` flag) and that
   * `keep` keeps, by id, at most `limit`, after `afterId` when given (the page before's last): the
   * candidates read by `_id`, 100 at a time.
   */
  async function named(prefix: string, options: { keep?: (c: CustomerDoc) => boolean; limit: number; afterId?: string }): Promise<CustomerDoc[]> {
    const pattern = namePattern(prefix);
    const keep = options.keep ?? (() => true);
    const after = options.afterId;
    const ids = (await candidates(prefix)).filter((id) => after === undefined || id > after);
    const found = await readEachById(ids, (id) => customers.findOne({ _id: id }), {
      batch: Math.min(100, options.limit),
      keep: (c) => pattern.test(c.name) && keep(c),
      limit: options.limit,
    });
    return found.slice(0, options.limit);
  }

  /**
   * Customers A to Z by name (lower-cased, then id) that `keep` keeps, at most `limit`: the buckets
   * in their keys' order, a few more each round, until enough candidates are in hand, each read by `_id`.
   * A bucket's names all sort after an earlier bucket's, so the walk stops early, and a page after
   * `after` (the page before's last customer) starts at that customer's bucket.
   */
  async function alphabetical(options: { keep?: (c: CustomerDoc) => boolean; limit: number; after?: NamePlace }): Promise<CustomerDoc[]> {
    const keep = options.keep ?? (() => true);
    const after = options.after;
    // Every name in a bucket whose key sorts before the place's key sorts before the place too.
    const { keys } = await directory.read(keysId);
    const fromKey = after ? nameKey(after.name) : '';
    const walked = keys.filter((k) => k >= fromKey);
    const found: CustomerDoc[] = [];
    // Two buckets first (a page of 50 rarely needs more at a few thousand customers), then twice as many each round, up to 16.
    for (let from = 0, width = 2; from < walked.length && found.length < options.limit; from += width, width = Math.min(16, width * 2)) {
      const batch = walked.slice(from, from + width);
      const read = await Promise.all(batch.map((k) => buckets.read(k)));
      // A candidate per noted name; the stored customer must still carry it (a ghost's or a refused create's name does not).
      const named = read
        .flatMap(({ names }) => Object.entries(names).flatMap(([id, noted]) => noted.map((name) => ({ id, name, sort: name.toLowerCase() }))))
        .filter((n) => !after || byPlace(n, { id: after.id, sort: after.name.toLowerCase() }) > 0);
      named.sort(byPlace);
      const carrying = async (n: { id: string; name: string }) => {
        const c = await customers.findOne({ _id: n.id });
        return c?.name === n.name ? c : null;
      };
      // No more reads at once than the page still needs: a page of 50 read 100 customers to keep 50.
      const wanted = options.limit - found.length;
      found.push(...(await readEachById(named, carrying, { batch: Math.min(100, wanted), keep, limit: wanted })));
    }
    return found.slice(0, options.limit);
  }

  /** Notes the customers stored before the buckets existed, once per database. */
  async function buildOnce(now: Date): Promise<boolean> {
    if (await builds.findOne({ _id: buildId })) return false;
    let batch: CustomerName[] = [];
    for await (const c of customers.find({}, { projection: { _id: 1, name: 1 } })) {
      if (typeof c.name === 'string') batch.push({ id: c._id, name: c.name });
      if (batch.length >= 1000) {
        await note(batch);
        batch = [];
      }
    }
    await note(batch);
    await insertedOnce(builds.insertOne({ _id: buildId, builtAt: now }));
    return true;
  }

  return { note, candidates, named, alphabetical, buildOnce };
}

export type CustomerNames = ReturnType<typeof createCustomerNames>;
