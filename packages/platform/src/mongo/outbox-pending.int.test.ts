import type { Collection, Db, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics } from '@aftersales/contracts';
import { createAuditChain } from '../audit/store';
import { createEventChain } from '../audit/events';
import type { EventProducer } from '../kafka/producer';
import { commandNames, commandRecorder, firstSeenIdsByKey, openTestServers, registeredEvent, testLogger, uniqueName, type ReadMessage, type TestServers, type TopicReader } from '../testing';
import { createOutboxRelay, indexedOutbox, insertOnceWithOutbox, insertWithOutbox, notePendingOutbox, notingInserts, outboxForInsert, outboxPendingCollection } from './outbox';
import { leaseKeyOf } from './outbox-claims';

/** The relay over the pending index on FerretDB and Kafka: overlapping passes, order per key, commands per pass. */
const stack = inject('stack');
const ns = uniqueName('outbox-pending');
const topic = namespacedTopic(ns, topics.serviceRequests);
const logger = testLogger();
const recorder = commandRecorder();

let servers: TestServers;
let db: Db;
let producer: EventProducer;
let reader: TopicReader;

beforeAll(async () => {
  // The relay's client reports its commands; the test's own writes go through it only outside recording.
  servers = await openTestServers(stack, ns, [topic], { logger, onCommand: recorder.listener });
  ({ db, producer, reader } = servers);
});

afterAll(() => servers?.close());

/** `count` documents, each stored with one event, over `keys` aggregates; document n is due n ms after the first, so due order is n's order. */
async function backlog(name: string, count: number, keys: number) {
  const docs = indexedOutbox(db.collection<{ _id: string }>(name));
  const key = (n: number) => `${ns}-${name}-K${n % keys}`;
  const id = (n: number) => `${ns}-${name}-e${String(n).padStart(4, '0')}`;
  const base = Date.now() - 5_000;
  for (let n = 0; n < count; n += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, count - n) }, (_, i) => n + i).map((m) => insertWithOutbox(docs, { _id: `D-${m}` }, [{ topic, event: registeredEvent(key(m), { id: id(m) }) }], new Date(base + m))),
    );
  }
  const expected = new Map<string, string[]>();
  for (let n = 0; n < count; n++) expected.set(key(n), [...(expected.get(key(n)) ?? []), id(n)]);
  return { docs: docs as unknown as Collection<Document>, expected, keysOf: new Set(expected.keys()) };
}

/** Waits for every expected event, then a moment for late copies; returns the messages of these keys. */
async function consumed(expected: Map<string, string[]>): Promise<ReadMessage[]> {
  const keys = new Set(expected.keys());
  const total = [...expected.values()].flat().length;
  const ids = new Set([...expected.values()].flat());
  const mine = (m: ReadMessage) => keys.has(m.key ?? '');
  await reader.waitFor(total, `${total} events over ${keys.size} keys`, (m) => mine(m) && ids.has(m.headers['event-id'] ?? ''));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  return reader.messages.filter(mine);
}

const copies = (messages: ReadMessage[]) => {
  const counts = new Map<string, number>();
  for (const m of messages) counts.set(m.headers['event-id']!, (counts.get(m.headers['event-id']!) ?? 0) + 1);
  return counts;
};

