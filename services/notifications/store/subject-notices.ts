import { insertedOnce, numberedEntries } from '@aftersales/platform';
import { deliveryId } from '../domain/notices';
import type { DeliveryDoc, NoticeDoc, NotificationsStore } from './collections';

/**
 * The notices about one subject (a request, an 8D), read by `_id`: the evidence list found them by
 * `{ subject }` filters over every notice and delivery, which on FerretDB v1 read both collections
 * whole. Each notice takes the next entry `<subject>#<n>` (platform numbered-entries.ts) before the notice's
 * insert. A subject's list stays small, so it is read whole to keep each notice listed once. A
 * notice's deliveries have ids made from it (inbox, e-mail), so they are read by `_id` too.
 */
export function createSubjectNotices(store: Pick<NotificationsStore, 'subjectNotices' | 'notices' | 'deliveries' | 'builds'>, now: () => Date) {
  const lists = numberedEntries(store.subjectNotices, 'noticeId');

  /** Lists notices under their subject, each once: the entries read once, then each takes the next free one. */
  const addAll = (subject: string, noticeIds: readonly string[]) => lists.appendMissing(subject, noticeIds);

  /** Lists a notice under its subject, once. */
  async function add(subject: string, noticeId: string): Promise<void> {
    // Most subjects' first notice: the first entry, one round trip.
    if (await lists.takeFirst(subject, noticeId)) return;
    await addAll(subject, [noticeId]);
  }

  /** The subject's notices, oldest first, each with its deliveries (e-mail, then inbox). */
  async function evidence(subject: string): Promise<{ notice: NoticeDoc; deliveries: DeliveryDoc[] }[]> {
    const { refs: ids } = await lists.readFrom(subject, 0);
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
    for (const [subject, ids] of grouped) await addAll(subject, ids);
    await insertedOnce(store.builds.insertOne({ _id: id, builtAt: now() }));
    return true;
  }

  return { add, evidence, buildOnce };
}
