import type { mongo } from 'mongoose';
import { contractFor, type EventEnvelope, type KnownEvent } from '@aftersales/contracts';
import { createKeyLocks, isDuplicateKeyError, type KeyLockDoc, type KeyLocks } from '@aftersales/platform';
import type { CaseRecord, MachineRecord } from '../domain/case-record';
import { applyShardChange, caseLockKeys, groupByCase, machinesOf, planBatch, planCount, type ShardChange, type StoredCase } from '../domain/batch';
import { countMachine, type InstalledBase } from '../domain/machines';
import { valuationsByMonth, withValuations, type StockValuation } from '../domain/stock-valuations';

type Collection<T extends mongo.Document> = mongo.Collection<T>;
type Db = mongo.Db;

/**
 * One generation of insight's read model: its own set of collections (`g<n>.cases`, ...), so a
 * rebuild fills a fresh generation from the topics while the current one keeps answering.
 *
 * - cases: the full record per request (`_id` = request id), with the facts it was folded from;
 *   `places` says which row shards hold its compact row.
 * - rows: the report's documents, `_id` = `<place>#shard-<k>` (`month:2026-11#shard-3`, `open#shard-0`),
 *   each one JSON string of compact rows by request id. A period's report reads 16 shards per month
 *   by `_id`; loading the listed cases by `$in` instead scans the collection on FerretDB (measured:
 *   4.6 s for 1,000 of 5,000 cases, 2.2 s as 1,000 parallel `_id` reads).
 * - machines: one per serial (`_id`), inserted once: the insert is the "count it once" key.
 * - base: the installed base per model in one document (`_id` = 'installed-base').
 * - stock: spares' stock valuations, one document per month (`_id` = `stock:2026-11`), a JSON
 *   string of valuations by id (a location and day each, so a month holds locations x days).
 *
 * Concurrency: see applyEvents.
 */
export interface CaseDoc extends CaseRecord {
  _id: string;
  places: string[];
}
interface RowsDoc {
  _id: string;
  rows: string;
}
interface MachineDoc extends MachineRecord {
  _id: string;
  /** The installed-base version that counted it; null until counted. */
  countedIn: number | null;
}
interface StockDoc {
  _id: string;
  valuations: string;
}
interface BaseDoc extends InstalledBase {
  _id: string;
  version: number;
  /** The serials the last version counted: a count interrupted before its machines were marked is not repeated. */
  lastCounted?: string[];
  /** As older versions kept it: the one serial the last version counted. */
  lastSerial?: string | null;
}

export interface Generation {
  number: number;
  cases: Collection<CaseDoc>;
  rows: Collection<RowsDoc>;
  machines: Collection<MachineDoc>;
  base: Collection<BaseDoc>;
  stock: Collection<StockDoc>;
  locks: KeyLocks;
}

export function openGeneration(db: Db, number: number, now: () => Date): Generation {
  const name = (c: string) => `g${number}.${c}`;
  return {
    number,
    cases: db.collection<CaseDoc>(name('cases')),
    rows: db.collection<RowsDoc>(name('rows')),
    machines: db.collection<MachineDoc>(name('machines')),
    base: db.collection<BaseDoc>(name('base')),
    stock: db.collection<StockDoc>(name('stock')),
    locks: createKeyLocks(db.collection<KeyLockDoc>(name('locks')), { what: 'insight document', now }),
  };
}

export async function dropGeneration(g: Generation): Promise<void> {
  for (const c of [g.cases, g.rows, g.machines, g.base, g.stock]) await c.drop().catch(() => undefined);
}

const parseRows = (doc: RowsDoc | null): Record<string, CaseRecord> => (doc ? (JSON.parse(doc.rows) as Record<string, CaseRecord>) : {});
const parseStock = (doc: StockDoc | null): Record<string, StockValuation> => (doc ? (JSON.parse(doc.valuations) as Record<string, StockValuation>) : {});

