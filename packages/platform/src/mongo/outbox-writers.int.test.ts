import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import type { Collection, Db, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics } from '@aftersales/contracts';
import type { EventProducer } from '../kafka/producer';
import { openTestServers, registeredEvent, testLogger, uniqueName, type TestServers, type TopicReader } from '../testing';
import { createOutboxRelay, indexedOutbox, outboxForInsert, outboxPendingCollection, type OutboxRelay } from './outbox';
import { noteMissedEntry, outboxWritersCollection, startOutboxWriter, trackedMarkerOf, type OutboxWriterDoc } from './outbox-writers';

/**
 * On FerretDB and Kafka: the relay sweeps the indexed collections only when a writer's heartbeat
 * stopped or an entry's insert failed, not on a timer, and a document its entry missed is then
 * published. The relay's clock is moved forward instead of waiting out the grace and the staleness.
 */
const stack = inject('stack');
const ns = uniqueName('outbox-writers');
const topic = namespacedTopic(ns, topics.serviceRequests);
const logger = testLogger();

let servers: TestServers;
let db: Db;
let producer: EventProducer;
let reader: TopicReader;
let writers: Collection<OutboxWriterDoc>;

beforeAll(async () => {
  servers = await openTestServers(stack, ns, [topic], { logger });
  ({ db, producer, reader } = servers);
  writers = db.collection<OutboxWriterDoc>(outboxWritersCollection);
});

