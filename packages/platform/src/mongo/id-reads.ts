/**
 * FerretDB v1 on SQLite serves only an `_id` equality lookup from an index: any other filter, even
 * `{ _id: { $in: [...] } }`, reads the whole collection. A known set of documents is therefore read
 * one `_id` at a time: `batch` reads at once, the batches one after another (so thousands of ids
 * never open thousands of reads at once), keeping what `keep` accepts, until `limit` are kept.
 */
export interface EachByIdOptions<T> {
  /** Reads in flight at once (a positive integer). */
  batch: number;
  /** Whether a document read is kept (a missing one, `null`, never is). Every document of each batch read is offered, in the ids' order. */
  keep?: (doc: T) => boolean;
  /** No further batch is read once this many are kept (none: every id is read). */
  limit?: number;
}

/**
 * The documents `read` finds for `ids` that `keep` accepts, in the ids' order. Reading stops after
 * the batch in which the `limit`-th document is kept; every document kept in that batch is
 * returned, so the answer can hold up to `batch - 1` more than `limit` (a caller after at most
 * `limit` slices).
 */
export async function readEachById<Id, T>(ids: readonly Id[], read: (id: Id) => PromiseLike<T | null>, { batch, keep = () => true, limit = Number.POSITIVE_INFINITY }: EachByIdOptions<T>): Promise<T[]> {
  if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  const kept: T[] = [];
  for (let from = 0; from < ids.length && kept.length < limit; from += batch) {
    for (const doc of await Promise.all(ids.slice(from, from + batch).map((id) => read(id)))) if (doc !== null && keep(doc)) kept.push(doc);
  }
  return kept;
}
