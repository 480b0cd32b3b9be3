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
 *
 * A relay's start sweeps only when that collection calls for it, and once per indexed collection
 * (its `tracked|<collection>` marker: documents written before writers kept heartbeats, or before
 * the collection's documents went through the pending index). A process's first
 * heartbeat lands before it writes anything (`ready`), so a writer that died always left one. A
 * dead writer on the relay's host is known by its pid once its last beat is `goneWriterMs` old
 * (what it wrote after that beat is then past the sweep's grace), one elsewhere once its
 * heartbeat is stale.
 */
export const outboxWritersCollection = 'outboxWriters';

export interface OutboxWriterDoc {
  _id: string;
  /**
   * `process`: a running writer's heartbeat. `missed`: an entry's insert failed after its
   * document's. `tracked`: since `at` every writer kept a heartbeat (one per indexed collection, see trackedMarkerOf).
   */
  kind: 'process' | 'missed' | 'tracked';
  at: Date;
  /** A heartbeat's host and pid: a relay on the same host knows at once that the process is gone. */
  host?: string;
  pid?: number;
}

/** A beat's interval, the sweep's grace and a margin: a gone writer's last write is then older than the grace. */
export const goneWriterMs = 25_000;

/**
 * The database's one-time marker as written before the markers named collections: a sweep covered
 * what every collection indexed then held before writers kept heartbeats.
 */
export const trackedMarkerId = 'tracked';
/** A collection's one-time marker: a sweep covered what it held before it was tracked. */
export const trackedMarkerOf = (collection: string) => `${trackedMarkerId}|${collection}`;

/**
 * The indexed collections a relay's start must sweep once, and the markers it then writes: those
 * without their marker. A database marked the earlier way (the one marker, none per collection)
 * had every collection it indexed then swept; its collections are marked without a sweep (a
 * collection indexed in that same upgrade notes its own documents, as quality's 8Ds do).
 */
export function untrackedCollections(docs: readonly OutboxWriterDoc[], collections: readonly string[]): { sweep: string[]; mark: string[] } {
  const ids = new Set(docs.filter((d) => d.kind === 'tracked').map((d) => d._id));
  const mark = collections.filter((name) => !ids.has(trackedMarkerOf(name)));
  const earlierOnly = ids.has(trackedMarkerId) && [...ids].every((id) => id === trackedMarkerId);
  return { sweep: earlierOnly ? [] : mark, mark };
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

/**
 * Says this process writes to `db`'s outboxes until `stop` (called at a clean stop). `ready`
 * resolves once the first heartbeat is stored (tried again each second until it is): await it
 * before the first write, so a process that dies after writing always leaves a heartbeat.
 */
export function startOutboxWriter(db: Db, options: { everyMs?: number; now?: () => Date; log: Pick<Logger, 'warn'> }): { ready: Promise<void>; stop(): Promise<void> } {
  const writers = db.collection<OutboxWriterDoc>(outboxWritersCollection);
  const now = options.now ?? (() => new Date());
  let stopped = false;
  const beat = async () => {
    await writers.updateOne({ _id: processId }, { $set: { kind: 'process', at: now(), host: hostname(), pid: process.pid } }, { upsert: true });
    await writeMarks(db, now());
  };
  const ready = (async () => {
    for (;;) {
      try {
        return await beat();
      } catch (error) {
        if (stopped) return;
        options.log.warn({ err: error }, 'outbox writer: first heartbeat failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  })();
  let beating: Promise<void> = ready;
  const timer = setInterval(() => {
    beating = beating.then(() => beat().catch((error: unknown) => options.log.warn({ err: error }, 'outbox writer heartbeat failed')));
  }, options.everyMs ?? 10_000);
  timer.unref();
  return {
    ready,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await beating;
      // With marks still unwritten the heartbeat stays: once stale, a relay sweeps for them.
      if (await writeMarks(db, now()).then(() => true, () => false)) await writers.deleteOne({ _id: processId });
    },
  };
}

/** Whether a heartbeat is of a process on this host that is no longer running (not this one). */
export function goneFromThisHost(doc: OutboxWriterDoc, isRunning: (pid: number) => boolean = pidRunning): boolean {
  return doc.kind === 'process' && doc.host === hostname() && typeof doc.pid === 'number' && doc.pid !== process.pid && !isRunning(doc.pid);
}

function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process runs under that pid, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What calls for a sweep: processes whose heartbeat is older than `staleMs` (or `goneWriterMs`
 * when the process is gone from this host), and marks older than
 * `graceMs`, the sweep's own grace (a mark is written after its document, so a sweep that leaves
 * documents younger than its grace to their writers finds the document of a mark that old).
 */
export function writersToSweepFor(docs: readonly OutboxWriterDoc[], at: Date, staleMs: number, graceMs: number, isRunning: (pid: number) => boolean = pidRunning): OutboxWriterDoc[] {
  const age = (d: OutboxWriterDoc) => at.getTime() - new Date(d.at).getTime();
  return docs.filter((d) => (d.kind === 'missed' ? age(d) > graceMs : d.kind === 'process' && (age(d) > staleMs || (age(d) > goneWriterMs && goneFromThisHost(d, isRunning)))));
}

/**
 * Removes what a sweep covered: each mark, and each stale process's heartbeat unless it moved
 * since (a process that was only paused keeps its document).
 */
export async function sweptFor(writers: Collection<OutboxWriterDoc>, seen: readonly OutboxWriterDoc[]): Promise<void> {
  await Promise.all(seen.map((d) => writers.deleteOne(d.kind === 'missed' ? { _id: d._id } : { _id: d._id, at: d.at })));
}
