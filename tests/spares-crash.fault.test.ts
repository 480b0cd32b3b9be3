import type { Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { withMongo } from './support/mongo';
import { api } from './support/services';
import { useTestBed } from './support/testbed';
import { eventually } from './support/wait';

interface Level { partNumber: string; locationId: string; onHand: number; reserved: number; available: number; inTransit: number }

/**
 * A shipment is several writes (its uncounted entry, its units' claims, the transfer, the
 * destination's card, the origin's card). Spares is made to kill itself with SIGKILL right after
 * one of them (SPARES_FAULT_KILL_AFTER, off by default). After a restart the sweep (every second
 * here, its grace 3 s) must leave the stock table true: a transfer never stored gives its units
 * back (before, they were lost from stock for good); one stored is in transit to its destination,
 * gone from its origin, and arrives once.
 */
describe('spares killed in the middle of a shipment', () => {
  const bed = useTestBed('spares-crash', { spares: { SEED_DEMO_DATA: 'true', SPARES_SWEEP_MS: '1000', SPARES_ORPHAN_GRACE_MS: '3000' } });
  const spares = () => bed.service('spares');
  const call = (method: string, path: string, body?: unknown) => api(spares(), method, path, { token: bed.token('spares'), ...(body === undefined ? {} : { body }) });
  const sparesDb = <T>(fn: (db: Db) => Promise<T>) => withMongo(bed.stack.mongoUrl, (client) => fn(client.db(`${bed.ns}_spares`)));
  const part = 'P-LENS-B';

  async function level(locationId: string): Promise<Level | undefined> {
    const read = await call('GET', `/v1/stock?part=${part}&location=${locationId}`);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    return (read.body.items as Level[])[0];
  }

  it.each(['transfer-claims', 'transfer-stored'] as const)('killed right after the %s: after a restart the stock table is true and every unit is in reach', async (point) => {
    const [from, to] = [`CRASH-A-${point}`, `CRASH-B-${point}`];
    for (const id of [from, to]) expect((await call('PUT', `/v1/locations/${id}`, { kind: 'regional', name: id })).status).toBe(200);
    expect((await call('POST', '/v1/stock/receipts', { partNumber: part, locationId: from, quantity: 5 })).status).toBe(201);

    await spares().stop();
    await spares().start({ SPARES_FAULT_KILL_AFTER: point });
    // The process dies inside the request: the connection drops without an answer.
    const killed = await call('POST', '/v1/stock/transfers', { partNumber: part, fromLocationId: from, toLocationId: to, quantity: 3 }).then((r) => `answered ${r.status} ${JSON.stringify(r.body)}`, () => 'no answer');
    if (killed !== 'no answer') throw new Error(`the transfer ${killed}: the fault point was not reached`);
    await spares().kill(); // already dead; waits for its exit

    const left = await sparesDb(async (db) => ({
      claims: await db.collection('unitClaims').countDocuments({ partNumber: part, locationId: from, state: 'shipped' }),
      transfer: await db.collection('stockTransfers').findOne({ fromLocationId: from }),
    }));
    expect(left.claims).toBe(3);
    expect(Boolean(left.transfer)).toBe(point === 'transfer-stored');

    await spares().start();
    if (point === 'transfer-claims') {
      // Past the grace the sweep gives the three units back: all five on the shelf again, and all five can go.
      await eventually(`the units of the transfer never stored back at ${from}`, async () => ((await level(from))?.available === 5 ? true : undefined), { timeoutMs: 30_000, intervalMs: 500 });
      expect(await level(from)).toMatchObject({ onHand: 5, reserved: 0, available: 5, inTransit: 0 });
      expect(await sparesDb((db) => db.collection('unitClaims').countDocuments({ partNumber: part, locationId: from }))).toBe(0);
      const all = await call('POST', '/v1/stock/transfers', { partNumber: part, fromLocationId: from, toLocationId: to, quantity: 5 });
      expect(all.status, JSON.stringify(all.body)).toBe(201);
      expect(await level(from)).toMatchObject({ onHand: 0, available: 0 });
      expect(await level(to)).toMatchObject({ onHand: 0, inTransit: 5 });
    } else {
      // The sweep notes the stored transfer on both cards: gone from the origin, in transit to the destination.
      await eventually(`the stored transfer in transit to ${to}`, async () => ((await level(to))?.inTransit === 3 ? true : undefined), { timeoutMs: 30_000, intervalMs: 500 });
      await eventually(`the stored transfer gone from ${from}`, async () => ((await level(from))?.onHand === 2 ? true : undefined), { timeoutMs: 30_000, intervalMs: 500 });
      expect(await level(from)).toMatchObject({ onHand: 2, reserved: 0, available: 2, inTransit: 0 });
      const transferId = String(left.transfer!._id);
      expect((await call('POST', `/v1/stock/transfers/${transferId}/arrival`)).status).toBe(200);
      expect((await call('POST', `/v1/stock/transfers/${transferId}/arrival`)).status).toBe(409);
      expect(await level(to)).toMatchObject({ onHand: 3, available: 3, inTransit: 0 });
      // Only the two left can go: the three shipped are never offered again.
      expect((await call('POST', '/v1/stock/transfers', { partNumber: part, fromLocationId: from, toLocationId: to, quantity: 3 })).status).toBe(409);
      expect((await call('POST', '/v1/stock/transfers', { partNumber: part, fromLocationId: from, toLocationId: to, quantity: 2 })).status).toBe(201);
    }
  });
});
