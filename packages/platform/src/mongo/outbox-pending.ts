import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import { writeErrorsOf } from '../audit/store';
import type { EventProducer } from '../kafka/producer';
import { bulkWriteInChunks } from './bulk';
import { leaseKeyOf, leaseRanOut, mayBeStale, orderSafe, takenOverEpoch } from './outbox-claims';
import type { OutboxEntry, OutboxPendingDoc } from './outbox';

export interface PendingRelayOptions {
  index: Collection<OutboxPendingDoc>;
  /** The indexed collections by name: whose documents' outboxes a settle unsets. */
  collections: ReadonlyMap<string, Collection<Document>>;
  leases: Collection<Document>;
  producer: EventProducer;
  record?: (entries: OutboxEntry[]) => Promise<unknown>;
  leaseMs: number;
  batchSize: number;
  now: () => Date;
  log: Logger;
  onPass?: (collection: string, due: number, oldestDueAt: Date | null) => void;
}

/**
 * How many passes' settle writes may be in flight while the next pass claims and sends. Each
 * settle sends its update commands one after another (at most 16 statements each, see bulk.ts), so
 * the relay never has more than this many update commands of its own in flight on FerretDB.
 */
const settlesInFlight = 2;

/** What is published and not yet removed: the pass's entries, settled in the background. */
interface Published {
  claimed: OutboxPendingDoc[];
}

/**
 * The relay over the pending index, passes overlapping: a pass claims (one find, one insert of
 * leases), records in the audit chain, publishes, and the next pass starts as soon as Kafka has
 * acknowledged, while the previous pass's settle (the documents' outboxes unset and the entries
 * deleted, together) is still under way. Order per key holds because passes publish one after
 * another, and a pass never publishes an entry behind an unpublished one of the same key (see
 * orderSafe); entries this relay published and is still settling are known in memory and neither
 * claimed again nor waited for. Nothing is lost: an entry goes only after Kafka acknowledged it, and
 * a relay that dies leaves its entries due under its lease, taken over after `leaseMs`.
 */
