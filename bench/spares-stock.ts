/**
 * The spares desk's stock table (`GET /v1/stock`, polled every 15 s per user) at a size of stock
 * history, for bench:spares: the whole catalogue (as polled, and right after a delivery changed a
 * part's stock) and one part through the reservation book, as the route calls it, beside what the
 * route read before past 1,000 units on shelves (every claim by filter) and a raw `_id` read, all
 * in the same run. Before timing, the table is checked against a count of every receipt, claim and
 * transfer by filter.
 */
import type { StockLevel } from '../services/spares/domain/stock';
import type { SparesStore } from '../services/spares/store/collections';
import type { ReservationBook } from '../services/spares/store/reservations';
import { fmt, timedEach } from './lib';

/** Every part's levels counted from every receipt, claim and transfer by filter. */
async function levelsByScan(store: SparesStore): Promise<StockLevel[]> {
  const [receipts, claims, transfers] = await Promise.all([store.receipts.find({}).toArray(), store.claims.find({}, { projection: { partNumber: 1, locationId: 1, state: 1 } }).toArray(), store.transfers.find({}).toArray()]);
  const arrived = new Set(receipts.flatMap((r) => (r.transferId ? [r.transferId] : [])));
  const levels = new Map<string, StockLevel>();
  const at = (partNumber: string, locationId: string) => {
    const key = `${partNumber}|${locationId}`;
    const level = levels.get(key) ?? { partNumber, locationId, onHand: 0, reserved: 0, available: 0, inTransit: 0 };
    levels.set(key, level);
    return level;
  };
  for (const r of receipts) at(r.partNumber, r.locationId).onHand += r.quantity;
  for (const t of transfers) if (!arrived.has(t._id)) at(t.partNumber, t.toLocationId).inTransit += t.quantity;
  for (const c of claims) {
    const level = at(c.partNumber, c.locationId);
    if (c.state === 'reserved') level.reserved++;
    else level.onHand--;
  }
  for (const level of levels.values()) level.available = level.onHand - level.reserved;
  return [...levels.values()].sort((a, b) => a.partNumber.localeCompare(b.partNumber) || a.locationId.localeCompare(b.locationId));
}

export interface StockTableFigures {
  row: string[];
  /** Where the table differs from the count by filter (empty when equal). */
  differences: string[];
}

export async function timeStockTable(store: SparesStore, book: ReservationBook, size: number, part: string): Promise<StockTableFigures> {
  const [table, byScan] = [await book.levels({}), await levelsByScan(store)];
  const differences = byScan.flatMap((want, i) => (JSON.stringify(table[i]) === JSON.stringify(want) ? [] : [`${want.partNumber}|${want.locationId}: ${JSON.stringify(table[i])} != ${JSON.stringify(want)}`]));
  if (table.length !== byScan.length) differences.push(`${table.length} levels, ${byScan.length} by filter`);
  const whole = await timedEach(20, () => book.levels({}));
  // The same after another write of a part's stock each time (a delivery of one unit, not timed): the parts read again.
  const changed: number[] = [];
  for (let i = 0; i < 10; i++) {
    await book.receive(part, 'CENTRAL', 1, 'bench');
    changed.push(...(await timedEach(1, () => book.levels({}))));
  }
  const onePart = await timedEach(50, () => book.levels({ partNumber: part }));
  const filter = await timedEach(3, () => store.claims.find({}, { projection: { state: 1 } }).toArray());
  const raw = await timedEach(200, () => store.partStock.findOne({ _id: part }));
  const openReservations = await store.openReservations.countDocuments({});
  return {
    row: [String(size), String(table.length), String(openReservations), fmt.p50p99(whole), fmt.p50p99(changed), fmt.p50p99(onePart), fmt.p50p99(filter), fmt.p50p99(raw), differences.length ? `${differences.length} differ` : 'equal'],
    differences,
  };
}

export const stockTableHeader = ['stored (units)', 'levels in the table', 'open reservations', 'whole table p50 / p99 (20 reads)', 'whole table after a delivery, p50 / p99 (10 reads)', 'one part p50 / p99 (50 reads)', 'every claim by filter, as before past 1,000 units, p50 / p99 (3 reads)', 'raw `_id` read p50 / p99', 'against a count by filter'];
