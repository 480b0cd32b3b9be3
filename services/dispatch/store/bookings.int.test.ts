import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { quietMondayAhead, testLogger, uniqueName } from '@aftersales/platform/testing';
import { overlaps } from '../domain/schedule';
import { createBookingStore, type BookingStore } from './bookings';
import { earlierShardOf, serialiseShard, shardOf } from './calendars';
import { createDispatchCollections, type DispatchCollections } from './models';

/**
 * Concurrent bookings of one engineer against the real FerretDB, from several connections at once,
 * so requests truly interleave on the server: the slot-claim unique keys let exactly one booking
 * of each contested interval through and never two overlapping ones.
 */
const stack = inject('stack');
const db = uniqueName('dispatch-bookings');
const logger = testLogger();
const connections: Connection[] = [];
const stores: BookingStore[] = [];
let c: DispatchCollections;

// A Monday 09:00 Shanghai (01:00Z) a week ahead of the clock: bookings lie in the future on any day.
const T0 = quietMondayAhead(Date.now(), { leadMs: 7 * 86_400_000 }) + 3_600_000;
const minutes = (m: number) => new Date(T0 + m * 60_000);

beforeAll(async () => {
  for (let i = 0; i < 4; i++) {
    const conn = await connectMongo(stack.mongoUrl, db);
    connections.push(conn);
    const cols = await createDispatchCollections(conn);
    if (i === 0) c = cols;
    stores.push(createBookingStore({ collections: cols, now: () => new Date(), logger }));
  }
});

afterAll(async () => {
  await connections[0]?.db?.dropDatabase();
  await Promise.all(connections.map((conn) => conn.close()));
});

