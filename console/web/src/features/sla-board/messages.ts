import type { Catalogue } from '../../lib/i18n';

type Key = 'title' | 'productLine' | 'city' | 'tier' | 'status' | 'all' | 'search' | 'request' | 'machine' | 'state' | 'clock' | 'due' | 'left' | 'owner' | 'escalation' | 'empty' | 'updated'
  | 'on-track' | 'warning' | 'breached' | 'paused' | 'over' | 'window' | 'previous' | 'next';

export const boardMessages: Catalogue<Key> = {
  en: {
    title: 'Open requests and their SLA clocks', productLine: 'Product line', city: 'Site city', tier: 'Tier', status: 'Clock status', all: 'All', search: 'Request, customer or serial', request: 'Request', machine: 'Machine',
    state: 'State', clock: 'Clock', due: 'Due', left: 'Time left', owner: 'Owner', escalation: 'Last escalation', empty: 'No open request matches.', updated: 'Updated',
    'on-track': 'On track', warning: 'Warning', breached: 'Breached', paused: 'Paused', over: 'over',
    window: '{from}–{to} of {total}', previous: 'Previous', next: 'Next',
  },
  zh: {
    title: '未结请求及其服务时限', productLine: '产品线', city: '现场城市', tier: '等级', status: '时限状态', all: '全部', search: '请求、客户或序列号', request: '请求', machine: '设备',
    state: '状态', clock: '时限', due: '到期', left: '剩余时间', owner: '负责人', escalation: '最近升级', empty: '没有符合条件的未结请求。', updated: '更新于',
    'on-track': '正常', warning: '预警', breached: '已超时', paused: '已暂停', over: '超时',
    window: '第 {from}–{to} 条，共 {total} 条', previous: '上一页', next: '下一页',
  },
};
