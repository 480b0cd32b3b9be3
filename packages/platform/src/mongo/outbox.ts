import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Db, Document, InsertOneOptions } from 'mongodb';
import type { Logger } from 'pino';
import type { EventEnvelope } from '@aftersales/contracts';
import type { EventProducer, OutgoingEvent } from '../kafka/producer';
import { insertedOnce, isDuplicateKeyError } from './connection';
import { traceHeaders } from '../tracing';
import { currentActor } from '../audit/actor';
import { createPendingRelay } from './outbox-pending';
import { noteMissedEntry, sweptFor, trackedMarkerOf, untrackedCollections, writersToSweepFor, type OutboxWriterDoc } from './outbox-writers';

/**
 * Transactional outbox inside the aggregate's own document. FerretDB v1 (and any Mongo without a
 * replica set) has no multi-document transactions, so the pending events ride in the same
 * single-document write as the state change: both are stored, or neither is.
 *
 * Fields on the document: `outbox` (pending events, oldest first) and `outboxDueAt` (when a relay
 * may take them; a relay pushes it forward while it holds a lease).
 */
export interface OutboxEntry {
  topic: string;
  event: EventEnvelope;
  /** The W3C trace context of the write that stored it, sent as Kafka headers (see tracing.ts). */
  trace?: Record<string, string>;
  /** Who made the change (the caller's user id, see audit/actor.ts); absent for the service's own work. */
  actor?: string;
  /** What the audit chain records of the change when the writer knows more than the event: the fields before and after. */
  change?: { action?: string; before: unknown; after: unknown };
  /** Recorded in the audit chain only, never published: a change that has no event of its own. */
  chainOnly?: true;
}

/** An event as a write stores it: what the producer sends, and what the audit chain should know of the change. */
export type StoredEvent = OutgoingEvent & Pick<OutboxEntry, 'change' | 'chainOnly' | 'actor'>;

/** The entries of a write, each with the trace context the write runs in and who it is done for. */
function entriesOf(events: StoredEvent[]): OutboxEntry[] {
  const trace = traceHeaders();
  const caller = currentActor();
  return events.map(({ topic, event, change, chainOnly, actor = caller }) => ({
    topic,
    event,
    ...(Object.keys(trace).length > 0 ? { trace } : {}),
    ...(actor !== undefined ? { actor } : {}),
    ...(change ? { change } : {}),
    ...(chainOnly ? { chainOnly } : {}),
  }));
}

/** What the relay sends: the entries that are events (chain-only ones are not). */
const published = (entries: OutboxEntry[]) => entries.filter((e) => !e.chainOnly);

export interface OutboxFields {
  outbox?: OutboxEntry[];
  outboxDueAt?: Date;
}

/** Fields to include in an insert so the document is stored together with its events. */
export function outboxForInsert(events: StoredEvent[], now: Date): Required<OutboxFields> {
  return { outbox: entriesOf(events), outboxDueAt: now };
}

/** Update operators that append events to a document in the same update as its state change. */
export function outboxForUpdate(events: StoredEvent[], now: Date) {
  return {
    $push: { outbox: { $each: entriesOf(events) } },
    $min: { outboxDueAt: now },
  };
}

/**
 * Pending index for insert-only outboxes. FerretDB v1 pushes down only a filter that is exactly
 * `{ _id: <string> }`; any other filter (`{ outboxDueAt: { $lte } }`, even `{ _id, outboxDueAt }`)
 * reads the whole collection, so a relay finding due documents in a collection of a year's records
 * takes seconds per pass. A collection registered with `indexedOutbox` gets its events through
 * `insertWithOutbox`: the document with its outbox in one insert (the transactional outbox, as
 * before), then one small entry in `outboxPending` (keyed by collection and document, carrying the
 * events). The relay works from that small collection (outbox-pending.ts: passes that overlap, the
 * next sending while the last one settles) and settles each document by `_id`. A
 * process that dies between the two inserts leaves a document whose outbox no entry names: the
 * relay's sweep (at start and every `sweepMs`) scans the indexed collections for those and writes
 * their entries. Only for collections whose documents take events with their insert, never later.
 */
export interface OutboxPendingDoc {
  _id: string;
  collection: string;
  docId: string;
  entries: OutboxEntry[];
  dueAt: Date;
  /** Set when a relay took the entry over from one whose lease ran out (see outbox-claims.ts). */
  leaseEpoch?: number;
}

export const outboxPendingCollection = 'outboxPending';
const indexedCollections = new WeakSet<object>();

