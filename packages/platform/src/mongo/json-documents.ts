import type { mongo } from 'mongoose';
import { createKeyLocks, type KeyLockDoc, type KeyLockOptions } from './key-locks';

/**
 * A JSON value per key, in one document (`_id` = the key) whose fields hold the value's fields as
 * JSON strings (keys inside may hold dots, which document field names may not). FerretDB v1 serves
 * only an exact `{ _id }` filter from an index, so the value is read by `_id`; it loses one of two
 * concurrent updates of one document, so the value changes only read-merge-write under the key's
 * lock (createKeyLocks). What a change merges is the caller's: a pure function of the current value.
 */

/** What a change's function returns to write nothing (no update is sent). */
export const unchanged: unique symbol = Symbol('unchanged');

/** The next value from the current one, or `unchanged`. It runs once, under the key's lock. */
export type JsonChange<T> = (current: T) => T | typeof unchanged;

export interface JsonDocumentsOptions<T extends object> extends KeyLockOptions {
  /** The value of a key with no document. Its fields are the JSON fields stored: one string each. */
  empty: () => T;
  /** A key's lock (default: the key itself); a prefix keeps kinds apart in a shared lock collection. */
  lockKey?: (key: string) => string;
}

export interface JsonDocuments<T> {
  /** The key's value, one `_id` read; `empty()` (field by field) where nothing is stored. */
  read(key: string): Promise<T>;
  /** Runs `fn` holding the key's lock: for a caller that reads or writes more under it (then changeHeld). */
  holding<R>(key: string, fn: () => Promise<R>): Promise<R>;
  /**
   * Changes the key's value under its lock; returns the value stored after. `also` holds plain
   * fields written beside the JSON when something is written (an `updatedAt`, the key's parts).
   */
  change(key: string, next: JsonChange<T>, also?: Record<string, unknown>): Promise<T>;
  /** `change` for a caller that already holds the key's lock (taking it again would wait for itself). */
  changeHeld(key: string, next: JsonChange<T>, also?: Record<string, unknown>): Promise<T>;
}

type Stored = { _id: string } & Record<string, unknown>;

export function createJsonDocuments<T extends object, D extends { _id: string } & Record<keyof T, string>>(
  collection: mongo.Collection<D>,
  locks: mongo.Collection<KeyLockDoc>,
  options: JsonDocumentsOptions<T>,
): JsonDocuments<T> {
  const docs = collection as unknown as mongo.Collection<Stored>;
  const keyLocks = createKeyLocks(locks, options);
  const lockKey = options.lockKey ?? ((key: string) => key);
  const fields = Object.keys(options.empty());

  async function read(key: string): Promise<T> {
    const empty = options.empty();
    const doc = await docs.findOne({ _id: key });
    if (!doc) return empty;
    return Object.fromEntries(Object.entries(empty).map(([field, absent]) => [field, typeof doc[field] === 'string' ? JSON.parse(doc[field]) : absent])) as T;
  }

  async function changeHeld(key: string, next: JsonChange<T>, also: Record<string, unknown> = {}): Promise<T> {
    const current = await read(key);
    const value = next(current);
    if (value === unchanged) return current;
    const json = Object.fromEntries(fields.map((field) => [field, JSON.stringify((value as Record<string, unknown>)[field])]));
    await docs.updateOne({ _id: key }, { $set: { ...also, ...json } }, { upsert: true });
    return value;
  }

  const holding = <R>(key: string, fn: () => Promise<R>) => keyLocks.holding(lockKey(key), fn);

  return {
    read,
    holding,
    change: (key, next, also) => holding(key, () => changeHeld(key, next, also)),
    changeHeld,
  };
}
