import type { AcknowledgementActivities } from '@aftersales/workflows';
import { noticeId } from '../domain/notices';
import type { NoticeDoc, NotificationsStore } from '../store/collections';
import { deliverNotice, toPerson, type NoticeOptions } from '../store/notifier';

/**
 * The acknowledgement chain's one step: the next person gets the notice, worded for them, saying
 * who did not acknowledge it in time. Keyed by the chain's first notice and the level, so a retried
 * activity tells nobody twice.
 */
export function createAcknowledgementActivities(store: NotificationsStore, now: () => Date, options: NoticeOptions = {}): AcknowledgementActivities {
  /**
   * A notice of the chain someone acknowledged: the chain's notices so far and this level's (an
   * earlier try of this step may have told them already), each by `_id`. A filter on `chainId`
   * reads every notice ever sent on FerretDB v1; only a task scheduled before the chain passed its
   * notices still runs it.
   */
  async function acknowledgedInChain(root: NoticeDoc, level: number, to: string, chainNotices: string[] | undefined): Promise<NoticeDoc | null> {
    if (!chainNotices) return store.notices.findOne({ chainId: root._id, acknowledgedAt: { $ne: null } });
    const ids = [...new Set([...chainNotices.filter((id) => id !== root._id), noticeId(`${root.eventId}~ack-${level}`, to)])];
    const notices = [root, ...(await Promise.all(ids.map((id) => store.notices.findOne({ _id: id }))))];
    return notices.find((n): n is NoticeDoc => n !== null && n.chainId === root._id && n.acknowledgedAt != null) ?? null;
  }

  return {
    async passOn({ noticeId: rootId, level, from, to, windowMs, chainNotices }) {
      const [root, next, previous] = await Promise.all([store.notices.findOne({ _id: rootId }), store.people.findOne({ _id: to }), store.people.findOne({ _id: from })]);
      if (!root) throw new Error(`notice ${rootId} of the chain is gone`);
      if (!next) throw new Error(`${to}, next in the chain of ${rootId}, is not in the directory`);
      const done = await acknowledgedInChain(root, level, to, chainNotices);
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