/** Marks an insert-only outbox collection: its writers use insertWithOutbox, the relay reads its pending index. */
export function indexedOutbox<T extends Document>(collection: Collection<T>): Collection<T> {
  indexedCollections.add(collection);
  return collection;
}

function dbOf(collection: Collection<Document>): Db {
  // A mongoose collection has no `db`; its connection has.
  const db = (collection as { db?: Db }).db ?? (collection as unknown as { conn?: { db?: Db } }).conn?.db;
  if (!db) throw new Error(`outbox: no database for collection ${collection.collectionName}`);
  return db;
}

const pendingOf = (collection: Collection<Document>) => dbOf(collection).collection<OutboxPendingDoc>(outboxPendingCollection);

const pendingKey = (collectionName: string, docId: unknown) => `${collectionName}|${String(docId)}`;

let killBeforeEntry = false;
/** Fault injection (OUTBOX_FAULT_KILL_BEFORE_ENTRY): from now on this process dies with SIGKILL between a document's insert and its pending entry. */
export function killBeforePendingEntry(): void {
  killBeforeEntry = true;
}

/**
 * Records a stored document's events in the pending index; an entry already there stands. A failed
 * insert leaves a mark that calls for the relay's sweep (see outbox-writers.ts) before it throws.
 */
async function notePending(collection: Collection<Document>, docId: unknown, entries: OutboxEntry[], dueAt: Date): Promise<void> {
  if (killBeforeEntry) process.kill(process.pid, 'SIGKILL');
  try {
    await insertedOnce(pendingOf(collection).insertOne({ _id: pendingKey(collection.collectionName, docId), collection: collection.collectionName, docId: String(docId), entries, dueAt }));
  } catch (error) {
    noteMissedEntry(dbOf(collection));
    throw error;
  }
}

/**
 * Inserts a document together with its events (one single-document insert), then its entry in the
 * pending index. Throws what the document's insert throws (a duplicate key is the caller's to judge).
 */
export async function insertWithOutbox<T extends Document & { _id: string }>(collection: Collection<T>, doc: T, events: StoredEvent[], now: Date): Promise<void> {
  const fields = outboxForInsert(events, now);
  await collection.insertOne({ ...doc, ...fields } as never);
  await notePending(collection as unknown as Collection<Document>, doc._id, fields.outbox, now);
}

/**
 * An insert-only outbox collection whose writers spread `outboxForInsert` into their own
 * `insertOne`s: each insert of a document with events is followed by its pending entry, and an
 * insert refused for a taken key writes the stored document's entry if it still has events (its
 * writer may have died between the two), so the relay reads the small index, never the collection.
 */
export function notingInserts<T extends Document>(collection: Collection<T>): Collection<T> {
  const target = collection as unknown as Collection<Document>;
  const insertOne = async (doc: Document & OutboxFields, options?: InsertOneOptions) => {
    try {
      const result = await target.insertOne(doc, options);
      await notePendingOutbox(target, doc as { _id: string } & OutboxFields);
      return result;
    } catch (error) {
      if (isDuplicateKeyError(error) && doc.outbox?.length) await noteStored(target, doc._id as string);
      throw error;
    }
  };
  const noted = new Proxy(target, {
    get(on, prop) {
      if (prop === 'insertOne') return insertOne;
      if (prop === 'insertMany') {
        return (docs: (Document & OutboxFields)[], options?: object) => {
          if (docs.some((d) => d.outbox?.length)) throw new Error(`${on.collectionName}: documents with events go in one at a time, each with its pending entry`);
          return on.insertMany(docs, options);
        };
      }
      const value = Reflect.get(on, prop, on) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(on) : value;
    },
  });
  return indexedOutbox(noted) as unknown as Collection<T>;
}

/**
 * insertWithOutbox for a document that may be stored already (a retried activity): false when its
 * key was taken, and then its pending entry is written if it still has events, in case the earlier
 * writer died between its two inserts.
 */
export async function insertOnceWithOutbox<T extends Document & { _id: string }>(collection: Collection<T>, doc: T, events: StoredEvent[], now: Date): Promise<boolean> {
  try {
    await insertWithOutbox(collection, doc, events, now);
    return true;
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    await noteStored(collection as unknown as Collection<Document>, doc._id);
    return false;
  }
}

/**
 * The pending entry of a document its writer inserted with `outboxForInsert` itself and lets go
 * later (dispatch's work order change, once the work order shows it). A writer that dies before
 * this leaves the document to the relay's sweep. Idempotent: an entry already there stands.
 */
export async function notePendingOutbox(collection: Collection<Document>, doc: { _id: string } & OutboxFields): Promise<void> {
  if (!doc.outbox?.length) return;
  await notePending(collection, doc._id, doc.outbox, doc.outboxDueAt ?? new Date());
}

