import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UnitState } from './stock';
import { passRuns, withUnits } from './unit-ranges';
import { consumedByJob, countPart, daysBefore, daysBetween, unitsToRead, valuationDay, valuationId, valueParts, type UnitClaim, type UnitCursor } from './valuation';

const claim = (state: UnitState, workOrderId = 'WO-1'): UnitClaim => ({ state, workOrderId });

describe('valuation period and id', () => {
  it('is the UTC day the valuation is taken on, one id per location and day', () => {
    expect(valuationDay(new Date('2026-11-30T23:59:59.999Z'))).toBe('2026-11-30');
    expect(valuationDay(new Date('2026-12-01T00:00:00.000Z'))).toBe('2026-12-01');
    expect(valuationId('VAN-ENG-1', '2026-12-01')).toBe('SV-2026-12-01-VAN-ENG-1');
  });
  it('looks back and forward day by day, across a month end', () => {
    expect(daysBefore('2026-12-01', 3)).toEqual(['2026-11-30', '2026-11-29', '2026-11-28']);
    expect(daysBetween('2026-11-29', '2026-12-01')).toEqual(['2026-11-30', '2026-12-01']);
    expect(daysBetween('2026-12-01', '2026-12-01')).toEqual([]);
  });
});

describe('counting a part from its numbered units', () => {
  const lookup = (from: number, claims: readonly (UnitClaim | null)[]) => (n: number) => claims[n - from] ?? null;

  it('counts every consumed unit on a first valuation, not shipped ones, and holds reserved ones', () => {
    // Units 1..6: 1 consumed, 2 shipped, 3 reserved, 4 consumed, 5 and 6 free; the card shows 1, 2 and 4 gone.
    const claims = [claim('consumed', 'WO-A'), claim('shipped'), claim('reserved'), claim('consumed', 'WO-B'), null, null];
    expect(unitsToRead(6, null, { goneBelow: 3, goneAbove: [{ from: 4, to: 4 }] })).toEqual([1, 2, 4]);
    const first = countPart(6, null, lookup(1, claims));
    expect(first.onHand).toBe(3);
    expect(first.consumed).toEqual([{ unitNo: 1, workOrderId: 'WO-A' }, { unitNo: 4, workOrderId: 'WO-B' }]);
    // The cursor passes units 1 and 2; unit 4 stays listed as counted above the reserved unit 3.
    expect(first.cursor).toEqual({ countedBelow: 3, counted: [4] });
  });

  it('counts only what was consumed since the previous valuation, reading neither the counted units nor those on the shelf', () => {
    const cursor: UnitCursor = { countedBelow: 3, counted: [4] };
    // 1,000 received; the card shows units 3 to 5 gone (4 counted before) and 9.
    expect(unitsToRead(1000, cursor, { goneBelow: 6, goneAbove: [{ from: 9, to: 9 }] })).toEqual([3, 5, 9]);
    const read = new Map([[3, claim('consumed', 'WO-C')], [5, claim('consumed', 'WO-C')], [9, claim('shipped')]]);
    const next = countPart(1000, cursor, (n) => {
      if (n === 4) throw new Error('a counted unit is not read');
      return read.get(n) ?? null;
    });
    expect(next.consumed.map((c) => c.unitNo)).toEqual([3, 5]);
    expect(next.onHand).toBe(1000 - 8 + 3 - 1);
    expect(next.cursor).toEqual({ countedBelow: 6, counted: [] });
  });

  it('each consumed unit is counted by exactly one valuation, and on hand is received less gone, with cards that lag their claims (property)', () => {
    type Op = { kind: 'receive'; n: number } | { kind: 'reserve' | 'release' | 'consume' | 'ship'; unit: number } | { kind: 'value' } | { kind: 'note' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('receive' as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constantFrom('reserve' as const, 'release' as const, 'consume' as const, 'ship' as const), unit: fc.integer({ min: 1, max: 30 }) }),
      fc.constantFrom({ kind: 'value' as const }, { kind: 'note' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        let received = 0;
        const claims = new Map<number, UnitClaim>();
        // The card notes a unit gone some time after its claim says so (at a 'note').
        const noted = new Set<number>();
        let cursor: UnitCursor | null = null;
        let countedTotal = 0;
        const countedUnits = new Set<number>();
        const value = () => {
          const card = passRuns(1, withUnits([], noted));
          const read = new Set(unitsToRead(received, cursor, card));
          const count = countPart(received, cursor, (n) => (read.has(n) ? claims.get(n) ?? null : null));
          const goneUnits = [...claims].filter(([, c]) => c.state !== 'reserved').map(([n]) => n);
          // Gone for the count: what its card shows, and what earlier counts passed or listed.
          const known = goneUnits.filter((n) => noted.has(n) || countedUnits.has(n) || n < (cursor?.countedBelow ?? 1));
          expect(count.onHand).toBe(received - known.length);
          for (const c of count.consumed) {
            expect(countedUnits.has(c.unitNo)).toBe(false);
            countedUnits.add(c.unitNo);
          }
          countedTotal += count.consumed.length;
          expect(count.cursor.countedBelow).toBeGreaterThanOrEqual(cursor?.countedBelow ?? 1);
          cursor = count.cursor;
        };
        for (const o of ops) {
          if (o.kind === 'receive') received += o.n;
          else if (o.kind === 'value') value();
          else if (o.kind === 'note') {
            for (const [n, c] of claims) if (c.state !== 'reserved') noted.add(n);
          } else if (o.unit <= received) {
            const state = claims.get(o.unit)?.state;
            // Final states stay; a reserved unit can be consumed or given back; a free one taken any way.
            if (state === 'consumed' || state === 'shipped') continue;
            if (o.kind === 'release') claims.delete(o.unit);
            else if (o.kind === 'reserve') claims.set(o.unit, claim('reserved'));
            else if (o.kind === 'consume') claims.set(o.unit, claim('consumed', `WO-${o.unit}`));
            else if (state === undefined) claims.set(o.unit, claim('shipped'));
          }
        }
        for (const [n, c] of claims) if (c.state !== 'reserved') noted.add(n);
        value();
        expect(countedTotal).toBe([...claims.values()].filter((c) => c.state === 'consumed').length);
      }),
    );
  });
});

