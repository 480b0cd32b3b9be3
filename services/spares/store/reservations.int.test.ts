import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { testLogger, uniqueName } from '@aftersales/platform/testing';
import { createSparesStore, type SparesStore } from './collections';
import { createReservationBook, InsufficientStock, type ReservationBook } from './reservations';

const stack = inject('stack');
const dbName = uniqueName('spares-res').replace(/-/g, '_');
const ctx = { topic: (name: string) => `${dbName}.${name}`, now: () => new Date() };

/**
 * The never-oversell guarantee on the real FerretDB, which does not serialise concurrent
 * conditional updates: many reservations from several connections at once against a few units.
 */
describe('reservations under contention on the real Mongo server', () => {
  const connections: Connection[] = [];
  const stores: SparesStore[] = [];
  const books: ReservationBook[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 4; i++) {
      const connection = await connectMongo(stack.mongoUrl, dbName);
      connections.push(connection);
      const store = createSparesStore(connection);
      stores.push(store);
      books.push(createReservationBook(store, ctx, testLogger()));
    }
    await stores[0]!.init();
    await stores[0]!.locations.insertMany([
      { _id: 'VAN-ENG-1', kind: 'van', name: 'Van of ENG-1', engineerId: 'ENG-1' },
      { _id: 'REG-EAST', kind: 'regional', name: 'Regional east', engineerId: null },
      { _id: 'CENTRAL', kind: 'central', name: 'Central', engineerId: null },
    ]);
    await books[0]!.receive('P-LENS-B', 'VAN-ENG-1', 1, 'test');
    await books[0]!.receive('P-LENS-B', 'REG-EAST', 2, 'test');
    await books[0]!.receive('P-LENS-B', 'CENTRAL', 3, 'test');
  });

  afterAll(async () => {
    await connections[0]?.dropDatabase();
    await Promise.all(connections.map((c) => c.close()));
  });

  it('serves the nearest stock first and splits a line across locations', async () => {
    const reservation = await books[0]!.reserve({ reservationId: 'RES-SPLIT', workOrderId: 'WO-SPLIT', requestId: 'SR-SPLIT', engineerId: 'ENG-1', lines: [{ partNumber: 'P-LENS-B', quantity: 2 }], ttlMs: 60_000, by: 'test' }, { correlationId: 'c', causationId: null });
    expect(reservation.lines).toEqual([
      { partNumber: 'P-LENS-B', locationId: 'VAN-ENG-1', quantity: 1 },
      { partNumber: 'P-LENS-B', locationId: 'REG-EAST', quantity: 1 },
    ]);
    expect(reservation.outbox?.[0]?.event.type).toBe('parts.reserved');
    expect(await books[0]!.release('RES-SPLIT', 'cancelled', { correlationId: 'c', causationId: null })).toBe(true);
    expect(await books[0]!.release('RES-SPLIT', 'cancelled', { correlationId: 'c', causationId: null })).toBe(false);
    const levels = await books[0]!.levels({ partNumber: 'P-LENS-B' });
    expect(levels.map((l) => [l.locationId, l.available])).toEqual([
      ['CENTRAL', 3],
      ['REG-EAST', 2],
      ['VAN-ENG-1', 1],
    ]);
  });

  it('60 concurrent reservations at 6 units: never more than 6 reserved, no unit twice, failures leave nothing behind', async () => {
    const attempts = Array.from({ length: 60 }, (_, i) => i);
    const results = await Promise.allSettled(
      attempts.map((i) =>
        books[i % books.length]!.reserve(
          // A third asks for two units, so all-or-nothing give-backs race the single-unit claims too.
          { reservationId: `RES-C-${i}`, workOrderId: `WO-C-${i}`, requestId: `SR-C-${i}`, engineerId: i % 2 ? 'ENG-1' : null, lines: [{ partNumber: 'P-LENS-B', quantity: i % 3 === 0 ? 2 : 1 }], ttlMs: 60_000, by: 'test' },
          { correlationId: `c-${i}`, causationId: null },
        ),
      ),
    );
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(failures.every((f) => f instanceof InsufficientStock), String(failures.find((f) => !(f instanceof InsufficientStock)))).toBe(true);
    const reservedUnits = won.reduce((sum, r) => sum + r.lines.reduce((s, l) => s + l.quantity, 0), 0);
    // Every winner holds what it asked for, and nobody holds more than exists.
    for (const r of won) expect(r.lines.reduce((s, l) => s + l.quantity, 0)).toBe(Number(r._id.slice(6)) % 3 === 0 ? 2 : 1);
    expect(reservedUnits).toBeLessThanOrEqual(6);
    expect(won.length).toBeGreaterThan(0);

    const claims = await stores[0]!.claims.find({ partNumber: 'P-LENS-B' }).toArray();
    expect(claims).toHaveLength(reservedUnits);
    expect(new Set(claims.map((c) => c.reservationId))).toEqual(new Set(won.map((r) => r._id)));
    // The refused attempts left the open reservations' list with their claims given back: only the winners are listed.
    expect((await stores[0]!.openReservations.find({}).toArray()).map((e) => e._id).sort()).toEqual(won.map((r) => r._id).sort());
    // Per location, claimed numbers are distinct and within what was received.
    const received: Record<string, number> = { 'VAN-ENG-1': 1, 'REG-EAST': 2, CENTRAL: 3 };
    for (const [location, max] of Object.entries(received)) {
      const numbers = claims.filter((c) => c.locationId === location).map((c) => c.unitNo);
      expect(new Set(numbers).size).toBe(numbers.length);
      expect(numbers.every((n) => n >= 1 && n <= max)).toBe(true);
    }
    const levels = await books[0]!.levels({ partNumber: 'P-LENS-B' });
    expect(levels.every((l) => l.available >= 0)).toBe(true);
    expect(levels.reduce((s, l) => s + l.reserved, 0)).toBe(reservedUnits);

    // Releasing every winner gives all six units back.
    await Promise.all(won.map((r, i) => books[i % books.length]!.release(r._id, 'cancelled', { correlationId: 'c', causationId: null })));
    const after = await books[0]!.levels({ partNumber: 'P-LENS-B' });
    expect(after.reduce((s, l) => s + l.available, 0)).toBe(6);
    expect(await stores[0]!.openReservations.countDocuments({})).toBe(0);
  });

  it('a reservation too big for all stock is backordered and claims nothing', async () => {
    await expect(books[1]!.reserve({ reservationId: 'RES-BIG', workOrderId: 'WO-BIG', requestId: 'SR-BIG', engineerId: 'ENG-1', lines: [{ partNumber: 'P-LENS-B', quantity: 7 }], ttlMs: 60_000, by: 'test' }, { correlationId: 'c', causationId: null })).rejects.toMatchObject({
      status: 409,
      field: 'lines[0].quantity',
    });
    expect(await stores[0]!.claims.countDocuments({ reservationId: 'RES-BIG' })).toBe(0);
    expect(await stores[0]!.backorders.findOne({ _id: 'RES-BIG|P-LENS-B' })).toMatchObject({ quantity: 1 });
    // The refused attempt was listed beside its claims; its entry names no stored reservation, and
    // the work order's next reservation is listed after it and found.
    expect(await stores[0]!.workOrderReservations.findOne({ _id: 'WO-BIG|1' })).toMatchObject({ reservationId: 'RES-BIG' });
    expect(await books[0]!.reservationsOf('WO-BIG')).toEqual([]);
    await books[0]!.reserve({ reservationId: 'RES-BIG-2', workOrderId: 'WO-BIG', requestId: 'SR-BIG', engineerId: 'ENG-1', lines: [{ partNumber: 'P-LENS-B', quantity: 1 }], ttlMs: 60_000, by: 'test' }, { correlationId: 'c', causationId: null });
    expect((await books[1]!.openFor('WO-BIG')).map((r) => r._id)).toEqual(['RES-BIG-2']);
    expect(await books[1]!.release('RES-BIG-2', 'cancelled', { correlationId: 'c', causationId: null })).toBe(true);
  });

  it('a reservation stored before work orders listed theirs is listed at start and released with its claims', async () => {
    await books[0]!.receive('P-SEAL', 'CENTRAL', 2, 'test');
    // As an earlier version stored it: its claim, then itself without claim ids, and no work order entry.
    await stores[0]!.claims.insertOne({ _id: 'P-SEAL|CENTRAL|1', partNumber: 'P-SEAL', locationId: 'CENTRAL', unitNo: 1, state: 'reserved', reservationId: 'RES-EARLIER', workOrderId: 'WO-EARLIER', claimedAt: new Date() });
    await stores[0]!.reservations.insertOne({ _id: 'RES-EARLIER', workOrderId: 'WO-EARLIER', requestId: 'SR-EARLIER', lines: [{ partNumber: 'P-SEAL', locationId: 'CENTRAL', quantity: 1 }], reservedAt: new Date(), expiresAt: new Date(Date.now() + 60_000), by: 'test' });
    expect(await books[0]!.openFor('WO-EARLIER')).toEqual([]);
    expect(await books[0]!.listEarlierReservations()).toBe(1);
    expect(await books[1]!.listEarlierReservations()).toBe(0);
    expect((await books[0]!.openFor('WO-EARLIER')).map((r) => r._id)).toEqual(['RES-EARLIER']);
    expect(await books[0]!.release('RES-EARLIER', 'cancelled', { correlationId: 'c', causationId: null })).toBe(true);
    expect((await books[0]!.levels({ partNumber: 'P-SEAL' }))[0]).toMatchObject({ reserved: 0, available: 2 });
  });

  it('a transfer leaves the origin at once, is in transit at the destination, and arrives once', async () => {
    await books[0]!.receive('P-NOZZLE-15', 'CENTRAL', 5, 'test');
    await books[0]!.ship('TRF-1', 'P-NOZZLE-15', 'CENTRAL', 'VAN-ENG-1', 2, 'test');
    const moving = await books[0]!.levels({ partNumber: 'P-NOZZLE-15' });
    expect(moving.map((l) => [l.locationId, l.onHand, l.available, l.inTransit])).toEqual([
      ['CENTRAL', 3, 3, 0],
      ['VAN-ENG-1', 0, 0, 2],
    ]);
    expect(await books[1]!.arrive('TRF-1', 'test')).toBe(true);
    expect(await books[2]!.arrive('TRF-1', 'test')).toBe(false);
    const arrived = await books[0]!.levels({ partNumber: 'P-NOZZLE-15', locationId: 'VAN-ENG-1' });
    expect(arrived).toEqual([{ partNumber: 'P-NOZZLE-15', locationId: 'VAN-ENG-1', onHand: 2, reserved: 0, available: 2, inTransit: 0 }]);
    await expect(books[0]!.ship('TRF-2', 'P-NOZZLE-15', 'CENTRAL', 'VAN-ENG-1', 4, 'test')).rejects.toBeInstanceOf(InsufficientStock);
    expect(await stores[0]!.claims.countDocuments({ workOrderId: 'TRF-2' })).toBe(0);
  });
});
