/**
 * The daily stock valuation of one location at a size of stock history, for bench:spares: its
 * first valuation (the location's whole consumption so far), then five days each after a few
 * write-offs, beside what each day read before past 1,000 units on the location's shelves (every
 * claim of the location, by filter) and a raw `_id` read, all in the same run. After the days, the
 * valuation is checked against a count of the location's claims by filter.
 */
import type { Connection } from 'mongoose';
import pino from 'pino';
import type { SparesStore } from '../services/spares/store/collections';
import { createSparesModels } from '../services/spares/store/models';
import type { ReservationBook } from '../services/spares/store/reservations';
import { createStockValuations } from '../services/spares/store/valuations';
import { fmt, percentile, timedEach } from './lib';

const day = 86_400_000;
const days = 5;
const writeOffsPerDay = 4;

/** Runs `fn`, answering what it returned and the Mongo commands it started, by name ("find unitClaims"). */
export type CommandCount = <T>(fn: () => Promise<T>) => Promise<{ result: T; counts: Map<string, number> }>;

export interface ValuationFigures {
  row: string[];
  /** The last day's valuation: its Mongo commands by name. */
  lastDayCommands: Map<string, number>;
  differences: string[];
}

export async function timeValuation(connection: Connection, store: SparesStore, book: ReservationBook, size: number, locationId: string, topic: (name: string) => string, count: CommandCount): Promise<ValuationFigures> {
  let at = new Date(Date.now() - (days + 2) * day);
  const valuations = createStockValuations(connection, store, createSparesModels(connection), { topic, now: () => at }, pino({ level: 'silent' }));
  const claimReads = (counts: Map<string, number>) => counts.get('find unitClaims') ?? 0;
  const valued = async () => {
    const began = performance.now();
    const { result, counts } = await count(() => valuations.run(locationId));
    return { ms: performance.now() - began, reads: claimReads(counts), counts, valuation: result.outcomes[0]!.valuation };
  };

  const first = await valued();
  let consumed = first.valuation.lines.reduce((sum, l) => sum + l.consumedUnits, 0);
  const daily: { ms: number; reads: number; counts: Map<string, number> }[] = [];
  let last = first.valuation;
  for (let d = 1; d <= days; d++) {
    // A day's consumption: write-offs of the parts with units left here, as a completed job's are.
    const parts = (await store.partStock.find({}).toArray()).flatMap((p) => p.locations.filter((l) => l.locationId === locationId && l.received > l.goneBelow).map(() => p._id));
    for (let k = 0; k < writeOffsPerDay && parts.length; k++) {
      const partNumber = parts[(d * writeOffsPerDay + k) % parts.length]!;
      const won = await book.claimUnits(partNumber, locationId, 1, { state: 'consumed', reservationId: null, workOrderId: `WO-BENCH-${d}-${k}` });
      await book.cards.passConsumed(partNumber, locationId, won.map((c) => c.unitNo));
    }
    at = new Date(at.getTime() + day);
    const next = await valued();
    daily.push(next);
    consumed += next.valuation.lines.reduce((sum, l) => sum + l.consumedUnits, 0);
    last = next.valuation;
  }

  // Checked against every claim of the location, by filter.
  const claims = await store.claims.find({ locationId }, { projection: { partNumber: 1, state: 1 } }).toArray();
  const received = new Map((await store.partStock.find({}).toArray()).flatMap((p) => p.locations.filter((l) => l.locationId === locationId).map((l) => [p._id, l.received] as const)));
  const differences: string[] = [];
  for (const line of last.lines) {
    const gone = claims.filter((c) => c.partNumber === line.partNumber && c.state !== 'reserved').length;
    if (line.onHand !== (received.get(line.partNumber) ?? 0) - gone) differences.push(`${line.partNumber}@${locationId}: on hand ${line.onHand}, by filter ${(received.get(line.partNumber) ?? 0) - gone}`);
  }
  const consumedByScan = claims.filter((c) => c.state === 'consumed').length;
  if (consumed !== consumedByScan) differences.push(`${locationId}: ${consumed} consumed units counted over ${days + 1} valuations, ${consumedByScan} by filter`);

  const filter = await timedEach(3, () => store.claims.find({ locationId }, { projection: { state: 1, workOrderId: 1 } }).toArray());
  const someClaim = claims[0]?._id ?? 'none';
  const raw = await timedEach(100, () => store.claims.findOne({ _id: someClaim }));
  const units = [...received.values()].reduce((a, b) => a + b, 0);
  return {
    row: [
      String(size),
      `${locationId}: ${units} / ${last.lines.reduce((sum, l) => sum + l.onHand, 0)}`,
      `${fmt.ms(first.ms)}, ${first.reads} find unitClaims`,
      `${fmt.ms(percentile(daily.map((d) => d.ms), 50))} / ${fmt.ms(Math.max(...daily.map((d) => d.ms)))}, ${daily.map((d) => d.reads).join(' ')} find unitClaims`,
      fmt.p50p99(filter),
      fmt.p50p99(raw),
      differences.length ? `${differences.length} differ` : 'equal',
    ],
    lastDayCommands: daily.at(-1)?.counts ?? new Map(),
    differences,
  };
}

export const valuationHeader = [
  'stored (units)',
  'location: units received / on hand',
  'first valuation (its whole consumption so far)',
  `a day's valuation after ${writeOffsPerDay} write-offs, p50 / max of ${days} days`,
  'every claim of the location by filter, as each day read before past 1,000 units, p50 / p99',
  'raw `_id` read p50 / p99',
  'against a count by filter',
];
