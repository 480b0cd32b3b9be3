import type { Catalogue } from '../../lib/i18n';

type Key =
  | 'title' | 'tabs' | 'tabApprovals' | 'tabStock' | 'tabReservations' | 'tabReturns' | 'tabClaims' | 'loading' | 'readFailed' | 'none'
  // stock
  | 'stockTitle' | 'lowThreshold' | 'lowHint' | 'part' | 'description' | 'onHand' | 'reserved' | 'available' | 'inTransit' | 'mark' | 'out' | 'low' | 'ok' | 'nothingStocked'
  | 'central' | 'regional' | 'van' | 'total' | 'lowCount' | 'filterPart'
  // approvals
  | 'approvalsTitle' | 'waitingForYou' | 'nothingForYou' | 'yourOwn' | 'ownHint' | 'othersWaiting' | 'othersHint' | 'requisition' | 'workOrder' | 'request' | 'requester' | 'lines' | 'value'
  | 'reasons' | 'askedNow' | 'deadline' | 'escalated' | 'reason' | 'reasonHint' | 'approve' | 'decline' | 'deciding' | 'declineNeedsReason' | 'refused' | 'decided' | 'recentlyDecided'
  | 'status' | 'noneDecided' | 'decidedBy' | 'decidedAt' | 'note' | 'lapsed' | 'raised'
  | 'pending-approval' | 'approved' | 'partially-approved' | 'rejected'
  // reservations
  | 'reservationsTitle' | 'reservationsHint' | 'lookUpWorkOrder' | 'show' | 'reservation' | 'reservedAt' | 'expiresAt' | 'ended' | 'noReservations' | 'noWorkOrders'
  | 'active' | 'consumed' | 'released'
  // returns
  | 'returnsTitle' | 'returnsHint' | 'engineer' | 'machine' | 'quantity' | 'dueAt' | 'overdue' | 'daysOverdue' | 'notYetDue' | 'chased' | 'flagged' | 'removedSerial' | 'nothingToChase'
  // claims and quotes
  | 'claimsTitle' | 'claimStatus' | 'all' | 'claim' | 'supplier' | 'lot' | 'amount' | 'opened' | 'noClaims' | 'quotesTitle' | 'quotesHint' | 'lookUpRequest' | 'quote' | 'issuedAt'
  | 'validUntil' | 'answer' | 'noQuotes'
  | 'open' | 'submitted' | 'accepted' | 'settled' | 'claimRejected' | 'issued' | 'declined' | 'expired';

