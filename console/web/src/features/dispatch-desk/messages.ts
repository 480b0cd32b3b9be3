import type { Catalogue } from '../../lib/i18n';

const en = {
  title: 'Dispatch desk', statusFilter: 'Work orders', open: 'All open', refresh: 'Refresh', loading: 'Loading…', none: 'No work order matches.',
  workOrder: 'Work order', request: 'Request', tier: 'Tier', machine: 'Machine', site: 'Site', skill: 'Skill needed', status: 'Status', engineer: 'Engineer',
  plannedArrival: 'Planned arrival', onSiteDue: 'On site by', actions: 'Actions', candidates: 'Candidates', replan: 'Re-plan', levelAtLeast: 'level ≥',
  unknownMachine: 'machine not in the installed base', noSite: 'no coordinates',
  candidatesFor: 'Candidates for', close: 'Close', rank: 'Rank', score: 'Score', earliestArrival: 'Earliest arrival', travel: 'Travel', why: 'Why it ranks here',
  assign: 'Assign', assigning: 'Assigning…', assigned: 'assigned to', arrivingAt: 'arrival', notAssignable: 'This work order is {status} ({route}): only a proposed field visit is assigned here. Re-plan moves it to the next best engineer, or back to you when nobody else is free.',
  noneEligible: 'Nobody is eligible now.', ineligibleTitle: 'Not eligible', reason: 'Reason', detail: 'Detail', excluded: 'Declined or moved off (not proposed again)',
  neededParts: 'Parts to carry (8D containment)', cannotRank: 'Cannot rank', points: 'points', of: 'of', km: 'km',
  replanned: 'Re-planned {id}: now with', replannedNobody: 'Re-planned {id}: nobody else is free; it waits for you.', failed: 'Refused',
  timeline: "Engineers' calendars", daysShown: 'Days shown', productLine: 'Product line', allLines: 'All', calendar: 'Calendar',
  territory: 'Territory', allTerritories: 'All', window: '{from}–{to} of {total}', previous: 'Previous', next: 'Next',
  listedOf: '{shown} of {total} listed, newest first: choose a status to see the others.',
  legend: 'Legend', legendTravel: 'Travel', legendWork: 'On the job', legendAbsence: 'Absent', legendOff: 'Off duty', now: 'Now', scheduleFailed: 'Schedule not readable for',
  noEngineers: 'No engineer.', from: 'from', to: 'to',
  depotQueue: 'Depot queue', depot: 'Depot', benches: 'Benches', wipLimit: 'WIP limit', position: 'Position', state: 'State', bench: 'Bench', nextBench: 'Next bench', queueEmpty: 'Nothing in this depot.', noDepot: 'No depot.',
  'in-progress': 'In progress', waiting: 'Waiting',
  hour: 'h', minute: 'min',
  proposed: 'Proposed', 'assigned-status': 'Assigned', accepted: 'Accepted', travelling: 'Travelling', 'on-site': 'On site', working: 'Working', 'work-finished': 'Work finished', completed: 'Completed', cancelled: 'Cancelled',
  'field-visit': 'field visit', remote: 'remote', 'ship-part': 'ship part', 'depot-route': 'depot',
  'part-skill': 'Skill', 'part-territory': 'Territory', 'part-travel': 'Travel', 'part-slot': 'Slot', 'part-load': 'Load', 'part-fairness': 'Fairness', 'part-parts': 'Parts on the van',
  'missing-skill': 'Lacks the skill', 'skill-below-minimum': 'Skill level too low', absent: 'Absent', 'no-free-slot': 'No free slot', 'no-slot-before-due': 'Not on site in time',
};

type Key = keyof typeof en;

export const deskMessages: Catalogue<Key> = {
  en,
  zh: {
    title: '派工台', statusFilter: '工单', open: '全部未结', refresh: '刷新', loading: '加载中…', none: '没有符合条件的工单。',
    workOrder: '工单', request: '请求', tier: '等级', machine: '设备', site: '现场', skill: '所需技能', status: '状态', engineer: '工程师',
    plannedArrival: '计划到达', onSiteDue: '到场期限', actions: '操作', candidates: '候选人', replan: '重新计划', levelAtLeast: '等级 ≥',
    unknownMachine: '设备不在装机档案中', noSite: '无坐标',
    candidatesFor: '候选人：', close: '关闭', rank: '排名', score: '得分', earliestArrival: '最早到达', travel: '路程', why: '排名原因',
    assign: '指派', assigning: '指派中…', assigned: '已指派给', arrivingAt: '到达', notAssignable: '该工单为{status}（{route}）：此处只能指派待指派的上门服务。重新计划会将其交给次优工程师；若无人空闲，则退回由您处理。',
    noneEligible: '目前没有符合条件的工程师。', ineligibleTitle: '不符合条件', reason: '原因', detail: '说明', excluded: '已拒绝或被调离（不再推荐）',
    neededParts: '需携带的备件（8D 遏制）', cannotRank: '无法排名', points: '分', of: '/', km: '公里',
    replanned: '已重新计划 {id}：现由', replannedNobody: '已重新计划 {id}：没有其他空闲工程师，等待您处理。', failed: '被拒绝',
    timeline: '工程师日程', daysShown: '显示天数', productLine: '产品线', allLines: '全部', calendar: '日历',
    territory: '区域', allTerritories: '全部', window: '第 {from}–{to} 位，共 {total} 位', previous: '上一页', next: '下一页',
    listedOf: '共 {total} 张，按新到旧列出 {shown} 张：选择状态以查看其余。',
    legend: '图例', legendTravel: '路途', legendWork: '作业', legendAbsence: '缺勤', legendOff: '非工作时间', now: '现在', scheduleFailed: '无法读取日程：',
    noEngineers: '没有工程师。', from: '从', to: '至',
    depotQueue: '维修中心队列', depot: '维修中心', benches: '工位', wipLimit: '在制上限', position: '位置', state: '状态', bench: '工位', nextBench: '下一工位', queueEmpty: '该维修中心没有工作。', noDepot: '没有维修中心。',
    'in-progress': '进行中', waiting: '等待中',
    hour: '小时', minute: '分钟',
    proposed: '待指派', 'assigned-status': '已指派', accepted: '已接受', travelling: '在途', 'on-site': '已到场', working: '作业中', 'work-finished': '作业完成', completed: '已完成', cancelled: '已取消',
    'field-visit': '上门服务', remote: '远程', 'ship-part': '寄送备件', 'depot-route': '返厂维修',
    'part-skill': '技能', 'part-territory': '区域', 'part-travel': '路程', 'part-slot': '时段', 'part-load': '负荷', 'part-fairness': '公平', 'part-parts': '车载备件',
    'missing-skill': '缺少技能', 'skill-below-minimum': '技能等级不足', absent: '缺勤', 'no-free-slot': '没有空闲时段', 'no-slot-before-due': '无法按时到场',
  },
};

export type DeskMessages = Record<Key, string>;

/** A work order status in the user's words ('assigned' alone is also the verb of a notice). */
export function statusShown(t: DeskMessages, status: string): string {
  const key = (status === 'assigned' ? 'assigned-status' : status) as Key;
  return key in t ? t[key] : status;
}

export function routeShown(t: DeskMessages, route: string): string {
  const key = (route === 'depot' ? 'depot-route' : route) as Key;
  return key in t ? t[key] : route;
}

export function partShown(t: DeskMessages, key: string): string {
  const k = `part-${key}` as Key;
  return k in t ? t[k] : key;
}

export function ineligibilityShown(t: DeskMessages, code: string): string {
  return code in t ? t[code as Key] : code;
}
