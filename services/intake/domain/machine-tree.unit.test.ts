import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ancestorsOf, assertCanAttach, childrenOf, descendantsOf, lookupFrom, MachineTreeError, type MachineNode } from './machine-tree';

// CUT-1 (cutting machine) ─┬─ SRC-1 (laser source) ─── DIODE-1
//                          └─ HEAD-1 (cutting head)
const installedBase: MachineNode[] = [
  { serial: 'CUT-1', parentSerial: null },
  { serial: 'SRC-1', parentSerial: 'CUT-1' },
  { serial: 'HEAD-1', parentSerial: 'CUT-1' },
  { serial: 'DIODE-1', parentSerial: 'SRC-1' },
  { serial: 'LOOSE-1', parentSerial: null },
];
const lookup = lookupFrom(installedBase);

function thrown(fn: () => unknown): MachineTreeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof MachineTreeError) return error;
    throw error;
  }
  throw new Error('expected a MachineTreeError');
}

describe('ancestorsOf', () => {
  it('is empty for a root machine', () => {
    expect(ancestorsOf('CUT-1', lookup)).toEqual([]);
  });
  it('lists the parent first and the root last', () => {
    expect(ancestorsOf('DIODE-1', lookup).map((m) => m.serial)).toEqual(['SRC-1', 'CUT-1']);
  });
  it('refuses an unknown serial', () => {
    const error = thrown(() => ancestorsOf('NOPE', lookup));
    expect(error.problem).toBe('unknown-machine');
    expect(error.message).toMatch(/NOPE is not in the installed base/);
  });
  it('refuses a parent link to a machine that is not there, instead of losing the chain', () => {
    const error = thrown(() => ancestorsOf('A', lookupFrom([{ serial: 'A', parentSerial: 'GONE' }])));
    expect(error.problem).toBe('missing-parent');
    expect(error.path).toEqual(['A', 'GONE']);
    expect(error.message).toMatch(/A names parent GONE/);
  });
  it('reports a cycle with its path instead of looping', () => {
    const cyclic = lookupFrom([
      { serial: 'A', parentSerial: 'B' },
      { serial: 'B', parentSerial: 'C' },
      { serial: 'C', parentSerial: 'B' },
    ]);
    const error = thrown(() => ancestorsOf('A', cyclic));
    expect(error.problem).toBe('cycle');
    expect(error.message).toBe('installed-base cycle: A -> B -> C -> B');
    expect(error.retriable).toBe(false);
  });
  it('reports a machine that is its own parent', () => {
    expect(() => ancestorsOf('S', lookupFrom([{ serial: 'S', parentSerial: 'S' }]))).toThrow('installed-base cycle: S -> S');
  });
});

describe('childrenOf and descendantsOf', () => {
  it('lists direct children ordered by serial', () => {
    expect(childrenOf('CUT-1', installedBase).map((m) => m.serial)).toEqual(['HEAD-1', 'SRC-1']);
    expect(childrenOf('DIODE-1', installedBase)).toEqual([]);
  });
  it('lists descendants level by level', () => {
    expect(descendantsOf('CUT-1', installedBase).map((m) => m.serial)).toEqual(['HEAD-1', 'SRC-1', 'DIODE-1']);
    expect(descendantsOf('LOOSE-1', installedBase)).toEqual([]);
  });
  it('reports a loop below a machine', () => {
    const looped = [
      { serial: 'R', parentSerial: 'X' },
      { serial: 'X', parentSerial: 'R' },
    ];
    expect(thrown(() => descendantsOf('R', looped)).problem).toBe('cycle');
  });
});

describe('assertCanAttach', () => {
  it('allows hanging a loose machine under another', () => {
    expect(() => assertCanAttach('LOOSE-1', 'SRC-1', lookup)).not.toThrow();
  });
  it('refuses a machine as its own parent', () => {
    expect(() => assertCanAttach('CUT-1', 'CUT-1', lookup)).toThrow(/cannot be its own parent/);
  });
  it('refuses hanging a machine under one of its own descendants', () => {
    const error = thrown(() => assertCanAttach('CUT-1', 'DIODE-1', lookup));
    expect(error.problem).toBe('cycle');
    expect(error.path).toEqual(['CUT-1', 'DIODE-1', 'SRC-1', 'CUT-1']);
  });
  it('refuses an unknown parent', () => {
    expect(thrown(() => assertCanAttach('LOOSE-1', 'NOPE', lookup)).problem).toBe('missing-parent');
  });
});

describe('properties', () => {
  // A forest built so each machine's parent has a smaller index: never a cycle.
  const forest = fc.array(fc.nat(), { minLength: 1, maxLength: 30 }).map((picks) =>
    picks.map((x, i): MachineNode => ({ serial: `M${i}`, parentSerial: i === 0 || x % 4 === 0 ? null : `M${x % i}` })),
  );

  it('every machine is a descendant of each of its ancestors, and the walk ends at a root', () => {
    fc.assert(
      fc.property(forest, (machines) => {
        const find = lookupFrom(machines);
        for (const m of machines) {
          const ancestors = ancestorsOf(m.serial, find);
          expect((ancestors.at(-1) ?? m).parentSerial).toBeNull();
          for (const a of ancestors) expect(descendantsOf(a.serial, machines).map((d) => d.serial)).toContain(m.serial);
        }
      }),
    );
  });

  it('attaching a machine under anything in its own subtree is refused', () => {
    fc.assert(
      fc.property(forest, fc.nat(), (machines, pick) => {
        const m = machines[pick % machines.length]!;
        for (const below of descendantsOf(m.serial, machines)) {
          expect(() => assertCanAttach(m.serial, below.serial, lookupFrom(machines))).toThrow(MachineTreeError);
        }
      }),
    );
  });
});
