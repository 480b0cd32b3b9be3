import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'today' | 'loading' | 'noJobs' | 'refresh' | 'unplanned' | 'containmentFlag' | 'back' | 'reportSent' | 'request'
  | 'what' | 'machine' | 'symptom' | 'priority' | 'where' | 'customer' | 'site' | 'map' | 'contact' | 'window' | 'travel' | 'leaveAt' | 'minutes'
  | 'containment' | 'bring' | 'parts' | 'noParts' | 'reserved' | 'forContainment' | 'inVan'
  | 'steps' | 'reportBelow' | 'declineReason' | 'decline' | 'keep'
  | 'report' | 'startedAt' | 'finishedAt' | 'effortMinutes' | 'travelMinutes' | 'cause' | 'fix' | 'workDone' | 'partsUsed' | 'partNumber' | 'quantity' | 'removedSerial'
  | 'removePart' | 'addPart' | 'outcome' | 'fixedFirstTime' | 'notFixedFirstTime' | 'failureCategory' | 'notDecided' | 'signOff' | 'sending' | 'sendReport'
  | `status:${'proposed' | 'assigned' | 'accepted' | 'travelling' | 'on-site' | 'working' | 'work-finished' | 'completed' | 'cancelled'}`
  | `request:${'registered' | 'screened-invalid' | 'awaiting-quote' | 'awaiting-dispatch' | 'dispatched' | 'on-site' | 'resolved' | 'closed' | 'followed-up' | 'cancelled'}`
  | `route:${'field-visit' | 'remote' | 'ship-part' | 'depot'}`
  | `step:${'acceptance' | 'travel-start' | 'arrival' | 'work-start' | 'work-finish' | 'report'}`
  | `do:${'acceptance' | 'travel-start' | 'arrival' | 'work-start' | 'work-finish'}`
  | `category:${'quality-failure' | 'wear' | 'misuse' | 'no-fault-found' | 'other'}`;