describe('valuing a location', () => {
  it('values stock held (in transit included) and consumption at unit cost, by hand', () => {
    const valued = valueParts([
      { partNumber: 'P-NOZZLE-15', onHand: 4, inTransit: 1, consumedUnits: 0, unitCostCents: 1_200 },
      { partNumber: 'P-LENS-B', onHand: 2, inTransit: 0, consumedUnits: 1, unitCostCents: 21_000 },
    ]);
    expect(valued.lines.map((l) => [l.partNumber, l.valueCents, l.consumedCostCents])).toEqual([['P-LENS-B', 42_000, 21_000], ['P-NOZZLE-15', 6_000, 0]]);
    expect([valued.valueCents, valued.consumedCostCents]).toEqual([48_000, 21_000]);
  });

  it('totals are the sums of the lines, whole cents (property)', () => {
    const part = fc.record({
      partNumber: fc.stringMatching(/^P-[A-Z0-9]{1,6}$/),
      onHand: fc.nat({ max: 10_000 }),
      inTransit: fc.nat({ max: 1_000 }),
      consumedUnits: fc.nat({ max: 10_000 }),
      unitCostCents: fc.nat({ max: 10_000_000 }),
    });
    fc.assert(
      fc.property(fc.array(part, { maxLength: 20 }), (parts) => {
        const valued = valueParts(parts);
        expect(valued.valueCents).toBe(parts.reduce((s, p) => s + (p.onHand + p.inTransit) * p.unitCostCents, 0));
        expect(valued.consumedCostCents).toBe(parts.reduce((s, p) => s + p.consumedUnits * p.unitCostCents, 0));
        for (const l of valued.lines) expect(Number.isSafeInteger(l.valueCents) && l.valueCents >= 0).toBe(true);
      }),
    );
  });

  it('refuses a negative count or an implausible cost, naming the field', () => {
    expect(() => valueParts([{ partNumber: 'P-1', onHand: -1, inTransit: 0, consumedUnits: 0, unitCostCents: 1 }])).toThrow(/P-1.onHand/);
    expect(() => valueParts([{ partNumber: 'P-1', onHand: 1, inTransit: 0, consumedUnits: 0, unitCostCents: 1.5 }])).toThrow(/P-1.unitCostCents/);
  });

  it('lists what each job consumed, for drill-down', () => {
    expect(consumedByJob([
      { partNumber: 'P-LENS-B', consumed: [{ workOrderId: 'WO-2' }, { workOrderId: 'WO-1' }, { workOrderId: 'WO-2' }] },
      { partNumber: 'P-NOZZLE-15', consumed: [{ workOrderId: 'WO-1' }] },
    ])).toEqual([
      { workOrderId: 'WO-1', partNumber: 'P-LENS-B', quantity: 1 },
      { workOrderId: 'WO-1', partNumber: 'P-NOZZLE-15', quantity: 1 },
      { workOrderId: 'WO-2', partNumber: 'P-LENS-B', quantity: 2 },
    ]);
  });
});
