import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import pino from 'pino';
import { namespacedTopic, topics } from '@aftersales/contracts';
import { createAuditChain, createEventChain, createEventProducer, createKafka, createOutboxRelay, ensureTopics, indexedOutbox, insertWithOutbox, outboxPendingCollection, type AuditDraft } from '@aftersales/platform';
import { registeredEvent } from '@aftersales/platform/testing';
import { benchNamespace, envInt, log, stackEndpoints } from './lib';

/**
 * What the audit chain costs on the stack's FerretDB: appends per second (one at a time and in
 * relay-sized batches), finding the tip at BENCH_ENTRIES stored entries by the head hint (`_id`
 * lookups) against a sort on `_id` with limit 1, a page and a whole verification at that size, and
 * the outbox relay's throughput over BENCH_EVENTS events with the chain and without it.
 *
 *   node --import tsx bench/audit-chain.ts      (BENCH_ENTRIES=30000, BENCH_EVENTS=2000)
 *
 * Measured here (2026-12-04, FerretDB 1.24.2 patched, 2 shared CPUs): 380 entries/s one at a time,
 * 8,048 entries/s in batches of 100; the tip at 30,000 entries in 4.2 ms by the head hint against
 * 2,901 ms by a sort on `_id` (a scan); a page of 100 in 63 ms; a whole verification in 4.3 s.
 * The relay figures are missing: both runs stalled in the first drain of the relay *without* the
 * chain (1,000 and 2,000 pending entries due at the epoch), right after its first writes; not
 * diagnosed yet.
 */
const entries = envInt('BENCH_ENTRIES', 30_000);
const events = envInt('BENCH_EVENTS', 2_000);
const stack = stackEndpoints();
const ns = benchNamespace('bench-audit');
const client = await MongoClient.connect(stack.mongoUrl);
const databases: Db[] = [];
const database = (name: string) => {
  const db = client.db(`${ns}_${name}`.replace(/-/g, '_'));
  databases.push(db);
  return db;
};
const draft = (n: number): AuditDraft => ({ at: new Date().toISOString(), actor: 'bench', action: 'service-request.registered@1', subject: `SR-${n}`, kind: 'event', before: null, after: { requestId: `SR-${n}`, symptom: 'burr on the cut edge after nozzle change', channel: 'phone' }, ref: `evt-${n}` });
const ms = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

async function timeMany(k: number, fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < k; i++) await fn();
  return ms(started) / k;
}

// The platform's client, as the relay runs in a service (a bare kafkajs client stalled the first publish here).
const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: ns, logger: pino({ level: 'silent' }) });
const topic = namespacedTopic(ns, topics.serviceRequests);
// The topic before the producer, as the services do (ensureTopics, then the relay's producer).
await ensureTopics(kafka, [topic]);
const producer = await createEventProducer(kafka);
try {
  const rows: Record<string, string>[] = [];
  // Each figure is printed as it is measured, and all of them as a table at the end.
  const push = (row: { measure: string; value: string }) => {
    rows.push(row);
    log(`${row.measure}: ${row.value}`);
  };
  // Appends.
  const appendDb = database('append');
  const chain = createAuditChain(appendDb);
  let n = 0;
  let started = process.hrtime.bigint();
  for (let i = 0; i < 500; i++) await chain.append([draft(n++)]);
  push({ measure: 'append one entry at a time', value: `${(500 / (ms(started) / 1000)).toFixed(0)} entries/s` });
  started = process.hrtime.bigint();
  while (n < entries) await chain.append(Array.from({ length: Math.min(100, entries - n) }, () => draft(n++)));
  push({ measure: `append in batches of 100 up to ${entries}`, value: `${((entries - 500) / (ms(started) / 1000)).toFixed(0)} entries/s` });

  log(`${entries} entries appended; reading the tip`);
  // The tip at that size: a fresh process (head hint + _id lookups) against a sort on _id.
  const hint = await timeMany(20, () => createAuditChain(appendDb).tip());
  const sorted = await timeMany(5, () => appendDb.collection('audit_chain').find({}, { projection: { hash: 1 } }).sort({ _id: -1 }).limit(1).toArray());
  push({ measure: `tip at ${entries}: head hint + _id lookups`, value: `${hint.toFixed(2)} ms` });
  push({ measure: `tip at ${entries}: sort _id desc, limit 1`, value: `${sorted.toFixed(2)} ms` });
  const page = await timeMany(5, () => chain.page(entries - 200, 100));
  push({ measure: `a page of 100 at ${entries} (by _id)`, value: `${page.toFixed(1)} ms` });
  started = process.hrtime.bigint();
  const verdict = await chain.verify();
  push({ measure: `verify all ${entries} (${verdict.ok ? 'ok' : 'broken'})`, value: `${ms(started).toFixed(0)} ms` });

  // The relay with and without the chain, over the same number of events in an indexed outbox.
  for (const withChain of [false, true]) {
    const db = database(withChain ? 'relay-chain' : 'relay-plain');
    const docs = indexedOutbox(db.collection<{ _id: string }>('requests'));
    for (let i = 0; i < events; i++) await insertWithOutbox(docs, { _id: `SR-${i}` }, [{ topic, event: registeredEvent(`SR-${withChain}-${i}`, { id: `${ns}-${withChain}-${i}` }) }], new Date(0));
    const chained = createEventChain(db, createAuditChain(db), { now: () => new Date() });
    const relay = createOutboxRelay({ collections: [docs as unknown as Collection<Document>], leases: db.collection('outboxLeases'), pending: db.collection(outboxPendingCollection), producer, logger: pino({ level: 'silent' }), pollMs: 60_000, batchSize: 100, ...(withChain ? { record: (e) => chained.record(e) } : {}) });
    log(`relay ${withChain ? 'with' : 'without'} the chain: ${events} events stored, draining`);
    started = process.hrtime.bigint();
    const sent = await relay.drain();
    push({ measure: `relay ${events} events ${withChain ? 'with' : 'without'} the chain`, value: `${(sent / (ms(started) / 1000)).toFixed(0)} events/s` });
  }
  console.table(rows);
} finally {
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
  for (const db of databases) await db.dropDatabase().catch(() => undefined);
  await client.close();
}