/** A key found taken: the stored document's pending entry, if it still has events (its writer may have died between its two inserts). */
async function noteStored(collection: Collection<Document>, id: string): Promise<void> {
  const stored = (await collection.findOne({ _id: id as never })) as ({ _id: string } & OutboxFields) | null;
  if (stored) await notePendingOutbox(collection, stored);
}

/** Documents younger than this are left to their writers by the sweep (their entry may still be on its way). */
const sweepGraceMs = 10_000;

export interface OutboxRelay {
  start(): void;
  /** Wakes the relay now (after a local write) instead of at its next poll. */
  nudge(): void;
  stop(): Promise<void>;
  /** Publishes what is due once; returns how many events went out. For tests and shutdown. */
  drain(): Promise<number>;
  /** Writes the missing pending entries of indexed collections (see indexedOutbox); returns how many. Runs by itself at start and every sweepMs. */
  sweep(): Promise<number>;
}

export interface OutboxRelayOptions {
  collections: Collection<Document>[];
  /** Where claims are made sure (unique keys); one per service database, e.g. `outboxLeases`. */
  leases: Collection<Document>;
  producer: EventProducer;
  logger: Logger;
  pollMs: number;
  /** How long a claimed document stays with one relay before another may take it over. */
  leaseMs?: number;
  /** Documents claimed and published per pass. */
  batchSize?: number;
  /**
   * How often indexed collections are scanned for documents their pending entry missed, whatever
   * the writers say (without `writers` also at start; with them the start sweeps only when they
   * call for it). Default: never with `writers`, else every 5 minutes.
   */
  sweepMs?: number;
  /**
   * The writers' heartbeats and marks (outbox-writers.ts): checked every `writersCheckMs` (default
   * 15 s), a sweep runs when a writer's heartbeat is older than `writerStaleMs` (default 60 s) or
   * an entry's insert failed.
   */
  writers?: Collection<OutboxWriterDoc>;
  writersCheckMs?: number;
  writerStaleMs?: number;
  now?: () => Date;
  /** Told after each pass what was due per collection (counted up to the batch size) and since when the oldest waited. */
  onPass?: (collection: string, due: number, oldestDueAt: Date | null) => void;
  /**
   * Told every claimed entry before it is published and marked sent (the audit chain appends
   * them): a crash in between leaves them due, so they are told again, and it must dedupe by event id.
   */
  record?: (entries: OutboxEntry[]) => Promise<unknown>;
  /** The pending index to relay even when no collection here is indexed (managed records write to it). */
  pending?: Collection<OutboxPendingDoc>;
}

