/**
 * bench:intake's data and its read loops: stored requests seeded straight into intake's
 * collections (bulk inserts of documents shaped like a real record), the machines the load
 * registers on, and timed loops over the request page and the SLA board.
 */
import { randomUUID } from 'node:crypto';
import type { Db, Document } from 'mongodb';
import { intakeReadModels, syncBoardEntry, type SlaBoardEntry } from '../services/intake/store/read-models';
import { closedLoop, log, sleep, type LoopResult } from './lib';

/** Machines of the demo customer the load spreads its registrations over (one machine rarely has many open requests). */
export async function seedMachines(db: Db, count: number): Promise<string[]> {
  const template = await db.collection('machines').findOne({ _id: 'SN-0002' as never });
  if (!template) throw new Error('demo machine SN-0002 missing: is SEED_DEMO_DATA on?');
  const serials = Array.from({ length: count }, (_, i) => `BENCH-M-${String(i).padStart(5, '0')}`);
  await db.collection('machines').insertMany(serials.map((serial) => ({ ...template, _id: serial as never, customerId: 'CUST-0001', parentSerial: null })), { ordered: false });
  return serials;
}

/**
 * Knowledge-base articles in intake's copy up to `total` (counting `already`), shaped as the
 * article.published consumer stores them (about 1.5 KB): half for `model` (the load's machines),
 * a quarter for no model, a quarter for other models; then the stamp moved, as the consumer does.
 * Articles grow with every 8D closed, so a year's requests come with a year's articles.
 */
export async function seedKnownFixes(db: Db, model: string, already: number, total: number): Promise<number> {
  const docs: Document[] = [];
  for (let n = already; n < total; n++) {
    const models = n % 4 === 1 ? [] : n % 4 === 3 ? [`OTHER-${n % 17}`] : [model];
    docs.push({
      _id: `KB-SEED-${String(n).padStart(6, '0')}`,
      version: 1 + (n % 3),
      title: `Seeded article ${n}: alarm ${1000 + (n % 300)} on axis ${n % 5} after a nozzle change`,
      models,
      symptom: `Alarm ${1000 + (n % 300)} on axis ${n % 5}: the cutting head stops and the chiller reports low flow. `.repeat(3),
      cause: `Worn seal ${n % 40} lets coolant past the ring; the flow sensor reads low and trips the axis. `.repeat(3),
      fix: `Replace seal ${n % 40}, bleed the circuit, recalibrate the flow sensor and run the axis test program. `.repeat(7),
      parts: [`SEAL-${n % 40}`, `RING-${n % 12}`],
      publishedAt: new Date(Date.now() - (n % 365) * 86_400_000),
      receivedAt: new Date(),
      eventId: null,
    });
  }
  for (let from = 0; from < docs.length; from += 1000) await db.collection('knownFixes').insertMany(docs.slice(from, from + 1000), { ordered: false });
  await db.collection('knownFixStamps').updateOne({ _id: 'known-fixes' as never }, { $set: { stamp: randomUUID() } }, { upsert: true });
  return docs.length;
}

export interface SeedShape {
  /** A real record read back after its workflow's first sync (clocks and all), without its outbox. */
  record: Document;
  /** Requests that stay open however many are stored: the work in hand, not the history. */
  open: number;
}

/**
 * Stores requests up to `total` (counting those `already` stored), in bulk inserts of 1,000: the
 * first `shape.open` open with their clocks (and their entries on the SLA board and their machine's
 * open requests, as the workflow's sync keeps them), the rest closed a day to a year ago, on 5,000
 * machines. Returns how many were added and how long it took.
 */
export async function seedRequests(db: Db, shape: SeedShape, already: number, total: number): Promise<{ added: number; ms: number }> {
  const began = Date.now();
  const requests = db.collection('serviceRequests');
  const readModels = intakeReadModels(db);
  const { _id: _drop, outbox: _o, outboxDueAt: _d, ...base } = shape.record;
  const now = Date.now();
  let added = 0;
  for (let from = already; from < total; from += 1000) {
    const batch: Document[] = [];
    const board: SlaBoardEntry[] = [];
    const openBySerial = new Map<string, Record<string, unknown>>();
    for (let n = from; n < Math.min(total, from + 1000); n++) {
      const id = `SR-SEED-${String(n).padStart(7, '0')}`;
      const open = n < shape.open;
      const serial = `SEED-M-${String(n % 5000).padStart(4, '0')}`;
      const registeredAt = new Date(now - (open ? (n % 48) * 3_600_000 : 86_400_000 + (n % 365) * 86_400_000));
      const symptom = `Seeded fault ${n}: alarm ${1000 + (n % 300)} on axis ${n % 5}`;
      batch.push({
        ...base,
        _id: id,
        serialNumber: serial,
        symptom,
        raisedAt: registeredAt,
        registeredAt,
        idempotencyKey: id,
        correlationId: id,
        status: open ? 'registered' : 'closed',
        workflow: null,
        duplicateOf: null,
        ...(open ? {} : { solvedAt: new Date(registeredAt.getTime() + 2 * 86_400_000) }),
      });
      if (open) {
        board.push({ _id: id, customerId: base.customerId, serialNumber: serial, status: 'registered', tier: base.tier ?? null, owner: null, sla: base.sla ?? [], escalations: [], revision: 1 });
        openBySerial.set(serial, { ...(openBySerial.get(serial) ?? {}), [`open.${id}`]: { symptom, raisedAt: registeredAt, registeredAt } });
      }
    }
    await requests.insertMany(batch as never[], { ordered: false });
    // through the board's own write, as the workflow's sync keeps it (a few hundred entries)
    for (const entry of board) await syncBoardEntry(readModels, entry);
    for (const [serial, fields] of openBySerial) await db.collection('machineOpenRequests').updateOne({ _id: serial as never }, { $set: fields }, { upsert: true });
    added += batch.length;
    if ((from / 1000) % 10 === 9) log(`  seeded ${from + batch.length} of ${total} (${((Date.now() - began) / 1000).toFixed(0)} s)`);
  }
  return { added, ms: Date.now() - began };
}

/** An open loop: starts `op` at `perSecond` for `durationMs` whatever the answers, so latency is measured at that load. */
export async function openLoop(perSecond: number, durationMs: number, op: (seq: number) => Promise<void>): Promise<LoopResult> {
  const startedAt = Date.now();
  const latencies: number[] = [];
  let failed = 0;
  let firstError: string | null = null;
  const inFlight: Promise<void>[] = [];
  const interval = 1000 / perSecond;
  for (let seq = 0; Date.now() - startedAt < durationMs; seq++) {
    await sleep(startedAt + seq * interval - Date.now());
    const began = performance.now();
    inFlight.push(
      op(seq).then(
        () => void latencies.push(performance.now() - began),
        (error: unknown) => {
          failed++;
          firstError ??= (error as Error).message;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsedMs = Date.now() - startedAt;
  return { ok: latencies.length, failed, firstError, latencies, elapsedMs, startedAt, perSecond: (latencies.length * 1000) / elapsedMs };
}

/** A GET in a closed loop of `clients` for `seconds`, each answer 200 or a failure. */
export async function timedReads(clients: number, seconds: number, url: (seq: number) => string, token: string): Promise<LoopResult> {
  return closedLoop(clients, seconds * 1000, async (_client, seq) => {
    const response = await fetch(url(seq), { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`GET ${url(seq)} answered ${response.status}`);
    return true;
  });
}
