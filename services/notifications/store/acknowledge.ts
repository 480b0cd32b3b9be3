import type { Platform } from '@aftersales/platform';
import { acknowledgedSignal, acknowledgementChainId } from '@aftersales/workflows';
import type { NoticeDoc, NotificationsStore } from './collections';
import { createInboxes } from './inboxes';
import { publishNoticeFact } from './notifier';

export type AcknowledgedVia = 'inbox' | 'email-link';

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
  await store.notices.updateOne({ _id: doc._id, acknowledgedAt: null }, { $set: { acknowledgedAt: at, acknowledgedBy: by, acknowledgedVia: via, readAt: doc.readAt ?? at } });
  await settle(at, by, via);
  platform.nudgeOutbox();
  if (!doc.chainId) return;
  try {
    await platform.temporal.workflow.getHandle(acknowledgementChainId(doc.chainId)).signal(acknowledgedSignal, { noticeId: doc._id, by, at: at.toISOString() });
  } catch (err) {
    platform.logger.warn({ err, noticeId: doc._id, chainId: doc.chainId }, 'acknowledgement not signalled to its chain (ended, or Temporal unreachable); the chain reads it before passing on');
  }
}
