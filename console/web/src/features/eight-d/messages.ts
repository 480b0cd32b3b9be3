import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'title' | 'tabBoard' | 'tabRecurrences' | 'tabRecords' | 'tabOpen' | 'loading' | 'loadFailed' | 'empty' | 'closed' | 'starting'
  | 'counts' | 'overdue' | 'escalated' | 'owner' | 'due' | 'opened' | 'status' | 'back'
  | 'st.waiting' | 'st.open' | 'st.submitted' | 'st.approved' | 'st.returned' | 'awaitingApproval'
  | 'problem' | 'reason' | 'rules' | 'openedBy' | 'champion' | 'team' | 'fromRecord' | 'discipline' | 'submitted' | 'approved' | 'returns' | 'select'
  | 'content' | 'noContent' | 'form' | 'submit' | 'approve' | 'sendBack' | 'returnReason' | 'done' | 'refused'
  | 'why.read-only' | 'why.own-submission' | 'why.not-owner' | 'or' | 'why.closed' | 'why.waiting'
  | 'report' | 'reportHtml' | 'reportPdf' | 'reportHide' | 'reportFrame' | 'failureRecords'
  | 'openTitle' | 'productLine' | 'model' | 'failureMode' | 'requestIds' | 'partNumbers' | 'supplierClaimIds' | 'linkedTo' | 'listHint' | 'open' | 'openedOk'
  | 'filterModel' | 'checkedAt' | 'record' | 'outcome' | 'eightD' | 'records' | 'linked' | 'out.opened' | 'out.attached' | 'thresholds'
  | 'request' | 'occurredAt' | 'cause' | 'fix' | 'tier' | 'safety' | 'customer' | 'serial' | 'yes' | 'no' | 'part'
  | 'f.actions' | 'f.members' | 'f.membersHint' | 'f.owner' | 'f.statement' | 'f.what' | 'f.where' | 'f.when' | 'f.howMany' | 'f.isNot'
  | 'f.rootCause' | 'f.fiveWhys' | 'f.fiveWhysHint' | 'f.fishbone' | 'f.escapePoint' | 'f.implemented' | 'f.validation' | 'f.effective'
  | 'f.standards' | 'f.designRules' | 'f.otherModels' | 'f.listHint' | 'f.summary' | 'f.recognition' | 'f.flags' | 'f.owners'
  | 'f.action' | 'f.actionOwner' | 'f.actionDue' | 'f.addAction' | 'f.removeAction' | 'f.flag' | 'f.addFlag' | 'f.removeFlag' | 'f.instruction' | 'f.carryParts'
  | 'f.serialFrom' | 'f.serialTo' | 'f.partNumber';