/**
 * Publishes pending events and removes them from their documents. At-least-once: a crash between
 * publish and removal publishes again, which consumers absorb by event id. Several relays may run;
 * the lease keeps them from publishing the same document at the same time. The pending index is
 * relayed by outbox-pending.ts, collections that are not indexed by the passes below.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { collections, leases, producer, pollMs } = options;
  const leaseMs = options.leaseMs ?? 30_000;
  const batchSize = options.batchSize ?? 100;
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ module: 'outbox-relay' });
  let running = false;
  let loop: Promise<void> | null = null;
  let wake: (() => void) | null = null;
  let nudged = false;

  /**
   * Claims one due document for this relay; null when another relay has it or it is no longer due.
   * FerretDB v1 may let two relays' findAndModify both match the same due document, so the claim
   * is made sure by a unique insert keyed by the document and the due instant both saw: one wins.
   */
  async function claim(collection: Collection<Document>, _id: Document['_id'], claimedAt: Date): Promise<Document | null> {
    const before = await collection.findOneAndUpdate(
      { _id, outboxDueAt: { $lte: claimedAt } },
      { $set: { outboxDueAt: new Date(claimedAt.getTime() + leaseMs) } },
      // No projection: FerretDB v1 does not implement findAndModify's `fields`.
      { returnDocument: 'before' },
    );
    if (!before) return null;
    const due = before.outboxDueAt instanceof Date ? before.outboxDueAt.getTime() : String(before.outboxDueAt);
    const leaseId = `${collection.collectionName}|${String(_id)}|${due}`;
    if (!(await insertedOnce(leases.insertOne({ _id: leaseId as never, claimedAt })))) return null;
    return before;
  }

  /** Removes what was published from a claimed document; re-arms it if events were appended meanwhile. */
  async function settle(collection: Collection<Document>, claimed: Document, entries: OutboxEntry[]): Promise<void> {
    if (entries.length === 0) {
      // A due mark with nothing behind it: the late write of a claim that lost the race. No writer
      // appends to a stored document's outbox, so the mark alone goes.
      await collection.updateOne({ _id: claimed._id, outbox: { $exists: false } }, { $unset: { outboxDueAt: '' } });
      return;
    }
    const first = entries[0]?.event.id;
    // The usual case in one write: the outbox still holds exactly what was published.
    if (first !== undefined) {
      const whole = await collection.updateOne(
        { _id: claimed._id, outbox: { $size: entries.length }, 'outbox.0.event.id': first },
        { $unset: { outbox: '', outboxDueAt: '' } },
      );
      if (whole.modifiedCount === 1) return;
    }
    // Remove from the head only while the head is what was published: writers append at the tail,
    // so this never drops an unpublished event. (FerretDB v1 ignores $pull with a field condition.)
    for (const entry of entries) {
      await collection.updateOne({ _id: claimed._id, 'outbox.0.event.id': entry.event.id }, { $pop: { outbox: -1 } });
    }
    // Events appended meanwhile keep the document due; otherwise the outbox fields go.
    const cleared = await collection.updateOne({ _id: claimed._id, outbox: { $size: 0 } }, { $unset: { outbox: '', outboxDueAt: '' } });
    // Only a non-empty outbox is re-armed: another relay may have taken the document over (an append
    // makes it due at once, or our lease ran out) and cleared it; re-arming that would leave a due
    // document with no outbox, which every drain would claim again forever.
    if (cleared.modifiedCount === 0) await collection.updateOne({ _id: claimed._id, 'outbox.0': { $exists: true } }, { $set: { outboxDueAt: now() } });
  }

  /**
   * One pass over up to `batchSize` due documents: claimed and settled concurrently (each a
   * different document; the Mongo pool bounds how many at once), their events published in one batch in the order they fell due, so one
   * subject's events keep their order. Returns -1 when nothing was due.
   */
  async function relayBatch(collection: Collection<Document>): Promise<number> {
    const claimedAt = now();
    const due = await collection.find({ outboxDueAt: { $lte: claimedAt } }, { projection: { _id: 1, outboxDueAt: 1 } }).sort({ outboxDueAt: 1, _id: 1 }).limit(batchSize).toArray();
    options.onPass?.(collection.collectionName, due.length, due[0]?.outboxDueAt instanceof Date ? due[0].outboxDueAt : null);
    if (due.length === 0) return -1;
    const claimed = (await Promise.all(due.map((d) => claim(collection, d._id, claimedAt)))).filter((d): d is Document => d !== null);
    const perDocument = claimed.map((doc) => ({ doc, entries: (doc.outbox ?? []) as OutboxEntry[] }));
    await options.record?.(perDocument.flatMap((p) => p.entries));
    await producer.publish(published(perDocument.flatMap((p) => p.entries)));
    await Promise.all(perDocument.map((p) => settle(collection, p.doc, p.entries)));
    // Leases stay a while: a losing claim that read the document just before ours may try its insert
    // only after we settled, and must still find the key taken. Old ones go in purgeLeases.
    const count = perDocument.reduce((sum, p) => sum + p.entries.length, 0);
    if (count > 0) log.debug({ count, documents: claimed.length, collection: collection.collectionName }, 'events published');
    return count;
  }

  const indexed = collections.filter((c) => indexedCollections.has(c));
  const scanned = collections.filter((c) => !indexedCollections.has(c));
  const pending = options.pending ?? (indexed[0] ? pendingOf(indexed[0]) : null);
  const pendingRelay = pending
    ? createPendingRelay({
        index: pending,
        collections: new Map(indexed.map((c) => [c.collectionName, c])),
        leases,
        producer,
        leaseMs,
        batchSize,
        now,
        log,
        ...(options.record ? { record: options.record } : {}),
        ...(options.onPass ? { onPass: options.onPass } : {}),
      })
    : null;

  /** Writes the pending entry of every due document of the indexed collections that has none (a writer died between its two inserts). */
  async function sweep(only?: readonly string[]): Promise<number> {
    let noted = 0;
    for (const collection of only ? indexed.filter((c) => only.includes(c.collectionName)) : indexed) {
      const cutoff = new Date(now().getTime() - sweepGraceMs);
      const docs = await collection.find({ outboxDueAt: { $lte: cutoff } }, { projection: { _id: 1, outbox: 1, outboxDueAt: 1 } }).toArray();
      for (const doc of docs) {
        const entries = (doc.outbox ?? []) as OutboxEntry[];
        if (entries.length === 0) continue;
        await notePending(collection, doc._id, entries, doc.outboxDueAt instanceof Date ? doc.outboxDueAt : cutoff);
        noted++;
      }
    }
    if (noted > 0) log.warn({ documents: noted }, 'outbox sweep found documents without a pending entry');
    return noted;
  }

  const { writers } = options;
  const sweepMs = options.sweepMs ?? (writers ? Number.POSITIVE_INFINITY : 5 * 60_000);
  const writersCheckMs = options.writersCheckMs ?? 15_000;
  const writerStaleMs = options.writerStaleMs ?? 60_000;
  let sweptAt: number | null = null;
  let checkedAt = 0;
  let sweeping: Promise<unknown> | null = null;

  /**
   * A sweep when a writer's heartbeat stopped or an entry's insert failed; then what it covered
   * goes. At start also once per indexed collection, of what it held before it was tracked (its
   * marker, written after that sweep): a collection indexed in a later version is swept once too.
   */
  async function sweepForWriters(from: Collection<OutboxWriterDoc>, atStart = false): Promise<void> {
    const docs = await from.find({}).toArray();
    const seen = writersToSweepFor(docs, now(), writerStaleMs, sweepGraceMs);
    const untracked = atStart ? untrackedCollections(docs, indexed.map((c) => c.collectionName)) : { sweep: [], mark: [] };
    if (seen.length === 0 && untracked.mark.length === 0) return;
    if (seen.length > 0) log.warn({ writers: seen.map((d) => d._id) }, 'outbox writers stopped or missed an entry; sweeping');
    if (seen.length > 0) await sweep();
    else if (untracked.sweep.length > 0) await sweep(untracked.sweep);
    await sweptFor(from, seen);
    await Promise.all(untracked.mark.map((name) => insertedOnce(from.insertOne({ _id: trackedMarkerOf(name), kind: 'tracked', at: now() }))));
  }

  /**
   * Starts a sweep in the background when one is due (at start, after `sweepMs`, or when the
   * writers call for one): on FerretDB it reads the whole collections, so never inside a pass.
   */
  function sweepWhenDue(): void {
    if (indexed.length === 0 || sweeping) return;
    const at = now().getTime();
    let work: (() => Promise<unknown>) | null = null;
    if (writers && sweptAt === null) {
      // At start with writers: only when they call for it (see outbox-writers.ts).
      sweptAt = at;
      checkedAt = at;
      work = () => sweepForWriters(writers, true);
    } else if (sweptAt === null || at - sweptAt >= sweepMs) {
      sweptAt = at;
      work = sweep;
    } else if (writers && at - checkedAt >= writersCheckMs) {
      checkedAt = at;
      work = () => sweepForWriters(writers);
    }
    if (!work) return;
    sweeping = work()
      .catch((error: unknown) => log.warn({ err: error }, 'outbox sweep failed; will retry'))
      .finally(() => (sweeping = null));
  }

  let leasesPurgedAt = 0;
  let purging: Promise<unknown> | null = null;
  /**
   * Leases far older than any claim still in flight are dropped, at most once a minute, in the
   * background: on FerretDB the delete reads the whole lease collection, so never inside a pass.
   */
  function purgeLeases(): void {
    const at = now().getTime();
    if (purging || at - leasesPurgedAt < 60_000) return;
    leasesPurgedAt = at;
    const keepMs = Math.max(10 * 60_000, 10 * leaseMs);
    purging = leases
      .deleteMany({ claimedAt: { $lt: new Date(at - keepMs) } })
      .catch((error: unknown) => log.warn({ err: error }, 'outbox lease purge failed; will retry'))
      .finally(() => (purging = null));
  }

  async function drain(): Promise<number> {
    purgeLeases();
    let total = 0;
    if (pendingRelay) total += await pendingRelay.drain();
    for (const collection of scanned) {
      for (;;) {
        const count = await relayBatch(collection);
        if (count < 0) break;
        total += count;
      }
    }
    return total;
  }

  async function run(): Promise<void> {
    while (running) {
      sweepWhenDue();
      nudged = false;
      let failed = false;
      try {
        await drain();
      } catch (error) {
        failed = true;
        log.warn({ err: error }, 'outbox relay pass failed; will retry');
      }
      if (!running) break;
      // A write that nudged while the drain ran (after its last find) is not left for the poll; a failed drain waits it out.
      if (nudged && !failed) continue;
      await Promise.race([sleep(pollMs), new Promise<void>((resolve) => (wake = resolve))]);
      wake = null;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    nudge() {
      nudged = true;
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
      await sweeping;
      await purging;
    },
    drain,
    sweep,
  };
}