afterAll(() => servers?.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A document stored with its event whose pending entry was never written (its writer died, or the entry's insert failed). */
async function orphan(docs: Collection<Document>, id: string, at: Date): Promise<string> {
  const event = registeredEvent(id, { id: `${id}-event` });
  await docs.insertOne({ _id: id as never, ...outboxForInsert([{ topic, event }], at) });
  return event.id;
}

/** A relay on the real servers whose clock runs `shift.ms` ahead, checking the writers every 50 ms. */
function relayOver(docs: Collection<Document>, shift: { ms: number }): OutboxRelay {
  return createOutboxRelay({
    collections: [docs],
    leases: db.collection('outboxLeases'),
    pending: db.collection(outboxPendingCollection),
    writers,
    writersCheckMs: 50,
    producer,
    logger,
    pollMs: 50,
    now: () => new Date(Date.now() + shift.ms),
  });
}

const entryOf = (collection: string, id: string) => db.collection(outboxPendingCollection).findOne({ _id: `${collection}|${id}` as never });

describe('the sweep runs when the writers call for it', () => {
  it('leaves a document its entry missed while every writer beats, and publishes it once a writer\u2019s heartbeat stopped', async () => {
    const docs = indexedOutbox(db.collection<Document>('stoppedWriter'));
    const shift = { ms: 0 };
    const relay = relayOver(docs, shift);
    relay.start();
    try {
      // The start sweep has run over an empty collection before this document is stored.
      await sleep(300);
      const eventId = await orphan(docs, 'D-1', new Date());
      await writers.insertOne({ _id: `${ns}-writer`, kind: 'process', at: new Date() });
      // Past the sweep's grace, the writer's heartbeat 30 s old: no sweep, the document waits.
      shift.ms = 30_000;
      await sleep(500);
      expect(await entryOf('stoppedWriter', 'D-1')).toBeNull();
      expect(await docs.findOne({ _id: 'D-1' as never })).toHaveProperty('outbox');
      // The heartbeat 90 s old: the writer is taken for dead, the sweep writes the entry, the relay publishes.
      shift.ms = 90_000;
      await reader.waitFor(1, 'the event the stopped writer left', (m) => m.headers['event-id'] === eventId);
      await expect.poll(() => writers.findOne({ _id: `${ns}-writer` })).toBeNull();
    } finally {
      await relay.stop();
    }
  });

  it('publishes a document whose entry failed once its mark is older than the sweep\u2019s grace, and the mark goes', async () => {
    const docs = indexedOutbox(db.collection<Document>('missedEntry'));
    const shift = { ms: 0 };
    const relay = relayOver(docs, shift);
    relay.start();
    try {
      await sleep(300);
      const eventId = await orphan(docs, 'D-2', new Date());
      noteMissedEntry(db, logger);
      await expect.poll(() => writers.countDocuments({ kind: 'missed' })).toBe(1);
      // A mark younger than the grace waits (its document could be younger than the sweep looks).
      await sleep(300);
      expect(await entryOf('missedEntry', 'D-2')).toBeNull();
      shift.ms = 11_000;
      await reader.waitFor(1, 'the event whose entry failed', (m) => m.headers['event-id'] === eventId);
      await expect.poll(() => writers.countDocuments({ kind: 'missed' })).toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('sweeps at a relay\u2019s start once per collection, then only when the writers call for it: a writer gone from this host after 25 s', async () => {
    const docs = indexedOutbox(db.collection<Document>('atStart'));
    const shift = { ms: 0 };
    // No marker yet: the first start sweeps (documents from before writers kept heartbeats), then marks the collection.
    await writers.deleteMany({ kind: 'tracked' });
    const before = await orphan(docs, 'D-3', new Date(Date.now() - 20_000));
    let relay = relayOver(docs, shift);
    relay.start();
    await reader.waitFor(1, 'the event from before the heartbeats', (m) => m.headers['event-id'] === before);
    await expect.poll(() => writers.findOne({ _id: trackedMarkerOf('atStart') })).toMatchObject({ kind: 'tracked' });
    await relay.stop();

    // Marked, every writer beating: a start reads the writers and sweeps nothing.
    await writers.insertOne({ _id: `${ns}-alive`, kind: 'process', at: new Date(), host: hostname(), pid: process.pid });
    await orphan(docs, 'D-4', new Date(Date.now() - 20_000));
    relay = relayOver(docs, shift);
    relay.start();
    await sleep(500);
    expect(await entryOf('atStart', 'D-4')).toBeNull();
    await relay.stop();

    // A heartbeat of a process on this host that is gone (a pid no longer running): swept for once
    // its last beat is 25 s old (what it wrote after that beat is past the grace), not after 60 s.
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    await writers.insertOne({ _id: `${ns}-gone`, kind: 'process', at: new Date(), host: hostname(), pid: child.pid! });
    relay = relayOver(docs, shift);
    relay.start();
    try {
      await sleep(500);
      expect(await entryOf('atStart', 'D-4')).toBeNull();
      shift.ms = 30_000;
      await expect.poll(() => entryOf('atStart', 'D-4'), { timeout: 5_000 }).not.toBeNull();
      await expect.poll(() => writers.findOne({ _id: `${ns}-gone` })).toBeNull();
      expect(await writers.findOne({ _id: `${ns}-alive` })).not.toBeNull();
    } finally {
      await relay.stop();
      await writers.deleteOne({ _id: `${ns}-alive` });
    }
  });

  it('sweeps a collection indexed in a later version once at the next start, and not the collections tracked before', async () => {
    const tracked = indexedOutbox(db.collection<Document>('trackedBefore'));
    const later = indexedOutbox(db.collection<Document>('indexedLater'));
    await writers.insertOne({ _id: trackedMarkerOf('trackedBefore'), kind: 'tracked', at: new Date() });
    await writers.insertOne({ _id: `${ns}-beating`, kind: 'process', at: new Date(), host: hostname(), pid: process.pid });
    // Stored with its event while the collection was still polled, so never given a pending entry.
    const fromBefore = await orphan(later, 'D-5', new Date(Date.now() - 20_000));
    // Beside it, one in a tracked collection whose entry is missing: a sweep of that collection would write it.
    await orphan(tracked, 'D-6', new Date(Date.now() - 20_000));
    const relay = createOutboxRelay({ collections: [tracked, later], leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), writers, writersCheckMs: 50, producer, logger, pollMs: 50 });
    relay.start();
    try {
      await reader.waitFor(1, 'the event stored before its collection was indexed', (m) => m.headers['event-id'] === fromBefore);
      await expect.poll(() => writers.findOne({ _id: trackedMarkerOf('indexedLater') })).toMatchObject({ kind: 'tracked' });
      await sleep(300);
      expect(await entryOf('trackedBefore', 'D-6')).toBeNull();
    } finally {
      await relay.stop();
      await writers.deleteOne({ _id: `${ns}-beating` });
    }
  });

  it('keeps a running writer\u2019s heartbeat moving and removes it at a clean stop', async () => {
    const writer = startOutboxWriter(db, { everyMs: 50, log: logger });
    await writer.ready;
    const mine = async () => (await writers.find({ kind: 'process' }).toArray()).filter((d) => !d._id.startsWith(ns));
    await expect.poll(async () => (await mine()).length).toBe(1);
    const first = (await mine())[0]!.at.getTime();
    await expect.poll(async () => (await mine())[0]!.at.getTime()).toBeGreaterThan(first);
    await writer.stop();
    expect(await mine()).toEqual([]);
  });
});
