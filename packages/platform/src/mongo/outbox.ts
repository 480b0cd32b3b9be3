import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Document } from 'mongodb';
import type { Logger } from 'pino';
import type { EventEnvelope } from '@aftersales/contracts';
import type { EventProducer, OutgoingEvent } from '../kafka/producer';
import { insertedOnce } from './connection';

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
}

export interface OutboxFields {
  outbox?: OutboxEntry[];
  outboxDueAt?: Date;
}

/** Fields to include in an insert so the document is stored together with its events. */
export function outboxForInsert(events: OutgoingEvent[], now: Date): Required<OutboxFields> {
  return { outbox: events.map(({ topic, event }) => ({ topic, event })), outboxDueAt: now };
}

/** Update operators that append events to a document in the same update as its state change. */
export function outboxForUpdate(events: OutgoingEvent[], now: Date) {
  return {
    $push: { outbox: { $each: events.map(({ topic, event }) => ({ topic, event })) } },
    $min: { outboxDueAt: now },
  };
}

export interface OutboxRelay {
  start(): void;
  /** Wakes the relay now (after a local write) instead of at its next poll. */
  nudge(): void;
  stop(): Promise<void>;
  /** Publishes what is due once; returns how many events went out. For tests and shutdown. */
  drain(): Promise<number>;
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
  now?: () => Date;
}

/**
 * Publishes pending events and removes them from their documents. At-least-once: a crash between
 * publish and removal publishes again, which consumers absorb by event id. Several relays may run;
 * the lease keeps them from publishing the same document at the same time.
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
    const due = await collection.find({ outboxDueAt: { $lte: claimedAt } }, { projection: { _id: 1 } }).sort({ outboxDueAt: 1, _id: 1 }).limit(batchSize).toArray();
    if (due.length === 0) return -1;
    const claimed = (await Promise.all(due.map((d) => claim(collection, d._id, claimedAt)))).filter((d): d is Document => d !== null);
    const perDocument = claimed.map((doc) => ({ doc, entries: (doc.outbox ?? []) as OutboxEntry[] }));
    await producer.publish(perDocument.flatMap((p) => p.entries));
    await Promise.all(perDocument.map((p) => settle(collection, p.doc, p.entries)));
    // Leases stay a while: a losing claim that read the document just before ours may try its insert
    // only after we settled, and must still find the key taken. Old ones go in purgeLeases.
    const count = perDocument.reduce((sum, p) => sum + p.entries.length, 0);
    if (count > 0) log.debug({ count, documents: claimed.length, collection: collection.collectionName }, 'events published');
    return count;
  }

  let leasesPurgedAt = 0;
  /** Leases far older than any claim still in flight are dropped, at most once a minute. */
  async function purgeLeases(): Promise<void> {
    const at = now().getTime();
    if (at - leasesPurgedAt < 60_000) return;
    leasesPurgedAt = at;
    const keepMs = Math.max(10 * 60_000, 10 * leaseMs);
    await leases.deleteMany({ claimedAt: { $lt: new Date(at - keepMs) } });
  }

  async function drain(): Promise<number> {
    await purgeLeases();
    let total = 0;
    for (const collection of collections) {
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
      try {
        await drain();
      } catch (error) {
        log.warn({ err: error }, 'outbox relay pass failed; will retry');
      }
      if (!running) break;
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
      wake?.();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    drain,
  };
}
