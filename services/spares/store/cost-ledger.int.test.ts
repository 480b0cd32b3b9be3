import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, monitoredConnection, scansOf, uniqueName, utcDayAt } from '@aftersales/platform/testing';
import { COST_CENTRES, type AllocationEntry } from '../domain/cost-allocation';
import { createSparesStore, type AllocationEntryDoc, type SparesStore } from './collections';
import { buildCostLedgerOnce, createCostLedger, inBookingOrder, monthOf, snapshotEvery } from './cost-ledger';

const dbName = uniqueName('spares-ledger').replace(/-/g, '_');
const DAY = 86_400_000;
const anchor = utcDayAt(0, '08:00');
const keyed = new Set(['costAllocations', 'costLedgerPages', 'caseLists']);
const small = new Set(['costLedgerMonths']);

/** A case's three entries, `daysAgo` before the anchor, each with its cost centre. */
function entriesOf(caseId: string, daysAgo: number, amount: number): AllocationEntry[] {
  const closedAt = new Date(anchor.getTime() - daysAgo * DAY).toISOString();
  return ['part-1-P-LENS-B', 'labour', 'travel'].map((lineId, i) => ({ caseId, lineId, kind: i === 0 ? 'part' : i === 1 ? 'labour' : 'travel', closedAt, costCentre: COST_CENTRES[(daysAgo + i) % 3]!, payerId: 'F-1', amountCents: amount + i, reason: 'warranty' }));
}
const asDocs = (entries: AllocationEntry[]): AllocationEntryDoc[] => entries.map((e) => ({ _id: `${e.caseId}|${e.lineId}|${e.costCentre}`, ...e, closedAt: new Date(e.closedAt), currency: 'EUR' }));
const startOfMonth = (monthsBack: number) => new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() - monthsBack, 1));
const byId = (docs: AllocationEntryDoc[]) => docs.map((d) => `${d._id}=${d.amountCents}@${d.closedAt.toISOString()}`).sort();

