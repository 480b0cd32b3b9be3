import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unchanged } from '@aftersales/platform';
import { boardLimit, boardWith, type BoardItem } from './eight-d-board';

const item = (id: string, status: 'open' | 'closed'): BoardItem => ({
  id, status, problem: { productLine: 'laser', model: 'LC-1', failureMode: 'FM-1' }, rules: [], reason: 'r', linkedTo: null, openedAt: '2026-01-01T00:00:00.000Z', closedAt: null, current: null,
});

type Write = { id: number; revision: number; closed: boolean };

/** The writes in order, one at a time: the latest revision of each 8D; a closing beyond the 500 closed last drops the oldest closed. */
function expected(writes: readonly Write[]) {
  const latest = new Map<number, Write>();
  const closedOrder: number[] = [];
  for (const w of writes) {
    const held = latest.get(w.id);
    if (held && held.revision >= w.revision) continue;
    latest.set(w.id, w);
    if (w.closed && !closedOrder.includes(w.id)) closedOrder.push(w.id);
    while (closedOrder.length > boardLimit) latest.delete(closedOrder.shift()!);
  }
  return [...latest.values()];
}

describe('the 8D board value', () => {
  it('shows each 8D at the latest revision it was given, every open one and the 500 that closed last', () => {
    const write = fc.record({ id: fc.integer({ min: 0, max: 2000 }), revision: fc.integer({ min: 0, max: 5 }), closed: fc.integer({ min: 0, max: 3 }).map((n) => n > 0) });
    let capped = 0;
    fc.assert(
      fc.property(fc.array(write, { minLength: 800, maxLength: 1500 }), (writes) => {
        let board = { items: {}, closedOrder: [] as string[] } as Parameters<typeof boardWith>[0];
        for (const w of writes) {
          const next = boardWith(board, w.revision, item(`8D-${w.id}`, w.closed ? 'closed' : 'open'));
          if (next !== unchanged) board = next;
        }
        const want = expected(writes);
        expect(Object.keys(board.items).sort()).toEqual(want.map((w) => `8D-${w.id}`).sort());
        for (const w of want) expect(board.items[`8D-${w.id}`]).toMatchObject({ revision: w.revision, item: { status: w.closed ? 'closed' : 'open' } });
        expect(board.closedOrder.length).toBeLessThanOrEqual(boardLimit);
        if (board.closedOrder.length === boardLimit) capped++;
      }),
      { numRuns: 10 },
    );
    // The cap was reached, not only stayed under.
    expect(capped).toBeGreaterThan(0);
  }, 30_000);

  it('changes nothing for a revision it already shows or an older one', () => {
    const board = boardWith({ items: {}, closedOrder: [] }, 3, item('8D-1', 'closed'));
    expect(board).not.toBe(unchanged);
    expect(boardWith(board as Exclude<typeof board, typeof unchanged>, 3, item('8D-1', 'open'))).toBe(unchanged);
    expect(boardWith(board as Exclude<typeof board, typeof unchanged>, 2, item('8D-1', 'open'))).toBe(unchanged);
  });
});
