import type { Kafka } from 'kafkajs';
import type { Collection, Db, Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics } from '@aftersales/contracts';
import { eventually } from '../testing/wait';
import { createEventProducer, type EventProducer, type OutgoingEvent } from '../kafka/producer';
import { firstSeenIdsByKey, openTestServers, registeredEvent, testLogger, uniqueName, type TestServers, type TopicReader } from '../testing';
import { createOutboxRelay, outboxForInsert, outboxForUpdate, type OutboxFields } from './outbox';

const stack = inject('stack');
const ns = uniqueName('outbox');
const topic = namespacedTopic(ns, topics.serviceRequests);
const logger = testLogger();

let servers: TestServers;
let db: Db;
let kafka: Kafka;
let producer: EventProducer;
let reader: TopicReader;

beforeAll(async () => {
  servers = await openTestServers(stack, ns, [topic], { logger });
  ({ db, kafka, producer, reader } = servers);
});

afterAll(() => servers?.close());

/** Event n of a subject; ids say their place, so order checks read plainly. */
function outgoing(subject: string, n: number): OutgoingEvent {
  return { topic, event: registeredEvent(subject, { id: `${subject}-e${n}` }) };
}

function subjectsFor(test: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${ns}-${test}-${i}`);
}

/** Waits until every expected id was read at least once; returns the messages of these subjects. */
async function published(subjects: string[], expected: Map<string, string[]>) {
  const ids = new Set([...expected.values()].flat());
  const mine = (m: { key: string | null }) => subjects.includes(m.key ?? '');
  await eventually(`${ids.size} events of ${subjects.length} subject(s) on ${topic}`, async () => {
    const seen = new Set(reader.messages.filter(mine).map((m) => m.headers['event-id']));
    return [...ids].every((id) => seen.has(id)) ? true : undefined;
  }, { timeoutMs: 60_000 });
  return reader.messages.filter(mine);
}

interface TestDoc extends OutboxFields {
  _id: string;
  status?: string;
}

/** The same collection twice: typed for the test's writes, untyped as the relay takes it. */
function collectionNamed(name: string): { docs: Collection<TestDoc>; relayed: Collection<Document> } {
  return { docs: db.collection<TestDoc>(name), relayed: db.collection(name) };
}

async function pendingOutboxes(collection: Collection<TestDoc>): Promise<number> {
  return collection.countDocuments({ $or: [{ outbox: { $exists: true } }, { outboxDueAt: { $exists: true } }] });
}

/** A producer whose first publish waits until released: a relay caught between claim and publish. */
function heldProducer(inner: EventProducer) {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const holding = new Promise<void>((resolve) => (entered = resolve));
  let first = true;
  const producer: EventProducer = {
    async publish(events) {
      if (first) {
        first = false;
        entered();
        await gate;
      }
      await inner.publish(events);
    },
    publishRaw: (t, message) => inner.publishRaw(t, message),
    disconnect: () => inner.disconnect(),
  };
  return { producer, holding, release };
}

describe('outbox relay on FerretDB and Kafka', () => {
  it('publishes what outboxForInsert stored, in order per subject, and removes the outbox fields', async () => {
    const { docs, relayed } = collectionNamed('inserted');
    const subjects = subjectsFor('insert', 3);
    const expected = new Map(subjects.map((s) => [s, [0, 1, 2].map((n) => `${s}-e${n}`)]));
    await docs.insertMany(
      subjects.map((s) => ({ _id: s, status: 'registered', ...outboxForInsert([0, 1, 2].map((n) => outgoing(s, n)), new Date()) })),
    );

    const relay = createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer, logger, pollMs: 50 });
    expect(await relay.drain()).toBe(9);
    expect(await relay.drain()).toBe(0);

    const messages = await published(subjects, expected);
    expect(messages).toHaveLength(9); // one relay, no failure: exactly once
    expect(firstSeenIdsByKey(messages)).toEqual(expected);
    const first = messages.find((m) => m.headers['event-id'] === `${subjects[0]}-e0`)!;
    expect(first.headers).toMatchObject({ 'event-type': 'service-request.registered', 'event-version': '1', 'correlation-id': subjects[0] });
    expect(JSON.parse(first.value)).toMatchObject({ id: `${subjects[0]}-e0`, subject: subjects[0], version: 1 });

    expect(await pendingOutboxes(docs)).toBe(0);
    expect(await docs.findOne({ _id: subjects[0] })).toEqual({ _id: subjects[0], status: 'registered' });
  });

  it('a started relay publishes a later write when nudged, and stops', async () => {
    const { docs, relayed } = collectionNamed('nudged');
    const [subject] = subjectsFor('nudge', 1) as [string];
    // A poll far longer than the deadline: only the nudge can explain a publication.
    const relay = createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer, logger, pollMs: 600_000 });
    relay.start();
    try {
      await docs.insertOne({ _id: subject, ...outboxForInsert([outgoing(subject, 0)], new Date()) });
      await eventually('the nudged relay to clear the outbox', async () => {
        relay.nudge();
        return (await pendingOutboxes(docs)) === 0 ? true : undefined;
      }, { timeoutMs: 30_000 });
    } finally {
      await relay.stop();
    }
    await published([subject], new Map([[subject, [`${subject}-e0`]]]));
  });

  it('keeps events appended with outboxForUpdate while the document is claimed', async () => {
    const { docs, relayed } = collectionNamed('appended');
    const [subject] = subjectsFor('append', 1) as [string];
    await docs.insertOne({ _id: subject, status: 'registered', ...outboxForInsert([outgoing(subject, 0)], new Date()) });

    const held = heldProducer(producer);
    const relay = createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer: held.producer, logger, pollMs: 50 });
    const draining = relay.drain();
    await held.holding; // claimed, e0 read, not yet published
    await docs.updateOne({ _id: subject }, { $set: { status: 'triaged' }, ...outboxForUpdate([outgoing(subject, 1), outgoing(subject, 2)], new Date()) });
    held.release();

    expect(await draining).toBe(3);
    const messages = await published([subject], new Map([[subject, [0, 1, 2].map((n) => `${subject}-e${n}`)]]));
    expect(messages.map((m) => m.headers['event-id'])).toEqual([0, 1, 2].map((n) => `${subject}-e${n}`));
    expect(await docs.findOne({ _id: subject })).toEqual({ _id: subject, status: 'triaged' });
  });

  it('a relay that loses its document to another relay mid-publish finishes and leaves the document clean', async () => {
    const { docs, relayed } = collectionNamed('taken-over');
    const [subject] = subjectsFor('takeover', 1) as [string];
    await docs.insertOne({ _id: subject, ...outboxForInsert([outgoing(subject, 0)], new Date()) });

    const held = heldProducer(producer);
    const slow = createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer: held.producer, logger, pollMs: 50 });
    const fast = createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer, logger, pollMs: 50 });
    const slowDraining = slow.drain();
    await held.holding;
    // The append makes the document due again at once, so the second relay takes it while the first is held.
    await docs.updateOne({ _id: subject }, outboxForUpdate([outgoing(subject, 1)], new Date()));
    expect(await fast.drain()).toBe(2);
    held.release();

    // The held relay must notice there is nothing left, not re-arm an empty document and spin on it.
    const slowCount = await Promise.race([
      slowDraining,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('held relay did not finish its drain within 15 s')), 15_000).unref()),
    ]);
    expect(slowCount).toBe(1);
    expect(await pendingOutboxes(docs)).toBe(0);
    const messages = await published([subject], new Map([[subject, [`${subject}-e0`, `${subject}-e1`]]]));
    expect(firstSeenIdsByKey(messages).get(subject)).toEqual([`${subject}-e0`, `${subject}-e1`]);
  });

  it('two relays running at once publish every event at least once, in order per subject, and leave no outbox', async () => {
    const { docs, relayed } = collectionNamed('concurrent');
    const before = subjectsFor('concurrent-before', 6);
    const during = subjectsFor('concurrent-during', 6);
    const eventsOf = (s: string) => [0, 1, 2].map((n) => outgoing(s, n));
    await docs.insertMany(before.map((s) => ({ _id: s, ...outboxForInsert(eventsOf(s), new Date()) })));

    const second = await createEventProducer(kafka);
    const relays = [producer, second].map((p) => createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer: p, logger, pollMs: 20, leaseMs: 2_000 }));
    for (const relay of relays) relay.start();
    try {
      // New documents keep arriving while both relays claim, publish and trim. (They are new documents,
      // not updates of claimed ones: FerretDB v1 does not isolate concurrent updates of one document.)
      for (const [i, s] of during.entries()) {
        await docs.insertOne({ _id: s, ...outboxForInsert(eventsOf(s), new Date()) });
        relays[i % 2]!.nudge();
      }
      await eventually('both relays to leave no outbox behind', async () => ((await pendingOutboxes(docs)) === 0 ? true : undefined), {
        timeoutMs: 30_000,
      });
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await second.disconnect();
    }

    const subjects = [...before, ...during];
    const expected = new Map(subjects.map((s) => [s, eventsOf(s).map(({ event }) => event.id)]));
    const messages = await published(subjects, expected);
    expect(messages.length).toBeGreaterThanOrEqual(subjects.length * 3);
    expect(firstSeenIdsByKey(messages)).toEqual(expected);
  });

  it('two relays draining the same due documents at the same instant do not both publish one state (claims race for a unique lease), and lose nothing', async () => {
    const { docs, relayed } = collectionNamed('racing');
    const subjects = subjectsFor('racing', 40);
    const eventsOf = (s: string) => [0, 1].map((n) => outgoing(s, n));
    await docs.insertMany(subjects.map((s) => ({ _id: s, ...outboxForInsert(eventsOf(s), new Date()) })));
    const second = await createEventProducer(kafka);
    // Long leases: no take-over by expiry, so any copy could only come from two claims of one state.
    const relays = [producer, second].map((p) => createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer: p, logger, pollMs: 60_000, leaseMs: 60_000 }));
    try {
      await Promise.all(relays.map((r) => r.drain()));
    } finally {
      await second.disconnect();
    }
    const expected = new Map(subjects.map((s) => [s, eventsOf(s).map(({ event }) => event.id)]));
    const messages = await published(subjects, expected);
    // Let any late copy arrive before counting.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const counts = new Map<string, number>();
    for (const m of reader.messages.filter((m) => subjects.includes(m.key ?? ''))) counts.set(m.headers['event-id']!, (counts.get(m.headers['event-id']!) ?? 0) + 1);
    expect(messages.length).toBeGreaterThanOrEqual(subjects.length * 2);
    expect([...counts.values()].filter((n) => n > 1)).toEqual([]);
    // FerretDB may let the losing claim's stale write land after the winner settled and bring an
    // outbox back: it holds only events already published, and goes out again after the lease
    // (at least once, never lost).
    const left = await docs.find({ outbox: { $exists: true } }).toArray();
    for (const doc of left) for (const entry of doc.outbox!) expect(counts.get(entry.event.id)).toBe(1);
  });

  it('a relay that crashes after publishing and before removing is followed by a republish after the lease: at least once', async () => {
    const { docs, relayed } = collectionNamed('crashed');
    const [subject] = subjectsFor('crash', 1) as [string];
    const ids = [0, 1].map((n) => `${subject}-e${n}`);
    await docs.insertOne({ _id: subject, ...outboxForInsert([0, 1].map((n) => outgoing(subject, n)), new Date()) });

    // The process dies right after Kafka acknowledged: every later write to the collection fails.
    const crashing = new Proxy(relayed, {
      get(target, property) {
        if (property === 'updateOne') return () => Promise.reject(new Error('relay process died'));
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const leaseMs = 30_000;
    await expect(createOutboxRelay({ collections: [crashing], leases: db.collection('outboxLeases'), producer, logger, pollMs: 50, leaseMs }).drain()).rejects.toThrow('relay process died');
    await published([subject], new Map([[subject, ids]]));
    expect((await docs.findOne({ _id: subject }))?.outbox).toHaveLength(2);

    // Within the lease nobody takes the document over; after it (a clock past the lease), the events go out again.
    const successor = (offsetMs: number) =>
      createOutboxRelay({ collections: [relayed], leases: db.collection('outboxLeases'), producer, logger, pollMs: 50, leaseMs, now: () => new Date(Date.now() + offsetMs) });
    expect(await successor(0).drain()).toBe(0);
    expect(await successor(leaseMs + 1_000).drain()).toBe(2);

    expect(await pendingOutboxes(docs)).toBe(0);
    await reader.waitFor(4, `both events of ${subject} twice`, (m) => m.key === subject);
    const messages = reader.messages.filter((m) => m.key === subject);
    expect(messages.map((m) => m.headers['event-id'])).toEqual([...ids, ...ids]);
  });
});
