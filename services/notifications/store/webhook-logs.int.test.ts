import mongoose, { type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { commandRecorder, scansOf, testLogger, uniqueName } from '@aftersales/platform/testing';
import { createNotificationsStore, type NotificationsStore, type WebhookDeliveryDoc } from './collections';
import { webhookLogsOf } from './webhook-logs';
import { createWebhookSender, replayWebhook } from '../worker/webhooks';

const stack = inject('stack');
const dbName = uniqueName('notify-webhook-logs').replace(/-/g, '_');
const { listener, recorded } = commandRecorder();
const base = Date.now();

const delivery = (id: string, subscriberId: string, n: number, status: WebhookDeliveryDoc['status']): WebhookDeliveryDoc => ({
  _id: id, subscriberId, eventId: `E-${id}`, subject: 'SR-1', kind: 'sla-breached', body: '{}', status, createdAt: new Date(base + n * 1000), deliveredAt: null, attempts: [],
});

/** On the real Mongo server: each subscriber's delivery log, read by `_id`, is what the filter over every delivery finds. */
describe('webhook delivery logs', () => {
  let connection: Connection;
  let store: NotificationsStore;
  let other: NotificationsStore;

  beforeAll(async () => {
    connection = mongoose.createConnection(stack.mongoUrl, { dbName, maxPoolSize: 16, monitorCommands: true });
    await connection.asPromise();
    connection.getClient().on('commandStarted', listener);
    store = createNotificationsStore(connection);
    // A second process: its own collection objects, so its own remembered list ends.
    other = createNotificationsStore(connection);
    await store.init();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  const byFilter = async (subscriberId: string, status?: WebhookDeliveryDoc['status']) =>
    (await store.webhookDeliveries.find({ subscriberId, ...(status ? { status } : {}) }).sort({ createdAt: -1 }).limit(500).toArray()).map((d) => d._id);
  const byLog = async (subscriberId: string, status?: WebhookDeliveryDoc['status']) => (await webhookLogsOf(store).deliveriesOf(subscriberId, status)).map((d) => d._id);

  it('lists the deliveries stored before it once, as the filters find them, by _id reads only', async () => {
    const statuses = ['delivered', 'delivered', 'pending', 'dead', 'delivered'] as const;
    await store.webhookDeliveries.insertMany([
      ...Array.from({ length: 620 }, (_, i) => delivery(`WHD-A-${i}`, 'wecom', i, statuses[i % statuses.length]!)),
      ...Array.from({ length: 30 }, (_, i) => delivery(`WHD-B-${i}`, 'feishu', 2 * i + 1, i % 3 === 0 ? 'dead' : 'delivered')),
    ]);
    expect(await webhookLogsOf(store).buildOnce(new Date())).toBe(true);
    expect(await webhookLogsOf(store).buildOnce(new Date())).toBe(false);
    for (const subscriberId of ['wecom', 'feishu', 'nobody']) {
      for (const status of [undefined, 'delivered', 'pending', 'dead'] as const) expect(await byLog(subscriberId, status)).toEqual(await byFilter(subscriberId, status));
    }
    expect((await byLog('wecom')).length).toBe(500);
    const { commands } = await recorded(() => webhookLogsOf(store).deliveriesOf('wecom', 'dead'));
    expect(scansOf(commands, { keyed: new Set(['webhookParkedDeliveries', 'webhookDeliveries', 'webhookSubscriberDeliveries']), small: new Set() })).toEqual([]);
  });

  it('keeps every delivery queued by two processes at once, each once, and skips an entry whose delivery was never stored', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `WHD-C-${i}`);
    // The first process has seen the list's end; the second has not, so it gallops to it.
    await webhookLogsOf(store).noteQueued('dingtalk', 'WHD-C-first');
    await store.webhookDeliveries.insertOne(delivery('WHD-C-first', 'dingtalk', 0, 'delivered'));
    await Promise.all(
      ids.map(async (id, i) => {
        await webhookLogsOf(i % 2 === 0 ? store : other).noteQueued('dingtalk', id);
        await store.webhookDeliveries.insertOne(delivery(id, 'dingtalk', i + 1, 'delivered'));
      }),
    );
    await webhookLogsOf(other).noteQueued('dingtalk', 'WHD-C-never-stored');
    await webhookLogsOf(store).noteQueued('dingtalk', 'WHD-C-first'); // a fact delivered again: listed twice, shown once
    expect(await byLog('dingtalk')).toEqual(await byFilter('dingtalk'));
    expect(await byLog('dingtalk')).toHaveLength(41);
    // Entries 0..43 without a gap.
    const entries = await store.subscriberDeliveries.find({ _id: { $regex: '^dingtalk#' } }).toArray();
    expect(entries.map((e) => Number(e._id.split('#')[1])).sort((a, b) => a - b)).toEqual(Array.from({ length: 43 }, (_, i) => i));
  });

  it('a parked delivery is on the dead list until replayed', async () => {
    await store.webhooks.insertOne({ _id: 'teams', url: 'http://127.0.0.1:9/unreachable', secret: 's', kinds: ['sla-breached'], updatedAt: new Date() });
    await webhookLogsOf(store).noteQueued('teams', 'WHD-D-1');
    await store.webhookDeliveries.insertOne(delivery('WHD-D-1', 'teams', 1, 'pending'));
    await store.webhookQueue.insertOne({ _id: 'WHD-D-1', attempt: 1, dueAt: new Date(Date.now() - 1000) });
    const sender = createWebhookSender(store, { maxAttempts: 1, pollMs: 60_000, timeoutMs: 1000, now: () => new Date(), log: testLogger() });
    expect((await sender.runOnce()).parked).toBe(1);
    expect(await byLog('teams', 'dead')).toEqual(['WHD-D-1']);
    const { result, commands } = await recorded(() => replayWebhook(store, 'WHD-D-1', () => new Date()));
    expect(result).toBe(true);
    expect(scansOf(commands, { keyed: new Set(['webhookDeliveries']), small: new Set(['webhookQueue']) })).toEqual([]);
    expect(await byLog('teams', 'dead')).toEqual([]);
    expect(await byLog('teams', 'pending')).toEqual(['WHD-D-1']);
  });
});
