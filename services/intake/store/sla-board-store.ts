import { randomUUID } from 'node:crypto';
import type { mongo } from 'mongoose';
import { shardOf, type KeyLocks } from '@aftersales/platform';
import { isOpenStatus } from '../domain/installed-base';

/**
 * The SLA board's store: every open request's entry in a few shard documents (`shard-<k>`, the
 * entries as one JSON string each), each changed under its lock, and beside them one tiny version
 * document per shard. A process keeps the parsed shards in memory and, per read, asks only the
 * versions (one command over a collection of `BOARD_SHARDS` small documents); it reads again only
 * the shards whose version moved. Parsing every open entry on every read cost ~470 ms p99 at a
 * thousand open requests; an unchanged board now costs one small read.
 */

/** An open request as the SLA board shows it (`_id` = request id); removed when the request closes. */
export interface SlaBoardEntry {
  _id: string;
  customerId: string;
  serialNumber: string;
  status: string;
  tier: string | null;
  owner: string | null;
  /** Absent on entries synced before they were added. */
  productLine?: string | null;
  city?: string | null;
  sla: unknown[];
  escalations: unknown[];
  revision: number;
}

export const BOARD_SHARDS = 8;

export interface SlaBoardShardDoc {
  _id: string;
  /** JSON of { [requestId]: entry without its id }. */
  entries: string;
  updatedAt: Date;
  /** The version this content was written under (absent on shards written before versions existed). */
  stamp?: string;
}

/** A shard's version: a fresh stamp per write, written before the shard itself (see syncBoardEntry). */
export interface SlaBoardVersionDoc {
  _id: string;
  stamp: string;
}

export interface BoardCollections {
  slaBoardShards: mongo.Collection<SlaBoardShardDoc>;
  slaBoardVersions: mongo.Collection<SlaBoardVersionDoc>;
  boardLocks: KeyLocks;
}

export type StoredBoardEntries = Record<string, Omit<SlaBoardEntry, '_id'>>;

const shardIds = Array.from({ length: BOARD_SHARDS }, (_, k) => `shard-${k}`);
const parseShard = (doc: Pick<SlaBoardShardDoc, 'entries'> | null): StoredBoardEntries => (doc ? (JSON.parse(doc.entries) as StoredBoardEntries) : {});
const entriesOf = (doc: SlaBoardShardDoc | null): SlaBoardEntry[] => Object.entries(parseShard(doc)).map(([_id, entry]) => ({ _id, ...entry }));

/** The shard documents holding these entries (for seeding). */
export function boardShardDocs(entries: readonly SlaBoardEntry[], now: Date): SlaBoardShardDoc[] {
  const shards = new Map<string, StoredBoardEntries>();
  for (const { _id, ...entry } of entries) {
    const shard = shardOf(_id, BOARD_SHARDS);
    shards.set(shard, { ...(shards.get(shard) ?? {}), [_id]: entry });
  }
  return [...shards].map(([_id, stored]) => ({ _id, entries: JSON.stringify(stored), updatedAt: now }));
}

/** Every entry on the board, read afresh: one `_id` read per shard (for batch work; the API reads through a BoardCache). */
export async function boardEntries(models: Pick<BoardCollections, 'slaBoardShards'>): Promise<SlaBoardEntry[]> {
  const shards = await Promise.all(shardIds.map((_id) => models.slaBoardShards.findOne({ _id })));
  return shards.flatMap(entriesOf);
}

/**
 * Applies syncs to a shard's stored entries in order: an open entry is written unless a newer
 * revision is stored, a closed one removed. Returns whether anything changed (nothing to write).
 */
export function applyBoardEntries(stored: StoredBoardEntries, entries: readonly SlaBoardEntry[]): boolean {
  let changed = false;
  for (const { _id, ...fields } of entries) {
    const current = stored[_id];
    if (!isOpenStatus(fields.status)) {
      if (!current) continue;
      delete stored[_id];
    } else {
      if (current && current.revision > fields.revision) continue;
      stored[_id] = fields;
    }
    changed = true;
  }
  return changed;
}

/**
 * One write of a shard with every sync that waited for it, under the shard's lock. The version
 * moves first, then the shard: a reader that sees the new version before the shard is written
 * caches the old content under the old stamp and so reads it again next time; a writer that dies
 * in between leaves readers reading that shard each time (correct, slower) until its next write.
 * The other order could leave a reader serving a stale shard for good.
 */
