import type { Catalogue } from '../lib/i18n';

export const appMessages: Catalogue<'product' | 'registration' | 'board' | 'calendars' | 'inbox' | 'nothing' | 'language' | 'signOut'> = {
  en: { product: 'After-sales console', registration: 'Register', board: 'SLA board', calendars: 'Calendars', inbox: 'Inbox', nothing: 'Your role has no screen in this console yet.', language: 'Language', signOut: 'Sign out' },
  zh: { product: '售后服务控制台', registration: '登记', board: '时限看板', calendars: '服务日历', inbox: '收件箱', nothing: '您的角色在本控制台中暂无页面。', language: '语言', signOut: '退出' },
};
