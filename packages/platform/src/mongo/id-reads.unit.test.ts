import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readEachById } from './id-reads';

/** A fake `_id` reader: ids below 0 are missing; each read settles after a delay of its own, so reads finish out of order. */
function fakeReader(delayOf: (id: number) => number = (id) => (id * 7) % 5) {
  const reads: number[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  /** For each read, the reads already finished when it started. */
  const finishedBefore: number[] = [];
  let finished = 0;
  const read = async (id: number) => {
    reads.push(id);
    finishedBefore.push(finished);
    inFlight++;
    mostInFlight = Math.max(mostInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, delayOf(id)));
    inFlight--;
    finished++;
    return id < 0 ? null : { id };
  };
  return { read, reads, finishedBefore, mostInFlight: () => mostInFlight };
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('readEachById', () => {
  it('keeps what matches in the ids order, whatever order the reads settle in, skipping missing ones', async () => {
    const fake = fakeReader((id) => (id < 0 ? 1 : 10 - (Math.abs(id) % 10)));
    const ids = [9, -1, 3, 8, 2, -5, 7, 4];
    const found = await readEachById(ids, fake.read, { batch: 3, keep: (d) => d.id % 2 === 0 || d.id === 9 });
    expect(found.map((d) => d.id)).toEqual([9, 8, 2, 4]);
    expect(fake.reads).toEqual(ids);
  });

  it('reads a batch at once and the batches one after another', async () => {
    const fake = fakeReader();
    await readEachById(range(23), fake.read, { batch: 5 });
    expect(fake.reads).toEqual(range(23));
    expect(fake.mostInFlight()).toBe(5);
    // Each read of batch n starts once every read of the batches before it has finished, and none of its own.
    expect(fake.finishedBefore).toEqual(range(23).map((i) => Math.floor(i / 5) * 5));
  });

  it('stops after the batch in which the limit is reached, returning all that batch kept', async () => {
    const fake = fakeReader();
    const offered: number[] = [];
    const found = await readEachById(range(100), fake.read, {
      batch: 10,
      limit: 12,
      keep: (d) => {
        offered.push(d.id);
        return d.id % 3 === 0;
      },
    });
    // 0, 3, ..., 33: the 12th kept is 33, in the 4th batch (30..39), which also keeps 36 and 39.
    expect(found.map((d) => d.id)).toEqual([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39]);
    expect(fake.reads).toEqual(range(40));
    expect(offered).toEqual(range(40));
  });

  it('reads nothing for no ids or a limit of 0, and everything without a limit', async () => {
    const none = fakeReader();
    expect(await readEachById([], none.read, { batch: 4, limit: 3 })).toEqual([]);
    expect(await readEachById(range(9), none.read, { batch: 4, limit: 0 })).toEqual([]);
    expect(none.reads).toEqual([]);
    const all = fakeReader(() => 0);
    expect((await readEachById(range(9), all.read, { batch: 4, keep: () => false })).length).toBe(0);
    expect(all.reads).toEqual(range(9));
  });

  it('refuses a batch that is not a positive integer', async () => {
    await expect(readEachById([1], fakeReader().read, { batch: 0 })).rejects.toThrow(RangeError);
    await expect(readEachById([1], fakeReader().read, { batch: 2.5 })).rejects.toThrow(RangeError);
  });

  it('answers what reading one id at a time answers, reading whole batches up to the one that reaches the limit', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -20, max: 200 }), { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }), async (ids, batch, limit) => {
        const fake = fakeReader(() => 0);
        const keep = (d: { id: number }) => d.id % 4 !== 1;
        const kept = (id: number) => id >= 0 && keep({ id });
        const found = await readEachById(ids, fake.read, { batch, keep, limit });
        // One read at a time would stop just past the limit-th kept id (or at the end); whole batches stop at the end of that one's batch.
        let needed = 0;
        let count = 0;
        while (needed < ids.length && count < (limit ?? Number.POSITIVE_INFINITY)) if (kept(ids[needed++]!)) count++;
        const read = ids.slice(0, Math.min(ids.length, Math.ceil(needed / batch) * batch));
        expect(fake.reads).toEqual(read);
        expect(found.map((d) => d.id)).toEqual(read.filter(kept));
        expect(found.slice(0, limit).map((d) => d.id)).toEqual(ids.filter(kept).slice(0, limit));
      }),
      { numRuns: 200 },
    );
  });
});
