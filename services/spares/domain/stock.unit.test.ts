import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cardKey, claimKey, countReceipts, freeUnitNumbers, isFresh, linesFromClaims, nextUnit, probeOrder, reservationOrder, stockLevel, unitOfClaim, type StockLocation, type UnitHint } from './stock';

const locations: StockLocation[] = [
  { id: 'CENTRAL', kind: 'central' },
  { id: 'VAN-ENG-2', kind: 'van', engineerId: 'ENG-2' },
  { id: 'REG-SOUTH', kind: 'regional' },
  { id: 'VAN-ENG-1', kind: 'van', engineerId: 'ENG-1' },
  { id: 'REG-NORTH', kind: 'regional' },
];

describe('reservation order', () => {
  it('takes the engineer\u2019s own van first, then regional warehouses, then central, never another engineer\u2019s van', () => {
    expect(reservationOrder(locations, 'ENG-1').map((l) => l.id)).toEqual(['VAN-ENG-1', 'REG-NORTH', 'REG-SOUTH', 'CENTRAL']);
  });
  it('uses no van when no engineer is assigned yet', () => {
    expect(reservationOrder(locations, null).map((l) => l.id)).toEqual(['REG-NORTH', 'REG-SOUTH', 'CENTRAL']);
  });
});

describe('numbered units', () => {
  it('lists free unit numbers lowest first', () => {
    expect(freeUnitNumbers(5, [2, 4])).toEqual([1, 3, 5]);
    expect(freeUnitNumbers(0, [])).toEqual([]);
  });
  it('starts above the units a stock card says are gone', () => {
    expect(freeUnitNumbers(6, [5], 4)).toEqual([4, 6]);
    expect(freeUnitNumbers(3, [], 0)).toEqual([1, 2, 3]);
    expect(freeUnitNumbers(3, [], 4)).toEqual([]);
  });
  it('tries every free unit once, from the offset on and then the lower ones (property)', () => {
    expect(probeOrder([2, 3, 5, 8], 2)).toEqual([5, 8, 2, 3]);
    expect(probeOrder([], 3)).toEqual([]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 100 })), fc.integer({ min: 0, max: 1000 }), (free, offset) => {
        const order = probeOrder(free, offset);
        expect([...order].sort((a, b) => a - b)).toEqual([...free].sort((a, b) => a - b));
        if (free.length) expect(order[0]).toBe(free[offset % free.length]);
      }),
    );
  });
  it('keys a stock card by part and location', () => {
    expect(cardKey('P-LENS-B', 'CENTRAL')).toBe('P-LENS-B|CENTRAL');
  });
  it('counts each receipt on a stock card once, however often it is counted (property)', () => {
    const receipt = fc.record({ id: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'r5', 'r6'), quantity: fc.integer({ min: 1, max: 50 }) });
    fc.assert(
      fc.property(fc.array(fc.array(receipt, { maxLength: 6 }), { maxLength: 5 }), (writes) => {
        // The first quantity seen for an id is the receipt's (a receipt is never edited).
        const truth = new Map<string, number>();
        for (const r of writes.flat()) if (!truth.has(r.id)) truth.set(r.id, r.quantity);
        let card = countReceipts([], []);
        for (const batch of writes) card = countReceipts(card.receipts, batch);
        const again = countReceipts(card.receipts, writes.flat());
        expect(again.added).toBe(0);
        expect(again.received).toBe(card.received);
        expect(card.received).toBe([...truth.values()].reduce((a, b) => a + b, 0));
        expect(card.receipts.map((r) => r.id).sort()).toEqual([...truth.keys()].sort());
      }),
    );
  });
  it('keys a claim by part, location and unit number', () => {
    expect(claimKey('P-LENS-B', 'CENTRAL', 3)).toBe('P-LENS-B|CENTRAL|3');
    expect(unitOfClaim(claimKey('P-LENS-B', 'CENTRAL', 3))).toEqual({ card: cardKey('P-LENS-B', 'CENTRAL'), unitNo: 3 });
  });
  it('free plus claimed units are exactly the received units (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.uniqueArray(fc.integer({ min: 1, max: 60 })), (received, claimed) => {
        const inRange = claimed.filter((n) => n <= received);
        const free = freeUnitNumbers(received, claimed);
        expect(free.length + inRange.length).toBe(received);
        expect(free.some((n) => claimed.includes(n))).toBe(false);
      }),
    );
  });
  it('groups claims into one line per part and location', () => {
    const claims = [
      { partNumber: 'A', locationId: 'VAN' },
      { partNumber: 'A', locationId: 'VAN' },
      { partNumber: 'A', locationId: 'CENTRAL' },
      { partNumber: 'B', locationId: 'VAN' },
    ];
    expect(linesFromClaims(claims)).toEqual([
      { partNumber: 'A', locationId: 'VAN', quantity: 2 },
      { partNumber: 'A', locationId: 'CENTRAL', quantity: 1 },
      { partNumber: 'B', locationId: 'VAN', quantity: 1 },
    ]);
  });
  it('reports on hand, reserved and available from receipts and claims', () => {
    expect(stockLevel('A', 'VAN', 10, { reserved: 3, consumed: 2 })).toEqual({ partNumber: 'A', locationId: 'VAN', onHand: 8, reserved: 3, available: 5, inTransit: 0 });
  });
});

