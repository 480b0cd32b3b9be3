import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectMongo } from '@aftersales/platform';
import { testLogger, uniqueName } from '@aftersales/platform/testing';
import { createNotificationsStore, type NotificationsStore } from '../store/collections';
import { forgetDirectory, tell } from '../store/notifier';
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

  it('quiet hours: warnings wait for the morning and go as one digest; a P1 breach goes at once', async () => {
    // Quiet from the current hour in Shanghai until two hours later: "now" falls inside, whatever the date.
    const hourNow = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
    const hh = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
    const quietEmail = `quiet-${tag}@int.example.com`;
    await store.people.insertOne({ _id: 'P-Q', name: 'Quiet', roles: [], email: quietEmail, phone: null, timeZone: 'Asia/Shanghai', language: 'zh-CN', regions: [], productLines: [], manager: null, absences: [], updatedAt: new Date() });
    await store.rosters.insertOne({ _id: 'quiet-sup', role: 'supervisor', region: 'Quietville', productLine: null, shifts: [{ personId: 'P-Q', from: null, until: null }], standIn: null, acknowledgeWithinMinutes: 5, quietHours: { from: hh(hourNow), until: hh(hourNow + 2) }, updatedAt: new Date() });
    forgetDirectory(store);
    let clock = new Date();
    const tellAt = (call: Parameters<typeof tell>[1]['call']) =>
      tell(store, { eventId: randomUUID(), eventType: `service-request.${call.kind}`, occurredAt: clock, call, region: 'Quietville', productLine: null, link: 'http://example.com/q' }, () => clock, testLogger());
    const requests = [1, 2, 3].map((i) => `SR-QUIET-${i}-${tag}`);
    for (const requestId of requests) await tellAt({ kind: 'sla-warning', requestId, clock: 'resolution', tier: 'P3', dueAt: new Date(clock.getTime() + 3_600_000).toISOString() });
    await tellAt({ kind: 'sla-breached', requestId: `SR-QUIET-P1-${tag}`, clock: 'first-response', tier: 'P1', dueAt: clock.toISOString() });
    const quietSender = createMailSender(store, { smtpUrl: stack.smtpUrl!, from: 'int@example.com', pollMs: 60_000, leaseSeconds: 60, now: () => clock, log: testLogger() });
    senders.push(quietSender);
    const mine = async () => (await (await fetch(`${stack.mailApiUrl}/search?query=${encodeURIComponent(`to:${quietEmail}`)}`)).json() as MailpitList).messages;

    // Inside the quiet hours only the breach goes; the warnings are held until the hours end.
    expect(await quietSender.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect((await mine()).map((m) => m.Subject)).toEqual([`【P1】SLA 已超时：SR-QUIET-P1-${tag} 的首次响应`]);
    const held = await store.deliveries.find({ subject: { $in: requests }, channel: 'email' }).toArray();
    expect(held.map((d) => d.status)).toEqual(['pending', 'pending', 'pending']);
    const until = held[0]!.heldUntil!;
    expect(held.every((d) => d.heldUntil?.getTime() === until.getTime())).toBe(true);
    expect(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(until)).toBe(hh(hourNow + 2));
    // The inbox did not wait.
    expect(await store.notices.countDocuments({ subject: { $in: requests } })).toBe(3);

    // The morning: one digest with all three, each delivery sent in it.
    clock = new Date(until.getTime() + 1000);
    expect(await quietSender.runOnce()).toEqual({ sent: 1, failed: 0 });
    expect(await quietSender.runOnce()).toEqual({ sent: 0, failed: 0 });
    const messages = await mine();
    expect(messages.map((m) => m.Subject).sort()).toEqual(['【摘要】静默时段内的 3 条通知', `【P1】SLA 已超时：SR-QUIET-P1-${tag} 的首次响应`].sort());
    const digest = messages.find((m) => m.Subject.startsWith('【摘要】'))!;
    const text = ((await (await fetch(`${stack.mailApiUrl}/message/${digest.ID}`)).json()) as { Text: string }).Text;
    for (const requestId of requests) expect(text).toContain(requestId);
    const sent = await store.deliveries.find({ subject: { $in: requests }, channel: 'email' }).toArray();
    expect(sent.map((d) => [d.status, d.attempts.at(-1)?.digest])).toEqual(requests.map(() => ['sent', digest.MessageID.replace('@aftersales.notifications', '')]));
  });
});