/** Runs `fn` on every item at once and waits for all of them (no write left running after a failure), then throws the first error. */
async function each<T>(items: Iterable<T>, fn: (item: T) => Promise<unknown>): Promise<void> {
  const outcomes = await Promise.allSettled([...items].map(fn));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Holds every lock of `keys`, taken one after another in the order given. */
function holdingAll<T>(locks: KeyLocks, keys: readonly string[], fn: () => Promise<T>): Promise<T> {
  return keys.reduceRight<() => Promise<T>>((inner, key) => () => locks.holding(key, inner), fn)();
}

/** One read and one replace of a row shard, under its lock (a leaf lock: nothing else is awaited while it is held). */
async function changeRows(g: Generation, key: string, change: ShardChange): Promise<void> {
  await g.locks.holding(key, async () => {
    const rows = applyShardChange(parseRows(await g.rows.findOne({ _id: key })), change);
    await g.rows.replaceOne({ _id: key }, { rows: JSON.stringify(rows) }, { upsert: true });
  });
}

/** Applies one event to this generation (the live consumer's path): a batch of one. */
export async function applyEvent(g: Generation, event: EventEnvelope): Promise<void> {
  await applyEvents(g, [event]);
}

/**
 * Applies a batch of events to this generation: folds each case's events into it and counts the
 * machines. Each touched case is read once and replaced once, each touched row shard read once and
 * replaced once. Idempotent: the fold skips an event id it has seen and the rows are set, not
 * added, so a redelivered batch changes nothing.
 *
 * Concurrency: the cases change under their lock buckets (caseLockKeys, taken in key order), the
 * row shards and the installed base under their own locks, each taken alone while holding no other
 * leaf lock, so a batch and the live consumer's single events never deadlock.
 */
export async function applyEvents(g: Generation, events: readonly EventEnvelope[]): Promise<void> {
  const { byCase, machines, stock } = groupByCase(events);
  if (machines.length > 0) await countIntoBase(g, machines);
  if (stock.length > 0) await each(valuationsByMonth(stock), ([key, valuations]) => changeStock(g, key, valuations));
  if (byCase.size === 0) return;
  await holdingAll(g.locks, caseLockKeys(byCase.keys()), async () => {
    const stored = new Map<string, StoredCase>();
    await each(byCase.keys(), async (requestId) => {
      const doc = await g.cases.findOne({ _id: requestId });
      if (!doc) return;
      const { _id: _, places = [], ...record } = doc;
      stored.set(requestId, { record: record as CaseRecord, places });
    });
    const plan = planBatch(byCase, stored);
    // Rows first, then the cases: a crash between re-folds the batch from the old cases and sets the same rows.
    await each(plan.shards, ([key, change]) => changeRows(g, key, change));
    await each(plan.cases, ({ requestId, record, places }) => g.cases.replaceOne({ _id: requestId }, { ...record, places }, { upsert: true }));
  });
}

/** One read and one replace of a month's valuations, under its lock (a leaf lock, like a row shard's). */
async function changeStock(g: Generation, key: string, valuations: readonly StockValuation[]): Promise<void> {
  await g.locks.holding(key, async () => {
    const next = withValuations(parseStock(await g.stock.findOne({ _id: key })), valuations);
    await g.stock.replaceOne({ _id: key }, { valuations: JSON.stringify(next) }, { upsert: true });
  });
}

async function countIntoBase(g: Generation, events: KnownEvent<'machine.registered@1'>[]): Promise<void> {
  for (const event of events) {
    if (!contractFor(event.type, event.version)!.schema.safeParse(event.data).success) throw new TypeError('machine.registered@1 data does not match its contract');
  }
  const machines = machinesOf(events);
  // One document per serial, the first registration wins: the insert is the "count it once" key.
  await each(machines, async (machine) => {
    try {
      await g.machines.insertOne({ _id: machine.serialNumber, ...machine, countedIn: null });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  });
  await g.locks.holding('installed-base', async () => {
    const stored = await Promise.all(machines.map((m) => g.machines.findOne({ _id: m.serialNumber })));
    const uncounted = stored.filter((m): m is MachineDoc => m !== null && m.countedIn === null).map(({ _id: _, countedIn: _c, ...m }) => m);
    if (uncounted.length === 0) return;
    const base = (await g.base.findOne({ _id: 'installed-base' })) ?? { _id: 'installed-base', models: {}, version: 0 };
    const lastCounted = base.lastCounted ?? (base.lastSerial ? [base.lastSerial] : []);
    const plan = planCount({ version: base.version, lastCounted }, uncounted);
    // Counted before a crash cut the marking short: marked before the base forgets which they were.
    await each(plan.markOnly, (serial) => g.machines.updateOne({ _id: serial }, { $set: { countedIn: base.version } }));
    if (plan.count.length === 0) return;
    const version = base.version + 1;
    const counted = plan.count.reduce<InstalledBase>((b, m) => countMachine(b, m), { models: base.models });
    await g.base.replaceOne({ _id: 'installed-base' }, { models: counted.models, version, lastCounted: plan.count.map((m) => m.serialNumber) }, { upsert: true });
    await each(plan.count, (m) => g.machines.updateOne({ _id: m.serialNumber }, { $set: { countedIn: version } }));
  });
}

/** The compact rows of every case in the given places (`month:2026-11`, `open`), each case once. */
export async function readRows(g: Generation, shardIds: string[]): Promise<CaseRecord[]> {
  const docs = await Promise.all(shardIds.map((id) => g.rows.findOne({ _id: id })));
  const byId = new Map<string, CaseRecord>();
  for (const doc of docs) for (const [id, row] of Object.entries(parseRows(doc))) byId.set(id, row);
  return [...byId.values()];
}

/** The stock valuations filed in the given month documents (`stock:2026-11`). */
export async function readStock(g: Generation, monthKeys: string[]): Promise<StockValuation[]> {
  const docs = await Promise.all(monthKeys.map((id) => g.stock.findOne({ _id: id })));
  return docs.flatMap((doc) => Object.values(parseStock(doc)));
}

export async function readBase(g: Generation): Promise<InstalledBase> {
  return (await g.base.findOne({ _id: 'installed-base' })) ?? { models: {} };
}

export async function readCase(g: Generation, requestId: string): Promise<CaseDoc | null> {
  return g.cases.findOne({ _id: requestId });
}