async function writeShard(models: BoardCollections, shard: string, entries: readonly SlaBoardEntry[]): Promise<void> {
  await models.boardLocks.holding(shard, async () => {
    const stored = parseShard(await models.slaBoardShards.findOne({ _id: shard }));
    if (!applyBoardEntries(stored, entries)) return;
    const stamp = randomUUID();
    await models.slaBoardVersions.replaceOne({ _id: shard }, { stamp }, { upsert: true });
    await models.slaBoardShards.replaceOne({ _id: shard }, { entries: JSON.stringify(stored), updatedAt: new Date(), stamp }, { upsert: true });
  });
}

interface WaitingSync {
  entry: SlaBoardEntry;
  done: { resolve: () => void; reject: (error: unknown) => void };
}

/** Per board (a process's read models) and shard: the syncs waiting for the shard's next write, and whether one is under way. */
const shardQueues = new WeakMap<BoardCollections, Map<string, { waiting: WaitingSync[]; writing: boolean }>>();

/**
 * Keeps the board's entry of a request in step with the record: written while open, removed once
 * closed; an older revision never overwrites a newer one. Resolves once a write holding this entry
 * is stored. Syncs of one shard that arrive while its write is under way (every open request's
 * workflow syncs, eight shards) go together in the next write: one lock round and one shard write
 * for all of them instead of one each, queued behind one another on the lock.
 */
export function syncBoardEntry(models: BoardCollections, entry: SlaBoardEntry): Promise<void> {
  const shard = shardOf(entry._id, BOARD_SHARDS);
  let queues = shardQueues.get(models);
  if (!queues) shardQueues.set(models, (queues = new Map()));
  let queue = queues.get(shard);
  if (!queue) queues.set(shard, (queue = { waiting: [], writing: false }));
  const mine = queue;
  return new Promise<void>((resolve, reject) => {
    mine.waiting.push({ entry, done: { resolve, reject } });
    if (!mine.writing) void writeWhileWaiting(models, shard, mine);
  });
}

async function writeWhileWaiting(models: BoardCollections, shard: string, queue: { waiting: WaitingSync[]; writing: boolean }): Promise<void> {
  queue.writing = true;
  try {
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0);
      try {
        await writeShard(models, shard, batch.map((w) => w.entry));
        for (const w of batch) w.done.resolve();
      } catch (error) {
        for (const w of batch) w.done.reject(error);
      }
    }
  } finally {
    queue.writing = false;
  }
}

interface CachedShard {
  stamp: string | null;
  entries: SlaBoardEntry[];
}

export interface BoardSnapshot {
  /** Changes whenever any shard's content may have: a key for caching what is derived from the entries. */
  key: string;
  entries: readonly SlaBoardEntry[];
}

/**
 * A process's copy of the board, checked against the versions on every read: what another process
 * synced shows on the first read that starts after its sync returned. Concurrent reads share a
 * shard's fetch only when it began after their own version check did, so none is served content
 * older than the versions it saw.
 */
export function createBoardCache(models: Pick<BoardCollections, 'slaBoardShards' | 'slaBoardVersions'>) {
  const shards = new Map<string, CachedShard>();
  const fetching = new Map<string, { startedAt: number; done: Promise<CachedShard> }>();
  let snapshot: BoardSnapshot | null = null;

  function fetchShard(_id: string): Promise<CachedShard> {
    const startedAt = performance.now();
    const done = models.slaBoardShards.findOne({ _id }).then((doc) => {
      const fresh = { stamp: doc?.stamp ?? null, entries: entriesOf(doc) };
      // A slower fetch that began earlier must not replace a newer one.
      if (fetching.get(_id)?.done === done) {
        shards.set(_id, fresh);
        fetching.delete(_id);
      }
      return fresh;
    });
    void done.catch(() => {
      if (fetching.get(_id)?.done === done) fetching.delete(_id);
    });
    fetching.set(_id, { startedAt, done });
    return done;
  }

  return {
    async read(): Promise<BoardSnapshot> {
      const checkedAt = performance.now();
      const versions = new Map((await models.slaBoardVersions.find({}).toArray()).map((v) => [v._id, v.stamp]));
      const current = await Promise.all(
        shardIds.map(async (_id) => {
          const version = versions.get(_id) ?? null;
          const cached = shards.get(_id);
          if (cached && cached.stamp === version) return cached;
          const inFlight = fetching.get(_id);
          return inFlight && inFlight.startedAt >= checkedAt ? inFlight.done : fetchShard(_id);
        }),
      );
      // A shard never written under a version (empty, or from before versions) keeps its null stamp until its next write.
      const key = current.map((s) => s.stamp ?? '-').join(',');
      if (snapshot?.key !== key) snapshot = { key, entries: current.flatMap((s) => s.entries) };
      return snapshot;
    },
  };
}

export type BoardCache = ReturnType<typeof createBoardCache>;
