import { createKeyLocks, type Platform } from '@aftersales/platform';
import { acknowledgedSignal, acknowledgementChainId } from '@aftersales/workflows';
import type { NoticeDoc, NotificationsStore } from './collections';
import { createInboxes } from './inboxes';
import { publishNoticeFact } from './notifier';

export type AcknowledgedVia = 'inbox' | 'email-link';

/**
 * A notice's marks (read, acknowledged) are set once, read by `_id`, checked and written by `_id`
 * under the notice's key lock: a filter such as `{ _id, acknowledgedAt: null }` reads every notice
 * ever sent on FerretDB v1, and the lock keeps the first mark on any server.
 */
const noticeLocks = (store: NotificationsStore, now: () => Date) => createKeyLocks(store.inboxLocks, { what: 'notice', now, leaseMs: 15_000 });

/** Marks a notice read, once: a later reading (or an acknowledgement) keeps the first. */
export async function markNoticeRead(store: NotificationsStore, now: () => Date, noticeId: string): Promise<void> {
  await noticeLocks(store, now).holding(`notice|${noticeId}`, async () => {
    const stored = await store.notices.findOne({ _id: noticeId });
    if (stored && !stored.readAt) await store.notices.updateOne({ _id: noticeId }, { $set: { readAt: now() } });
  });
}

/**
 * Records that a person took a notice on (once: a second acknowledgement leaves the first) and
 * stops its chain. The acknowledgement is stored first; if the signal is lost the chain finds it
 * recorded before it tells the next person.
 */
export async function acknowledgeNotice(store: NotificationsStore, platform: Pick<Platform, 'now' | 'temporal' | 'logger' | 'topic' | 'nudgeOutbox'>, doc: NoticeDoc, by: string, via: AcknowledgedVia): Promise<void> {
  // The inbox and the fact are written every time (each once): a crash after the notice's write is put right by the next try.
  const settle = async (at: Date, who: string, how: AcknowledgedVia) => {
    await createInboxes(store, platform.now).mark(doc.personId, doc._id, { acknowledged: true });
    const data = { noticeId: doc._id, subject: doc.subject, personId: doc.personId, by: who, via: how, acknowledgedAt: at.toISOString() };
    await publishNoticeFact(store, `${doc._id}:acknowledged`, 'notice.acknowledged@1', data, platform.topic, at);
  };
  if (doc.acknowledgedAt) return settle(doc.acknowledgedAt, doc.acknowledgedBy ?? doc.personId, doc.acknowledgedVia ?? 'inbox');
  const at = platform.now();
  const earlier = await noticeLocks(store, platform.now).holding(`notice|${doc._id}`, async () => {
    const stored = await store.notices.findOne({ _id: doc._id });
    if (stored?.acknowledgedAt) return stored;
    await store.notices.updateOne({ _id: doc._id }, { $set: { acknowledgedAt: at, acknowledgedBy: by, acknowledgedVia: via, readAt: stored?.readAt ?? at } });
    return null;
  });
  // Taken on by someone else meanwhile (the e-mail link and the inbox at once): theirs stands.
  if (earlier?.acknowledgedAt) return settle(earlier.acknowledgedAt, earlier.acknowledgedBy ?? earlier.personId, earlier.acknowledgedVia ?? 'inbox');
  await settle(at, by, via);
  platform.nudgeOutbox();
  if (!doc.chainId) return;
  try {
    await platform.temporal.workflow.getHandle(acknowledgementChainId(doc.chainId)).signal(acknowledgedSignal, { noticeId: doc._id, by, at: at.toISOString() });
  } catch (err) {
    platform.logger.warn({ err, noticeId: doc._id, chainId: doc.chainId }, 'acknowledgement not signalled to its chain (ended, or Temporal unreachable); the chain reads it before passing on');
  }
}
