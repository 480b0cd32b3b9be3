import type { Kafka } from 'kafkajs';
import { MongoClient, type Db, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { namespacedTopic, topics } from '@aftersales/contracts';
import { createKafka, ensureTopics } from '../kafka/client';
import { createEventProducer, type EventProducer, type OutgoingEvent } from '../kafka/producer';
import { managedRecords, type HeadDoc, type VersionDoc } from '../mongo/managed-records';
import { createOutboxRelay, indexedOutbox, insertWithOutbox, outboxPendingCollection, type OutboxEntry, type OutboxPendingDoc } from '../mongo/outbox';
import { deleteTopics, registeredEvent, testLogger, uniqueName } from '../testing';
import { runAsActor } from './actor';
import { seqId, type AuditDraft, type AuditEntry } from './chain';
import { createEventChain } from './events';
import { auditCollections, createAuditChain } from './store';

/** The audit chain on the real MongoDB-protocol server: racing writers, tampering, the relay's at-least-once. */
const stack = inject('stack');
const ns = uniqueName('audit');
const topic = namespacedTopic(ns, topics.serviceRequests);
const logger = testLogger();
const clients: MongoClient[] = [];
let kafka: Kafka;
let producer: EventProducer;

/** A database of the test's own, reached over its own connection (as another process would). */
async function database(name: string, connection = 0): Promise<Db> {
  while (clients.length <= connection) clients.push(await MongoClient.connect(stack.mongoUrl, { serverSelectionTimeoutMS: 10_000 }));
  used.add(`${ns}-${name}`);
  return clients[connection]!.db(`${ns}-${name}`);
}
const used = new Set<string>();

const draft = (writer: number, n: number): AuditDraft => ({ at: new Date().toISOString(), actor: `writer-${writer}`, action: 'test.appended@1', subject: `S-${writer}`, kind: 'event', before: null, after: { n }, ref: `w${writer}-${n}` });

beforeAll(async () => {
  kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger });
  await ensureTopics(kafka, [topic]);
  producer = await createEventProducer(kafka);
});

afterAll(async () => {
  await producer?.disconnect();
  if (kafka) await deleteTopics(kafka, [topic]);
  // By name: listing every database of the shared server is slow when many tests left theirs.
  for (const name of used) await clients[0]?.db(name).dropDatabase().catch(() => undefined);
  await Promise.all(clients.map((c) => c.close()));
});

describe('audit chain appends', () => {
  it('four writers on their own connections, appending at once, leave one unbroken chain with no gap and every entry once', async () => {
    const writers = await Promise.all([0, 1, 2, 3].map(async (w) => createAuditChain(await database('race', w), { headEvery: 8 })));
    const started = performance.now();
    // Single entries and batches of three mixed (32 entries per writer), so seqs are contended both ways.
    await Promise.all(
      writers.map(async (chain, w) => {
        for (let n = 0; n < 30; n += n % 2 === 0 ? 1 : 3) await chain.append(n % 2 === 0 ? [draft(w, n)] : [draft(w, n), draft(w, n + 1), draft(w, n + 2)]);
      }),
    );
    const ms = performance.now() - started;
    const chain = createAuditChain(await database('race'));
    const verdict = await chain.verify();
    expect(verdict).toMatchObject({ ok: true, checked: 128 });
    const all: AuditEntry[] = [];
    for (let after = 0; ; ) {
      const page = await chain.page(after, 50);
      all.push(...page.items);
      if (page.next === null) break;
      after = page.next;
    }
    expect(all.map((e) => e._id)).toEqual(Array.from({ length: 128 }, (_, i) => seqId(i + 1)));
    expect(new Set(all.map((e) => e.ref)).size).toBe(128);
    // Each writer's entries keep the order it appended them in.
    for (let w = 0; w < 4; w++) {
      const mine = all.filter((e) => e.actor === `writer-${w}`).map((e) => (e.after as { n: number }).n);
      expect(mine).toEqual([...mine].sort((a, b) => a - b));
    }
    console.info(`audit: 128 entries by 4 racing writers in ${ms.toFixed(0)} ms`);
  });

  it('an entry edited in the database breaks verification at exactly that seq; a deleted one is named as deleted', async () => {
    const db = await database('tamper');
    const chain = createAuditChain(db);
    await chain.append(Array.from({ length: 12 }, (_, n) => draft(0, n)));
    expect(await chain.verify()).toMatchObject({ ok: true, checked: 12, head: { seq: 12 } });
    await db.collection<AuditEntry>(auditCollections.entries).updateOne({ _id: seqId(7) }, { $set: { actor: 'mallory' } });
    expect(await chain.verify()).toMatchObject({ ok: false, seq: 7, break: 'edited' });

    const other = await database('delete');
    const second = createAuditChain(other);
    await second.append(Array.from({ length: 12 }, (_, n) => draft(1, n)));
    await other.collection<AuditEntry>(auditCollections.entries).deleteOne({ _id: seqId(5) });
    expect(await second.verify()).toMatchObject({ ok: false, seq: 5, break: 'deleted' });
    // Appending goes on after tampering (the service keeps working); the break stays named.
    await createAuditChain(other).append([draft(1, 99)]);
    expect(await second.verify()).toMatchObject({ ok: false, seq: 5, break: 'deleted' });
  });
});

