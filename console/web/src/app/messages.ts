import type { Catalogue } from '../lib/i18n';

type Key = 'product' | 'registration' | 'customers' | 'board' | 'dispatch' | 'jobs' | 'spares' | 'eight-d' | 'finance' | 'kpis' | 'audit' | 'calendars' | 'inbox' | 'nothing' | 'language' | 'signOut';

export const appMessages: Catalogue<Key> = {
  en: {
    product: 'After-sales console', registration: 'Register', customers: 'Customers', board: 'SLA board', dispatch: 'Dispatch', jobs: 'My jobs', spares: 'Spares',
    'eight-d': '8D board', finance: 'Who pays', kpis: 'KPIs', audit: 'Audit', calendars: 'Calendars', inbox: 'Inbox', nothing: 'Your role has no screen in this console yet.', language: 'Language', signOut: 'Sign out',
  },
  zh: {
    product: '售后服务控制台', registration: '登记', customers: '客户', board: '时限看板', dispatch: '派工', jobs: '我的工单', spares: '备件',
    'eight-d': '8D 看板', finance: '费用归属', kpis: '经营指标', audit: '审计', calendars: '服务日历', inbox: '收件箱', nothing: '您的角色在本控制台中暂无页面。', language: '语言', signOut: '退出',
  },
};
