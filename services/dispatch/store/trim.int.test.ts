import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandNames, commandRecorder, quietMondayAhead, scansOf, testLogger, uniqueName } from '@aftersales/platform/testing';
import { slotClaimKeys } from '../domain/schedule';
import { createBookingStore, type BookingStore } from './bookings';
import { createDispatchCollections, type DispatchCollections } from './models';

/**
 * A job reported or cancelled part-way gives the rest of its booked time back (`trim`, on every
 * report and on a cancellation once work has started). Its claims go by key: on FerretDB v1 a
 * delete filtered on `bookingId` and `slotStart` reads every claim ever stored, and `slotClaims`
 * holds one per 15-minute slot ever booked.
 */
const stack = inject('stack');
const db = uniqueName('dispatch-trim');
const engineerId = 'ENG-TRIM';
let connection: Connection;
let c: DispatchCollections;
let store: BookingStore;
const { listener, recorded } = commandRecorder();

// A Monday 09:00 Shanghai (01:00Z) a week ahead of the clock: the booking lies in the future on any day.
const T0 = quietMondayAhead(Date.now(), { leadMs: 7 * 86_400_000 }) + 3_600_000;
const minutes = (m: number) => new Date(T0 + m * 60_000);
/** What grows with history, and the small collections the calendar's lock round reads. */
const keyed = new Set(['bookings', 'slotClaims', 'calendarShards']);
const small = new Set(['calendarLocks', 'calendarStamps']);

beforeAll(async () => {
  connection = mongoose.createConnection(stack.mongoUrl, { dbName: db, monitorCommands: true });
  await connection.asPromise();
  connection.getClient().on('commandStarted', listener);
  c = await createDispatchCollections(connection);
  store = createBookingStore({ collections: c, now: () => new Date(), logger: testLogger() });
  // A year of other bookings' claims (of this engineer too): none of them may be read or deleted.
  const history = Array.from({ length: 600 }, (_, i) => {
    const slotStart = new Date(T0 - (i + 1) * 15 * 60_000);
    return { _id: `${i % 3 === 0 ? engineerId : `ENG-OTHER-${i % 7}`}|${slotStart.toISOString()}`, bookingId: `WO-OLD-${Math.floor(i / 8)}:r1`, engineerId, slotStart };
  });
  await c.slotClaims.insertMany(history);
});

afterAll(async () => {
  await connection?.db?.dropDatabase();
  await connection?.close();
});

describe('a job ended early gives its time back by key', () => {
  it('deletes its own claims from the first slot after the end, each by _id, and leaves the others', async () => {
    expect((await store.book({ bookingId: 'WO-TRIM:r1', workOrderId: 'WO-TRIM', engineerId, departAt: minutes(0), start: minutes(15), end: minutes(120) })).ok).toBe(true);
    const keys = slotClaimKeys(engineerId, { start: minutes(0), end: minutes(120) });
    expect(keys).toHaveLength(8);
    // The 01:30 slot was given to another booking (a stray-claim sweep after a crash): it must stay.
    const taken = keys[6]!;
    await c.slotClaims.deleteOne({ _id: taken });
    await c.slotClaims.insertOne({ _id: taken, bookingId: 'WO-OTHER:r1', engineerId, slotStart: minutes(90) });
    const before = await c.slotClaims.countDocuments();

    const { commands } = await recorded(() => store.trim('WO-TRIM:r1', minutes(50)));

    // 00:00, 00:15, 00:30, 00:45 stay (the job ran into the 00:45 slot); 01:00, 01:15, 01:45 go; 01:30 is another's.
    const left = await Promise.all(keys.map((key) => c.slotClaims.findOne({ _id: key })));
    expect(left.map((cl) => cl?.bookingId ?? null)).toEqual(['WO-TRIM:r1', 'WO-TRIM:r1', 'WO-TRIM:r1', 'WO-TRIM:r1', null, null, 'WO-OTHER:r1', null]);
    expect(await c.slotClaims.countDocuments()).toBe(before - 3);
    expect(await c.bookings.findOne({ _id: 'WO-TRIM:r1' })).toMatchObject({ end: minutes(50) });
    expect((await store.calendars.read(engineerId)).entries).toMatchObject([{ bookingId: 'WO-TRIM:r1', end: minutes(50) }]);

    // Every filter on what grows is exactly `{ _id }`: the four slots from 01:00 read, no delete by bookingId or slot range.
    expect(scansOf(commands, { keyed, small })).toEqual([]);
    const deletes = commands.filter((e) => e.commandName === 'delete' && (e.command as { delete: string }).delete === 'slotClaims');
    expect(deletes.flatMap((e) => (e.command as { deletes: { q: unknown }[] }).deletes.map((d) => d.q))).toEqual([{ _id: keys[4] }, { _id: keys[5] }, { _id: keys[7] }]);
    expect(commandNames(commands).filter((n) => n.endsWith(' slotClaims')).sort()).toEqual([...Array<string>(4).fill('find slotClaims'), 'delete slotClaims'].sort());
  });

  it('a trim at or after the booking\'s end deletes nothing and reads no claim', async () => {
    expect((await store.book({ bookingId: 'WO-LATE:r1', workOrderId: 'WO-LATE', engineerId, departAt: minutes(300), start: minutes(300), end: minutes(330) })).ok).toBe(true);
    const { commands } = await recorded(() => store.trim('WO-LATE:r1', minutes(330)));
    expect(commandNames(commands).filter((n) => n.endsWith(' slotClaims'))).toEqual([]);
    expect(await c.slotClaims.countDocuments({ bookingId: 'WO-LATE:r1' })).toBe(2);
  });
});
