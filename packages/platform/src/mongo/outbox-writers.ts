import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Collection, Db } from 'mongodb';
import type { Logger } from 'pino';

/**
 * When the relay's sweep is needed. A document with events is inserted first and its pending entry
 * second; only a writer that died between the two, or whose entry's insert failed, leaves a
 * document no entry names, and only the sweep finds it, by reading every indexed collection whole
 * (FerretDB v1 cannot serve its filter from an index: 10 s at 100,000 work order changes). So each
 * process that writes says it is alive (`outboxWriters`: one document per process, its heartbeat
 * moved every few seconds, deleted at a clean stop) and leaves a mark when an entry's insert
 * failed; a relay sweeps when it finds a process whose heartbeat stopped, or a mark, and then
 * removes what it saw. The collection holds one document per running process and the marks not
 * yet swept: small by construction.
 */
export const outboxWritersCollection = 'outboxWriters';

export interface OutboxWriterDoc {
  _id: string;
  /** `process`: a running writer's heartbeat. `missed`: an entry's insert failed after its document's. */
  kind: 'process' | 'missed';
  at: Date;
}

/** This process, as its heartbeat and marks name it. */
const processId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/** Per database: failed entries whose mark is not written yet (the heartbeat tries again). */
const unmarked = new Map<Db, number>();
let marks = 0;

async function writeMarks(db: Db, at: Date): Promise<void> {
  const count = unmarked.get(db) ?? 0;
  if (count === 0) return;
  // One mark stands for all of them: the sweep it calls for finds every document without its entry.
  await db.collection<OutboxWriterDoc>(outboxWritersCollection).insertOne({ _id: `${processId}|missed|${++marks}`, kind: 'missed', at });
  unmarked.set(db, Math.max(0, (unmarked.get(db) ?? count) - count));
}

/**
 * An entry's insert failed after its document's: a mark calls for a sweep. Written now if the
 * database answers, else by this process's next heartbeat; a process that dies first is swept for
 * when its heartbeat stops.
 */
export function noteMissedEntry(db: Db, log?: Pick<Logger, 'warn'>): void {
  unmarked.set(db, (unmarked.get(db) ?? 0) + 1);
  writeMarks(db, new Date()).catch((error: unknown) => log?.warn({ err: error }, 'outbox: a missed entry is not marked yet; the heartbeat tries again'));
}

/** Says this process writes to `db`'s outboxes until `stop` (called at a clean stop). */
export function startOutboxWriter(db: Db, options: { everyMs?: number; now?: () => Date; log: Pick<Logger, 'warn'> }): { stop(): Promise<void> } {
  const writers = db.collection<OutboxWriterDoc>(outboxWritersCollection);
  const now = options.now ?? (() => new Date());
  const beat = async () => {
    await writers.updateOne({ _id: processId }, { $set: { kind: 'process', at: now() } }, { upsert: true });
    await writeMarks(db, now());
  };
  let beating: Promise<void> = beat().catch((error: unknown) => options.log.warn({ err: error }, 'outbox writer heartbeat failed'));
  const timer = setInterval(() => {
    beating = beating.then(() => beat().catch((error: unknown) => options.log.warn({ err: error }, 'outbox writer heartbeat failed')));
  }, options.everyMs ?? 10_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beating;
      // Marks left unwritten stay for the next start's sweep, which every relay runs.
      await writeMarks(db, now()).catch(() => undefined);
      await writers.deleteOne({ _id: processId });
    },
  };
}

/**
 * What calls for a sweep: processes whose heartbeat is older than `staleMs`, and marks older than
 * `graceMs`, the sweep's own grace (a mark is written after its document, so a sweep that leaves
 * documents younger than its grace to their writers finds the document of a mark that old).
 */
export function writersToSweepFor(docs: readonly OutboxWriterDoc[], at: Date, staleMs: number, graceMs: number): OutboxWriterDoc[] {
  const age = (d: OutboxWriterDoc) => at.getTime() - new Date(d.at).getTime();
  return docs.filter((d) => (d.kind === 'missed' ? age(d) > graceMs : age(d) > staleMs));
}

/**
 * Removes what a sweep covered: each mark, and each stale process's heartbeat unless it moved
 * since (a process that was only paused keeps its document).
 */
export async function sweptFor(writers: Collection<OutboxWriterDoc>, seen: readonly OutboxWriterDoc[]): Promise<void> {
  await Promise.all(seen.map((d) => writers.deleteOne(d.kind === 'missed' ? { _id: d._id } : { _id: d._id, at: d.at })));
}