describe('outbox events in the chain', () => {
  function relayOver(db: Db, collections: Document[]) {
    const chain = createAuditChain(db);
    const events = createEventChain(db, chain, { now: () => new Date() });
    return {
      chain,
      events,
      relay: createOutboxRelay({ collections: collections as never, leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer, logger, pollMs: 60_000, record: (entries) => events.record(entries) }),
    };
  }

  it('each published event appears once, with who made the change, even when two relays run over the same events and they are relayed again', async () => {
    const db = await database('relay');
    const requests = indexedOutbox(db.collection<{ _id: string }>('requests'));
    const outgoing = (i: number): OutgoingEvent => ({ topic, event: registeredEvent(`${ns}-SR-${i}`, { id: `${ns}-evt-${i}` }) });
    await runAsActor('agent-7', async () => {
      for (let i = 0; i < 10; i++) await insertWithOutbox(requests, { _id: `SR-${i}` }, [outgoing(i)], new Date());
    });
    const [a, b] = [relayOver(db, [requests]), relayOver(db, [requests])];
    const [sentA, sentB] = await Promise.all([a.relay.drain().catch(() => 0), b.relay.drain().catch(() => 0)]);
    // Whatever one relay could not finish (the other was appending) the next pass does.
    await a.relay.drain();
    // The marks' seqs land after the append, beside the publish; as two processes would, the next
    // relay finds them sealed once the first has finished writing them.
    await Promise.all([a.events.marked(), b.events.marked()]);
    expect(sentA + sentB).toBeGreaterThanOrEqual(10);
    // A relay that died after publishing, before marking sent: the same events are due again.
    const again: OutboxEntry[] = [0, 1, 2].map((i) => ({ ...outgoing(i), actor: 'agent-7' }));
    await db.collection<OutboxPendingDoc>(outboxPendingCollection).insertOne({ _id: `requests|SR-0-again`, collection: 'requests', docId: 'SR-0', entries: again, dueAt: new Date() });
    expect(await b.relay.drain()).toBe(3);

    expect(await a.chain.verify()).toMatchObject({ ok: true, checked: 10 });
    const page = await a.chain.page(0, 100);
    expect(page.items.map((e) => e.ref).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${ns}-evt-${i}`).sort());
    expect(page.items[0]).toMatchObject({ actor: 'agent-7', action: 'service-request.registered@1', kind: 'event', before: null });
    expect((page.items[0]!.after as { requestId?: string }).requestId).toBeDefined();
  });

  it('a mark whose process died mid-append is taken over: the entry is found if it was written, appended if not', async () => {
    const db = await database('takeover');
    const chain = createAuditChain(db);
    const entry = (i: number): OutboxEntry => ({ topic, event: registeredEvent(`${ns}-T-${i}`, { id: `${ns}-t-${i}` }) });
    const marks = db.collection<{ _id: string; fromSeq: number; claimedAt: Date }>(auditCollections.marks);
    // t-1: marked and appended, then the process died before noting the seq. t-2: marked only.
    await marks.insertMany([{ _id: `${ns}-t-1`, fromSeq: 0, claimedAt: new Date() }, { _id: `${ns}-t-2`, fromSeq: 0, claimedAt: new Date() }]);
    await chain.append([{ at: new Date().toISOString(), actor: 'intake', action: 'service-request.registered@1', subject: `${ns}-T-1`, kind: 'event', before: null, after: {}, ref: `${ns}-t-1` }]);
    const fresh = createEventChain(db, chain, { now: () => new Date() });
    await expect(fresh.record([entry(1)])).rejects.toThrow(/being appended by another process/);
    const later = createEventChain(db, chain, { now: () => new Date(Date.now() + 60_000) });
    expect(await later.record([entry(1), entry(2)])).toBe(1);
    expect(await later.record([entry(1), entry(2)])).toBe(0);
    const { items } = await chain.page(0, 10);
    expect(items.map((e) => e.ref)).toEqual([`${ns}-t-1`, `${ns}-t-2`]);
  });

  it('a managed record change is chained with who made it and the version before and after', async () => {
    const db = await database('managed');
    const rules = managedRecords<{ threshold: number }>(
      { what: 'rule', heads: db.collection<HeadDoc>('ruleHeads'), versions: db.collection<VersionDoc<{ threshold: number }>>('ruleVersions'), check: () => [] },
      () => new Date(),
    );
    await rules.amend('R-1', { body: { threshold: 3 }, reason: 'first setting' }, 'quality-lead');
    await rules.amend('R-1', { body: { threshold: 5 }, reason: 'too many false alarms' }, 'quality-manager');
    const { chain, relay } = relayOver(db, []);
    expect(await relay.drain()).toBe(2);
    const { items } = await chain.page(0, 10);
    expect(items).toHaveLength(2);
    expect(items[1]).toMatchObject({
      actor: 'quality-manager',
      action: 'amend rule',
      subject: 'R-1',
      kind: 'state',
      before: { version: 1, body: { threshold: 3 }, changedBy: 'quality-lead', reason: 'first setting' },
      after: { version: 2, body: { threshold: 5 }, changedBy: 'quality-manager', reason: 'too many false alarms' },
    });
    // Chain-only: the version's outbox is settled, nothing was published for it.
    expect(await db.collection(outboxPendingCollection).countDocuments({})).toBe(0);
  });
});
