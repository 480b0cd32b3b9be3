import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'title' | 'intro' | 'window' | 'from' | 'to' | 'windowWrong' | 'refused' | 'loading' | 'reload'
  | 'flags' | 'flagsAbout' | 'noFlags' | 'case' | 'reason' | 'subject' | 'detail' | 'withCases'
  | 'rule.parts-above-peers' | 'rule.parts-above-own-history' | 'rule.defective-part-not-returned' | 'rule.changed-after-close'
  | 'rule.requester-approved-own-parts' | 'rule.effort-longer-than-visit' | 'rule.non-positive-visit-span' | 'rule.more-than-a-day-in-a-day'
  | 'sample' | 'sampleAbout' | 'size' | 'seed' | 'draw' | 'sizeWrong' | 'seedWrong' | 'population' | 'strata' | 'stratum' | 'sampled' | 'drawnOf'
  | 'proved' | 'in-progress' | 'gaps' | 'steps' | 'missingFields' | 'noneMissing' | 'noGaps' | 'noCasesInWindow'
  | 'step.registered' | 'step.answered' | 'step.dispatched' | 'step.resolved' | 'step.accepted' | 'step.closed' | 'step.followed-up' | 'step.cancelled'
  | 'status.done' | 'status.missing' | 'status.not-yet-due' | 'status.not-applicable'
  | 'record' | 'recordClose' | 'customer' | 'machine' | 'tier' | 'engineer' | 'registered' | 'screened' | 'assigned' | 'resolved' | 'accepted' | 'closed' | 'cancelled'
  | 'effort' | 'facts' | 'fact' | 'at' | 'by' | 'afterClose' | 'notFound';

export const auditMessages: Catalogue<Key> = {
  en: {
    title: 'Audit evidence',
    intro: 'Read-only. Every list is computed by insight from the events the services published; a red flag is a reason to look at a case, not a verdict.',
    window: 'Cases registered', from: 'From', to: 'To (included)', windowWrong: 'The window must run forwards.', refused: 'The service refused:', loading: 'Reading…', reload: 'Read again',
    flags: 'Red flags', flagsAbout: 'One line per flagged case, with the rule that flagged it and why.', noFlags: 'No case registered in the window is flagged.',
    case: 'Case', reason: 'Reason', subject: 'Who or what', detail: 'Why', withCases: 'with',
    'rule.parts-above-peers': 'Parts far above peers',
    'rule.parts-above-own-history': 'Parts far above the engineer\'s history',
    'rule.defective-part-not-returned': 'Defective part never returned',
    'rule.changed-after-close': 'Record changed after close',
    'rule.requester-approved-own-parts': 'Parts approved by their requester',
    'rule.effort-longer-than-visit': 'Effort longer than the visit',
    'rule.non-positive-visit-span': 'Impossible visit times',
    'rule.more-than-a-day-in-a-day': 'More than 24 hours in a day',
    sample: 'Audit sample', sampleAbout: 'Drawn at random within each tier and channel, every stratum seen at least once. Record the seed: the same seed over the same window draws the same cases.',
    size: 'Size', seed: 'Seed', draw: 'Draw the sample', sizeWrong: 'The size is a whole number from 1 to 500.', seedWrong: 'The seed is a whole number from 0 to 2147483647.',
    population: 'Cases in the window', strata: 'Strata', stratum: 'Tier · channel', sampled: 'Drawn', drawnOf: '{n} of {of} cases drawn (seed {seed}): {proved} proved, {running} in progress, {gaps} with gaps.',
    proved: 'proved', 'in-progress': 'in progress', gaps: 'gaps', steps: 'Lifecycle', missingFields: 'Missing at registration', noneMissing: 'nothing missing', noGaps: 'no gap', noCasesInWindow: 'No case was registered in the window.',
    'step.registered': 'registered', 'step.answered': 'answered', 'step.dispatched': 'dispatched', 'step.resolved': 'resolved', 'step.accepted': 'accepted', 'step.closed': 'closed', 'step.followed-up': 'followed up', 'step.cancelled': 'cancelled',
    'status.done': 'done', 'status.missing': 'missing', 'status.not-yet-due': 'not yet due', 'status.not-applicable': 'not applicable',
    record: 'Case record', recordClose: 'Close', customer: 'Customer', machine: 'Machine', tier: 'Tier', engineer: 'Engineer', registered: 'Registered', screened: 'Answered', assigned: 'Dispatched',
    resolved: 'Resolved', accepted: 'Accepted', closed: 'Closed', cancelled: 'Cancelled', effort: 'Effort / travel (min)', facts: 'The facts it was built from', fact: 'Fact', at: 'When', by: 'By',
    afterClose: 'after the close', notFound: 'Insight has no fact about this case.',
  },
  zh: {
    title: '审计证据',
    intro: '只读。所有列表都由洞察服务根据各服务发布的事件计算；异常警示只是查看工单的理由，而非结论。',
    window: '登记时间', from: '开始', to: '结束（含）', windowWrong: '结束不能早于开始。', refused: '服务拒绝：', loading: '正在读取…', reload: '重新读取',
    flags: '异常警示', flagsAbout: '每个被警示的工单一行，列出触发的规则及原因。', noFlags: '该时间段内登记的工单没有警示。',
    case: '工单', reason: '原因', subject: '对象', detail: '说明', withCases: '同组',
    'rule.parts-above-peers': '备件用量远高于同行',
    'rule.parts-above-own-history': '备件用量远高于本人历史',
    'rule.defective-part-not-returned': '故障件未返还',
    'rule.changed-after-close': '关闭后记录被修改',
    'rule.requester-approved-own-parts': '申领人自批备件',
    'rule.effort-longer-than-visit': '工时长于现场时间',
    'rule.non-positive-visit-span': '现场时间不合理',
    'rule.more-than-a-day-in-a-day': '一天内超过 24 小时',
    sample: '审计抽样', sampleAbout: '在每个等级与渠道内随机抽取，每层至少一例。请记录种子：同一时间段用同一种子抽到相同工单。',
    size: '数量', seed: '种子', draw: '抽样', sizeWrong: '数量须为 1 到 500 的整数。', seedWrong: '种子须为 0 到 2147483647 的整数。',
    population: '时间段内工单', strata: '分层', stratum: '等级 · 渠道', sampled: '抽取', drawnOf: '共 {of} 个工单，抽取 {n} 个（种子 {seed}）：{proved} 个已证实，{running} 个进行中，{gaps} 个有缺口。',
    proved: '已证实', 'in-progress': '进行中', gaps: '有缺口', steps: '生命周期', missingFields: '登记缺失', noneMissing: '无缺失', noGaps: '无缺口', noCasesInWindow: '该时间段内没有登记的工单。',
    'step.registered': '登记', 'step.answered': '答复', 'step.dispatched': '派工', 'step.resolved': '解决', 'step.accepted': '验收', 'step.closed': '关闭', 'step.followed-up': '回访', 'step.cancelled': '取消',
    'status.done': '已完成', 'status.missing': '缺失', 'status.not-yet-due': '未到期', 'status.not-applicable': '不适用',
    record: '工单记录', recordClose: '关闭', customer: '客户', machine: '设备', tier: '等级', engineer: '工程师', registered: '登记', screened: '答复', assigned: '派工',
    resolved: '解决', accepted: '验收', closed: '关闭', cancelled: '取消', effort: '工时 / 路途（分钟）', facts: '构成记录的事实', fact: '事实', at: '时间', by: '操作人',
    afterClose: '关闭之后', notFound: '洞察服务没有该工单的任何事实。',
  },
};

