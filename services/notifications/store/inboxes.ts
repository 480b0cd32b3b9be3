import { createKeyLocks } from '@aftersales/platform';
import { withMark, withNotice, type InboxEntry } from '../domain/inbox';
import type { NoticeDoc, NotificationsStore } from './collections';

export interface Inboxes {
  /** The person's inbox document (built once from their notices if it predates inbox documents). */
  read(personId: string): Promise<{ revision: number; entries: InboxEntry[] }>;
  add(notice: NoticeDoc): Promise<void>;
  mark(personId: string, noticeId: string, mark: { read?: boolean; acknowledged?: boolean }): Promise<void>;
}

const entryOf = (n: NoticeDoc): InboxEntry => ({ id: n._id, at: n.createdAt, urgent: n.urgent, read: n.readAt !== null, acknowledged: n.acknowledgedAt !== null });

/**
 * Inbox documents, one per person, changed under the person's key lock (FerretDB v1 does not
 * serialise two updates of one document). Every change is idempotent, so a consumer or a route
 * retried after a crash between the notice's write and the inbox's puts the inbox right.
 */
export function createInboxes(store: NotificationsStore, now: () => Date): Inboxes {
  const locks = createKeyLocks(store.inboxLocks, { what: 'inbox', now, leaseMs: 15_000 });

  /** People whose notices were written before inbox documents existed: one scan each, once. */
  async function built(personId: string) {
    const doc = await store.inboxes.findOne({ _id: personId });
    if (doc) return doc;
    const notices = await store.notices.find({ personId }).sort({ createdAt: -1 }).limit(2000).toArray();
    return { _id: personId, revision: 0, entries: notices.map(entryOf).reduce(withNotice, [] as InboxEntry[]), updatedAt: now() };
  }

  async function change(personId: string, fn: (entries: InboxEntry[]) => InboxEntry[]): Promise<void> {
    await locks.holding(`inbox|${personId}`, async () => {
      const doc = await built(personId);
      await store.inboxes.replaceOne({ _id: personId }, { entries: fn(doc.entries), revision: doc.revision + 1, updatedAt: now() }, { upsert: true });
    });
  }

  return {
    async read(personId) {
      const doc = await store.inboxes.findOne({ _id: personId });
      if (doc) return doc;
      // Build and keep it under the lock, so the scan happens once.
      await change(personId, (entries) => entries);
      return (await store.inboxes.findOne({ _id: personId })) ?? { revision: 0, entries: [] };
    },
    add: (notice) => change(notice.personId, (entries) => withNotice(entries, entryOf(notice))),
    mark: (personId, noticeId, mark) => change(personId, (entries) => withMark(entries, noticeId, mark)),
  };
}