describe('engineer bookings under concurrent assignment', () => {
  it('of 40 concurrent bookings on 8 intervals (5 each), exactly one per interval wins; 12 straddling ones then all lose', async () => {
    const engineerId = 'ENG-RACE';
    // Intervals of 75 min, 30 min apart, not aligned to the slot grid: 00:00–01:15, 01:45–03:00, ...
    const targets = Array.from({ length: 8 }, (_, i) => ({ departAt: minutes(i * 105 + 5), start: minutes(i * 105 + 20), end: minutes(i * 105 + 80) }));
    const attempts = targets.flatMap((t, i) => Array.from({ length: 5 }, (_, k) => ({ ...t, bookingId: `WO-T${i}-${k}:r1`, workOrderId: `WO-T${i}-${k}`, engineerId, group: i })));
    const results = await Promise.all(attempts.map((a, n) => stores[n % stores.length]!.book(a).then((r) => ({ a, r }))));

    const winners = results.filter(({ r }) => r.ok);
    expect(winners).toHaveLength(8);
    expect(new Set(winners.map(({ a }) => a.group)).size).toBe(8);
    for (const { r } of results.filter(({ r }) => !r.ok)) expect(r).toMatchObject({ ok: false, reason: 'clash' });

    // Straddlers overlap two booked intervals each (and each other): none may get through.
    const straddlers = Array.from({ length: 12 }, (_, i) => {
      const from = (i % 7) * 105 + 60;
      return { bookingId: `WO-S${i}:r1`, workOrderId: `WO-S${i}`, engineerId, departAt: minutes(from), start: minutes(from + 10), end: minutes(from + 60) };
    });
    const late = await Promise.all(straddlers.map((s, n) => stores[n % stores.length]!.book(s)));
    expect(late.filter((r) => r.ok)).toHaveLength(0);

    // The store holds exactly the winners: their bookings, and one claim per slot each, nothing of the losers.
    const stored = await c.bookings.find({ engineerId }).toArray();
    expect(stored.map((b) => b._id).sort()).toEqual(winners.map(({ a }) => a.bookingId).sort());
    for (let i = 0; i < stored.length; i++) for (let j = i + 1; j < stored.length; j++) {
      expect(overlaps({ start: stored[i]!.departAt, end: stored[i]!.end }, { start: stored[j]!.departAt, end: stored[j]!.end })).toBe(false);
    }
    const claims = await c.slotClaims.find({ engineerId }).toArray();
    expect(new Set(claims.map((cl) => cl.bookingId))).toEqual(new Set(winners.map(({ a }) => a.bookingId)));
    // 05–80 min covers slots 00, 15, 30, 45, 60, 75 after each interval's own offset: 6 per booking, none shared.
    expect(claims).toHaveLength(stored.length * 6);
  });

  it('a non-overlapping booking right after another (end = next start) is not a clash', async () => {
    const engineerId = 'ENG-BACK-TO-BACK';
    const first = await stores[0]!.book({ bookingId: 'WO-A:r1', workOrderId: 'WO-A', engineerId, departAt: minutes(0), start: minutes(15), end: minutes(60) });
    const second = await stores[1]!.book({ bookingId: 'WO-B:r1', workOrderId: 'WO-B', engineerId, departAt: minutes(60), start: minutes(75), end: minutes(120) });
    expect([first.ok, second.ok]).toEqual([true, true]);
    const overlapping = await stores[2]!.book({ bookingId: 'WO-C:r1', workOrderId: 'WO-C', engineerId, departAt: minutes(110), start: minutes(120), end: minutes(150) });
    expect(overlapping).toMatchObject({ ok: false, reason: 'clash', clashWith: 'WO-B:r1', over: { start: minutes(110), end: minutes(150) } });
  });

  it('one booking per assignment round: a second booking of the same work-order round is refused', async () => {
    const a = await stores[0]!.book({ bookingId: 'WO-R:r1', workOrderId: 'WO-R', engineerId: 'ENG-R1', departAt: minutes(0), start: minutes(0), end: minutes(30) });
    const b = await stores[1]!.book({ bookingId: 'WO-R:r1', workOrderId: 'WO-R', engineerId: 'ENG-R2', departAt: minutes(0), start: minutes(0), end: minutes(30) });
    expect(a.ok).toBe(true);
    expect(b).toEqual({ ok: false, reason: 'round-taken' });
  });

  it('a pending booking left by a dead process is released by the next booking on that engineer; one whose work order holds it is confirmed', async () => {
    const engineerId = 'ENG-ORPHAN';
    const old = new Date(Date.now() - 10 * 60_000);
    // As a process dying after its claims and before the work-order commit leaves it.
    await c.bookings.insertOne({ _id: 'WO-DEAD:r1', engineerId, workOrderId: 'WO-DEAD', departAt: minutes(0), start: minutes(0), end: minutes(30), state: 'pending', createdAt: old });
    await c.slotClaims.insertMany([0, 15].map((m) => ({ _id: `${engineerId}|${minutes(m).toISOString()}`, bookingId: 'WO-DEAD:r1', engineerId, slotStart: minutes(m) })));
    // Dying after the commit but before the confirmation: the work order references it.
    await c.bookings.insertOne({ _id: 'WO-LIVE:r1', engineerId, workOrderId: 'WO-LIVE', departAt: minutes(60), start: minutes(60), end: minutes(90), state: 'pending', createdAt: old });
    await c.slotClaims.insertMany([60, 75].map((m) => ({ _id: `${engineerId}|${minutes(m).toISOString()}`, bookingId: 'WO-LIVE:r1', engineerId, slotStart: minutes(m) })));
    await c.workOrders.insertOne({ _id: 'WO-LIVE', bookingId: 'WO-LIVE:r1' } as never);
    // Both had reached the engineer's calendar, pending.
    const entry = (bookingId: string, from: number, to: number) => ({ bookingId, workOrderId: bookingId.split(':')[0]!, departAt: minutes(from), start: minutes(from), end: minutes(to), state: 'pending' as const, createdAt: old });
    await stores[3]!.calendars.change(engineerId, async () => ({ calendar: { entries: [entry('WO-DEAD:r1', 0, 30), entry('WO-LIVE:r1', 60, 90)], pastEnds: [] }, result: undefined }));

    const retry = await stores[0]!.book({ bookingId: 'WO-NEW:r1', workOrderId: 'WO-NEW', engineerId, departAt: minutes(0), start: minutes(10), end: minutes(30) });
    expect(retry.ok).toBe(true);
    expect(await c.bookings.findOne({ _id: 'WO-DEAD:r1' })).toBeNull();
    const calendar = await stores[0]!.calendars.read(engineerId);
    expect(calendar.entries.find((e) => e.bookingId === 'WO-LIVE:r1')).toMatchObject({ state: 'confirmed' });
    expect(calendar.entries.some((e) => e.bookingId === 'WO-DEAD:r1')).toBe(false);
    const blocked = await stores[1]!.book({ bookingId: 'WO-NEW2:r1', workOrderId: 'WO-NEW2', engineerId, departAt: minutes(70), start: minutes(70), end: minutes(80) });
    expect(blocked).toMatchObject({ ok: false, reason: 'clash', clashWith: 'WO-LIVE:r1' });
  });

  it('a job finished early gives the rest of its booked time back', async () => {
    const engineerId = 'ENG-EARLY';
    expect((await stores[0]!.book({ bookingId: 'WO-E:r1', workOrderId: 'WO-E', engineerId, departAt: minutes(0), start: minutes(15), end: minutes(120) })).ok).toBe(true);
    await stores[0]!.trim('WO-E:r1', minutes(50));
    expect(await c.bookings.findOne({ _id: 'WO-E:r1' })).toMatchObject({ end: minutes(50) });
    expect(await c.slotClaims.countDocuments({ bookingId: 'WO-E:r1' })).toBe(4); // 0, 15, 30, 45
    expect((await stores[1]!.book({ bookingId: 'WO-F:r1', workOrderId: 'WO-F', engineerId, departAt: minutes(60), start: minutes(60), end: minutes(90) })).ok).toBe(true);
    expect(await stores[1]!.book({ bookingId: 'WO-G:r1', workOrderId: 'WO-G', engineerId, departAt: minutes(45), start: minutes(45), end: minutes(55) })).toMatchObject({ ok: false, reason: 'clash', clashWith: 'WO-E:r1' });
  });

  it('claims whose booking is gone (a release that died half-way) do not block the slot', async () => {
    const engineerId = 'ENG-DEBRIS';
    await c.slotClaims.insertOne({ _id: `${engineerId}|${minutes(0).toISOString()}`, bookingId: 'WO-GONE:r1', engineerId, slotStart: minutes(0) });
    const result = await stores[0]!.book({ bookingId: 'WO-OK:r1', workOrderId: 'WO-OK', engineerId, departAt: minutes(0), start: minutes(0), end: minutes(15) });
    expect(result.ok).toBe(true);
    expect(await c.slotClaims.findOne({ _id: `${engineerId}|${minutes(0).toISOString()}` })).toMatchObject({ bookingId: 'WO-OK:r1' });
  });

  it('an assignment commits its work order under the lock and writes its entry confirmed; a commit that fails gives the slots back', async () => {
    const engineerId = 'ENG-COMMIT';
    const slot = { departAt: minutes(0), start: minutes(20), end: minutes(80) };
    const committed: string[] = [];
    const ok = await stores[0]!.book({ bookingId: 'WO-C1:r1', workOrderId: 'WO-C1', engineerId, slot: () => slot, commit: async (b) => void committed.push(b._id) });
    expect(ok.ok).toBe(true);
    expect(committed).toEqual(['WO-C1:r1']);
    expect((await stores[1]!.calendars.read(engineerId)).entries).toMatchObject([{ bookingId: 'WO-C1:r1', state: 'confirmed' }]);

    const later = { departAt: minutes(120), start: minutes(120), end: minutes(150) };
    await expect(stores[1]!.book({ bookingId: 'WO-C2:r1', workOrderId: 'WO-C2', engineerId, slot: () => later, commit: async () => Promise.reject(new Error('lost the race')) })).rejects.toThrow('lost the race');
    expect(await c.bookings.findOne({ _id: 'WO-C2:r1' })).toBeNull();
    expect(await c.slotClaims.countDocuments({ bookingId: 'WO-C2:r1' })).toBe(0);
    expect((await stores[2]!.calendars.read(engineerId)).entries.map((e) => e.bookingId)).toEqual(['WO-C1:r1']);
    expect((await stores[2]!.book({ bookingId: 'WO-C3:r1', workOrderId: 'WO-C3', engineerId, ...later })).ok).toBe(true);
  });

  it('a job that ended inside a slot keeps that slot until it ends, and a claim past its booking\'s end is debris (the soak saw a dispatcher refused for ever)', async () => {
    const engineerId = 'ENG-ENDED';
    let clock = minutes(-60);
    const at = (m: number) => (clock = minutes(m));
    const store = createBookingStore({ collections: c, now: () => clock, logger });
    expect((await store.book({ bookingId: 'WO-X:r1', workOrderId: 'WO-X', engineerId, slot: () => ({ departAt: minutes(0), start: minutes(0), end: minutes(60) }), commit: async () => undefined })).ok).toBe(true);
    await c.workOrders.insertOne({ _id: 'WO-X', version: 2, bookingId: 'WO-X:r1' } as never);
    // Finished at 00:20: its claims of 00:00 and 00:15 stay, 00:30 and 00:45 go back.
    at(20);
    await store.trim('WO-X:r1', minutes(20));
    // A trim that died after the calendar and the booking but before its claims: 00:30 is held by nobody's time.
    await c.slotClaims.insertOne({ _id: `${engineerId}|${minutes(30).toISOString()}`, bookingId: 'WO-X:r1', engineerId, slotStart: minutes(30) });
    at(25);
    // 00:15–00:30 is still the job's slot: refused from the calendar, naming it (before, the entry was dropped at 00:20 and the claim refused every try).
    expect(await store.book({ bookingId: 'WO-Y:r1', workOrderId: 'WO-Y', engineerId, departAt: minutes(25), start: minutes(25), end: minutes(40) })).toMatchObject({ ok: false, reason: 'clash', clashWith: 'WO-X:r1' });
    const next = await store.book({ bookingId: 'WO-Z:r1', workOrderId: 'WO-Z', engineerId, departAt: minutes(30), start: minutes(30), end: minutes(45) });
    expect(next.ok).toBe(true);
    expect(await c.slotClaims.findOne({ _id: `${engineerId}|${minutes(30).toISOString()}` })).toMatchObject({ bookingId: 'WO-Z:r1' });
    expect((await store.calendars.read(engineerId)).entries.map((e) => e.bookingId).sort()).toEqual(['WO-X:r1', 'WO-Z:r1']);
  });

  it('an accepted booking the calendar never got (a process died after the work order\'s change) still blocks its slots and goes back on the calendar', async () => {
    const engineerId = 'ENG-LOST';
    const lost = async (workOrderId: string, from: number) => {
      const bookingId = `${workOrderId}:r1`;
      await c.bookings.insertOne({ _id: bookingId, engineerId, workOrderId, departAt: minutes(from), start: minutes(from), end: minutes(from + 30), state: 'pending', createdAt: new Date() });
      await c.slotClaims.insertMany([from, from + 15].map((m) => ({ _id: `${engineerId}|${minutes(m).toISOString()}`, bookingId, engineerId, slotStart: minutes(m) })));
      return bookingId;
    };
    // Its work order was updated before the process died.
    const placed = await lost('WO-L1', 0);
    await c.workOrders.insertOne({ _id: 'WO-L1', version: 2, bookingId: placed } as never);
    // Only its change was stored: the work order still shows the version before it.
    const changed = await lost('WO-L2', 60);
    await c.workOrders.insertOne({ _id: 'WO-L2', version: 1, bookingId: null } as never);
    await c.workOrderChanges.insertOne({ _id: 'WO-L2#2', workOrderId: 'WO-L2', version: 2, at: new Date(), snapshot: { _id: 'WO-L2', version: 2, bookingId: changed } } as never);
    // Never accepted: debris, cleared for the next booking.
    await lost('WO-L3', 120);
    await c.workOrders.insertOne({ _id: 'WO-L3', version: 1, bookingId: null } as never);

    expect(await stores[0]!.book({ bookingId: 'WO-N1:r1', workOrderId: 'WO-N1', engineerId, departAt: minutes(10), start: minutes(10), end: minutes(20) })).toMatchObject({ ok: false, reason: 'clash', clashWith: placed });
    expect(await stores[1]!.book({ bookingId: 'WO-N2:r1', workOrderId: 'WO-N2', engineerId, departAt: minutes(70), start: minutes(70), end: minutes(80) })).toMatchObject({ ok: false, reason: 'clash', clashWith: changed });
    expect((await stores[2]!.book({ bookingId: 'WO-N3:r1', workOrderId: 'WO-N3', engineerId, departAt: minutes(120), start: minutes(120), end: minutes(140) })).ok).toBe(true);
    const calendar = await stores[3]!.calendars.read(engineerId);
    expect(calendar.entries.map((e) => [e.bookingId, e.state]).sort()).toEqual([[placed, 'confirmed'], [changed, 'confirmed'], ['WO-N3:r1', 'pending']]);
  });

  it('reads a calendar the eight-shard version wrote, honours its bookings, and carries them over on its shard\'s first write', async () => {
    // Two engineers the earlier version kept in one shard, that now live in two not written yet (by the tests above).
    const written = new Set((await c.calendars.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    const ids = Array.from({ length: 400 }, (_, i) => `ENG-OLD-${i}`).filter((id) => !written.has(shardOf(id)));
    const engineerId = ids.find((id) => shardOf(id) !== shardOf(ids[0]!) && earlierShardOf(shardOf(id)) === earlierShardOf(shardOf(ids[0]!)))!;
    const neighbour = ids[0]!;
    const earlier = earlierShardOf(shardOf(engineerId));
    const entry = (bookingId: string, from: number) => ({ bookingId, workOrderId: bookingId.split(':')[0]!, departAt: minutes(from), start: minutes(from), end: minutes(from + 60), state: 'confirmed' as const, createdAt: new Date() });
    await c.calendars.insertOne({ _id: earlier, calendars: serialiseShard(new Map([[engineerId, { entries: [entry('WO-OLD-A:r1', 0)], pastEnds: [] }], [neighbour, { entries: [entry('WO-OLD-B:r1', 0)], pastEnds: [] }]])), updatedAt: new Date(), version: 'v-old' });
    const fresh = createBookingStore({ collections: c, now: () => new Date(), logger });
    expect((await fresh.calendars.read(engineerId)).entries.map((e) => e.bookingId)).toEqual(['WO-OLD-A:r1']);
    expect((await fresh.busyOf(null, { start: minutes(0), end: minutes(60) })).get(neighbour)?.map((b) => b._id)).toEqual(['WO-OLD-B:r1']);
    // Refused from the earlier calendar alone (no claims were seeded), then a free hour booked.
    expect(await fresh.book({ bookingId: 'WO-OLD-C:r1', workOrderId: 'WO-OLD-C', engineerId, departAt: minutes(30), start: minutes(30), end: minutes(90) })).toMatchObject({ ok: false, reason: 'clash', clashWith: 'WO-OLD-A:r1' });
    expect((await fresh.book({ bookingId: 'WO-OLD-D:r1', workOrderId: 'WO-OLD-D', engineerId, departAt: minutes(120), start: minutes(120), end: minutes(180) })).ok).toBe(true);
    // The shard's first write holds the earlier booking and the new one, and only this shard's engineers.
    const firstWrite = await c.calendars.findOne({ _id: shardOf(engineerId) });
    expect(Object.keys(JSON.parse(firstWrite!.calendars) as object)).toEqual([engineerId]);
    expect((await stores[1]!.calendars.read(engineerId)).entries.map((e) => e.bookingId).sort()).toEqual(['WO-OLD-A:r1', 'WO-OLD-D:r1']);
    expect((await stores[2]!.calendars.read(neighbour)).entries.map((e) => e.bookingId)).toEqual(['WO-OLD-B:r1']);
  });
});