export function createPendingRelay(options: PendingRelayOptions) {
  const { index, collections, leases, producer, leaseMs, batchSize, now, log } = options;
  /** Entries this relay published whose settle has not finished, by `_id`. */
  const published = new Set<string>();
  /** Published passes whose settle failed: tried again at the next drain (their events are out). */
  const unsettled: Published[] = [];

  /** Lease keys this relay holds given back (the entries stay due where they were, so they keep their order). */
  async function giveBack(entries: readonly OutboxPendingDoc[]): Promise<void> {
    if (entries.length === 0) return;
    await bulkWriteInChunks(leases, entries.map((p) => ({ deleteOne: { filter: { _id: leaseKeyOf(p) as never } } })), { ordered: false });
  }

  /** Held entries whose lease ran out (its relay died before settling) get the next epoch, so a new key: the next pass takes them. Returns how many. */
  async function takeOverStale(held: readonly OutboxPendingDoc[], at: Date): Promise<number> {
    const suspects = mayBeStale(held, at, leaseMs);
    if (suspects.length === 0) return 0;
    const found = await Promise.all(suspects.map((p) => leases.findOne({ _id: leaseKeyOf(p) as never })));
    const stale = suspects.filter((_, i) => leaseRanOut(found[i] as { claimedAt: Date } | null, at, leaseMs));
    if (stale.length === 0) return 0;
    log.warn({ entries: stale.length }, 'outbox entries whose relay lease ran out are taken over');
    await bulkWriteInChunks(index, stale.map((p) => ({ updateOne: { filter: { _id: p._id }, update: { $set: { leaseEpoch: takenOverEpoch(p) } } } })), { ordered: false });
    return stale.length;
  }

  /** Inserts a lease per entry (unordered); returns the indexes another relay already held. */
  async function lease(entries: readonly OutboxPendingDoc[], claimedAt: Date): Promise<Set<number>> {
    const lost = new Set<number>();
    try {
      await leases.insertMany(entries.map((p) => ({ _id: leaseKeyOf(p) as never, claimedAt })), { ordered: false });
    } catch (error) {
      const list = writeErrorsOf(error);
      if (list.length === 0 || list.some((e) => e.code !== 11000)) throw error;
      for (const e of list) lost.add(e.index);
    }
    return lost;
  }

  /**
   * Claims, records and publishes up to `batchSize` due entries; returns what it published (its
   * settle still to do), or null when nothing could be taken. Commands in sequence: one find, one
   * insert of leases, the audit chain's record, the publish.
   */
  async function send(): Promise<{ count: number; pass: Published | null } | null> {
    const claimedAt = now();
    // Entries still settling are due as before: read past them (they are this relay's, already out).
    // Past those published when the find went out: a settle that ends while the find runs empties
    // its ids from `published`, yet the find may still return its entries (read before the delete).
    const settlingNow = new Set(published);
    const due = await index.find({ dueAt: { $lte: claimedAt } }).sort({ dueAt: 1, _id: 1 }).limit(batchSize + settlingNow.size).toArray();
    const waiting = due.filter((p) => !settlingNow.has(p._id));
    for (const name of collections.keys()) {
      const mine = waiting.filter((p) => p.collection === name);
      options.onPass?.(name, mine.length, mine[0]?.dueAt ?? null);
    }
    const tried = waiting.slice(0, batchSize);
    if (tried.length === 0) return null;
    const { take, giveBack: behind, held } = orderSafe(tried, await lease(tried, claimedAt));
    const [takenOver] = await Promise.all([takeOverStale(held, claimedAt), giveBack(behind)]);
    // Nothing taken: other relays hold what is due; this drain ends rather than spinning on it,
    // unless it just took entries over (the next pass leases them under their new keys).
    if (take.length === 0) return takenOver > 0 ? { count: 0, pass: null } : null;
    const entries = take.flatMap((p) => p.entries);
    try {
      await options.record?.(entries);
      await producer.publish(entries.filter((e) => !e.chainOnly));
    } catch (error) {
      // Given back where they were: the next pass sends them first, before anything later of their keys.
      await giveBack(take).catch((e: unknown) => log.warn({ err: e }, 'outbox leases not given back; the entries go after the lease'));
      throw error;
    }
    for (const p of take) published.add(p._id);
    return { count: entries.length, pass: { claimed: take } };
  }

  /** A write tried again a few times when it fails (FerretDB on SQLite answers SQLITE_BUSY under write contention). */
  async function persist<T>(write: () => Promise<T>, attempts = 4): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await write();
      } catch (error) {
        if (attempt >= attempts) throw error;
        await sleep(20 * attempt);
      }
    }
  }

  /**
   * Removes what a pass published: the documents' outboxes unset (by `_id`, in chunks) and, at the
   * same time, the index entries deleted (one command: the index is small). Either may land first:
   * a crash between them only sends the events again (after the lease, or by the sweep), never loses one.
   */
  async function settle(pass: Published): Promise<void> {
    const byCollection = new Map<string, OutboxPendingDoc[]>();
    for (const p of pass.claimed) byCollection.set(p.collection, [...(byCollection.get(p.collection) ?? []), p]);
    const unsets = [...byCollection].map(([name, entries]) => {
      const collection = collections.get(name);
      if (!collection) return Promise.resolve();
      return persist(() => bulkWriteInChunks(collection, entries.map((p) => ({ updateOne: { filter: { _id: p.docId as never }, update: { $unset: { outbox: '', outboxDueAt: '' } } } })), { ordered: false }));
    });
    const ids = pass.claimed.map((p) => p._id);
    await Promise.all([...unsets, persist(() => index.deleteMany({ _id: { $in: ids } }))]);
    for (const id of ids) published.delete(id);
  }

  /** Settles in the background; a settle that fails keeps its entries known as published and is tried again at the next drain. */
  function settleLater(pass: Published): Promise<void> {
    return settle(pass).catch((error: unknown) => {
      log.warn({ err: error, entries: pass.claimed.length }, 'outbox settle failed; tried again at the next drain');
      unsettled.push(pass);
    });
  }

  return {
    /** Passes until nothing is due and every settle has ended, each overlapping the previous one's settle; returns how many events went out. */
    async drain(): Promise<number> {
      for (const pass of unsettled.splice(0)) await settleLater(pass);
      const settling = new Set<Promise<void>>();
      let total = 0;
      let takeOversOnly = 0;
      try {
        for (;;) {
          while (settling.size >= settlesInFlight) await Promise.race(settling);
          const sent = await send();
          if (!sent) {
            // Nothing due now; what falls due while settles are still under way goes when one ends, not after them all.
            if (settling.size === 0) break;
            await Promise.race(settling);
            continue;
          }
          total += sent.count;
          if (!sent.pass) {
            // Only took entries over: the next pass leases them (a take-over that did not land ends the drain after a few).
            if (++takeOversOnly > 3) break;
            continue;
          }
          takeOversOnly = 0;
          const settled: Promise<void> = settleLater(sent.pass).finally(() => settling.delete(settled));
          settling.add(settled);
        }
      } finally {
        await Promise.all(settling);
      }
      if (total > 0) log.debug({ count: total }, 'events published from the pending index');
      return total;
    },
  };
}
