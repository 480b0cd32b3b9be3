import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OutboxEntry } from './outbox';
import { keysOf, leaseKeyOf, leaseRanOut, mayBeStale, orderSafe, takenOverEpoch, type DueEntry } from './outbox-claims';

const base = Date.now();
/** An entry of the pending index with one event per key given; chain-only when `chainOnly`. */
function due(i: number, keys: string[], chainOnly = false): DueEntry {
  const entries = keys.map((subject, n) => ({ topic: 't', event: { id: `e${i}-${n}`, subject }, ...(chainOnly ? { chainOnly: true as const } : {}) }) as unknown as OutboxEntry);
  return { _id: `c|D-${i}`, dueAt: new Date(base + i), entries };
}

describe('orderSafe', () => {
  it('takes everything when nothing was lost', () => {
    const tried = [due(0, ['A']), due(1, ['A']), due(2, ['B'])];
    expect(orderSafe(tried, new Set())).toEqual({ take: tried, giveBack: [], held: [] });
  });

  it('gives back a won entry behind a held one of the same key, and what comes behind that in turn', () => {
    const tried = [due(0, ['A']), due(1, ['B']), due(2, ['A', 'C']), due(3, ['C']), due(4, ['D'])];
    const { take, giveBack, held } = orderSafe(tried, new Set([0]));
    expect(held.map((p) => p._id)).toEqual(['c|D-0']);
    expect(giveBack.map((p) => p._id)).toEqual(['c|D-2', 'c|D-3']);
    expect(take.map((p) => p._id)).toEqual(['c|D-1', 'c|D-4']);
  });

  it('a chain-only entry neither waits nor blocks', () => {
    const tried = [due(0, ['A'], true), due(1, ['A'])];
    expect(orderSafe(tried, new Set([0])).take.map((p) => p._id)).toEqual(['c|D-1']);
  });

  it('never publishes an entry after an unpublished earlier entry of one of its keys, and sorts every entry into one outcome', () => {
    const entry = fc.array(fc.constantFrom('A', 'B', 'C', 'D', 'E'), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.array(fc.nat(29)), (keyLists, lostList) => {
        const tried = keyLists.map((keys, i) => due(i, keys));
        const lost = new Set(lostList.filter((i) => i < tried.length));
        const { take, giveBack, held } = orderSafe(tried, lost);
        expect([...take, ...giveBack, ...held].map((p) => p._id).sort()).toEqual(tried.map((p) => p._id).sort());
        expect(held.map((p) => tried.indexOf(p)).sort((a, b) => a - b)).toEqual([...lost].sort((a, b) => a - b));
        const waiting = new Set([...giveBack, ...held]);
        for (const p of take) {
          const earlierKeys = tried.slice(0, tried.indexOf(p)).filter((q) => waiting.has(q)).flatMap(keysOf);
          expect(keysOf(p).filter((k) => earlierKeys.includes(k))).toEqual([]);
        }
        // What is taken keeps the order it was tried in.
        expect(take.map((p) => tried.indexOf(p))).toEqual(take.map((p) => tried.indexOf(p)).sort((a, b) => a - b));
      }),
    );
  });
});

describe('leases', () => {
  const leaseMs = 30_000;
  const at = new Date(base + 100_000);

  it('reads only the leases of entries due for longer than a lease', () => {
    const old = { ...due(0, ['A']), dueAt: new Date(at.getTime() - leaseMs - 1) };
    const young = { ...due(1, ['B']), dueAt: new Date(at.getTime() - leaseMs + 1) };
    expect(mayBeStale([old, young], at, leaseMs)).toEqual([old]);
  });

  it('a lease ran out when older than a lease or gone', () => {
    expect(leaseRanOut(null, at, leaseMs)).toBe(true);
    expect(leaseRanOut({ claimedAt: new Date(at.getTime() - leaseMs - 1) }, at, leaseMs)).toBe(true);
    expect(leaseRanOut({ claimedAt: new Date(at.getTime() - leaseMs + 1) }, at, leaseMs)).toBe(false);
  });

  it('a taken-over entry gets a new key each time, keeping its due instant; an entry never taken over keeps the plain key', () => {
    const p = due(5, ['A']);
    expect(leaseKeyOf(p)).toBe(`c|D-5|${p.dueAt.getTime()}`);
    const once = { ...p, leaseEpoch: takenOverEpoch(p) };
    const twice = { ...once, leaseEpoch: takenOverEpoch(once) };
    expect(new Set([leaseKeyOf(p), leaseKeyOf(once), leaseKeyOf(twice)]).size).toBe(3);
    expect(twice.dueAt).toEqual(p.dueAt);
  });
});
