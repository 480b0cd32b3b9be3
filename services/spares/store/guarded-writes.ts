import type { Collection, Document, UpdateFilter } from 'mongodb';
import { createKeyLocks } from '@aftersales/platform';
import type { SparesStore } from './collections';

/**
 * A conditional write of one document, as read, check and write by `_id` under the document's key
 * lock. A filter of more than `_id` (`{ _id, status }`) reads the whole collection on FerretDB v1,
 * and FerretDB does not make it atomic either; under the lock the check and the write are one step
 * on any server, so a late writer never acts on a state another has moved on.
 */
export function createGuardedWrites(store: SparesStore, now: () => Date) {
  const locks = createKeyLocks(store.locks, { what: 'guarded write', now, leaseMs: 15_000 });
  return {
    /** Sets `set` on the document when `allowed` holds for it as stored; whether it did. */
    async setIf<T extends Document & { _id: string }>(collection: Collection<T>, id: string, allowed: (doc: T) => boolean, set: Partial<T>): Promise<boolean> {
      return locks.holding(`${collection.collectionName}|${id}`, async () => {
        const doc = (await collection.findOne({ _id: id } as never)) as T | null;
        if (!doc || !allowed(doc)) return false;
        await collection.updateOne({ _id: id } as never, { $set: set } as never);
        return true;
      });
    },
    /**
     * Applies the update `change` returns for the document as stored (`null`: leave it), by `_id`
     * under the same lock as `setIf`; whether it wrote.
     */
    async updateIf<T extends Document & { _id: string }>(collection: Collection<T>, id: string, change: (doc: T) => UpdateFilter<T> | null): Promise<boolean> {
      return locks.holding(`${collection.collectionName}|${id}`, async () => {
        const doc = (await collection.findOne({ _id: id } as never)) as T | null;
        const update = doc ? change(doc) : null;
        if (!update) return false;
        await collection.updateOne({ _id: id } as never, update);
        return true;
      });
    },
  };
}

export type GuardedWrites = ReturnType<typeof createGuardedWrites>;