/** A producer that records each publish and can fail one of them. */
function watchedProducer(inner: EventProducer, failOn?: number) {
  let calls = 0;
  const published: number[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const wrapped: EventProducer = {
    async publish(events) {
      calls++;
      if (calls === failOn) throw new Error('broker refused the batch');
      await inner.publish(events);
      published.push(events.length);
      for (const w of waiters.filter((w) => published.length >= w.count)) w.resolve();
    },
    publishRaw: (t, m) => inner.publishRaw(t, m),
    disconnect: () => inner.disconnect(),
  };
  return { producer: wrapped, published, publishes: (count: number) => new Promise<void>((resolve) => (published.length >= count ? resolve() : waiters.push({ count, resolve }))) };
}

describe('outbox relay over the pending index', () => {
  it('sends a backlog of 300 over 20 keys exactly once, in order per key, the next pass sending while the last one settles, in a bounded number of commands per pass', async () => {
    const { docs, expected } = await backlog('backlog', 300, 20);
    const batchSize = 50;
    const watched = watchedProducer(producer);
    // The first settle's unset of the documents waits until a later pass has published: a relay
    // whose passes did not overlap would never get there (the test would time out).
    let heldOnce = false;
    const held = new Proxy(docs, {
      get(target, property) {
        if (property === 'bulkWrite' && !heldOnce) {
          heldOnce = true;
          return async (...args: Parameters<Collection<Document>['bulkWrite']>) => {
            await watched.publishes(2);
            // eslint-disable-next-line no-restricted-syntax -- the relay's own chunk (from bulkWriteInChunks), passed on
            return target.bulkWrite(...args);
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const chain = createAuditChain(db);
    const events = createEventChain(db, chain, { now: () => new Date() });
    const relay = createOutboxRelay({
      collections: [indexedOutbox(held)],
      leases: db.collection('outboxLeases'),
      pending: db.collection(outboxPendingCollection),
      producer: watched.producer,
      logger,
      pollMs: 60_000,
      batchSize,
      record: (entries) => events.record(entries),
    });
    const started = performance.now();
    const { result: sent, commands } = await recorder.recorded(async () => {
      const count = await relay.drain();
      await events.marked();
      return count;
    });
    const ms = performance.now() - started;
    expect(sent).toBe(300);
    expect(watched.published.length).toBe(300 / batchSize);

    const messages = await consumed(expected);
    expect(firstSeenIdsByKey(messages)).toEqual(expected);
    expect([...copies(messages).values()].filter((n) => n !== 1)).toEqual([]);
    expect(messages).toHaveLength(300);
    expect(await db.collection(outboxPendingCollection).countDocuments({})).toBe(0);
    expect(await docs.countDocuments({ outbox: { $exists: true } })).toBe(0);
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 300 });

    // In sequence between one pass's find and the next: its leases, the chain's mark and append
    // (and its head hint), then the publish. The settle (the documents' outboxes by _id in chunks
    // of 16, the entries in one delete, the marks' seqs) runs beside the next pass.
    const names = commandNames(commands);
    const finds = names.flatMap((n, i) => (n === `find ${outboxPendingCollection}` ? [i] : []));
    // Six passes, then a find after each settle still under way (at most two) finds nothing.
    expect(finds.length).toBeGreaterThanOrEqual(300 / batchSize + 1);
    expect(finds.length).toBeLessThanOrEqual(300 / batchSize + 3);
    const settleCommand = (n: string) => n === `update backlog` || n === `delete ${outboxPendingCollection}` || n === 'update audit_marks';
    for (let pass = 1; pass < 300 / batchSize; pass++) {
      const between = names.slice(finds[pass]! + 1, finds[pass + 1]).filter((n) => !settleCommand(n));
      expect(between, `pass ${pass + 1}`).toEqual(['insert outboxLeases', 'insert audit_marks', 'insert audit_chain', 'update audit_head']);
    }
    const chunks = Math.ceil(batchSize / 16);
    const perPass = 5 + 1 + 2 * chunks;
    // The first pass also finds the chain's tip (three reads by _id); the last finds find nothing.
    expect(commands.length).toBeLessThanOrEqual((300 / batchSize) * perPass + 3 + 3);
    process.stdout.write(`pending relay: 300 events in ${300 / batchSize} passes, ${ms.toFixed(0)} ms, ${commands.length} Mongo commands (${(commands.length / (300 / batchSize)).toFixed(1)} a pass, 4 in sequence)\n`);
  });

  it('a send that fails gives its entries back in place: the next drain sends them first, every event at least once, order per key kept', async () => {
    const { docs, expected } = await backlog('failed', 120, 8);
    const watched = watchedProducer(producer, 2);
    const relay = createOutboxRelay({ collections: [docs], leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer: watched.producer, logger, pollMs: 60_000, batchSize: 30 });
    await expect(relay.drain()).rejects.toThrow('broker refused the batch');
    // Given back, not leased: the same relay (or any) takes them at once, no wait for the lease.
    expect(await relay.drain()).toBe(90);
    const messages = await consumed(expected);
    expect(firstSeenIdsByKey(messages)).toEqual(expected);
    expect(messages).toHaveLength(120);
    expect(await db.collection(outboxPendingCollection).countDocuments({})).toBe(0);
  });

  it('a find that read entries of a settle ending while it ran reads past them: they were published, not held by another relay', async () => {
    const { docs, expected } = await backlog('raced', 100, 5);
    const index = db.collection(outboxPendingCollection);
    // Each settle's delete of its entries waits until the next pass's find has read them; that find
    // answers only once the delete (and so the settle) ended. Every pass then reads entries that are
    // settled by the time it looks at them.
    const signal = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    };
    let read = signal();
    let deleted: Promise<unknown> = Promise.resolve();
    const raced = new Proxy(index, {
      get(target, property) {
        if (property === 'deleteMany') {
          return (...args: Parameters<Collection<Document>['deleteMany']>) => {
            deleted = read.promise.then(() => target.deleteMany(...args));
            return deleted;
          };
        }
        if (property === 'find') {
          return (...args: Parameters<Collection<Document>['find']>) => {
            const cursor = target.find(...args);
            const answer = {
              sort: (...s: Parameters<typeof cursor.sort>) => (cursor.sort(...s), answer),
              limit: (n: number) => (cursor.limit(n), answer),
              toArray: async () => {
                const rows = await cursor.toArray();
                const settle = deleted;
                read.resolve();
                read = signal();
                await settle;
                await new Promise((resolve) => setTimeout(resolve, 50));
                return rows;
              },
            };
            return answer;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const relay = createOutboxRelay({ collections: [docs], leases: db.collection('outboxLeases'), pending: raced as never, producer, logger, pollMs: 60_000, batchSize: 20 });
    expect(await relay.drain()).toBe(100);
    const messages = await consumed(expected);
    expect(firstSeenIdsByKey(messages)).toEqual(expected);
    expect(messages).toHaveLength(100);
    expect(await index.countDocuments({ collection: 'raced' })).toBe(0);
  });

  it('holds back the later events of a key whose earlier entry another relay leased, and takes that entry over once its lease ran out', async () => {
    const { docs, expected } = await backlog('leased', 12, 3);
    const leaseMs = 30_000;
    // The entry of e0000 (key K0) leased by a relay that then died, before it published.
    const index = db.collection<{ _id: string; dueAt: Date }>(outboxPendingCollection);
    const first = (await index.findOne({ _id: 'leased|D-0' }))!;
    await db.collection('outboxLeases').insertOne({ _id: leaseKeyOf(first) as never, claimedAt: new Date() });
    const relayAt = (offsetMs: number) =>
      createOutboxRelay({ collections: [docs], leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer, logger, pollMs: 60_000, leaseMs, now: () => new Date(Date.now() + offsetMs) });

    // K1 and K2 go; none of K0 (its first event is not out).
    expect(await relayAt(0).drain()).toBe(8);
    const k0 = [...expected.keys()][0]!;
    const others = new Map([...expected].filter(([k]) => k !== k0));
    await consumed(others);
    expect(reader.messages.filter((m) => m.key === k0)).toEqual([]);
    expect(await index.countDocuments({})).toBe(4);

    // After the lease: the first pass takes the entry over (a new due instant a millisecond on), the next sends K0 in order.
    expect(await relayAt(leaseMs + 5_000).drain()).toBe(4);
    const messages = await consumed(expected);
    expect(firstSeenIdsByKey(messages).get(k0)).toEqual(expected.get(k0));
    expect(messages).toHaveLength(12);
  });

  it('a document stored by a writer that died before its pending entry gets the entry from a retry of the insert, or from a later note, and its event goes out once', async () => {
    const docs = indexedOutbox(db.collection<{ _id: string }>('retried'));
    const index = db.collection<{ _id: string }>(outboxPendingCollection);
    const key = `${ns}-retried`;
    const [a, b] = [registeredEvent(key, { id: `${ns}-r-a` }), registeredEvent(key, { id: `${ns}-r-b` })];
    // Both stored with their events; neither's pending entry was written (the writer died between).
    const at = new Date(Date.now() - 1_000);
    await docs.insertOne({ _id: 'R-A', ...outboxForInsert([{ topic, event: a }], at) } as never);
    await docs.insertOne({ _id: 'R-B', ...outboxForInsert([{ topic, event: b }], new Date(at.getTime() + 1)) } as never);
    expect(await index.countDocuments({ _id: { $in: ['retried|R-A', 'retried|R-B'] } })).toBe(0);
    // The retried insert finds its key taken and writes the stored document's entry; a writer that settles later notes it.
    expect(await insertOnceWithOutbox(docs, { _id: 'R-A' }, [{ topic, event: registeredEvent(key, { id: `${ns}-r-a-retry` }) }], new Date())).toBe(false);
    await notePendingOutbox(docs as unknown as Collection<Document>, (await docs.findOne({ _id: 'R-B' }))!);
    const relay = createOutboxRelay({ collections: [docs as unknown as Collection<Document>], leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer, logger, pollMs: 60_000 });
    expect(await relay.drain()).toBe(2);
    const messages = await consumed(new Map([[key, [a.id, b.id]]]));
    expect(messages.map((m) => m.headers['event-id'])).toEqual([a.id, b.id]);
    // Published and settled: a further retry has nothing left to note.
    expect(await insertOnceWithOutbox(docs, { _id: 'R-A' }, [{ topic, event: a }], new Date())).toBe(false);
    expect(await index.countDocuments({ _id: { $in: ['retried|R-A', 'retried|R-B'] } })).toBe(0);
  });

  it('a collection noting its inserts writes each stored document\'s entry, writes a taken key\'s entry again, and refuses documents with events in bulk', async () => {
    const docs = notingInserts(db.collection<{ _id: string }>('noted'));
    const index = db.collection<{ _id: string; entries: { event: { id: string } }[] }>(outboxPendingCollection);
    const key = `${ns}-noted`;
    const first = registeredEvent(key, { id: `${ns}-n-1` });
    await docs.insertOne({ _id: 'N-1', ...outboxForInsert([{ topic, event: first }], new Date()) } as never);
    await docs.insertOne({ _id: 'N-quiet' });
    expect((await index.findOne({ _id: 'noted|N-1' }))?.entries.map((e) => e.event.id)).toEqual([first.id]);
    expect(await index.findOne({ _id: 'noted|N-quiet' })).toBeNull();
    // A writer that died between its two inserts: the retry's insert is refused and writes the entry.
    await index.deleteOne({ _id: 'noted|N-1' });
    await expect(docs.insertOne({ _id: 'N-1', ...outboxForInsert([{ topic, event: registeredEvent(key, { id: `${ns}-n-1-retry` }) }], new Date()) } as never)).rejects.toMatchObject({ code: 11000 });
    expect((await index.findOne({ _id: 'noted|N-1' }))?.entries.map((e) => e.event.id)).toEqual([first.id]);
    expect(() => docs.insertMany([{ _id: 'N-2', ...outboxForInsert([{ topic, event: registeredEvent(key) }], new Date()) } as never])).toThrow(/one at a time/);
    const relay = createOutboxRelay({ collections: [docs as unknown as Collection<Document>], leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer, logger, pollMs: 60_000 });
    expect(await relay.drain()).toBe(1);
    expect((await consumed(new Map([[key, [first.id]]]))).map((m) => m.headers['event-id'])).toEqual([first.id]);
  });
});
