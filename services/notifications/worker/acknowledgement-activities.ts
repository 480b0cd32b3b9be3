import type { AcknowledgementActivities } from '@aftersales/workflows';
import type { NotificationsStore } from '../store/collections';
import { deliverNotice, toPerson, type NoticeOptions } from '../store/notifier';

/**
 * The acknowledgement chain's one step: the next person gets the notice, worded for them, saying
 * who did not acknowledge it in time. Keyed by the chain's first notice and the level, so a retried
 * activity tells nobody twice.
 */
export function createAcknowledgementActivities(store: NotificationsStore, now: () => Date, options: NoticeOptions = {}): AcknowledgementActivities {
  return {
    async passOn({ noticeId, level, from, to, windowMs }) {
      const [root, next, previous] = await Promise.all([store.notices.findOne({ _id: noticeId }), store.people.findOne({ _id: to }), store.people.findOne({ _id: from })]);
      if (!root) throw new Error(`notice ${noticeId} of the chain is gone`);
      if (!next) throw new Error(`${to}, next in the chain of ${noticeId}, is not in the directory`);
      const done = await store.notices.findOne({ chainId: root._id, acknowledgedAt: { $ne: null } });
      if (done?.acknowledgedAt) return { acknowledged: { noticeId: done._id, by: done.acknowledgedBy ?? done.personId, at: done.acknowledgedAt.toISOString() } };
      const minutes = Math.round((windowMs / 60_000) * 10) / 10;
      const who = previous?.name ?? from;
      const told = await deliverNotice(store, toPerson(next), {
        eventId: `${root.eventId}~ack-${level}`,
        eventType: root.eventType,
        occurredAt: root.occurredAt,
        call: root.call,
        link: root.link,
        role: root.role,
        rosterId: root.rosterId,
        because: 'passed-on',
        chainId: root._id,
        level,
        preface: { en: `Passed on to you: ${who} did not acknowledge this within ${minutes} min.`, 'zh-CN': `转交给您：${who} 未在 ${minutes} 分钟内确认。` },
      }, now, options);
      return { told: told.noticeId };
    },
  };
}