export const sparesMessages: Catalogue<Key> = {
  en: {
    title: 'Spares desk', tabs: 'Spares desk sections', tabApprovals: 'Approvals', tabStock: 'Stock', tabReservations: 'Reservations', tabReturns: 'Returns to chase', tabClaims: 'Claims and quotes',
    loading: 'Loading…', readFailed: 'Could not be read', none: '—',
    stockTitle: 'Stock by location', lowThreshold: 'Low stock at or below (available units)', lowHint: 'Spares keeps no reorder point: this threshold is your own.', part: 'Part',
    description: 'Description', onHand: 'On hand', reserved: 'Reserved', available: 'Available', inTransit: 'In transit', mark: 'Mark', out: 'Out of stock', low: 'Low', ok: 'OK',
    nothingStocked: 'Nothing stocked here.', central: 'central warehouse', regional: 'regional warehouse', van: 'van', total: 'Total', lowCount: 'low or out', filterPart: 'Part number contains',
    approvalsTitle: 'Requisition approvals', waitingForYou: 'Waiting for you', nothingForYou: 'No requisition is waiting for you.', yourOwn: 'Raised by you',
    ownHint: 'Nobody approves their own requisition: these wait for the approvers named.', othersWaiting: 'Waiting for other approvers', othersHint: 'Not your turn yet: the approver asked now decides first.',
    requisition: 'Requisition', workOrder: 'Work order', request: 'Request', requester: 'Requested by', lines: 'Parts', value: 'Value', reasons: 'Why approval is needed', askedNow: 'Asked now',
    deadline: 'Answer by', escalated: 'Escalated', reason: 'Reason', reasonHint: 'Required to decline; kept with the decision.', approve: 'Approve', decline: 'Decline', deciding: 'Sending…',
    declineNeedsReason: 'Give a reason to decline.', refused: 'Refused by the service', decided: 'Decided', recentlyDecided: 'Recently decided', noneDecided: 'Nothing decided by a person yet.', status: 'Status', decidedBy: 'By',
    decidedAt: 'At', note: 'Note', lapsed: 'lapsed: nobody answered', raised: 'Raised',
    'pending-approval': 'Waiting for approval', approved: 'Approved', 'partially-approved': 'Partially approved', rejected: 'Declined',
    reservationsTitle: 'Reservations by work order', reservationsHint: 'Work orders named by requisitions and returns, newest first; look up any other.', lookUpWorkOrder: 'Work order id',
    show: 'Show', reservation: 'Reservation', reservedAt: 'Reserved', expiresAt: 'Holds until', ended: 'Ended', noReservations: 'No reservations.', noWorkOrders: 'No work order known yet: look one up.',
    active: 'Active', consumed: 'Consumed', released: 'Released',
    returnsTitle: 'Defective parts not yet back', returnsHint: 'Each replaced part must come back for failure analysis by its due date; late ones are chased, then flagged.',
    engineer: 'Engineer', machine: 'Machine', quantity: 'Qty', dueAt: 'Due', overdue: 'Overdue', daysOverdue: '{n} days overdue', notYetDue: 'Not yet due', chased: 'Chased', flagged: 'Red flag',
    removedSerial: 'Removed serial', nothingToChase: 'Every defective part is back.',
    claimsTitle: 'Supplier claims', claimStatus: 'Claim status', all: 'All', claim: 'Claim', supplier: 'Supplier', lot: 'Lot', amount: 'Amount', opened: 'Opened', noClaims: 'No supplier claims.',
    quotesTitle: 'Quotes for paid work', quotesHint: 'Quotes of the requests the desk knows of; look up any other request.', lookUpRequest: 'Request id', quote: 'Quote', issuedAt: 'Issued',
    validUntil: 'Valid until', answer: 'Answer', noQuotes: 'No quotes.',
    open: 'Open', submitted: 'Submitted', accepted: 'Accepted', settled: 'Settled', claimRejected: 'Rejected by the supplier', issued: 'Issued, unanswered', declined: 'Declined', expired: 'Expired',
  },
  zh: {
    title: '备件工作台', tabs: '备件工作台分区', tabApprovals: '审批', tabStock: '库存', tabReservations: '预留', tabReturns: '待催回旧件', tabClaims: '索赔与报价',
    loading: '加载中…', readFailed: '无法读取', none: '—',
    stockTitle: '按库位的库存', lowThreshold: '低库存阈值（可用数量不高于）', lowHint: '备件服务未设再订货点：此阈值由您自行设定。', part: '备件',
    description: '描述', onHand: '在库', reserved: '已预留', available: '可用', inTransit: '在途', mark: '标记', out: '缺货', low: '低库存', ok: '正常',
    nothingStocked: '此库位无库存。', central: '中央仓库', regional: '区域仓库', van: '服务车', total: '合计', lowCount: '项低库存或缺货', filterPart: '备件号包含',
    approvalsTitle: '领料申请审批', waitingForYou: '待您审批', nothingForYou: '目前没有待您审批的申请。', yourOwn: '您提交的申请',
    ownHint: '任何人不得审批自己的申请：这些申请等待所列审批人处理。', othersWaiting: '待其他审批人处理', othersHint: '尚未轮到您：由当前审批人先行决定。',
    requisition: '申请', workOrder: '工单', request: '服务请求', requester: '申请人', lines: '备件', value: '金额', reasons: '需审批原因', askedNow: '当前审批人',
    deadline: '截止', escalated: '已升级', reason: '理由', reasonHint: '驳回时必填，随决定一并保存。', approve: '批准', decline: '驳回', deciding: '提交中…',
    declineNeedsReason: '驳回需填写理由。', refused: '服务拒绝了此操作', decided: '已决定', recentlyDecided: '最近的决定', noneDecided: '尚无人工审批的决定。', status: '状态', decidedBy: '决定人',
    decidedAt: '时间', note: '备注', lapsed: '已失效：无人答复', raised: '提交于',
    'pending-approval': '待审批', approved: '已批准', 'partially-approved': '部分批准', rejected: '已驳回',
    reservationsTitle: '按工单的预留', reservationsHint: '列出申请和旧件中出现的工单（最新在前）；其他工单可查询。', lookUpWorkOrder: '工单号',
    show: '查看', reservation: '预留', reservedAt: '预留于', expiresAt: '保留至', ended: '结束', noReservations: '没有预留。', noWorkOrders: '暂无已知工单：请查询。',
    active: '有效', consumed: '已消耗', released: '已释放',
    returnsTitle: '尚未返回的故障件', returnsHint: '每个更换下的故障件须在到期前返回做失效分析；逾期将被催办，再逾期则标为红旗。',
    engineer: '工程师', machine: '设备', quantity: '数量', dueAt: '到期', overdue: '逾期', daysOverdue: '逾期 {n} 天', notYetDue: '未到期', chased: '已催办', flagged: '红旗',
    removedSerial: '拆下序列号', nothingToChase: '所有故障件均已返回。',
    claimsTitle: '供应商索赔', claimStatus: '索赔状态', all: '全部', claim: '索赔', supplier: '供应商', lot: '批次', amount: '金额', opened: '发起于', noClaims: '没有供应商索赔。',
    quotesTitle: '付费服务报价', quotesHint: '工作台已知服务请求的报价；其他请求可查询。', lookUpRequest: '服务请求号', quote: '报价', issuedAt: '出具于',
    validUntil: '有效期至', answer: '客户答复', noQuotes: '没有报价。',
    open: '未提交', submitted: '已提交', accepted: '已接受', settled: '已结算', claimRejected: '供应商已拒绝', issued: '已出具，未答复', declined: '已拒绝', expired: '已过期',
  },
};