describe('copies kept in memory', () => {
  it('are fresh while younger than their age limit, never from the future', () => {
    expect(isFresh(1000, 1500, 1000)).toBe(true);
    expect(isFresh(1000, 2000, 1000)).toBe(false);
    expect(isFresh(1000, 900, 1000)).toBe(false);
    expect(isFresh(1000, 1000, 0)).toBe(false);
  });
});

describe('the next unit to try, chosen from what this process knows', () => {
  const hint = fc.record({ state: fc.constantFrom<UnitHint['state']>('held', 'given-back', 'taken'), at: fc.nat(100) });
  /** Every unit nextUnit returns, one after another, each marked tried. */
  const sequence = (free: readonly number[], hints: ReadonlyMap<number, UnitHint>, offset: number) => {
    const tried = new Set<number>();
    for (let n = nextUnit(free, tried, hints, offset); n !== undefined; n = nextUnit(free, tried, hints, offset)) tried.add(n);
    return [...tried];
  };
  it('tries units given back first (latest first), then unknown ones, then races lost (longest ago first), its own held or in flight last', () => {
    const hints = new Map<number, UnitHint>([
      [2, { state: 'taken', at: 30 }],
      [3, { state: 'given-back', at: 10 }],
      [5, { state: 'given-back', at: 20 }],
      [1, { state: 'taken', at: 5 }],
      [7, { state: 'held', at: 1 }],
    ]);
    expect(sequence([1, 2, 3, 4, 5, 6, 7], hints, 1)).toEqual([5, 3, 6, 4, 1, 2, 7]);
    expect(nextUnit([1, 2], new Set([1, 2]), hints, 0)).toBeUndefined();
    expect(nextUnit([], new Set(), hints, 0)).toBeUndefined();
  });
  it('starts apart among units it knows nothing of, from the offset-th', () => {
    expect(nextUnit([1, 2, 3, 4], new Set(), new Map(), 2)).toBe(3);
    expect(nextUnit([1, 2, 3, 4], new Set([3]), new Map(), 2)).toBe(4);
  });
  it('offers every free unit exactly once before none, whatever the hints (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 30 })), fc.nat(10), fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), hint)), (free, offset, entries) => {
        const order = sequence(free, new Map(entries), offset);
        expect([...order].sort((a, b) => a - b)).toEqual([...free].sort((a, b) => a - b));
      }),
    );
  });
  it('never offers a unit it holds or has in flight while another is untried, nor a race lost before one given back or unknown (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { minLength: 1 }), fc.nat(10), fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), hint)), fc.uniqueArray(fc.integer({ min: 1, max: 30 })), (free, offset, entries, triedList) => {
        const hints = new Map(entries);
        const tried = new Set(triedList);
        const left = free.filter((n) => !tried.has(n));
        const next = nextUnit(free, tried, hints, offset);
        if (!left.length) {
          expect(next).toBeUndefined();
          return;
        }
        expect(left).toContain(next);
        const tier = (n: number) => ({ 'given-back': 0, undefined: 1, taken: 2, held: 3 })[String(hints.get(n)?.state) as 'undefined'];
        expect(tier(next!)).toBe(Math.min(...left.map(tier)));
      }),
    );
  });
});