export const eightDMessages: Catalogue<Key> = {
  en: {
    title: '8D board', tabBoard: 'Board', tabRecurrences: 'Recurrences', tabRecords: 'Failure records', tabOpen: 'Open an 8D', loading: 'Loading…', loadFailed: 'Could not load', empty: 'None.',
    closed: 'Closed', starting: 'Process starting', counts: '{open} open · {awaiting} awaiting approval · {overdue} overdue', overdue: 'Overdue', escalated: 'escalated {n}×',
    owner: 'Owner', due: 'Due', opened: 'Opened', status: 'Status', back: 'Back to the board',
    'st.waiting': 'Waiting', 'st.open': 'Open', 'st.submitted': 'Awaiting approval', 'st.approved': 'Approved', 'st.returned': 'Sent back', awaitingApproval: 'Awaiting approval',
    problem: 'Problem', reason: 'Why opened', rules: 'Opened by rule', openedBy: 'Opened by hand by', champion: 'Champion', team: 'Team',
    fromRecord: 'The workflow did not answer; this is the last recorded copy.', discipline: 'Discipline', submitted: 'Submitted', approved: 'Approved', returns: 'Sent back', select: 'Show',
    content: 'Submitted content', noContent: 'Nothing submitted yet.', form: 'Fill in {d}', submit: 'Submit {d} for approval', approve: 'Approve {d}', sendBack: 'Send {d} back', returnReason: 'Reason for sending it back',
    done: 'Done: {d} is {status}.', refused: 'Refused', 'why.read-only': 'Your role reads 8Ds; quality engineers and managers decide.',
    'why.own-submission': 'You submitted {d}: four eyes — another person must approve it.', 'why.not-owner': 'Only {who} (owner or champion) may submit {d}.', or: 'or',
    'why.closed': 'This 8D is closed.', 'why.waiting': '{d} opens when the discipline before it is approved.',
    report: 'Customer report', reportHtml: 'Show report (HTML)', reportPdf: 'Download report (PDF)', reportHide: 'Hide report', reportFrame: 'Customer report of {id}', failureRecords: 'Failure records of this 8D',
    openTitle: 'Open an 8D by hand', productLine: 'Product line', model: 'Model', failureMode: 'Failure mode code', requestIds: 'Service requests it concerns', partNumbers: 'Part numbers',
    supplierClaimIds: 'Supplier claims', linkedTo: 'Linked to 8D (optional)', listHint: 'One a line, or comma-separated.', open: 'Open the 8D', openedOk: 'Opened {id}; its disciplines appear once its workflow starts.',
    filterModel: 'Model (filter)', checkedAt: 'Checked', record: 'Failure record', outcome: 'Outcome', eightD: '8D', records: 'Records counted', linked: 'Linked 8Ds',
    'out.opened': 'Opened an 8D', 'out.attached': 'Joined the open 8D', thresholds: 'In force: {count} of one mode on one model within {days} days',
    request: 'Request', occurredAt: 'Occurred', cause: 'Cause', fix: 'Fix', tier: 'Tier', safety: 'Safety', customer: 'Customer', serial: 'Serial', yes: 'yes', no: 'no', part: 'Part',
    'f.actions': 'Actions', 'f.members': 'Team members', 'f.membersHint': 'One a line: id | name | role', 'f.owner': 'Owner of {d}', 'f.owners': 'Discipline owners (team member ids)',
    'f.statement': 'Problem statement', 'f.what': 'What', 'f.where': 'Where', 'f.when': 'When', 'f.howMany': 'How many', 'f.isNot': 'Is not',
    'f.rootCause': 'Root cause', 'f.fiveWhys': 'Five whys', 'f.fiveWhysHint': 'One answer a line; each explains the one before.', 'f.fishbone': 'Fishbone: {c}', 'f.escapePoint': 'Escape point',
    'f.implemented': 'What was implemented', 'f.validation': 'How it was validated', 'f.effective': 'The fix is effective (lifts the interim containment)',
    'f.standards': 'Standards updated', 'f.designRules': 'Design rules', 'f.otherModels': 'Other models it applies to', 'f.listHint': 'One a line.', 'f.summary': 'Summary', 'f.recognition': 'Team recognition',
    'f.flags': 'Containment flags on machines', 'f.action': 'Action', 'f.actionOwner': 'Action owner (team member id)', 'f.actionDue': 'Action due', 'f.addAction': 'Add an action', 'f.removeAction': 'Remove action {n}',
    'f.flag': 'Flag {n}', 'f.addFlag': 'Add a containment flag', 'f.removeFlag': 'Remove flag {n}', 'f.instruction': 'Instruction to the engineer', 'f.carryParts': 'Parts to carry',
    'f.serialFrom': 'Serial from', 'f.serialTo': 'Serial to', 'f.partNumber': 'Part number',
  },
  zh: {
    title: '8D 看板', tabBoard: '看板', tabRecurrences: '重复故障', tabRecords: '故障记录', tabOpen: '发起 8D', loading: '加载中…', loadFailed: '无法加载', empty: '无。',
    closed: '已关闭', starting: '流程启动中', counts: '进行中 {open} · 待批准 {awaiting} · 逾期 {overdue}', overdue: '逾期', escalated: '已升级 {n} 次',
    owner: '负责人', due: '截止', opened: '发起于', status: '状态', back: '返回看板',
    'st.waiting': '未开始', 'st.open': '进行中', 'st.submitted': '待批准', 'st.approved': '已批准', 'st.returned': '已退回', awaitingApproval: '待批准',
    problem: '问题', reason: '发起原因', rules: '触发规则', openedBy: '手动发起人', champion: '负责人（倡导者）', team: '小组',
    fromRecord: '工作流未响应；以下为最近一次记录的副本。', discipline: '步骤', submitted: '提交', approved: '批准', returns: '退回', select: '查看',
    content: '已提交内容', noContent: '尚未提交。', form: '填写 {d}', submit: '提交 {d} 待批准', approve: '批准 {d}', sendBack: '退回 {d}', returnReason: '退回原因',
    done: '完成：{d} 当前为「{status}」。', refused: '被拒绝', 'why.read-only': '您的角色只能查看 8D；由质量工程师和经理决定。',
    'why.own-submission': '{d} 由您提交：四眼原则——须由他人批准。', 'why.not-owner': '只有 {who}（负责人或倡导者）可以提交 {d}。', or: '或',
    'why.closed': '此 8D 已关闭。', 'why.waiting': '{d} 在前一步骤批准后开始。',
    report: '客户报告', reportHtml: '查看报告（HTML）', reportPdf: '下载报告（PDF）', reportHide: '隐藏报告', reportFrame: '{id} 的客户报告', failureRecords: '此 8D 的故障记录',
    openTitle: '手动发起 8D', productLine: '产品线', model: '型号', failureMode: '故障模式代码', requestIds: '相关服务请求', partNumbers: '零件号',
    supplierClaimIds: '供应商索赔', linkedTo: '关联 8D（可选）', listHint: '每行一个，或以逗号分隔。', open: '发起 8D', openedOk: '已发起 {id}；工作流启动后显示各步骤。',
    filterModel: '型号（筛选）', checkedAt: '检查时间', record: '故障记录', outcome: '结果', eightD: '8D', records: '计入的记录', linked: '关联 8D',
    'out.opened': '发起了 8D', 'out.attached': '并入进行中的 8D', thresholds: '现行规则：同一型号同一故障模式 {days} 天内 {count} 次',
    request: '请求', occurredAt: '发生时间', cause: '原因', fix: '处理', tier: '等级', safety: '安全', customer: '客户', serial: '序列号', yes: '是', no: '否', part: '零件',
    'f.actions': '措施', 'f.members': '小组成员', 'f.membersHint': '每行一人：工号 | 姓名 | 角色', 'f.owner': '{d} 负责人', 'f.owners': '各步骤负责人（小组成员工号）',
    'f.statement': '问题陈述', 'f.what': '什么', 'f.where': '哪里', 'f.when': '何时', 'f.howMany': '多少', 'f.isNot': '不是什么',
    'f.rootCause': '根本原因', 'f.fiveWhys': '五问法', 'f.fiveWhysHint': '每行一个回答；每个解释上一个。', 'f.fishbone': '鱼骨图：{c}', 'f.escapePoint': '流出点',
    'f.implemented': '已实施内容', 'f.validation': '验证方式', 'f.effective': '措施有效（解除临时围堵）',
    'f.standards': '已更新的标准', 'f.designRules': '设计规范', 'f.otherModels': '适用的其他型号', 'f.listHint': '每行一个。', 'f.summary': '总结', 'f.recognition': '团队表彰',
    'f.flags': '设备围堵标记', 'f.action': '措施', 'f.actionOwner': '措施负责人（小组成员工号）', 'f.actionDue': '措施截止', 'f.addAction': '添加措施', 'f.removeAction': '删除措施 {n}',
    'f.flag': '标记 {n}', 'f.addFlag': '添加围堵标记', 'f.removeFlag': '删除标记 {n}', 'f.instruction': '给工程师的指示', 'f.carryParts': '需携带的零件',
    'f.serialFrom': '起始序列号', 'f.serialTo': '结束序列号', 'f.partNumber': '零件号',
  },
};

/** A message with its {placeholders} filled in. */

/** The fishbone's categories in the user's words. */
export const fishboneNames: Catalogue<'man' | 'machine' | 'method' | 'material' | 'measurement' | 'environment'> = {
  en: { man: 'man', machine: 'machine', method: 'method', material: 'material', measurement: 'measurement', environment: 'environment' },
  zh: { man: '人', machine: '机', method: '法', material: '料', measurement: '测', environment: '环' },
};

/** Discipline titles (the workflow names them in English). */
export const disciplineTitles: Catalogue<'D0' | 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'D6' | 'D7' | 'D8'> = {
  en: { D0: 'Emergency response', D1: 'Team', D2: 'Problem description', D3: 'Interim containment', D4: 'Root cause', D5: 'Permanent corrective actions', D6: 'Implement and validate', D7: 'Prevent recurrence', D8: 'Close and recognise the team' },
  zh: { D0: '紧急响应', D1: '成立小组', D2: '问题描述', D3: '临时围堵', D4: '根本原因', D5: '永久纠正措施', D6: '实施与验证', D7: '预防再发', D8: '结案与表彰' },
};
