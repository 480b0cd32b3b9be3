import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { testLogger, uniqueName } from '@aftersales/platform/testing';
import { createNotificationsStore, type NotificationsStore } from '../store/collections';
import { tell } from '../store/notifier';
import { createMailSender, type MailSender } from './mail-sender';

const stack = inject('stack');
const dbName = uniqueName('notify-mail').replace(/-/g, '_');

/** A loopback port nothing listens on: an SMTP server that is down. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 1));
    });
  });
}

interface MailpitList { messages: { ID: string; Subject: string; MessageID: string }[] }

/**
 * E-mail on the real FerretDB and the real Mailpit: with the SMTP server down nothing is lost
 * (the queue entry stays, each failure is recorded) and it goes out once the server answers;
 * two senders racing over one queue send each e-mail once.
 */
describe('mail sender on the real servers', () => {
  let connection: Connection;
  let store: NotificationsStore;
  const senders: MailSender[] = [];
  const tag = randomUUID().slice(0, 8);
  const email = `mail-${tag}@int.example.com`;
  const sender = (smtpUrl: string) => {
    const s = createMailSender(store, { smtpUrl, from: 'int@example.com', pollMs: 60_000, leaseSeconds: 60, now: () => new Date(), log: testLogger() });
    senders.push(s);
    return s;
  };
  const search = async (): Promise<MailpitList['messages']> => {
    const res = await fetch(`${stack.mailApiUrl}/search?query=${encodeURIComponent(`to:${email}`)}`);
    return ((await res.json()) as MailpitList).messages;
  };
  async function fact(requestId: string, eventId: string = randomUUID()) {
    return tell(store, {
      eventId, eventType: 'service-request.sla-breached', occurredAt: new Date(),
      call: { kind: 'sla-breached', requestId, clock: 'on-site', tier: 'P1', dueAt: new Date().toISOString() },
      region: null, productLine: null, link: `http://example.com/${requestId}`,
    }, () => new Date(), testLogger());
  }

  beforeAll(async () => {
    if (!stack.smtpUrl || !stack.mailApiUrl) throw new Error('no Mailpit in .stack/run/stack.json: run node infra/stack.mjs up');
    connection = await connectMongo(stack.mongoUrl, dbName);
    store = createNotificationsStore(connection);
    await store.init();
    await store.people.insertOne({ _id: 'P-1', name: 'One', roles: [], email, phone: null, timeZone: 'Asia/Shanghai', language: 'en', regions: [], productLines: [], manager: null, absences: [], updatedAt: new Date() });
    await store.rosters.insertOne({ _id: 'sup', role: 'supervisor', region: null, productLine: null, shifts: [{ personId: 'P-1', from: null, until: null }], standIn: null, acknowledgeWithinMinutes: 5, updatedAt: new Date() });
  });

  afterAll(async () => {
    for (const s of senders) s.stop();
    await connection?.db?.dropDatabase();
    await connection?.close();
  });

  it('SMTP down: the e-mail waits with each failure recorded, and goes out once when the server is back', async () => {
    const requestId = `SR-DOWN-${tag}`;
    const told = await fact(requestId);
    const deliveryId = `${told.told[0]!.noticeId}.email`;
    const down = sender(`smtp://127.0.0.1:${await closedPort()}`);
    expect(await down.runOnce()).toEqual({ sent: 0, failed: 1 });
    const queued = await store.mailQueue.findOne({ _id: deliveryId });
    expect(queued).toMatchObject({ attempt: 2 });
    expect((await store.deliveries.findOne({ _id: deliveryId }))?.attempts.map((a) => a.outcome)).toEqual(['failed']);

    // Back: the retry is due after its backoff (2 s); the server takes it, the queue lets go.
    await store.mailQueue.updateOne({ _id: deliveryId }, { $set: { dueAt: new Date() } });
    const up = sender(stack.smtpUrl!);
    expect(await up.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await up.runOnce()).toEqual({ sent: 0, failed: 0 });
    expect(await store.mailQueue.findOne({ _id: deliveryId })).toBeNull();
    const delivery = await store.deliveries.findOne({ _id: deliveryId });
    expect(delivery?.status).toBe('sent');
    expect(delivery?.attempts.map((a) => a.outcome)).toEqual(['failed', 'sent']);
    const arrived = (await search()).filter((m) => m.Subject.includes(requestId));
    expect(arrived).toHaveLength(1);
    expect(arrived[0]!.MessageID).toBe(`${deliveryId}@aftersales.notifications`);
  });

  it('two senders racing over the same queue send each e-mail once; telling the fact again queues nothing', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `SR-RACE-${i}-${tag}`);
    const eventIds = ids.map(() => randomUUID());
    for (const [i, id] of ids.entries()) await fact(id, eventIds[i]);
    const [a, b] = [sender(stack.smtpUrl!), sender(stack.smtpUrl!)];
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(ra.sent + rb.sent).toBe(5);
    const arrived = (await search()).filter((m) => m.Subject.includes('SR-RACE-'));
    expect(arrived.map((m) => m.Subject).sort()).toEqual(ids.map((id) => `[P1] SLA breached: on site on ${id}`).sort());
    expect(await store.mailQueue.countDocuments({})).toBe(0);

    const again = await Promise.all(ids.map((id, i) => fact(id, eventIds[i])));
    expect(again.map((o) => o.told.map((t) => t.created))).toEqual(ids.map(() => [false]));
    expect(await store.mailQueue.countDocuments({})).toBe(0);
    expect(await store.notices.countDocuments({ subject: { $in: ids } })).toBe(5);
  });
});
