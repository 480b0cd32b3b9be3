import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UnitState } from './stock';
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
  it('counts every consumed unit on a first valuation, not shipped ones, and holds reserved ones', () => {
    // Units 1..6: 1 consumed, 2 shipped, 3 reserved, 4 consumed, 5 and 6 free.
    const claims = [claim('consumed', 'WO-A'), claim('shipped'), claim('reserved'), claim('consumed', 'WO-B'), null, null];
    expect(unitsToRead(6, null)).toEqual([1, 2, 3, 4, 5, 6]);
    const first = countPart(6, null, claims);
    expect(first.onHand).toBe(3);
    expect(first.consumed).toEqual([{ unitNo: 1, workOrderId: 'WO-A' }, { unitNo: 4, workOrderId: 'WO-B' }]);
    // The cursor passes units 1 and 2; unit 4 stays listed as counted above the reserved unit 3.
    expect(first.cursor).toEqual({ countedBelow: 3, counted: [4] });
  });

  it('counts only what was consumed since the previous valuation', () => {
    const cursor: UnitCursor = { countedBelow: 3, counted: [4] };
    expect(unitsToRead(8, cursor)).toEqual([3, 4, 5, 6, 7, 8]);
    // Unit 3 now consumed, 4 counted before, 5 consumed, 6 free; 7 and 8 just received.
    const next = countPart(8, cursor, [claim('consumed', 'WO-C'), claim('consumed', 'WO-B'), claim('consumed', 'WO-C'), null, null, null]);
    expect(next.consumed.map((c) => c.unitNo)).toEqual([3, 5]);
    expect(next.onHand).toBe(3);
    expect(next.cursor).toEqual({ countedBelow: 6, counted: [] });
  });

  it('each consumed unit is counted by exactly one valuation, and on hand is received less gone (property)', () => {
    type Op = { kind: 'receive'; n: number } | { kind: 'reserve' | 'release' | 'consume' | 'ship'; unit: number } | { kind: 'value' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('receive' as const), n: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constantFrom('reserve' as const, 'release' as const, 'consume' as const, 'ship' as const), unit: fc.integer({ min: 1, max: 30 }) }),
      fc.constant({ kind: 'value' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        let received = 0;
        const claims = new Map<number, UnitClaim>();
        let cursor: UnitCursor | null = null;
        let countedTotal = 0;
        const value = () => {
          const read = unitsToRead(received, cursor);
          const count = countPart(received, cursor, read.map((n) => claims.get(n) ?? null));
          const gone = [...claims.values()].filter((c) => c.state !== 'reserved').length;
          expect(count.onHand).toBe(received - gone);
          countedTotal += count.consumed.length;
          expect(count.cursor.countedBelow).toBeGreaterThanOrEqual(cursor?.countedBelow ?? 1);
          cursor = count.cursor;
        };
        for (const o of ops) {
          if (o.kind === 'receive') received += o.n;
          else if (o.kind === 'value') value();
          else if (o.unit <= received) {
            const state = claims.get(o.unit)?.state;
            // Final states stay; a reserved unit can be consumed or given back; a free one taken any way.
            if (state === 'consumed' || state === 'shipped') continue;
            if (o.kind === 'release') claims.delete(o.unit);
            else if (o.kind === 'reserve') claims.set(o.unit, claim('reserved'));
            else if (o.kind === 'consume') claims.set(o.unit, claim('consumed', `WO-${o.unit}`));
            else if (state === undefined) claims.set(o.unit, claim('shipped'));
          }
        }
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
