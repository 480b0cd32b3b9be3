import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stockLevel, type UnitState } from './stock';
import { countWithin, givenBack, hasUnit, levelFromCard, passRuns, unitsOf, withoutUnits, withUnits } from './unit-ranges';

const unitSet = fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 40 });

describe('runs of unit numbers', () => {
  it('merge added units into sorted, disjoint runs, adjacent ones joined', () => {
    expect(withUnits([], [5, 3, 4, 9])).toEqual([
      { from: 3, to: 5 },
      { from: 9, to: 9 },
    ]);
    expect(withUnits([{ from: 3, to: 5 }], [6, 8, 5])).toEqual([
      { from: 3, to: 6 },
      { from: 8, to: 8 },
    ]);
  });
  it('hold exactly the units added, whatever the order and repeats', () => {
    fc.assert(
      fc.property(unitSet, unitSet, fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 }), (first, second, from, to) => {
        const runs = withUnits(withUnits([], first), second);
        const model = [...new Set([...first, ...second])].sort((a, b) => a - b);
        expect(unitsOf(runs)).toEqual(model);
        for (let i = 1; i < runs.length; i++) expect(runs[i]!.from).toBeGreaterThan(runs[i - 1]!.to + 1);
        expect(countWithin(runs, from, to)).toBe(model.filter((n) => n >= from && n <= to).length);
        for (let n = 1; n <= 60; n++) expect(hasUnit(runs, n)).toBe(model.includes(n));
      }),
    );
  });
  it('lose the units taken out, a run split around them', () => {
    fc.assert(
      fc.property(unitSet, unitSet, (kept, out) => {
        expect(unitsOf(withoutUnits(withUnits([], kept), out))).toEqual(kept.filter((n) => !out.includes(n)).sort((a, b) => a - b));
      }),
    );
  });
  it('given back below the hint, move the hint down and keep every other unit gone', () => {
    expect(givenBack(10, [{ from: 12, to: 13 }], [4, 7])).toEqual({
      goneBelow: 4,
      goneAbove: [
        { from: 5, to: 6 },
        { from: 8, to: 9 },
        { from: 12, to: 13 },
      ],
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), unitSet, unitSet, (hint, above, back) => {
        const runs = withUnits([], above.filter((n) => n > hint));
        const gone = (g: { goneBelow: number; goneAbove: { from: number; to: number }[] }) => new Set([...Array.from({ length: g.goneBelow - 1 }, (_, i) => i + 1), ...unitsOf(g.goneAbove)]);
        const before = gone({ goneBelow: hint, goneAbove: runs });
        const returned = back.filter((n) => before.has(n));
        const after = givenBack(hint, runs, returned);
        expect([...gone(after)].sort((a, b) => a - b)).toEqual([...before].filter((n) => !returned.includes(n)).sort((a, b) => a - b));
      }),
    );
  });
  it('move a hint past the run starting at it and drop what lies below', () => {
    expect(passRuns(4, [
      { from: 2, to: 2 },
      { from: 4, to: 7 },
      { from: 9, to: 12 },
    ])).toEqual({ goneBelow: 8, goneAbove: [{ from: 9, to: 12 }] });
    expect(passRuns(4, [{ from: 5, to: 6 }])).toEqual({ goneBelow: 4, goneAbove: [{ from: 5, to: 6 }] });
    expect(passRuns(5, [{ from: 3, to: 8 }])).toEqual({ goneBelow: 9, goneAbove: [] });
  });
});

describe('stock level from a card and the units reservations hold', () => {
  it('counts units below the hint and in its runs as gone, held units above it as reserved, once', () => {
    const card = { received: 10, goneBelow: 4, goneAbove: [{ from: 6, to: 7 }], inTransit: 2 };
    expect(levelFromCard('P', 'L', card, [4, 10, 10, 6, 2, 11])).toEqual({ partNumber: 'P', locationId: 'L', onHand: 5, reserved: 2, available: 3, inTransit: 2 });
  });
  it('equals counting every unit\u2019s claim, wherever the hint stands below the first unit not gone', () => {
    const state = fc.constantFrom<UnitState | null>('reserved', 'consumed', 'shipped', null);
    fc.assert(
      fc.property(fc.array(state, { maxLength: 40 }), fc.nat(40), fc.nat(5), fc.array(fc.integer({ min: 1, max: 45 }), { maxLength: 10 }), (units, cut, inTransit, stale) => {
        const gone = (s: UnitState | null) => s === 'consumed' || s === 'shipped';
        // A true hint: every unit below it is gone (consumed or shipped).
        const gonePrefix = units.findIndex((s) => !gone(s));
        const goneBelow = 1 + Math.min(cut, gonePrefix === -1 ? units.length : gonePrefix);
        const goneAbove = withUnits([], units.flatMap((s, i) => (gone(s) && i + 1 >= goneBelow ? [i + 1] : [])));
        // A reservation being consumed still lists units now gone; numbers past the units received are ignored.
        const held = [...units.flatMap((s, i) => (s === 'reserved' ? [i + 1] : [])), ...stale.filter((n) => n > units.length || gone(units[n - 1] ?? null))];
        const all = stockLevel('P', 'L', units.length, { reserved: units.filter((s) => s === 'reserved').length, consumed: units.filter(gone).length }, inTransit);
        const fromCard = levelFromCard('P', 'L', { received: units.length, goneBelow, goneAbove, inTransit }, held);
        expect(fromCard).toEqual(all);
        expect(fromCard.available).toBeGreaterThanOrEqual(0);
        // Passing the runs keeps the level.
        const passed = passRuns(goneBelow, goneAbove);
        expect(levelFromCard('P', 'L', { received: units.length, ...passed, inTransit }, held)).toEqual(all);
      }),
    );
  });
});