/** On the real Mongo server: finance's months, read by `_id`, hold what the range filter over every entry found. */
describe('cost ledger', () => {
  let connection: Connection;
  let store: SparesStore;
  const { listener, recorded } = commandRecorder();

  beforeAll(async () => {
    connection = await monitoredConnection(inject('stack').mongoUrl, dbName, listener);
    store = createSparesStore(connection);
    await store.init();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('pages what was booked before it once, then each booking before its entries; any range equals the filter, without a scan', async () => {
    // Booked before the ledger existed: 40 cases over about 13 months.
    await store.allocations.insertMany(Array.from({ length: 40 }, (_, k) => asDocs(entriesOf(`SR-OLD-${k}`, k * 10, 100 + k))).flat());
    expect(await buildCostLedgerOnce(store, () => anchor)).toBe(120);
    expect(await buildCostLedgerOnce(store, () => anchor)).toBe(-1);

    // Booked since, by two processes; one booking retried whole (a consumer's redelivery), one whose
    // process died after its page and before its entries, then retried.
    const [one, two] = [createCostLedger(store, () => anchor), createCostLedger(store, () => anchor)];
    for (let k = 0; k < 12; k++) await (k % 2 ? one : two).record(`SR-NEW-${k}`, entriesOf(`SR-NEW-${k}`, k * 17 + 3, 500 + k), 'EUR');
    await one.record('SR-NEW-0', entriesOf('SR-NEW-0', 3, 500), 'EUR');
    await two.note(asDocs(entriesOf('SR-CRASH', 33, 900)));
    await one.record('SR-CRASH', entriesOf('SR-CRASH', 33, 900), 'EUR');

    const ranges: [string, Date | undefined, Date | undefined][] = [
      ['last full month', startOfMonth(1), startOfMonth(0)],
      ['six months to this one (the console)', startOfMonth(5), startOfMonth(-1)],
      ['everything', undefined, undefined],
      ['from an instant mid-month on', new Date(anchor.getTime() - 45 * DAY - 3_600_000), undefined],
      ['up to an instant mid-month', undefined, new Date(anchor.getTime() - 200 * DAY + 1)],
    ];
    for (const [what, from, to] of ranges) {
      const closedAt = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
      const filtered = await store.allocations.find(from || to ? { closedAt } : {}).toArray();
      // A fresh process: every page of the months read.
      const read = await recorded(() => createCostLedger(store).between(from, to));
      expect(byId(read.result), what).toEqual(byId(filtered));
      // In booking order, as the route lists them.
      expect(read.result.map((e) => e._id), what).toEqual([...filtered].sort(inBookingOrder).map((e) => e._id));
      expect(scansOf(read.commands, { keyed, small }), what).toEqual([]);
    }
    expect((await store.allocations.find({}).toArray()).length).toBe(120 + 36 + 3);
  });

  it('reads again only the pages after those it read, and sees another process\'s booking', async () => {
    const reader = createCostLedger(store);
    const [from, to] = [startOfMonth(0), startOfMonth(-1)];
    const first = await reader.between(from, to);
    const again = await recorded(() => reader.between(from, to));
    expect(byId(again.result)).toEqual(byId(first));
    // The months (a small collection), then one `_id` read of the page after the month's last.
    expect(again.commands).toHaveLength(1 + 1);
    const today = Math.floor((anchor.getTime() - from.getTime()) / DAY);
    await createCostLedger(store).record('SR-LATER', entriesOf('SR-LATER', today, 700), 'EUR');
    const later = await reader.between(from, to);
    expect(byId(later).filter((e) => e.startsWith('SR-LATER|'))).toHaveLength(3);
    expect(byId(later)).toEqual(byId(await store.allocations.find({ closedAt: { $gte: from, $lt: to } }).toArray()));
    expect(monthOf(later.find((e) => e.caseId === 'SR-LATER')!.closedAt)).toBe(monthOf(from));
  });

  it('hands out a whole month as the same array until its next page, and a range\'s edge months cut', async () => {
    const reader = createCostLedger(store);
    const [from, to] = [startOfMonth(1), startOfMonth(-1)];
    const [lastMonth, thisMonth] = await reader.monthsBetween(from, to);
    expect([lastMonth!.whole, thisMonth!.whole]).toEqual([true, true]);
    const again = await reader.monthsBetween(from, to);
    // The route keeps a whole month's totals by this identity (api/cost-allocation.ts).
    expect(again[0]!.entries).toBe(lastMonth!.entries);
    expect(again[1]!.entries).toBe(thisMonth!.entries);
    const today = Math.floor((anchor.getTime() - startOfMonth(0).getTime()) / DAY);
    await createCostLedger(store).record('SR-NEXT-PAGE', entriesOf('SR-NEXT-PAGE', today, 900), 'EUR');
    const after = await reader.monthsBetween(from, to);
    expect(after[0]!.entries).toBe(lastMonth!.entries);
    expect(after[1]!.entries).not.toBe(thisMonth!.entries);
    expect(after[1]!.entries.filter((e) => e.caseId === 'SR-NEXT-PAGE')).toHaveLength(3);
    // Cut a millisecond inside at either end: neither month is whole, each holds only what is inside.
    const cut = await reader.monthsBetween(new Date(from.getTime() + 1), new Date(startOfMonth(-1).getTime() - 1));
    expect(cut.map((m) => m.whole)).toEqual([false, false]);
    expect(cut[0]!.entries.every((e) => e.closedAt.getTime() > from.getTime())).toBe(true);
    expect(cut.flatMap((m) => m.entries).length).toBeLessThanOrEqual(after.flatMap((m) => m.entries).length);
  });

  it('a month of many small pages is read first from a snapshot a reader wrote, then the pages after it', async () => {
    const [from, to] = [startOfMonth(2), startOfMonth(1)];
    const day = Math.floor((anchor.getTime() - from.getTime()) / DAY) - 1;
    const writer = createCostLedger(store);
    for (let k = 0; k < snapshotEvery + 10; k++) await writer.record(`SR-MANY-${k}`, entriesOf(`SR-MANY-${k}`, day - (k % 20), 300 + k), 'EUR');
    const filtered = async () => byId(await store.allocations.find({ closedAt: { $gte: from, $lt: to } }).toArray());
    // The first reader reads every page, then writes the month's snapshot.
    const first = await recorded(() => createCostLedger(store).between(from, to));
    expect(byId(first.result)).toEqual(await filtered());
    expect(first.commands.filter((e) => e.commandName === 'find').length).toBeGreaterThan(snapshotEvery);
    // Its one part, then the snapshot's entry naming it.
    expect(first.commands.filter((e) => e.commandName === 'insert')).toHaveLength(2);
    // Booked since: a few pages past the snapshot.
    for (let k = 0; k < 3; k++) await writer.record(`SR-MORE-${k}`, entriesOf(`SR-MORE-${k}`, day, 800 + k), 'EUR');
    const second = await recorded(() => createCostLedger(store).between(from, to));
    expect(byId(second.result)).toEqual(await filtered());
    expect(scansOf(second.commands, { keyed, small })).toEqual([]);
    // The months; the snapshots' end (two reads), the latest and its part; the page at its end,
    // found; then one batch of 16 from the next page on, past the month's last page.
    expect(second.commands).toHaveLength(1 + 2 + 1 + 1 + 1 + 16);

    // A month past one part: a writer of parts of 50 entries snapshots it anew in several.
    for (let k = 0; k < snapshotEvery; k++) await writer.record(`SR-PARTS-${k}`, entriesOf(`SR-PARTS-${k}`, day - (k % 20), 400 + k), 'EUR');
    const parted = await recorded(() => createCostLedger(store, () => new Date(), { snapshotPartSize: 50 }).between(from, to));
    expect(byId(parted.result)).toEqual(await filtered());
    const parts = parted.commands.filter((e) => e.commandName === 'insert').length - 1;
    expect(parts).toBe(Math.ceil(parted.result.length / 50));
    // A new reader takes that snapshot's parts at once, then the pages after it: the same entries, in booking order.
    const third = await recorded(() => createCostLedger(store).between(from, to));
    expect(third.result.map((e) => e._id)).toEqual(parted.result.map((e) => e._id));
    const partReads = third.commands.filter((c) => c.commandName === 'find' && String((c.command.filter as { _id?: unknown } | undefined)?._id ?? '').includes('/'));
    expect(partReads).toHaveLength(parts);
    // Besides its parts: the months, the snapshots' end (galloping over three), the latest, and the page at its end (none).
    expect(third.commands.length - parts).toBeLessThanOrEqual(1 + 4 + 1 + 1);

    // A snapshot written before parts (its entries in the entry itself) is still read.
    const month = monthOf(from);
    const heads = await store.ledgerPages.find({ _id: { $regex: `^${month}~#` } }).toArray();
    const latest = heads.sort((a, b) => Number(b._id.split('#')[1]) - Number(a._id.split('#')[1]))[0]!;
    const { upTo } = JSON.parse(latest.entries) as { upTo: number };
    const legacy = third.result.map((e) => ({ ...e, closedAt: e.closedAt.toISOString() }));
    await store.ledgerPages.insertOne({ _id: `${month}~#${Number(latest._id.split('#')[1]) + 1}`, entries: JSON.stringify({ upTo, entries: legacy }) });
    const fromLegacy = await createCostLedger(store).between(from, to);
    expect(fromLegacy.map((e) => e._id)).toEqual(third.result.map((e) => e._id));
    expect(scansOf(third.commands, { keyed, small })).toEqual([]);
  });
});
