import { insertedOnce, type Logger } from '@aftersales/platform';
import { render, retryDelaySeconds, subjectOf } from '../domain/notices';
import { signWebhook, wants, webhookDeliveryId } from '../domain/webhooks';
import type { NotificationsStore, WebhookDeliveryDoc } from '../store/collections';
import type { FactToTell } from '../store/notifier';
import { webhookLogsOf } from '../store/webhook-logs';
import { pollRounds } from './rounds';

/**
 * Queues a fact for every subscriber that takes its kind: one delivery per fact and subscriber (a
 * unique key), queued only while pending, so a re-delivered fact posts nothing twice.
 */
export async function queueWebhooks(store: NotificationsStore, fact: FactToTell, now: () => Date): Promise<number> {
  const subscribers = (await store.webhooks.find({}).toArray()).filter((w) => wants(w.kinds, fact.call.kind));
  for (const w of subscribers) {
    const id = webhookDeliveryId(fact.eventId, w._id);
    const words = render(fact.call, 'en', 'UTC', fact.link);
    const body = JSON.stringify({ deliveryId: id, eventId: fact.eventId, kind: fact.call.kind, subject: subjectOf(fact.call), occurredAt: fact.occurredAt.toISOString(), text: words.title, link: fact.link, fact: fact.call });
    const at = now();
    const doc: WebhookDeliveryDoc = { _id: id, subscriberId: w._id, eventId: fact.eventId, subject: subjectOf(fact.call), kind: fact.call.kind, body, status: 'pending', createdAt: at, deliveredAt: null, attempts: [] };
    // Listed first: a crash between leaves an entry naming nothing, never a delivery off its log.
    await webhookLogsOf(store).noteQueued(w._id, id);
    if (!(await insertedOnce(store.webhookDeliveries.insertOne(doc)))) {
      const existing = await store.webhookDeliveries.findOne({ _id: id }, { projection: { status: 1 } });
      if (existing?.status !== 'pending') continue;
    }
    await insertedOnce(store.webhookQueue.insertOne({ _id: id, attempt: 1, dueAt: at }));
  }
  return subscribers.length;
}

/** Puts a parked (dead) delivery back in the queue; answers false when it was not parked. */
export async function replayWebhook(store: NotificationsStore, id: string, now: () => Date): Promise<boolean> {
  const doc = await store.webhookDeliveries.findOne({ _id: id });
  if (doc?.status !== 'dead') return false;
  // By `_id` alone ({ _id, status } reads every delivery on FerretDB v1); nothing else writes a parked delivery.
  await store.webhookDeliveries.updateOne({ _id: id }, { $set: { status: 'pending' } });
  await insertedOnce(store.webhookQueue.insertOne({ _id: id, attempt: doc.attempts.length + 1, dueAt: now() }));
  return true;
}

export interface WebhookSender {
  runOnce(): Promise<{ delivered: number; failed: number; parked: number }>;
  start(): void;
  nudge(): void;
  stop(): void;
}

/**
 * Posts queued deliveries, signed, each attempt claimed by a unique insert. A 2xx accepts it; any
 * other answer or no answer is retried with backoff; after `maxAttempts` it is parked as dead in
 * the delivery log, where an operator can replay it.
 */
export function createWebhookSender(store: NotificationsStore, options: { maxAttempts: number; pollMs: number; timeoutMs: number; now: () => Date; log: Logger }): WebhookSender {
  const { now, log } = options;

  async function post(url: string, secret: string, body: string): Promise<{ ok: boolean; httpStatus: number | null; error?: string }> {
    const timestamp = Math.floor(now().getTime() / 1000);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-aftersales-timestamp': String(timestamp), 'x-aftersales-signature': signWebhook(secret, timestamp, body) },
        body,
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { ok: res.ok, httpStatus: res.status, ...(res.ok ? {} : { error: `HTTP ${res.status}` }) };
    } catch (err) {
      return { ok: false, httpStatus: null, error: err instanceof Error ? err.message : String(err) };
    }
  }

  async function runOnce() {
    const due = await store.webhookQueue.find({ dueAt: { $lte: now() } }).sort({ dueAt: 1 }).limit(100).toArray();
    const tally = { delivered: 0, failed: 0, parked: 0 };
    for (const entry of due) {
      const claim = `${entry._id}#${entry.attempt}`;
      if (!(await insertedOnce(store.webhookClaims.insertOne({ _id: claim, claimedAt: now() })))) {
        // held by another sender, or by one that died: after a minute the next attempt is claimable
        const held = await store.webhookClaims.findOne({ _id: claim });
        if (held && now().getTime() - held.claimedAt.getTime() > 60_000) await store.webhookQueue.updateOne({ _id: entry._id, attempt: entry.attempt }, { $set: { attempt: entry.attempt + 1, dueAt: now() } });
        continue;
      }
      const delivery = await store.webhookDeliveries.findOne({ _id: entry._id });
      const subscriber = delivery ? await store.webhooks.findOne({ _id: delivery.subscriberId }) : null;
      if (!delivery || !subscriber) {
        await store.webhookQueue.deleteOne({ _id: entry._id });
        continue;
      }
      const result = await post(subscriber.url, subscriber.secret, delivery.body);
      const at = now();
      const attempt = { at, outcome: result.ok ? ('delivered' as const) : ('failed' as const), httpStatus: result.httpStatus, ...(result.error ? { error: result.error.slice(0, 300) } : {}) };
      if (result.ok) {
        await store.webhookDeliveries.updateOne({ _id: entry._id }, { $set: { status: 'delivered', deliveredAt: at }, $push: { attempts: attempt } });
        await store.webhookQueue.deleteOne({ _id: entry._id });
        tally.delivered++;
      } else if (entry.attempt >= options.maxAttempts) {
        await webhookLogsOf(store).noteParked(delivery.subscriberId, entry._id);
        await store.webhookDeliveries.updateOne({ _id: entry._id }, { $set: { status: 'dead' }, $push: { attempts: attempt } });
        await store.webhookQueue.deleteOne({ _id: entry._id });
        log.warn({ deliveryId: entry._id, attempts: entry.attempt, error: result.error }, 'webhook delivery parked as dead; POST /v1/webhook-deliveries/{id}/replay sends it again');
        tally.parked++;
      } else {
        await store.webhookDeliveries.updateOne({ _id: entry._id }, { $push: { attempts: attempt } });
        await store.webhookQueue.updateOne({ _id: entry._id, attempt: entry.attempt }, { $set: { attempt: entry.attempt + 1, dueAt: new Date(at.getTime() + retryDelaySeconds(entry.attempt) * 1000) } });
        tally.failed++;
      }
    }
    return tally;
  }

  const rounds = pollRounds(runOnce, options.pollMs, log, 'webhook');
  return {
    runOnce,
    start: rounds.start,
    nudge: rounds.nudge,
    stop() {
      rounds.stop();
    },
  };
}
