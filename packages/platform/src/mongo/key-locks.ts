import type { mongo } from 'mongoose';
import { isDuplicateKeyError } from './connection';

/**
 * Locks by key for read-modify-write of one document. FerretDB v1 does not serialise concurrent
 * updates of one document (two writers read, both write, one write is lost), so a document that
 * several writers change (a machine's open requests, a calendar shard) changes only under its
 * lock: a unique-key insert of `{ _id: key }`, the one write FerretDB serialises, deleted when done.
 * A lock left by a process that died is taken over once its lease has run out. The lock collection
 * holds only locks in use, so its non-`_id` deletes read a handful of documents.
 */
export interface KeyLockDoc {
  _id: string;
  owner: string;
  until: Date;
}

export interface KeyLockOptions {
  /** The clock the leases are written in (injected: tests move it). */
  now: () => Date;
  /** How long a holder may keep a lock before another process may take it over. */
  leaseMs?: number;
  /** How long to wait for a lock before failing (the caller retries or answers 503). */
  waitMs?: number;
  /** What is locked, for the error: "calendar", "machine open requests". */
  what: string;
}

export interface KeyLocks {
  /** Runs `fn` while holding the lock of `key`; releases it however `fn` ends. */
  holding<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createKeyLocks(locks: mongo.Collection<KeyLockDoc>, options: KeyLockOptions): KeyLocks {
  const leaseMs = options.leaseMs ?? 15_000;
  const waitMs = options.waitMs ?? 20_000;
  const processTag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  let seq = 0;

  async function lock(key: string): Promise<string> {
    const owner = `${processTag}-${++seq}`;
    const gaveUpAt = Date.now() + waitMs;
    for (let attempt = 0; ; attempt++) {
      try {
        await locks.insertOne({ _id: key, owner, until: new Date(options.now().getTime() + leaseMs) });
        return owner;
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
      const held = await locks.findOne({ _id: key });
      // Expired: its holder died. Deleting by owner too, so two takers cannot both remove a fresh lock.
      if (held && held.until.getTime() < options.now().getTime()) await locks.deleteOne({ _id: key, owner: held.owner });
      else if (Date.now() > gaveUpAt) throw new Error(`${options.what} ${key} stayed locked for ${waitMs} ms`);
      else await sleep(Math.min(20, 1 + attempt) * (0.5 + Math.random()));
    }
  }

  return {
    async holding(key, fn) {
      const owner = await lock(key);
      try {
        return await fn();
      } finally {
        await locks.deleteOne({ _id: key, owner });
      }
    },
  };
}

/**
 * The shard of a key among `count` shard documents (`shard-<k>`): a stable string hash, so every
 * process agrees. A read model kept as a few shard documents (each a JSON string, changed under its
 * shard's lock) reads whole in `count` `_id` lookups, which FerretDB serves far faster than as many
 * documents as it has entries.
 */
export function shardOf(key: string, count: number): string {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) | 0;
  return `shard-${Math.abs(h) % count}`;
}
