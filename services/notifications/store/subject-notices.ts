import { createKeyLocks, insertedOnce } from '@aftersales/platform';
import { deliveryId } from '../domain/notices';
import type { DeliveryDoc, NoticeDoc, NotificationsStore } from './collections';

/**
 * The notices about one subject (a request, an 8D), read by `_id`: the evidence list found them by
 * `{ subject }` filters over every notice and delivery, which on FerretDB v1 read both collections
 * whole. One document per subject holds its notice ids as one JSON string, changed under the
 * subject's key lock (FerretDB v1 loses one of two concurrent updates of a document) and before the
 * notice's insert, so a crash leaves an id naming nothing, which the reader skips. A notice's
 * deliveries have ids made from it (inbox, e-mail), so they are read by `_id` too.
 */
export function createSubjectNotices(store: Pick<NotificationsStore, 'subjectNotices' | 'inboxLocks' | 'notices' | 'deliveries' | 'builds'>, now: () => Date) {
  const locks = createKeyLocks(store.inboxLocks, { what: 'subject notices', now, leaseMs: 15_000 });

  async function idsOf(subject: string): Promise<string[]> {
    const doc = await store.subjectNotices.findOne({ _id: subject });
    return doc ? (JSON.parse(doc.noticeIds) as string[]) : [];
  }

  /** Adds notice ids to a subject (those it lacks). */
  async function add(subject: string, noticeIds: readonly string[]): Promise<void> {
    await locks.holding(`subject|${subject}`, async () => {
      const held = await idsOf(subject);
      const known = new Set(held);
      const fresh = noticeIds.filter((id) => !known.has(id) && (known.add(id), true));
      if (fresh.length > 0) await store.subjectNotices.updateOne({ _id: subject }, { $set: { noticeIds: JSON.stringify([...held, ...fresh]), updatedAt: now() } }, { upsert: true });
    });
  }

  /** The subject's notices, oldest first, each with its deliveries (e-mail, then inbox). */
  async function evidence(subject: string): Promise<{ notice: NoticeDoc; deliveries: DeliveryDoc[] }[]> {
    const ids = await idsOf(subject);
    const found = await Promise.all(
      ids.map(async (id) => {
        const [notice, inbox, email] = await Promise.all([store.notices.findOne({ _id: id }), store.deliveries.findOne({ _id: deliveryId(id, 'inbox') }), store.deliveries.findOne({ _id: deliveryId(id, 'email') })]);
        return notice && notice.subject === subject ? { notice, deliveries: [email, inbox].filter((d): d is DeliveryDoc => d !== null) } : null;
      }),
    );
    const time = (n: NoticeDoc) => new Date(n.occurredAt).getTime();
    return found.filter((f) => f !== null).sort((a, b) => time(a.notice) - time(b.notice) || (a.notice._id < b.notice._id ? -1 : a.notice._id > b.notice._id ? 1 : 0));
  }

  /** Lists the notices sent before the lists existed, once (grouped in memory; the marker last). */
  async function buildOnce(): Promise<boolean> {
    const id = 'subject-notices@1';
    if (await store.builds.findOne({ _id: id })) return false;
    const grouped = new Map<string, string[]>();
    for await (const notice of store.notices.find({}, { projection: { _id: 1, subject: 1 } })) {
      const ids = grouped.get(notice.subject) ?? [];
      ids.push(notice._id);
      grouped.set(notice.subject, ids);
    }
    for (const [subject, ids] of grouped) await add(subject, ids);
    await insertedOnce(store.builds.insertOne({ _id: id, builtAt: now() }));
    return true;
  }

  return { add, evidence, buildOnce };
}
