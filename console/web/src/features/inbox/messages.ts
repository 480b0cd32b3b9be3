import type { Catalogue } from '../../lib/i18n';

type Key = 'title' | 'unread' | 'empty' | 'none' | 'error' | 'markRead' | 'acknowledge' | 'acknowledged' | 'urgent' | 'open' | 'live';

export const inboxMessages: Catalogue<Key> = {
  en: {
    title: 'Inbox', unread: 'unread', empty: 'Nothing for you yet.', none: 'You are not in the notifications directory, so you have no inbox.', error: 'The inbox could not be read.',
    markRead: 'Mark read', acknowledge: 'Acknowledge', acknowledged: 'Acknowledged', urgent: 'Needs acknowledgement', open: 'Open', live: 'New notices appear here as they arrive.',
  },
  zh: {
    title: '收件箱', unread: '条未读', empty: '暂无通知。', none: '您不在通知通讯录中，因此没有收件箱。', error: '无法读取收件箱。',
    markRead: '标为已读', acknowledge: '确认收到', acknowledged: '已确认', urgent: '需要确认', open: '打开', live: '新通知到达时会自动显示在这里。',
  },
};
