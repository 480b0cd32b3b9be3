import { stockLevel, type StockLevel } from './stock';

/**
 * Unit numbers as sorted, disjoint, inclusive runs (objects, not pairs: FerretDB v1 stores no nested
 * arrays). The units gone for good above a stock card's hint are kept this way: units are taken
 * lowest first, so those consumed above a unit still held come in a few runs, however many there are.
 */
export interface UnitRun {
  from: number;
  to: number;
}
export type UnitRanges = UnitRun[];
type Runs = readonly Readonly<UnitRun>[];

/** The runs with `units` added, merged (adjacent runs join). */
export function withUnits(ranges: Runs, units: Iterable<number>): UnitRanges {
  const runs = [...ranges, ...[...units].map((n) => ({ from: n, to: n }))].sort((x, y) => x.from - y.from);
  const merged: UnitRanges = [];
  for (const { from, to } of runs) {
    const last = merged[merged.length - 1];
    if (last && from <= last.to + 1) last.to = Math.max(last.to, to);
    else merged.push({ from, to });
  }
  return merged;
}

/** The runs without `units` (a run split where one is taken out). */
export function withoutUnits(ranges: Runs, units: Iterable<number>): UnitRanges {
  const out = new Set(units);
  const kept: UnitRanges = [];
  for (const r of ranges) {
    let from = r.from;
    for (const n of [...out].filter((u) => u >= r.from && u <= r.to).sort((x, y) => x - y)) {
      if (n > from) kept.push({ from, to: n - 1 });
      from = n + 1;
    }
    if (from <= r.to) kept.push({ from, to: r.to });
  }
  return kept;
}

/**
 * A card's hint and runs once `units`, gone before, are given back (a shipment never stored): the
 * hint moves down to the lowest of them, and the units it passed but those stay gone, as runs.
 */
export function givenBack(goneBelow: number, ranges: Runs, units: readonly number[]): { goneBelow: number; goneAbove: UnitRanges } {
  const hint = Math.min(goneBelow, ...units);
  const passed = hint < goneBelow ? [{ from: hint, to: goneBelow - 1 }] : [];
  return { goneBelow: hint, goneAbove: withoutUnits(withUnits([...passed, ...ranges], []), units) };
}

export function hasUnit(ranges: Runs, unitNo: number): boolean {
  return ranges.some((r) => r.from <= unitNo && unitNo <= r.to);
}

/** How many of the runs' units lie in `from..to`. */
export function countWithin(ranges: Runs, from: number, to: number): number {
  let count = 0;
  for (const r of ranges) count += Math.max(0, Math.min(r.to, to) - Math.max(r.from, from) + 1);
  return count;
}

/** Every unit of the runs, lowest first. */
export function unitsOf(ranges: Runs): number[] {
  return ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i));
}

/**
 * Moves a hint past the run that starts at it, and keeps only the units from the hint up: what is
 * below the hint is gone for good and needs no listing.
 */
export function passRuns(goneBelow: number, ranges: Runs): { goneBelow: number; goneAbove: UnitRanges } {
  let hint = goneBelow;
  for (const r of ranges) if (r.from <= hint && hint <= r.to) hint = r.to + 1;
  const goneAbove = ranges.flatMap((r): UnitRanges => (r.to < hint ? [] : [{ from: Math.max(r.from, hint), to: r.to }]));
  return { goneBelow: hint, goneAbove };
}

/**
 * A location's stock level from its card (units below `goneBelow` gone for good, `goneAbove` the
 * ones gone above it) and the units reservations hold there. A unit both held and gone counts as
 * gone: its reservation is being consumed.
 */
export function levelFromCard(partNumber: string, locationId: string, card: { received: number; goneBelow: number; goneAbove: Runs; inTransit: number }, held: Iterable<number>): StockLevel {
  const from = Math.max(1, card.goneBelow);
  const gone = Math.min(from, card.received + 1) - 1 + countWithin(card.goneAbove, from, card.received);
  let reserved = 0;
  for (const unitNo of new Set(held)) if (unitNo >= from && unitNo <= card.received && !hasUnit(card.goneAbove, unitNo)) reserved++;
  return stockLevel(partNumber, locationId, card.received, { reserved, consumed: gone }, card.inTransit);
}
