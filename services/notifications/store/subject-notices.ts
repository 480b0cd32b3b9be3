import { insertedOnce } from '@aftersales/platform';
import { deliveryId } from '../domain/notices';
import type { DeliveryDoc, NoticeDoc, NotificationsStore } from './collections';

/**
 * The notices about one subject (a request, an 8D), read by `_id`: the evidence list found them by
 * `{ subject }` filters over every notice and delivery, which on FerretDB v1 read both collections
 * whole. Each notice takes the next entry `<subject>#<n>` by a unique insert (no lock: two told at
 * once collide on one entry and the loser takes the next), written before the notice's insert, so a
 * crash leaves an entry naming nothing, which the reader skips. Entries are taken in order and
 * never removed, so the list ends at the first missing one. A notice's deliveries have ids made
 * from it (inbox, e-mail), so they are read by `_id` too.
 */
export function createSubjectNotices(store: Pick<NotificationsStore, 'subjectNotices' | 'notices' | 'deliveries' | 'builds'>, now: () => Date) {
  const entryId = (subject: string, n: number) => `${subject}#${n}`;
  const batch = 8;

  /** Entries from `from` on, a batch of `_id` reads at a time, up to the first missing one. */
  async function entriesFrom(subject: string, from: number): Promise<{ ids: string[]; free: number }> {
    const ids: string[] = [];
    for (let at = from; ; at += batch) {
      const read = await Promise.all(Array.from({ length: batch }, (_, i) => store.subjectNotices.findOne({ _id: entryId(subject, at + i) })));
      const missing = read.findIndex((e) => e === null);
      ids.push(...read.slice(0, missing < 0 ? batch : missing).map((e) => e!.noticeId));
      if (missing >= 0) return { ids, free: at + missing };
    }
  }

  /** Lists notices under their subject, each once: the entries read once, then each takes the next free one. */
  async function addAll(subject: string, noticeIds: readonly string[]): Promise<void> {
    const read = await entriesFrom(subject, 0);
    const ids = read.ids;
    let free = read.free;
    for (const noticeId of noticeIds) {
      while (!ids.includes(noticeId)) {
        if (await insertedOnce(store.subjectNotices.insertOne({ _id: entryId(subject, free), noticeId }))) {
          ids.push(noticeId);
          free += 1;
          break;
        }
        // Another notice took that entry meanwhile: look on from it.
        const more = await entriesFrom(subject, free);
        ids.push(...more.ids);
        free = more.free;
      }
    }
  }

  /** Lists a notice under its subject, once. */
  async function add(subject: string, noticeId: string): Promise<void> {
    // Most subjects' first notice: the first entry, one round trip.
    if (await insertedOnce(store.subjectNotices.insertOne({ _id: entryId(subject, 0), noticeId }))) return;
    await addAll(subject, [noticeId]);
  }

  /** The subject's notices, oldest first, each with its deliveries (e-mail, then inbox). */
  async function evidence(subject: string): Promise<{ notice: NoticeDoc; deliveries: DeliveryDoc[] }[]> {
    const { ids } = await entriesFrom(subject, 0);
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
