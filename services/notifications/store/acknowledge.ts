import type { Platform } from '@aftersales/platform';
import { acknowledgedSignal, acknowledgementChainId } from '@aftersales/workflows';
import type { NoticeDoc, NotificationsStore } from './collections';
import { createInboxes } from './inboxes';

export type AcknowledgedVia = 'inbox' | 'email-link';

/**
 * Records that a person took a notice on (once: a second acknowledgement leaves the first) and
 * stops its chain. The acknowledgement is stored first; if the signal is lost the chain finds it
 * recorded before it tells the next person.
 */
export async function acknowledgeNotice(store: NotificationsStore, platform: Pick<Platform, 'now' | 'temporal' | 'logger'>, doc: NoticeDoc, by: string, via: AcknowledgedVia): Promise<void> {
  // The inbox is marked every time: a crash after the notice's write is put right by the next try.
  if (doc.acknowledgedAt) return createInboxes(store, platform.now).mark(doc.personId, doc._id, { acknowledged: true });
  const at = platform.now();
  await store.notices.updateOne({ _id: doc._id, acknowledgedAt: null }, { $set: { acknowledgedAt: at, acknowledgedBy: by, acknowledgedVia: via, readAt: doc.readAt ?? at } });
  await createInboxes(store, platform.now).mark(doc.personId, doc._id, { acknowledged: true });
  if (!doc.chainId) return;
  try {
    await platform.temporal.workflow.getHandle(acknowledgementChainId(doc.chainId)).signal(acknowledgedSignal, { noticeId: doc._id, by, at: at.toISOString() });
  } catch (err) {
    platform.logger.warn({ err, noticeId: doc._id, chainId: doc.chainId }, 'acknowledgement not signalled to its chain (ended, or Temporal unreachable); the chain reads it before passing on');
  }
}