export const fieldJobsMessages: Catalogue<Key> = {
  en: {
    today: "Today's jobs", loading: 'Loading…', noJobs: 'No jobs for you today.', refresh: 'Refresh', unplanned: 'Not planned yet', containmentFlag: 'Containment: read before you go',
    back: 'All jobs', reportSent: 'Report sent', request: 'Service request',
    what: 'What', machine: 'Machine', symptom: 'Symptom', priority: 'Priority', where: 'Where', customer: 'Customer', site: 'Site', map: 'Map', contact: 'Contact',
    window: 'Time window', travel: 'Travel', leaveAt: 'Leave at', minutes: 'min',
    containment: 'Containment instructions', bring: 'bring', parts: 'Parts to carry', noParts: 'Nothing reserved for this job.', reserved: 'reserved', forContainment: 'for containment', inVan: 'in your van',
    steps: 'Steps', reportBelow: 'Work is finished: write the report below.', declineReason: 'Why you decline', decline: 'Decline the job', keep: 'Keep the job',
    report: 'Report', startedAt: 'Work started', finishedAt: 'Work finished', effortMinutes: 'Effort (minutes)', travelMinutes: 'Travel (minutes)', cause: 'Cause', fix: 'Fix', workDone: 'Work done',
    partsUsed: 'Parts used', partNumber: 'Part number', quantity: 'Quantity', removedSerial: 'Serial of the removed part', removePart: 'Remove part', addPart: 'Add a part',
    outcome: 'Outcome', fixedFirstTime: 'Fixed on this visit', notFixedFirstTime: 'Not fixed on this visit', failureCategory: 'Why it failed (who pays)', notDecided: 'Not decided',
    signOff: 'Customer sign-off (name)', sending: 'Sending…', sendReport: 'Send the report',
    'status:proposed': 'Proposed', 'status:assigned': 'Assigned', 'status:accepted': 'Accepted', 'status:travelling': 'Travelling', 'status:on-site': 'On site', 'status:working': 'Working',
    'status:work-finished': 'Work finished', 'status:completed': 'Completed', 'status:cancelled': 'Cancelled',
    'request:registered': 'registered', 'request:screened-invalid': 'screened invalid', 'request:awaiting-quote': 'awaiting a quote', 'request:awaiting-dispatch': 'awaiting dispatch',
    'request:dispatched': 'dispatched', 'request:on-site': 'engineer on site', 'request:resolved': 'resolved', 'request:closed': 'closed', 'request:followed-up': 'followed up', 'request:cancelled': 'cancelled',
    'route:field-visit': 'field visit', 'route:remote': 'remote', 'route:ship-part': 'ship a part', 'route:depot': 'depot repair',
    'step:acceptance': 'Accept', 'step:travel-start': 'Leave for the site', 'step:arrival': 'Arrive on site', 'step:work-start': 'Start work', 'step:work-finish': 'Finish work', 'step:report': 'Report',
    'do:acceptance': 'Accept the job', 'do:travel-start': 'Leave for the site now', 'do:arrival': 'I am on site', 'do:work-start': 'Start work', 'do:work-finish': 'Work is finished',
    'category:quality-failure': 'Quality failure', 'category:wear': 'Wear', 'category:misuse': 'Misuse', 'category:no-fault-found': 'No fault found', 'category:other': 'Other',
  },
  zh: {
    today: '今日工单', loading: '加载中…', noJobs: '您今天没有工单。', refresh: '刷新', unplanned: '尚未排期', containmentFlag: '有遏制措施：出发前请阅读',
    back: '全部工单', reportSent: '报告已提交', request: '服务请求',
    what: '内容', machine: '设备', symptom: '故障现象', priority: '优先级', where: '地点', customer: '客户', site: '现场', map: '地图', contact: '联系人',
    window: '时间窗口', travel: '路程', leaveAt: '出发时间', minutes: '分钟',
    containment: '遏制措施说明', bring: '携带', parts: '需携带的备件', noParts: '此工单没有预留备件。', reserved: '已预留', forContainment: '遏制措施所需', inVan: '车上有库存',
    steps: '步骤', reportBelow: '工作已完成：请在下方填写报告。', declineReason: '拒绝原因', decline: '拒绝此工单', keep: '保留此工单',
    report: '服务报告', startedAt: '开始工作时间', finishedAt: '完成工作时间', effortMinutes: '工时（分钟）', travelMinutes: '路程（分钟）', cause: '原因', fix: '处理方法', workDone: '完成的工作',
    partsUsed: '已用备件', partNumber: '备件号', quantity: '数量', removedSerial: '拆下备件的序列号', removePart: '删除备件', addPart: '添加备件',
    outcome: '结果', fixedFirstTime: '本次上门已修复', notFixedFirstTime: '本次上门未修复', failureCategory: '故障原因（由谁承担费用）', notDecided: '未确定',
    signOff: '客户签字确认（姓名）', sending: '提交中…', sendReport: '提交报告',
    'status:proposed': '待分派', 'status:assigned': '已分派', 'status:accepted': '已接单', 'status:travelling': '在途', 'status:on-site': '已到场', 'status:working': '维修中',
    'status:work-finished': '工作已完成', 'status:completed': '已完工', 'status:cancelled': '已取消',
    'request:registered': '已登记', 'request:screened-invalid': '筛查无效', 'request:awaiting-quote': '等待报价', 'request:awaiting-dispatch': '等待派工',
    'request:dispatched': '已派工', 'request:on-site': '工程师已到场', 'request:resolved': '已解决', 'request:closed': '已关闭', 'request:followed-up': '已回访', 'request:cancelled': '已取消',
    'route:field-visit': '上门服务', 'route:remote': '远程处理', 'route:ship-part': '寄送备件', 'route:depot': '返厂维修',
    'step:acceptance': '接单', 'step:travel-start': '出发前往现场', 'step:arrival': '到达现场', 'step:work-start': '开始工作', 'step:work-finish': '完成工作', 'step:report': '提交报告',
    'do:acceptance': '接受此工单', 'do:travel-start': '现在出发', 'do:arrival': '我已到场', 'do:work-start': '开始工作', 'do:work-finish': '工作已完成',
    'category:quality-failure': '质量故障', 'category:wear': '正常磨损', 'category:misuse': '使用不当', 'category:no-fault-found': '未发现故障', 'category:other': '其他',
  },
};
