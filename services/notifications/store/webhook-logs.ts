import { insertedOnce, numberedEntries } from '@aftersales/platform';
import type { NotificationsStore, WebhookDeliveryDoc } from './collections';

type LogStore = Pick<NotificationsStore, 'subscriberDeliveries' | 'parkedDeliveries' | 'webhookDeliveries' | 'builds'>;

/** How many of a subscriber's latest log entries a read looks through (dead ones have their own list). */
export const logLookBack = 20_000;

const ofStore = new WeakMap<LogStore['subscriberDeliveries'], ReturnType<typeof createWebhookLogs>>();

/** The logs of a store, one per process, so each list's end is remembered between calls. */
export function webhookLogsOf(store: LogStore): ReturnType<typeof createWebhookLogs> {
  let logs = ofStore.get(store.subscriberDeliveries);
  if (!logs) ofStore.set(store.subscriberDeliveries, (logs = createWebhookLogs(store)));
  return logs;
}

/**
 * Each subscriber's delivery log, read by `_id`: the log was a `{ subscriberId, status }` filter
 * over every delivery ever queued, which on FerretDB v1 reads them all. A delivery is listed under
 * its subscriber before its insert, and under the subscriber's parked list before it is parked, as
 * numbered entries (platform numbered-entries.ts); the reader keeps what still matches, so a replayed
 * delivery drops off the parked list by its status.
 */
function createWebhookLogs(store: LogStore) {
  const all = numberedEntries(store.subscriberDeliveries, 'deliveryId');
  const parked = numberedEntries(store.parkedDeliveries, 'deliveryId');

  /** The subscriber's deliveries, newest first: the latest `limit`, or the latest with a status. */
  async function deliveriesOf(subscriberId: string, status?: WebhookDeliveryDoc['status'], limit = 500): Promise<WebhookDeliveryDoc[]> {
    const ids = status === 'dead' ? parked.newestFirst(subscriberId) : all.newestFirst(subscriberId, logLookBack);
    const found: WebhookDeliveryDoc[] = [];
    let batch: string[] = [];
    const flush = async () => {
      const docs = await Promise.all(batch.map((id) => store.webhookDeliveries.findOne({ _id: id })));
      batch = [];
      found.push(...docs.filter((d): d is WebhookDeliveryDoc => d !== null && d.subscriberId === subscriberId && (!status || d.status === status)));
    };
    for await (const id of ids) {
      batch.push(id);
      if (batch.length < 32) continue;
      await flush();
      if (found.length >= limit) break;
    }
    await flush();
    return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a._id < b._id ? 1 : -1)).slice(0, limit);
  }

  /**
   * Lists the deliveries queued before the logs existed, once (the marker last: a start cut short
   * builds again, which also fills an entry a crashed batch left out).
   */
  async function buildOnce(now: Date): Promise<boolean> {
    const id = 'webhook-logs@1';
    if (await store.builds.findOne({ _id: id })) return false;
    const bySubscriber = new Map<string, { all: string[]; dead: string[] }>();
    for await (const d of store.webhookDeliveries.find({}, { projection: { _id: 1, subscriberId: 1, status: 1 } }).sort({ createdAt: 1 })) {
      const lists = bySubscriber.get(d.subscriberId) ?? { all: [], dead: [] };
      lists.all.push(d._id);
      if (d.status === 'dead') lists.dead.push(d._id);
      bySubscriber.set(d.subscriberId, lists);
    }
    for (const [subscriberId, lists] of bySubscriber) {
      await all.appendMissing(subscriberId, lists.all);
      await parked.appendMissing(subscriberId, lists.dead);
    }
    await insertedOnce(store.builds.insertOne({ _id: id, builtAt: now }));
    return true;
  }

  return {
    /** Before a delivery's insert. */
    noteQueued: (subscriberId: string, deliveryId: string) => all.append(subscriberId, deliveryId),
    /** Before a delivery is parked. */
    noteParked: (subscriberId: string, deliveryId: string) => parked.append(subscriberId, deliveryId),
    deliveriesOf,
    buildOnce,
  };
}
