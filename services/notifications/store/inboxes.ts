import { createKeyLocks, insertedOnce } from '@aftersales/platform';
import { withMark, withNotice, type InboxEntry } from '../domain/inbox';
import type { NoticeDoc, NotificationsStore } from './collections';

export interface Inboxes {
  /** The person's inbox document (built once from their notices if it predates inbox documents). */
  read(personId: string): Promise<{ revision: number; entries: InboxEntry[] }>;
  add(notice: NoticeDoc): Promise<void>;
  mark(personId: string, noticeId: string, mark: { read?: boolean; acknowledged?: boolean }): Promise<void>;
}

const entryOf = (n: Pick<NoticeDoc, '_id' | 'createdAt' | 'urgent' | 'readAt' | 'acknowledgedAt'>): InboxEntry => ({ id: n._id, at: n.createdAt, urgent: n.urgent, read: n.readAt !== null, acknowledged: n.acknowledgedAt !== null });

/** Marks the one-time build of the inboxes of people whose notices predate inbox documents. */
export const inboxesBuildId = 'inboxes@1';

/**
 * Inbox documents, one per person, changed under the person's key lock (FerretDB v1 does not
 * serialise two updates of one document). Every change is idempotent, so a consumer or a route
 * retried after a crash between the notice's write and the inbox's puts the inbox right.
 */
const inboxLocks = (store: NotificationsStore, now: () => Date) => createKeyLocks(store.inboxLocks, { what: 'inbox', now, leaseMs: 15_000 });
const lockOf = (personId: string) => `inbox|${personId}`;

export function createInboxes(store: NotificationsStore, now: () => Date): Inboxes {
  const locks = inboxLocks(store, now);
  /** Seen once, true for good: every notice since has its inbox written by `add`. */
  let builtAll = false;
  const buildRan = async () => (builtAll ||= (await store.builds.findOne({ _id: inboxesBuildId })) !== null);

  /**
   * The person's inbox as stored; none stored: empty once the one-time build ran (a person with no
   * notice yet), else made from their notices (a database the build has not reached: a scan).
   */
  async function built(personId: string) {
    const doc = await store.inboxes.findOne({ _id: personId });
    if (doc) return doc;
    const notices = (await buildRan()) ? [] : await store.notices.find({ personId }).sort({ createdAt: -1 }).limit(2000).toArray();
    return { _id: personId, revision: 0, entries: notices.map(entryOf).reduce(withNotice, [] as InboxEntry[]), updatedAt: now() };
  }

  async function change(personId: string, fn: (entries: InboxEntry[]) => InboxEntry[]): Promise<void> {
    await locks.holding(lockOf(personId), async () => {
      const doc = await built(personId);
      await store.inboxes.replaceOne({ _id: personId }, { entries: fn(doc.entries), revision: doc.revision + 1, updatedAt: now() }, { upsert: true });
    });
  }

  return {
    async read(personId) {
      const doc = await store.inboxes.findOne({ _id: personId });
      if (doc) return doc;
      // Nobody told yet: an empty inbox, nothing written.
      if (await buildRan()) return { revision: 0, entries: [] };
      // Build and keep it under the lock, so the scan happens once.
      await change(personId, (entries) => entries);
      return (await store.inboxes.findOne({ _id: personId })) ?? { revision: 0, entries: [] };
    },
    add: (notice) => change(notice.personId, (entries) => withNotice(entries, entryOf(notice))),
    mark: (personId, noticeId, mark) => change(personId, (entries) => withMark(entries, noticeId, mark)),
  };
}

/**
 * Writes the inboxes of people whose notices were stored before inbox documents existed, once per
 * database (the marker last): one read of the notices, where each such person's first notice or
 * first look at the inbox read every notice ever stored. People with an inbox are left as they
 * are (every notice since reached it). Runs at start, before serving. Returns the inboxes written,
 * or -1 when built already.
 */
export async function buildInboxesOnce(store: NotificationsStore, now: () => Date): Promise<number> {
  if (await store.builds.findOne({ _id: inboxesBuildId })) return -1;
  const byPerson = new Map<string, InboxEntry[]>();
  for await (const n of store.notices.find({}, { projection: { personId: 1, createdAt: 1, urgent: 1, readAt: 1, acknowledgedAt: 1 } })) {
    byPerson.set(n.personId, [...(byPerson.get(n.personId) ?? []), entryOf(n)]);
  }
  let written = 0;
  const locks = inboxLocks(store, now);
  for (const [personId, entries] of byPerson) {
    await locks.holding(lockOf(personId), async () => {
      if (await store.inboxes.findOne({ _id: personId })) return;
      await store.inboxes.replaceOne({ _id: personId }, { entries: entries.reduce(withNotice, [] as InboxEntry[]), revision: 1, updatedAt: now() }, { upsert: true });
      written++;
    });
  }
  await insertedOnce(store.builds.insertOne({ _id: inboxesBuildId, builtAt: now() }));
  return written;
}
