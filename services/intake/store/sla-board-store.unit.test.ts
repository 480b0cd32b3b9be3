import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardOf } from '@aftersales/platform';
import { applyBoardEntries, BOARD_SHARDS, createBoardCache, syncBoardEntry, type BoardCollections, type SlaBoardEntry, type StoredBoardEntries } from './sla-board-store';

/** An in-memory stand-in for the two collections, counting what each read asks (the cache's logic is under test, not Mongo). */
function fakeStore() {
  const docs = { shards: new Map<string, Record<string, unknown>>(), versions: new Map<string, Record<string, unknown>>() };
  const reads = { shards: [] as string[], versions: 0 };
  const writes = { shards: [] as string[] };
  /** Shards whose next write fails (then succeeds again). */
  const failNext = new Set<string>();
  const collection = (which: 'shards' | 'versions') => ({
    findOne: async ({ _id }: { _id: string }) => {
      if (which === 'shards') reads.shards.push(_id);
      const doc = docs[which].get(_id);
      return doc ? { _id, ...doc } : null;
    },
    find: () => ({
      toArray: async () => {
        reads.versions++;
        return [...docs[which]].map(([_id, doc]) => ({ _id, ...doc }));
      },
    }),
    replaceOne: async ({ _id }: { _id: string }, doc: Record<string, unknown>) => {
      // A round trip: concurrent syncs find the shard's write under way.
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (which === 'shards' && failNext.delete(_id)) throw new Error('database gone');
      if (which === 'shards') writes.shards.push(_id);
      docs[which].set(_id, doc);
    },
  });
  const models = {
    slaBoardShards: collection('shards'),
    slaBoardVersions: collection('versions'),
    boardLocks: { holding: <T>(_key: string, fn: () => Promise<T>) => fn() },
  } as unknown as BoardCollections;
  return { docs, reads, writes, failNext, models };
}

const entry = (id: string, revision = 1, status = 'registered'): SlaBoardEntry => ({ _id: id, customerId: 'C-1', serialNumber: 'M-1', status, tier: 'P2', owner: null, sla: [], escalations: [], revision });
const ids = (entries: readonly SlaBoardEntry[]) => entries.map((e) => e._id).sort();

describe('the SLA board cache', () => {
  it('reads every shard once, then only the versions while nothing changes', async () => {
    const { reads, models } = fakeStore();
    await syncBoardEntry(models, entry('SR-1'));
    await syncBoardEntry(models, entry('SR-2'));
    reads.shards.length = 0;
    const cache = createBoardCache(models);
    const first = await cache.read();
    expect(ids(first.entries)).toEqual(['SR-1', 'SR-2']);
    expect(reads.shards).toHaveLength(BOARD_SHARDS);
    reads.shards.length = 0;
    const second = await cache.read();
    expect(second).toBe(first);
    expect(reads.shards).toEqual([]);
    expect(reads.versions).toBe(2);
  });

  it("shows another process's sync on the next read, reading again only the shard that changed", async () => {
    const { reads, models } = fakeStore();
    await syncBoardEntry(models, entry('SR-1'));
    const cache = createBoardCache(models);
    const before = await cache.read();
    reads.shards.length = 0;
    // Another process (same store, its own cache) syncs two changes.
    await syncBoardEntry(models, entry('SR-9'));
    await syncBoardEntry(models, { ...entry('SR-1', 2), tier: 'P1' });
    reads.shards.length = 0;
    const after = await cache.read();
    expect(after.key).not.toBe(before.key);
    expect(ids(after.entries)).toEqual(['SR-1', 'SR-9']);
    expect(after.entries.find((e) => e._id === 'SR-1')?.tier).toBe('P1');
    expect(new Set(reads.shards)).toEqual(new Set([shardOf('SR-1', BOARD_SHARDS), shardOf('SR-9', BOARD_SHARDS)]));
    await syncBoardEntry(models, entry('SR-9', 3, 'closed'));
    expect(ids((await cache.read()).entries)).toEqual(['SR-1']);
  });

  it('keeps reading a shard whose version moved before its content (a writer between its two writes, or one that died there)', async () => {
    const { docs, reads, models } = fakeStore();
    await syncBoardEntry(models, entry('SR-1'));
    const cache = createBoardCache(models);
    await cache.read();
    const shard = shardOf('SR-1', BOARD_SHARDS);
    docs.versions.set(shard, { stamp: 'moved-ahead' });
    reads.shards.length = 0;
    expect(ids((await cache.read()).entries)).toEqual(['SR-1']);
    expect(ids((await cache.read()).entries)).toEqual(['SR-1']);
    expect(reads.shards).toEqual([shard, shard]);
    // The content lands under that stamp: served, and no longer read again.
    docs.shards.set(shard, { ...docs.shards.get(shard), entries: JSON.stringify({ 'SR-1': entry('SR-1'), 'SR-5': entry('SR-5') }), stamp: 'moved-ahead' });
    expect(ids((await cache.read()).entries)).toEqual(['SR-1', 'SR-5']);
    reads.shards.length = 0;
    await cache.read();
    expect(reads.shards).toEqual([]);
  });

  it('never lets an older revision overwrite a newer one, and a closed request leaves', async () => {
    const { models } = fakeStore();
    await syncBoardEntry(models, { ...entry('SR-1', 3), tier: 'P1' });
    await syncBoardEntry(models, { ...entry('SR-1', 2), tier: 'P4' });
    const cache = createBoardCache(models);
    expect((await cache.read()).entries).toMatchObject([{ _id: 'SR-1', tier: 'P1', revision: 3 }]);
    await syncBoardEntry(models, entry('SR-1', 4, 'closed'));
    expect((await cache.read()).entries).toEqual([]);
  });
});

