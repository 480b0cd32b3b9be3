import type { Collection } from 'mongodb';
import { insertedOnce } from './connection';

/** One entry of a numbered list: `_id` = `<list>#<n>`, naming one document by its id. */
export type NumberedEntryDoc<F extends string> = { _id: string } & Record<F, string>;

/**
 * Lists kept as numbered entries `<list>#<n>`, read by `_id`: on FerretDB v1 a filter on any other
 * field reads the whole collection. Each entry is taken by a unique insert (no lock: two appends at
 * once collide on one number and the loser takes the next) and never removed, so a list's entries
 * are 0..end-1 without gaps, and its end is found by galloping from what this process last saw.
 * Writers add the entry before the document it names: a crash leaves an entry naming nothing,
 * which readers skip, never a document no list names.
 */
export function numberedEntries<F extends string>(entries: Collection<NumberedEntryDoc<F>>, field: F, options: { batch?: number } = {}) {
  const batch = options.batch ?? 8;
  const entryId = (list: string, n: number) => `${list}#${n}`;
  // A lower bound of each list's end, per process: entries below it stay taken.
  const seenEnd = new Map<string, number>();

  const refAt = async (list: string, n: number): Promise<string | null> => {
    const doc = (await entries.findOne({ _id: entryId(list, n) } as never)) as Record<string, unknown> | null;
    return doc ? (doc[field] as string) : null;
  };
  const insertAt = (list: string, n: number, ref: string) => insertedOnce(entries.insertOne({ _id: entryId(list, n), [field]: ref } as never));

  /** Entries from `from` on, a batch of `_id` reads at a time, up to the first missing one (small lists). */
  async function readFrom(list: string, from: number): Promise<{ refs: string[]; free: number }> {
    const refs: string[] = [];
    for (let at = from; ; at += batch) {
      const read = await Promise.all(Array.from({ length: batch }, (_, i) => refAt(list, at + i)));
      const missing = read.indexOf(null);
      refs.push(...(read.slice(0, missing < 0 ? batch : missing) as string[]));
      if (missing >= 0) return { refs, free: at + missing };
    }
  }

  /** The first free number: one read when this process's bound is still the end, else about 2·log2 of the entries added since. */
  async function end(list: string): Promise<number> {
    let taken = (seenEnd.get(list) ?? 0) - 1;
    let step = 1;
    let free = taken + 1;
    while ((await refAt(list, free)) !== null) {
      taken = free;
      free = taken + step;
      step *= 2;
    }
    while (free - taken > 1) {
      const mid = Math.floor((taken + free) / 2);
      if ((await refAt(list, mid)) !== null) taken = mid;
      else free = mid;
    }
    seenEnd.set(list, free);
    return free;
  }

  /** Takes the list's first entry for `ref`: false when the list has one already (one round trip for a new list). */
  const takeFirst = (list: string, ref: string) => insertAt(list, 0, ref);

  /** Adds an entry at the list's end, whether or not it lists `ref` already (readers drop repeats). */
  async function append(list: string, ref: string): Promise<void> {
    for (;;) {
      const n = await end(list);
      if (await insertAt(list, n, ref)) {
        seenEnd.set(list, n + 1);
        return;
      }
      seenEnd.set(list, n + 1);
    }
  }

  /**
   * Adds the refs the list lacks: the list is read whole once (for small lists, and for one-off
   * builds), then up to 16 entries go in at once; a number another writer took meanwhile is read
   * and its ref tried again further on.
   */
  async function appendMissing(list: string, refs: readonly string[]): Promise<void> {
    const read = await readFrom(list, 0);
    const listed = new Set(read.refs);
    let free = read.free;
    let queue = [...new Set(refs)].filter((ref) => !listed.has(ref));
    while (queue.length > 0) {
      const from = free;
      const take = queue.slice(0, 16);
      const won = await Promise.all(take.map((ref, i) => insertAt(list, from + i, ref)));
      queue = queue.slice(take.length);
      if (won.every(Boolean)) {
        free += take.length;
        continue;
      }
      const more = await readFrom(list, from);
      for (const ref of more.refs) listed.add(ref);
      free = more.free;
      queue = [...take.filter((ref) => !listed.has(ref)), ...queue];
    }
    seenEnd.set(list, Math.max(free, seenEnd.get(list) ?? 0));
  }

  /** The list's refs, newest first, each once, a batch of `_id` reads at a time, at most `max` entries read. */
  async function* newestFirst(list: string, max = Number.POSITIVE_INFINITY): AsyncGenerator<string> {
    const seen = new Set<string>();
    const last = (await end(list)) - 1;
    for (let top = last; top >= 0 && last - top < max; top -= batch) {
      const numbers = Array.from({ length: Math.min(batch, top + 1, max - (last - top)) }, (_, i) => top - i);
      for (const ref of await Promise.all(numbers.map((n) => refAt(list, n)))) {
        if (ref !== null && !seen.has(ref)) {
          seen.add(ref);
          yield ref;
        }
      }
    }
  }

  return { readFrom, end, takeFirst, append, appendMissing, newestFirst };
}