describe('writing the board', () => {
  const arbEntry = fc.record({
    id: fc.constantFrom('SR-1', 'SR-2', 'SR-3'),
    revision: fc.integer({ min: 0, max: 5 }),
    status: fc.constantFrom('registered', 'dispatched', 'closed', 'cancelled'),
    tier: fc.constantFrom('P1', 'P2', 'P3'),
  }).map(({ id, revision, status, tier }) => ({ ...entry(id, revision, status), tier }));

  it('applies a batch of syncs as if each had been written on its own, in order', () => {
    fc.assert(
      fc.property(fc.array(arbEntry, { maxLength: 12 }), fc.array(arbEntry, { maxLength: 12 }), (before, syncs) => {
        const start: StoredBoardEntries = {};
        applyBoardEntries(start, before);
        const together = structuredClone(start);
        const changedTogether = applyBoardEntries(together, syncs);
        const oneByOne = structuredClone(start);
        let changedOneByOne = false;
        for (const sync of syncs) changedOneByOne = applyBoardEntries(oneByOne, [sync]) || changedOneByOne;
        expect(together).toEqual(oneByOne);
        expect(changedTogether).toBe(changedOneByOne);
      }),
    );
  });

  it('stores concurrent syncs of one shard in fewer writes, each sync answered once its entry is stored', async () => {
    const { writes, models } = fakeStore();
    const shard = shardOf('SR-1', BOARD_SHARDS);
    const sameShard = Array.from({ length: 200 }, (_, i) => `SR-${i}`).filter((id) => shardOf(id, BOARD_SHARDS) === shard).slice(0, 10);
    await Promise.all(sameShard.map((id) => syncBoardEntry(models, entry(id))));
    const onShard = writes.shards.filter((s) => s === shard);
    expect(onShard.length).toBeGreaterThanOrEqual(1);
    expect(onShard.length).toBeLessThan(sameShard.length);
    expect(ids((await createBoardCache(models).read()).entries)).toEqual([...sameShard].sort());
  });

  it('fails the syncs of a write that failed, and writes the ones that came after', async () => {
    const { failNext, models } = fakeStore();
    const shard = shardOf('SR-1', BOARD_SHARDS);
    const other = Array.from({ length: 200 }, (_, i) => `SR-${i}`).find((id) => id !== 'SR-1' && shardOf(id, BOARD_SHARDS) === shard)!;
    failNext.add(shard);
    const first = syncBoardEntry(models, entry('SR-1'));
    const later = syncBoardEntry(models, entry(other));
    await expect(first).rejects.toThrow('database gone');
    await later;
    expect(ids((await createBoardCache(models).read()).entries)).toEqual([other]);
  });
});
